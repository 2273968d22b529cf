"""Arabic and Urdu letters run right to left, as a reader of those scripts expects.

The letters are the fixtures in tests/assets/rtl/, rendered by the run's own
chunk renderer: text starts at the right margin, the vehicles table's first
column is on the right, each QR code sits to the right of its text, and the
registration, postcode, phone number and web address inside the right-to-left
text still read left to right.  Page images are compared with the golden
images in tests/golden/ (regenerate them with
``pytest tests/test_rtl.py --update-golden`` after a deliberate change, and
look at them before committing).
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2
import pytest
from PIL import Image, ImageChops

from handle_docs.checks import check_paths
from handle_docs.checks.config import config_from_links
from handle_docs.checks.structure_tree import resolve_role, role_names, struct_type, walk_structure
from handle_docs.render.direction import direction_of_text, text_direction
from handle_docs.run.chunk import ChunkRenderer, RunSettings
from handle_docs.run.context import letter_context
from handle_docs.wording.content import load_content

from .conftest import EPOCH
from .pdfsee import words
from .rtl import PHONE, POSTCODE, SHORT, VRM, render_letter, rtl_content_dir, sample_letter

GOLDEN = Path(__file__).resolve().parent / "golden"
GOLDEN_DPI = 50
#: Share of a page's pixels that may differ from the golden image (anti-aliasing,
#: a FreeType or HarfBuzz update); text falling back to the left moves far more.
GOLDEN_TOLERANCE = 0.01


@pytest.fixture(scope="module")
def content_dir(tmp_path_factory) -> Path:
    return rtl_content_dir(tmp_path_factory.mktemp("rtl"))


@pytest.fixture(scope="module")
def letters(content_dir, tmp_path_factory) -> dict[str, Path]:
    """The Arabic and Urdu letters' PDFs (and Word files beside them)."""
    out = tmp_path_factory.mktemp("letters")
    with pytest.MonkeyPatch.context() as patch:  # the autouse clock is per test; this fixture outlives one
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return {lang: render_letter(content_dir, lang, out / lang, docx=True) for lang in ("ar", "ur")}


# --- direction ------------------------------------------------------------------


@pytest.mark.parametrize("lang, direction", [
    ("ar", "rtl"), ("ur", "rtl"), ("fa", "rtl"), ("he", "rtl"), ("ps", "rtl"), ("sd", "rtl"), ("ug", "rtl"),
    ("yi", "rtl"), ("ur-PK", "rtl"), ("en-GB", "ltr"), ("cy", "ltr"), ("pl", "ltr"), ("ro", "ltr"), ("pa", "ltr"),
])
def test_the_direction_comes_from_the_language_code_alone(lang, direction):
    assert text_direction(lang) == direction


@pytest.mark.parametrize("value, direction", [
    (VRM, "ltr"), (PHONE, "ltr"), ("999", "ltr"), (SHORT, "ltr"), ("14 November 2026", "ltr"),
    ("ایسٹمور", "rtl"), ("الشرطة 101", "rtl"),
])
def test_a_value_reads_in_the_direction_of_its_first_letter(value, direction):
    assert direction_of_text(value) == direction


def test_each_letter_carries_its_own_language_and_direction_in_the_html(content_dir):
    content = load_content(content_dir, content_dir.parent / "templates")
    renderer = ChunkRenderer(RunSettings(content_root=content_dir, templates=content_dir.parent / "templates"), content)
    ready, rejects = renderer.prepare([sample_letter("ar"), sample_letter("en-GB")])
    html = renderer.document(ready)
    assert not rejects
    assert '<html lang="en-GB" dir="ltr">' in html
    assert 'lang="ar" dir="rtl"' in html and 'lang="en-GB" dir="ltr"' in html
    assert f'<bdi dir="ltr">{VRM}</bdi>' in html and f'<bdi dir="ltr">{POSTCODE}</bdi>' in html
    # the web address: left to right, in pieces that break only after a "." or a "/"
    assert ('<bdi dir="ltr"><span class="unbroken">westmarch-police.</span><wbr><span class="unbroken">example/</span>'
            '<wbr><span class="unbroken">watch</span></bdi>') in html
    assert SHORT == "westmarch-police.example/watch"


def test_a_phone_number_filled_into_the_wording_is_a_run_of_its_own(content_dir):
    content = load_content(content_dir, content_dir.parent / "templates")
    context = letter_context(sample_letter("ar"), content, content.material("visit-letter-ar"))
    runs = context["closing"]["body"][0]["runs"]
    assert {"text": PHONE, "bold": False, "ltr": True} in runs
    assert all(not run["ltr"] for run in runs if run["text"] != PHONE)


