"""The bundled fonts: where they are, their families, and the characters they draw.

Which font draws which text is decided by ``templates/base.css`` (its
``@font-face`` rules and font-family stack).  This module only reads the font
files themselves (``handle_docs/assets/fonts/*.ttf``), so adding a font for a
new script is adding its files, never code: the records screen
(``records/printable.py``) and the output checks' allowed families follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONT_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"

#: URL scheme the PDF renderer serves the bundled font files under, so a
#: stylesheet in any templates folder can say ``url("bundled-font:X.ttf")``.
SCHEME = "bundled-font"


@dataclass(frozen=True)
class BundledFont:
    """One font file: its family (``Noto Sans Arabic``), PostScript name
    (``NotoSansArabic-Bold``) and the code points it has glyphs for."""

    path: Path
    family: str
    postscript_name: str
    codepoints: frozenset[int]


def _read(path: Path) -> BundledFont:
    font = TTFont(path, lazy=True)
    try:
        names = font["name"]
        family = names.getDebugName(16) or names.getDebugName(1) or path.stem
        postscript = names.getDebugName(6) or path.stem
        return BundledFont(path, family, postscript, frozenset(font.getBestCmap() or ()))
    finally:
        font.close()


@lru_cache(maxsize=1)
def bundled() -> tuple[BundledFont, ...]:
    """Every bundled font file, in file-name order."""
    return tuple(_read(path) for path in sorted(FONT_DIR.glob("*.ttf")))


def families() -> tuple[str, ...]:
    """The bundled families' PostScript family names (``AtkinsonHyperlegibleNext``,
    ``NotoSansArabic``, …): what a PDF's font names start with."""
    return tuple(sorted({font.postscript_name.split("-", 1)[0] for font in bundled()}))


@lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """Code points some bundled family draws in every one of its faces
    (regular and bold alike), so any text made of them prints whatever its
    weight."""
    by_family: dict[str, frozenset[int]] = {}
    for font in bundled():
        have = by_family.get(font.family)
        by_family[font.family] = font.codepoints if have is None else have & font.codepoints
    return frozenset().union(*by_family.values())
