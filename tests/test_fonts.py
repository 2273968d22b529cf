"""The bundled fonts draw every language the letters are written in.

Each line is laid out by the real renderer with the templates' base.css, as
a letter is: the words come back out of the PDF as they went in, drawn by
the bundled fonts (no stand-in font, no empty box), at 16 pt or more.
"""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
from weasyprint.formatting_structure.boxes import LineBox

from handle_docs.checks import CheckConfig, check_paths
from handle_docs.records.printable import covered
from handle_docs.render.pdf import PdfRenderer, RenderError
from handle_docs.util.fonts import FONT_DIR, bundled

from .conftest import ROOT, TEMPLATES
from .pdfsee import font_sizes_and_names
from .textread import poppler


def words(path: Path) -> str:
    """The words as Poppler reads them back (a reader that honours /ActualText; PDFium puts
    Arabic script through its own reordering a second time: docs/languages.md, text layer)."""
    return " ".join(poppler(path).split())


LINES = {
    "cy": ("Tŷ Gwyn, Ffordd y Môr", "AtkinsonHyperlegibleNext"),
    "pl": ("Łódź, Świętokrzyska", "AtkinsonHyperlegibleNext"),
    "ro": ("Ștefan Țărână", "AtkinsonHyperlegibleNext"),
    "pt": ("Conceição, São João", "AtkinsonHyperlegibleNext"),
    "ar": ("يرجى قفل سيارتك دائما", "NotoSansArabic"),
}
URDU = "براہ کرم اپنی گاڑی ہمیشہ لاک کریں"
URDU_PARAGRAPH = (
    "براہ کرم اپنی گاڑی ہمیشہ لاک کریں اور قیمتی چیزیں نظروں سے دور رکھیں۔ چوری کی اطلاع فوری "
    "طور پر پولیس کو دیں۔ ہم نے آپ کی گلی میں گاڑیوں کی جانچ کی ہے اور کچھ گاڑیاں کھلی ملیں۔"
)


@pytest.fixture(scope="module")
def renderer() -> PdfRenderer:
    return PdfRenderer(TEMPLATES)


def render(renderer: PdfRenderer, path: Path, lang: str, body: str) -> Path:
    return render_with_lines(renderer, path, lang, body)[0]


def render_with_lines(renderer: PdfRenderer, path: Path, lang: str, body: str) -> tuple[Path, int]:
    """The PDF written to ``path``, and how many lines WeasyPrint laid out on its first page."""
    html = (
        f'<html lang="{lang}"><head><title>Fonts</title><link rel="stylesheet" href="base.css"></head>'
        f"<body>{body}</body></html>"
    )
    document = renderer.layout(html)
    path.write_bytes(renderer.write(document, title="Fonts", lang=lang))
    return path, sum(1 for _ in line_boxes(document.pages[0]._page_box))


def line_boxes(box):
    if isinstance(box, LineBox):
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from line_boxes(child)


def families_drawn(path: Path) -> set[str]:
    _, names = font_sizes_and_names(path)
    return {re.sub(r"-(Bold)$", "", name).replace("-", "") for name in names}


def glyph_check(path: Path):
    (report,) = check_paths([path], CheckConfig())
    return {
        name: report.result(name) for name in ("glyphs", "fonts-embedded", "font-families", "min-font-size")
    }


@pytest.mark.parametrize("lang", sorted(LINES))
def test_each_language_is_drawn_in_its_bundled_font_and_reads_back_as_written(renderer, tmp_path, lang):
    line, family = LINES[lang]
    pdf = render(renderer, tmp_path / f"{lang}.pdf", lang, f"<p>{line}</p><h2>{line}</h2>")
    assert words(pdf) == f"{line} {line}"  # regular, then bold
    smallest, _ = font_sizes_and_names(pdf)
    assert smallest >= 16
    assert families_drawn(pdf) == {family}
    results = glyph_check(pdf)
    assert all(result.passed for result in results.values()), {n: r.where for n, r in results.items()}


def test_registrations_inside_arabic_text_stay_in_the_latin_font(renderer, tmp_path):
    pdf = render(renderer, tmp_path / "mixed.pdf", "ar", "<p>سيارة QZ00 XKA في الشارع</p>")
    with pdfplumber.open(pdf) as document:
        latin = "".join(c["text"] for c in document.pages[0].chars if "Atkinson" in c["fontname"])
    assert latin.replace(" ", "") == "QZ00XKA"
    assert families_drawn(pdf) == {"AtkinsonHyperlegibleNext", "NotoSansArabic"}
    assert glyph_check(pdf)["glyphs"].passed


