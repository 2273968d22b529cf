"""Arabic and Urdu letters run right to left, as a reader of those scripts expects.

The letters are the fixtures in tests/assets/rtl/, rendered by the run's own
chunk renderer: text starts at the right margin, the vehicles table's first
column is on the right, each QR code sits to the right of its text, nothing
is clipped (every character and image inside the page's margins), the reading
order runs top to bottom and right to left, and the registration, postcode,
phone number and web address inside the right-to-left text still read left to
right.  All of it is checked on the positions of the PDF's characters and
images, not against page images: where a Nastaliq or Arabic line breaks
depends on the machine's HarfBuzz and Pango, and must not fail the tests.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from handle_docs.checks import check_paths
from handle_docs.checks.config import config_from_links
from handle_docs.compose.context import letter_context
from handle_docs.pdf.structure_tree import resolve_role, role_names, struct_type, walk_structure
from handle_docs.run.chunk import ChunkRenderer, RunSettings
from handle_docs.util.direction import direction_of_text, text_direction
from handle_docs.util.script import arabic_script
from handle_docs.wording.content import load_content

from .conftest import EPOCH
from .pdfsee import words
from .rtl import PHONE, POSTCODE, SHORT, VRM, render_letter, rtl_content_dir, sample_letter


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


@pytest.mark.parametrize(
    "lang, direction",
    [
        ("ar", "rtl"),
        ("ur", "rtl"),
        ("fa", "rtl"),
        ("he", "rtl"),
        ("ps", "rtl"),
        ("sd", "rtl"),
        ("ug", "rtl"),
        ("yi", "rtl"),
        ("ur-PK", "rtl"),
        ("en-GB", "ltr"),
        ("cy", "ltr"),
        ("pl", "ltr"),
        ("ro", "ltr"),
        ("pa", "ltr"),
    ],
)
def test_the_direction_comes_from_the_language_code_alone(lang, direction):
    assert text_direction(lang) == direction


@pytest.mark.parametrize(
    "value, direction",
    [
        (VRM, "ltr"),
        (PHONE, "ltr"),
        ("999", "ltr"),
        (SHORT, "ltr"),
        ("14 November 2026", "ltr"),
        ("ایسٹمور", "rtl"),
        ("الشرطة 101", "rtl"),
    ],
)
def test_a_value_reads_in_the_direction_of_its_first_letter(value, direction):
    assert direction_of_text(value) == direction


def test_each_letter_carries_its_own_language_and_direction_in_the_html(content_dir):
    content = load_content(content_dir, content_dir.parent / "templates")
    renderer = ChunkRenderer(
        RunSettings(content_root=content_dir, templates=content_dir.parent / "templates"), content
    )
    ready, rejects = renderer.prepare([sample_letter("ar"), sample_letter("en-GB")])
    html = renderer.document(ready)
    assert not rejects
    assert '<html lang="en-GB" dir="ltr">' in html
    assert 'lang="ar" dir="rtl"' in html and 'lang="en-GB" dir="ltr"' in html
    assert f'<bdi dir="ltr">{VRM}</bdi>' in html and f'<bdi dir="ltr">{POSTCODE}</bdi>' in html
    # the web address: left to right, in pieces that break only after a "." or a "/"
    assert (
        '<bdi dir="ltr"><span class="unbroken">westmarch-police.</span><wbr><span class="unbroken">example/</span>'
        '<wbr><span class="unbroken">watch</span></bdi>'
    ) in html
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
        silent = [_silent_mcids(page) for page in pdf.pages]
    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for kind, index, mcids in found:
            chars = [c for c in pdf.pages[index].chars if c.get("mcid") in mcids and c["text"].strip()]
            if chars:
                box = (
                    min(c["x0"] for c in chars),
                    min(c["top"] for c in chars),
                    max(c["x1"] for c in chars),
                    max(c["bottom"] for c in chars),
                )
                on_page = sorted(chars, key=lambda c: (round(c["top"] / 4), c["x0"]))
                pieces = []  # each marked content (a run of text drawn in one go): its box, in structure order
                for mcid in mcids:
                    own = [c for c in chars if c["mcid"] == mcid and mcid not in silent[index]]
                    if own:
                        pieces.append(
                            (
                                min(c["x0"] for c in own),
                                min(c["top"] for c in own),
                                max(c["x1"] for c in own),
                                max(c["bottom"] for c in own),
                                any(arabic_script(c["text"]) for c in own),
                            )
                        )
                out.append(
                    (
                        kind,
                        index,
                        box,
                        "".join(c["text"] for c in chars),
                        "".join(c["text"] for c in on_page),
                        pieces,
                    )
                )
    return out


def _silent_mcids(page) -> set[int]:
    """The MCIDs of the page's marked content whose /ActualText is empty: marks drawn as glyphs of their
    own, whose letters are read with their letter's glyph (render/actualtext.py); they are no piece of text."""
    return {
        int(operands[1].MCID)
        for operands, operator in pikepdf.parse_content_stream(page, "BDC")
        if isinstance(operands[1], pikepdf.Dictionary)
        and "/MCID" in operands[1]
        and str(operands[1].get("/ActualText", "-")) == ""
    }