# --- what the reader sees -------------------------------------------------------


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_registration_postcode_phone_and_web_address_read_left_to_right(letters, lang):
    # In reading order (the tagged structure, what a screen reader follows)
    # and on the page (left to right along the line), each value keeps its order.
    elements = tagged_elements(letters[lang])
    read = "".join(e[3] for e in elements)
    for value in (VRM, POSTCODE, PHONE, SHORT, "999"):
        compact = value.replace(" ", "")
        assert compact in read, value
        holders = [e for e in elements if compact in e[3]]
        assert all(compact in e[4] for e in holders), (value, [e[4] for e in holders])


def test_a_line_of_latin_values_copies_out_in_order(letters):
    # PDFium (Chrome's viewer, copy and paste) keeps a line holding only
    # left-to-right values in order; docs/languages.md says what it does with
    # a line that mixes them with Arabic text.
    assert f"{PHONE} " in words(letters["ar"]) and f"{POSTCODE} " in words(letters["ar"])


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_the_letters_pass_the_accessibility_checks(letters, content_dir, lang):
    (report,) = check_paths([letters[lang]], config_from_links(content_dir / "links.yaml"))
    failed = {result.check: result.findings for result in report.results if not result.passed}
    assert not failed


def page_image(pdf: Path, index: int) -> Image.Image:
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return document[index].render(scale=GOLDEN_DPI / 72).to_pil().convert("L")
    finally:
        document.close()


def differing_share(a: Image.Image, b: Image.Image) -> float:
    if a.size != b.size:
        return 1.0
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > 64 else 0)
    return diff.histogram()[255] / (a.width * a.height)


@pytest.mark.parametrize("lang, page", [("ar", 0), ("ar", 1), ("ur", 0), ("ur", 1)])
def test_the_page_looks_like_its_golden_image(letters, request, lang, page):
    image = page_image(letters[lang], page)
    golden = GOLDEN / f"visit-{lang}-page{page + 1}.png"
    if request.config.getoption("--update-golden"):
        image.save(golden, optimize=True)
        pytest.skip(f"wrote {golden.name}: look at it before committing")
    assert golden.is_file(), f"no {golden.name}: run pytest tests/test_rtl.py --update-golden"
    share = differing_share(image, Image.open(golden).convert("L"))
    assert share < GOLDEN_TOLERANCE, f"{share:.1%} of page {page + 1} differs from {golden.name}"


# --- reading order: the structure tree against the page -------------------------


BLOCKS = {"P", "H1", "H2", "H3", "TH", "TD", "LI", "Caption", "Figure"}


def tagged_elements(pdf_path: Path) -> list[tuple]:
    """Each structure element holding text, in structure order: (type, page
    index, its box (x0, top, x1, bottom) on the page, its text in reading
    order, its text as it stands on the page, left to right along each line,
    and the box (x0, top, x1) of each piece of it in reading order).
    Spaces are left out of both texts."""
    with pikepdf.open(pdf_path) as pdf:
        root = pdf.Root.StructTreeRoot
        roles = role_names(root)
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        kinds: dict = {}
        parents: dict = {}
        blocks: dict = {}  # the block element (objgen) → its type, page and MCIDs, in reading order
        for visit in walk_structure(root):
            key = visit.elem.objgen
            kinds[key] = resolve_role(struct_type(visit.elem), roles)
            parents[key] = visit.parent.objgen
            mcids = [kid for kid in visit.content if isinstance(kid, int)]
            if not mcids or visit.page is None:
                continue
            block = key
            while kinds.get(block) not in BLOCKS and parents.get(block) in kinds:
                block = parents[block]
            entry = blocks.setdefault(block, [kinds[block], pages[visit.page.objgen], []])
            entry[2].extend(mcids)
        found = list(blocks.values())
    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for kind, index, mcids in found:
            chars = [c for c in pdf.pages[index].chars if c.get("mcid") in mcids and c["text"].strip()]
            if chars:
                box = (min(c["x0"] for c in chars), min(c["top"] for c in chars),
                       max(c["x1"] for c in chars), max(c["bottom"] for c in chars))
                on_page = sorted(chars, key=lambda c: (round(c["top"] / 4), c["x0"]))
                pieces = []  # each marked content (a run of text drawn in one go): its box, in structure order
                for mcid in mcids:
                    own = [c for c in chars if c["mcid"] == mcid]
                    if own:
                        pieces.append((min(c["x0"] for c in own), min(c["top"] for c in own), max(c["x1"] for c in own)))
                out.append((kind, index, box, "".join(c["text"] for c in chars), "".join(c["text"] for c in on_page),
                            pieces))
    return out


