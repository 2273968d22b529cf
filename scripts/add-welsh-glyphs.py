#!/usr/bin/env python3
"""Add the Welsh letters Atkinson Hyperlegible 1.006 lacks to the bundled fonts.

Welsh writes w and y with a circumflex (to bach: ŵ ŷ, as in "Tŷ Gwyn"), and
sometimes with a grave, acute or diaeresis (ẁ ẃ ẅ ỳ).  The font has ý ÿ
but none of these, so addresses holding them could not be printed.  This
builds each missing letter as a composite glyph from the font's own base
letter and combining mark, the way the font builds â or ý: the mark
component and its height are taken from the font's own composite of the same
mark on a or A, and the mark is centred over the new base letter.  Nothing
else in the font changes; the DSIG table (a signature over the old bytes) is
dropped and the version string says what was added.

The font is under the SIL Open Font License 1.1, which allows modified
versions under the same licence; it declares no Reserved Font Name.

Run from the repository root: .venv/bin/python scripts/add-welsh-glyphs.py
It is idempotent and deterministic (the head table's dates are kept).
"""

from __future__ import annotations

from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

FONT_DIR = Path(__file__).resolve().parent.parent / "handle_docs" / "assets" / "fonts"
NOTE = "; Welsh w and y with accents added by handle-docs"

# new glyph: (code point, base letter, composite on a/A with the same mark)
LETTERS = {
    "wcircumflex": (0x0175, "w", "acircumflex"),
    "Wcircumflex": (0x0174, "W", "Acircumflex"),
    "ycircumflex": (0x0177, "y", "acircumflex"),
    "Ycircumflex": (0x0176, "Y", "Acircumflex"),
    "wgrave": (0x1E81, "w", "agrave"),
    "Wgrave": (0x1E80, "W", "Agrave"),
    "wacute": (0x1E83, "w", "aacute"),
    "Wacute": (0x1E82, "W", "Aacute"),
    "wdieresis": (0x1E85, "w", "adieresis"),
    "Wdieresis": (0x1E84, "W", "Adieresis"),
    "ygrave": (0x1EF3, "y", "agrave"),
    "Ygrave": (0x1EF2, "Y", "Agrave"),
}


def _centre(glyf, name: str) -> float:
    glyph = glyf[name]
    glyph.recalcBounds(glyf)
    return (glyph.xMin + glyph.xMax) / 2


def add_letters(path: Path) -> list[str]:
    font = TTFont(path, recalcTimestamp=False)  # keep head.modified: same input, same bytes
    glyf, hmtx = font["glyf"], font["hmtx"]
    order = font.getGlyphOrder()
    added = []
    for name, (code, base, model) in LETTERS.items():
        if name in glyf.keys():
            continue
        reference = glyf[model]
        mark = next(c for c in reference.components if c.glyphName != model[0])
        # where the font puts the mark over a/A, relative to centring it
        nudge = mark.x - (_centre(glyf, model[0]) - _centre(glyf, mark.glyphName))
        composite = Glyph()
        composite.numberOfContours = -1
        composite.components = []
        for component_name, x, y in (
            (base, 0, 0),
            (mark.glyphName, round(_centre(glyf, base) - _centre(glyf, mark.glyphName) + nudge), mark.y),
        ):
            component = GlyphComponent()
            component.glyphName, component.x, component.y = component_name, x, y
            component.flags = 0x4  # ROUND_XY_TO_GRID, as in the font's own composites
            composite.components.append(component)
        composite.components[0].flags |= 0x200  # USE_MY_METRICS: the base letter's advance
        order.append(name)
        glyf.glyphs[name] = composite
        glyf.glyphOrder = order
        hmtx[name] = hmtx[base]
        composite.recalcBounds(glyf)
        for table in font["cmap"].tables:
            if table.isUnicode() and (code <= 0xFFFF or table.format in (12, 13)):
                table.cmap[code] = name
        if "GDEF" in font and font["GDEF"].table.GlyphClassDef is not None:
            font["GDEF"].table.GlyphClassDef.classDefs[name] = 1  # a base glyph
        added.append(name)
    if added:
        font.setGlyphOrder(order)
        if "DSIG" in font:
            del font["DSIG"]
        for record in font["name"].names:
            if record.nameID == 5 and NOTE not in record.toUnicode():
                record.string = record.toUnicode() + NOTE
        font.save(path, reorderTables=True)
    font.close()
    return added


def main() -> None:
    for face in ("Regular", "Bold"):
        path = FONT_DIR / f"AtkinsonHyperlegible-{face}.ttf"
        added = add_letters(path)
        print(f"{path.name}: {', '.join(added) if added else 'nothing to add'}")


if __name__ == "__main__":
    main()