MM = 72 / 25.4
TOP_MARGIN_PT, RIGHT_MARGIN_PT, BOTTOM_MARGIN_PT, LEFT_MARGIN_PT = (
    15 * MM,
    18 * MM,
    20 * MM,
    20 * MM,
)  # base.css @page
A4_WIDTH_PT = 210 * MM
#: Two pieces of text whose tops differ by less than this stand on one line (Latin values beside Arabic or
#: Nastaliq letters start a few points lower); a next line starts further down.
SAME_LINE_PT = 8


def clipped(pdf_path: Path) -> list[str]:
    """Every character or image not wholly inside its page's margins (page, what, where), or [].  The bottom
    margin holds one line, the footer (its reference and note, by design); nothing else may reach into it."""
    found = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            left, right = LEFT_MARGIN_PT - 1, page.width - RIGHT_MARGIN_PT + 1
            top, bottom = TOP_MARGIN_PT - 1, page.height - BOTTOM_MARGIN_PT
            chars = [c for c in page.chars if c["text"].strip()]
            for c in chars:
                if c["x0"] < left or c["x1"] > right or c["top"] < top or c["bottom"] > page.height:
                    found.append(
                        f"page {number}: {c['text']!r} at x {c['x0']:.0f}-{c['x1']:.0f}, top {c['top']:.0f}"
                    )
            in_bottom_margin = [c["top"] for c in chars if c["top"] > bottom]
            if in_bottom_margin and max(in_bottom_margin) - min(in_bottom_margin) >= SAME_LINE_PT:
                found.append(f"page {number}: more than the footer's line in the bottom margin")
            for image in page.images:
                if (
                    image["x0"] < left
                    or image["x1"] > right
                    or image["top"] < top
                    or image["bottom"] > bottom + 1
                ):
                    found.append(
                        f"page {number}: an image at x {image['x0']:.0f}-{image['x1']:.0f}, "
                        f"top {image['top']:.0f}"
                    )
    return found


def out_of_reading_order(elements: list[tuple]) -> list[str]:
    """Where the reading order (the structure tree) does not run as the page reads right to left: inside a
    block, each piece read next must stand on the same line to the left of the last or on a line below it;
    from the title on, each block read next must start on a later page, lower on the page (within a line),
    or in the next column to the left (two QR codes side by side, a table's cells)."""
    found = []
    for kind, page, _, text, _, pieces in elements:
        for a, b in itertools.pairwise(pieces):
            # a piece is a glyph cluster where Arabic script has its own text layer: a raised or lowered
            # cluster still stands on its line when the two overlap from top to bottom
            same_line = b[1] < a[3] and a[1] < b[3]
            leftwards = b[2] <= a[0] + 2
            rightwards_latin = not a[4] and not b[4] and b[0] >= a[2] - 2  # a Latin run reads left to right
            if not (
                (b[1] >= a[1] + SAME_LINE_PT and not same_line)
                or (same_line and (leftwards or rightwards_latin))
            ):
                found.append(
                    f"{kind} on page {page + 1} ({len(text)} letters): a piece at x {b[0]:.0f}, "
                    f"top {b[1]:.0f} read after one at x {a[0]:.0f}, top {a[1]:.0f}"
                )
    title = next(i for i, e in enumerate(elements) if e[0] == "H1")
    body = elements[title:]
    for a, b in itertools.pairwise(body):
        later = b[1] > a[1]
        below = b[1] == a[1] and b[2][1] >= a[2][1] - SAME_LINE_PT
        next_column = b[1] == a[1] and b[2][2] <= a[2][0] + 2
        if not (later or below or next_column):
            found.append(
                f"{b[0]} at x {b[2][0]:.0f}-{b[2][2]:.0f}, top {b[2][1]:.0f} on page {b[1] + 1} read "
                f"after {a[0]} at x {a[2][0]:.0f}-{a[2][2]:.0f}, top {a[2][1]:.0f}"
            )
    return found


def headings_off_the_right_margin(elements: list[tuple]) -> list[str]:
    """Each heading that does not end at the right margin (its start, in a right-to-left letter); a Nastaliq
    line may end up to one em short of it, its glyphs' side bearings."""
    right_edge = A4_WIDTH_PT - RIGHT_MARGIN_PT
    return [
        f"{kind} on page {page + 1} ends at x {box[2]:.0f}"
        for kind, page, box, *_ in elements
        if kind in ("H1", "H2") and not right_edge - 16 <= box[2] <= right_edge + 1
    ]


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
    for kind, _, (_x0, _top, x1, _bottom), text, *_ in body[:4]:
        assert right_edge - 16 <= x1 <= right_edge + 1, (kind, x1, text)
    tops = [e[2][1] for e in body]
    assert tops == sorted(tops), "structure order runs top to bottom"


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_every_heading_starts_at_the_right_margin(letters, lang):
    elements = tagged_elements(letters[lang])
    assert sum(e[0] == "H2" for e in elements) >= 4
    assert headings_off_the_right_margin(elements) == []


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_nothing_is_clipped_every_character_and_image_lies_inside_the_margins(letters, lang):
    assert clipped(letters[lang]) == []


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_the_reading_order_runs_right_to_left_along_a_line_and_lines_top_to_bottom(letters, lang):
    elements = tagged_elements(letters[lang])
    assert len({e[1] for e in elements}) >= 2, "the letter runs over pages"
    assert out_of_reading_order(elements) == []