RIGHT_MARGIN_PT = 18 / 25.4 * 72  # base.css @page margin
A4_WIDTH_PT = 210 / 25.4 * 72


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_the_body_text_starts_at_the_right_margin_in_structure_order(letters, lang):
    elements = tagged_elements(letters[lang])
    first_page = [e for e in elements if e[1] == 0]
    headings = [e for e in first_page if e[0] == "H1"]
    assert headings, "the title is tagged H1"
    title_top = headings[0][2][1]
    body = [e for e in first_page if e[0] in ("H1", "H2", "P") and e[2][1] >= title_top - 1]
    right_edge = A4_WIDTH_PT - RIGHT_MARGIN_PT
    # The first text read after the letterhead is the title, then the greeting,
    # each the top-most of what is left and flush with the right margin (a
    # Nastaliq line ends up to one em short of it: its glyphs' side bearings).
    for kind, _, (x0, top, x1, bottom), text, *_ in body[:4]:
        assert right_edge - 16 <= x1 <= right_edge + 1, (kind, x1, text)
    tops = [e[2][1] for e in body]
    assert tops == sorted(tops), "structure order runs top to bottom"


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_a_line_is_read_from_its_right_hand_end(letters, lang):
    # The opening paragraph mixes words, the patrol's date (written in the
    # letter's language) and the area's name (an isolated English value): in
    # the structure the first piece read is the right-most on the first line,
    # and each next one lies to its left.
    elements = tagged_elements(letters[lang])
    after_title = elements[next(i for i, e in enumerate(elements) if e[0] == "H1"):]
    opening = next(e for e in after_title if e[0] == "P" and "Eastmoor" in e[3])
    pieces = opening[5]
    first_line = [piece for piece in pieces if abs(piece[1] - pieces[0][1]) < 8]
    assert len(first_line) >= 3
    assert first_line[0][2] >= max(piece[2] for piece in pieces) - 1
    assert [piece[0] for piece in first_line] == sorted((piece[0] for piece in first_line), reverse=True)


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_the_vehicles_table_is_read_from_its_right_hand_column(letters, lang):
    cells = [e for e in tagged_elements(letters[lang]) if e[0] in ("TH", "TD")]
    heads, row = cells[:3], cells[3:6]
    assert [c[2][0] for c in heads] == sorted((c[2][0] for c in heads), reverse=True)
    assert [c[2][0] for c in row] == sorted((c[2][0] for c in row), reverse=True)
    assert row[0][3].replace(" ", "") == VRM.replace(" ", "")


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_each_qr_code_is_on_the_right_of_its_text(letters, lang):
    with pdfplumber.open(letters[lang]) as pdf:
        for page in pdf.pages:
            for image in page.images:
                beside = [c for c in page.chars if image["top"] <= c["top"] <= image["bottom"]
                          and c["text"].strip() and abs(c["x1"] - image["x0"]) < 60]
                assert beside, "text beside each QR code"
                assert max(c["x1"] for c in beside) <= image["x0"] + 1


# --- Word -----------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LRM = "\u200e"


def document_xml(path: Path, part: str = "word/document.xml"):
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(part))


def run_text(r) -> str:
    return "".join(t.text or "" for t in r.iter(f"{W}t"))


def test_the_word_template_is_chosen_by_direction(content_dir):
    from handle_docs.render.docx import template_path

    content = load_content(content_dir, content_dir.parent / "templates")
    assert template_path(content, content.material("visit-letter-ar")).name == "visit-rtl.docx"
    assert template_path(content, content.material("visit-letter-ur")).name == "visit-rtl.docx"
    assert template_path(content, content.material("visit-letter")).name == "visit.docx"
    assert template_path(content, content.material("lock-it-leaflet")).name == "leaflet.docx"
    assert template_path(content, content.material("lock-it-leaflet-ar")).name == "leaflet-rtl.docx"