def test_urdu_is_drawn_in_nastaliq_with_every_glyph_embedded(renderer, tmp_path):
    pdf = render(renderer, tmp_path / "ur.pdf", "ur", f"<p>{URDU}</p><h2>{URDU}</h2>")
    assert families_drawn(pdf) == {"NotoNastaliqUrdu"}
    smallest, _ = font_sizes_and_names(pdf)
    assert smallest >= 16
    results = glyph_check(pdf)
    assert all(result.passed for result in results.values()), {n: r.where for n, r in results.items()}


def test_urdu_reads_back_as_written(renderer, tmp_path):
    # Nastaliq draws a letter with several glyphs; the /ActualText of each word says what it is.
    pdf = render(renderer, tmp_path / "ur.pdf", "ur", f"<p>{URDU}</p><p>{URDU_PARAGRAPH}</p>")
    assert words(pdf) == f"{URDU} {URDU_PARAGRAPH}"


def ink_bands(pdf: Path) -> int:
    """Runs of pixel rows holding ink on page 1 at 150 dpi: one per line of
    text when lines stand clear of each other."""
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=150 / 72).to_pil().convert("L")
    finally:
        document.close()
    pixels, width = image.tobytes(), image.width
    inked = [min(pixels[y * width : (y + 1) * width]) < 128 for y in range(image.height)]
    return sum(1 for y, ink in enumerate(inked) if ink and (y == 0 or not inked[y - 1]))


def test_nastaliq_lines_stand_clear_of_each_other_at_16pt(renderer, tmp_path):
    # Nastaliq letters reach far above and below the line the font declares:
    # at the body's line height the tails of one line run into the next; with
    # base.css's Urdu line height every line of a paragraph is
    # separated by white from the next.
    # How many lines the paragraph takes depends on where this machine's HarfBuzz breaks them, so
    # the inked bands are compared with the lines laid out, not with a number.
    cramped, cramped_lines = render_with_lines(
        renderer, tmp_path / "cramped.pdf", "ur", f'<p style="line-height: 1.3">{URDU_PARAGRAPH}</p>'
    )
    spaced, spaced_lines = render_with_lines(
        renderer, tmp_path / "spaced.pdf", "ur", f"<p>{URDU_PARAGRAPH}</p>"
    )
    assert cramped_lines >= 2 and spaced_lines >= 2
    assert ink_bands(cramped) < cramped_lines
    assert ink_bands(spaced) == spaced_lines


def test_the_records_screen_accepts_what_the_bundled_fonts_draw():
    chars = covered()
    for line, _ in LINES.values():
        assert all(ord(ch) in chars for ch in line), line
    assert all(ord(ch) in chars for ch in URDU)
    assert ord("🚗") not in chars and ord("ถ") not in chars


def test_a_stylesheet_cannot_reach_outside_the_bundled_fonts(renderer):
    html = (
        '<html lang="en-GB"><head><title>t</title><style>@font-face { font-family: X; '
        'src: url("bundled-font:../../pyproject.toml"); } html { font-family: X; }</style></head>'
        "<body><p>Text</p></body></html>"
    )
    with pytest.raises(RenderError) as info:
        renderer.layout(html)
    assert "refused to fetch" in str(info.value)


def test_every_bundled_font_is_declared_documented_and_licensed():
    css = (TEMPLATES / "base.css").read_text(encoding="utf-8")
    fontlog = (FONT_DIR / "FONTLOG.txt").read_text(encoding="utf-8")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    fonts = bundled()
    assert {font.path.name for font in fonts} == {
        "AtkinsonHyperlegibleNext-Regular.ttf",
        "AtkinsonHyperlegibleNext-Bold.ttf",
        "NotoSansArabic-Regular.ttf",
        "NotoSansArabic-Bold.ttf",
        "NotoNastaliqUrdu-Regular.ttf",
        "NotoNastaliqUrdu-Bold.ttf",
    }
    for font in fonts:
        assert f'url("bundled-font:{font.path.name}")' in css, font.path.name
        assert font.path.name in fontlog and font.family in fontlog
    for licence in sorted(FONT_DIR.glob("OFL*.txt")):
        assert "SIL Open Font License" in licence.read_text(encoding="utf-8")
        assert f"handle_docs/assets/fonts/{licence.name}" in pyproject