def render_with(content_dir: Path, out: Path, lang: str, css: str) -> Path:
    """The letter in ``lang`` with ``css`` added to the letter's stylesheet (a copy of the templates)."""
    changed = out / "changed"
    shutil.copytree(content_dir.parent, changed)
    with (changed / "templates" / "letters" / "letter.css").open("a", encoding="utf-8") as stylesheet:
        stylesheet.write("\n" + css + "\n")
    return render_letter(changed / "content", lang, out / "out")


@pytest.mark.parametrize(
    "mistake, css",
    [
        ("left to right", '.letter[dir="rtl"] { direction: ltr; text-align: left; }'),
        ("past the margin", ".letter h2 { margin-right: -15mm; }"),
    ],
)
def test_the_layout_checks_see_a_letter_laid_out_wrong(content_dir, tmp_path, mistake, css):
    # The Arabic letter with its direction undone, or its subheadings pushed past the right margin: the
    # checks above must see it (a check that cannot fail would pass any layout).
    pdf = render_with(content_dir, tmp_path, "ar", css)
    elements = tagged_elements(pdf)
    assert headings_off_the_right_margin(elements)
    if mistake == "left to right":
        assert out_of_reading_order(elements)
    else:
        assert clipped(pdf) and not out_of_reading_order(elements)


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_the_layout_checks_hold_when_the_lines_break_elsewhere(letters, content_dir, tmp_path, lang):
    # What another HarfBuzz or Pango does to a Nastaliq or Arabic line (its words a little wider, so the
    # lines break at other words): the letter is still right, and the checks still say so.
    pdf = render_with(
        content_dir, tmp_path, lang, ".letter p, .letter li, .letter h1, .letter h2 { word-spacing: 2pt; }"
    )
    elements = tagged_elements(pdf)
    assert [e[2] for e in elements] != [e[2] for e in tagged_elements(letters[lang])], (
        "the lines broke elsewhere"
    )
    assert headings_off_the_right_margin(elements) == [] and clipped(pdf) == []
    assert out_of_reading_order(elements) == []


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_a_line_is_read_from_its_right_hand_end(letters, lang):
    # The opening paragraph mixes words, the patrol's date (written in the
    # letter's language) and the area's name (an isolated English value): in
    # the structure the first piece read is the right-most on the first line,
    # and each next one lies to its left.
    elements = tagged_elements(letters[lang])
    after_title = elements[next(i for i, e in enumerate(elements) if e[0] == "H1") :]
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
    for cells_read in (heads, row):  # each cell wholly to the left of the one read before it: none overflows
        assert all(b[2][2] <= a[2][0] for a, b in itertools.pairwise(cells_read)), [c[2] for c in cells_read]
    assert row[0][3].replace(" ", "") == VRM.replace(" ", "")


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_each_qr_code_is_on_the_right_of_its_text(letters, lang):
    with pdfplumber.open(letters[lang]) as pdf:
        assert sum(len(page.images) for page in pdf.pages) == 2, "the two QR codes (links.yaml: nws and cms)"
        for page in pdf.pages:
            for image in page.images:
                beside = [
                    c
                    for c in page.chars
                    if image["top"] <= c["top"] <= image["bottom"]
                    and c["text"].strip()
                    and abs(c["x1"] - image["x0"]) < 60
                ]
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
    assert all(result.passed for result in report.results), [
        (r.check, r.findings) for r in report.results if not r.passed
    ]
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
        (r.check, r.findings) for r in report.results if not r.passed
    ]


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
def test_a_right_to_left_leaflet_is_mirrored_in_both_sizes(
    content_dir, tmp_path, fmt, page_width_mm, right_margin_mm
):
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
            beside = [
                c for c in page.chars if image["top"] <= c["top"] <= image["bottom"] and c["text"].strip()
            ]
            assert beside and max(c["x1"] for c in beside) <= image["x0"] + 1


@pytest.mark.parametrize("lang", ["ar", "ur"])
def test_the_page_footer_reference_stands_on_the_right(letters, lang):
    with pdfplumber.open(letters[lang]) as pdf:
        for page in pdf.pages:
            footer = [c for c in page.chars if c["top"] > page.height - 20 / 25.4 * 72 and c["text"].strip()]
            assert "".join(c["text"] for c in sorted(footer, key=lambda c: c["x0"])).startswith("R0001")
            assert max(c["x1"] for c in footer) > A4_WIDTH_PT - RIGHT_MARGIN_PT - 2