def test_a_right_to_left_word_leaflet_passes_the_word_checks(content_dir, tmp_path):
    from handle_docs.checks import check_docx
    from handle_docs.checks.config import CheckConfig
    from handle_docs.render.docx import write_leaflet_docx

    content = load_content(content_dir, content_dir.parent / "templates")
    path = tmp_path / write_leaflet_docx(content, content.material("lock-it-leaflet-ar"), tmp_path)
    report = check_docx(path, CheckConfig())
    assert all(result.passed for result in report.results), [(r.check, r.findings) for r in report.results if not r.passed]
    root = document_xml(path)
    assert all(p.find(f"{W}pPr/{W}bidi") is not None for p in root.iter(f"{W}p") if run_text(p).strip())
    assert root.find(f".//{W}tblPr/{W}bidiVisual") is not None


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_every_paragraph_and_run_of_a_right_to_left_word_letter_says_so(letters, lang):
    root = document_xml(letters[lang].with_suffix(".docx"))
    paragraphs = [p for p in root.iter(f"{W}p") if run_text(p).strip()]
    assert paragraphs and all(p.find(f"{W}pPr/{W}bidi") is not None for p in paragraphs)
    runs = [r for r in root.iter(f"{W}r") if run_text(r).strip()]
    for r in runs:
        assert r.find(f"{W}rPr/{W}lang").get(f"{W}bidi") == lang, run_text(r)
        assert r.find(f"{W}rPr/{W}rFonts") is None, "fonts are the styles'"
    styles = document_xml(letters[lang].with_suffix(".docx"), "word/styles.xml")
    fonts = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert fonts.get(f"{W}cs") == "Arial"  # the complex-script font: Arial draws Arabic and Urdu letters
    by_text = {run_text(r): r for r in runs}
    title = next(r for text, r in by_text.items() if direction_of_text(text) == "rtl")
    assert title.find(f"{W}rPr/{W}rtl") is not None
    for value in (VRM, POSTCODE, PHONE, SHORT):
        held = by_text[LRM + value + LRM]  # kept left to right between two marks
        assert held.find(f"{W}rPr/{W}rtl") is None, value
    vehicles = [t for t in root.iter(f"{W}tbl") if VRM in "".join(run_text(r) for r in t.iter(f"{W}r"))]
    assert vehicles[0].find(f"{W}tblPr/{W}bidiVisual") is not None


def test_every_run_of_an_english_word_letter_says_british_english(tmp_path):
    pdf = render_letter(rtl_content_dir(tmp_path), "en-GB", tmp_path / "en", docx=True)
    root = document_xml(pdf.with_suffix(".docx"))
    runs = [r for r in root.iter(f"{W}r") if run_text(r).strip()]
    assert runs and all(r.find(f"{W}rPr/{W}lang").get(f"{W}val") == "en-GB" for r in runs)
    assert root.find(f".//{W}bidi") is None and root.find(f".//{W}rtl") is None
    assert LRM not in "".join(run_text(r) for r in runs)


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_the_right_to_left_word_letter_passes_the_word_checks(letters, lang):
    from handle_docs.checks import check_docx
    from handle_docs.checks.config import CheckConfig

    report = check_docx(letters[lang].with_suffix(".docx"), CheckConfig())
    assert all(result.passed for result in report.results), [
        (r.check, r.findings) for r in report.results if not r.passed]


def test_complex_script_text_under_16pt_fails_the_word_size_check(letters, tmp_path):
    import zipfile

    from handle_docs.checks import check_docx
    from handle_docs.checks.config import CheckConfig

    source = letters["ar"].with_suffix(".docx")
    small = tmp_path / "small-cs.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(small, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/styles.xml":  # Arabic drawn at 11 pt, Latin still 16 pt
                data = data.replace(b'<w:szCs w:val="32"/>', b'<w:szCs w:val="22"/>')
            dst.writestr(item, data)
    (result,) = [r for r in check_docx(small, CheckConfig()).results if r.check == "docx-font-size"]
    assert not result.passed and any("11 pt" in f.message for f in result.findings)


# --- leaflets -------------------------------------------------------------------


@pytest.mark.parametrize("fmt, page_width_mm, right_margin_mm", [("a4", 210, 18), ("a5-booklet", 148, 12)])
def test_a_right_to_left_leaflet_is_mirrored_in_both_sizes(content_dir, tmp_path, fmt, page_width_mm, right_margin_mm):
    from handle_docs.outputs.leaflets import render_leaflet

    content = load_content(content_dir, content_dir.parent / "templates")
    output = render_leaflet(content, content.material("lock-it-leaflet-ar"), tmp_path, fmt)
    pdf = tmp_path / output.reading_copy
    elements = tagged_elements(pdf)
    right_edge = (page_width_mm - right_margin_mm) / 25.4 * 72
    headings = [e for e in elements if e[0] in ("H1", "H2")]
    assert headings and all(right_edge - 3 <= e[2][2] <= right_edge + 1 for e in headings), headings
    assert any(PHONE.replace(" ", "") in e[4] for e in elements)
    with pdfplumber.open(pdf) as document:
        images = [(page, image) for page in document.pages for image in page.images]
        assert images
        for page, image in images:
            beside = [c for c in page.chars if image["top"] <= c["top"] <= image["bottom"] and c["text"].strip()]
            assert beside and max(c["x1"] for c in beside) <= image["x0"] + 1


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_the_page_footer_reference_stands_on_the_right(letters, lang):
    with pdfplumber.open(letters[lang]) as pdf:
        for page in pdf.pages:
            footer = [c for c in page.chars if c["top"] > page.height - 20 / 25.4 * 72 and c["text"].strip()]
            assert "".join(c["text"] for c in sorted(footer, key=lambda c: c["x0"])).startswith("R0001")
            assert max(c["x1"] for c in footer) > A4_WIDTH_PT - RIGHT_MARGIN_PT - 2
