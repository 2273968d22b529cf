"""Word (.docx) output: the same words as the PDF, in real Word styles.

Every test here opens rendered files (never the templates): a small run of the
sample records with ``--docx``, and the two leaflets.

How the parity test reads each renderer (see ``pdf_words`` and ``docx_words``):

* PDF: the letter's words in the tagged PDF's reading order (the structure
  tree, which follows the HTML source order, as a screen reader reads it),
  with the checks' reading of the tree (``PdfDoc.struct_root``) and
  pdfplumber's characters.  Only the letter's own article counts: the page footer
  ("Our reference L0001", an unreferenced artifact), a draft watermark and the
  list bullets (``Lbl``, which Word draws from its list style) are left out.
  Reading the structure tree rather than the page top-to-bottom means the
  two-column letterhead and the side-by-side QR codes need no special cases.
* Word: python-docx, body paragraphs and table cells in document order.
  The footer is a real Word footer, compared separately with the PDF's.
* Both: whitespace collapsed; a line the PDF broke after a hyphen or slash
  (``westmarch-`` / ``police.example/`` / ``watch``) is joined again, on both
  sides alike.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import docx as python_docx
import pdfplumber
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from handle_docs.checks import check_docx
from handle_docs.checks.config import CheckConfig
from handle_docs.checks.pdf_common import PdfDoc, StructElem
from handle_docs.compose.context import letter_context, qr_codes
from handle_docs.compose.letters import build_letters
from handle_docs.outputs.leaflets import render_leaflet
from handle_docs.records.read import read_records
from handle_docs.render.docx import DocxError, render_leaflet_docx, render_letter_docx
from handle_docs.render.docx_join import join_docx
from handle_docs.review.fingerprints import fingerprint, fingerprint_parts
from handle_docs.run.chunk import ChunkRenderer, RunSettings
from handle_docs.run.pipeline import RunOptions, file_sha256, run_letters
from handle_docs.wording.content import load_content

from .conftest import CONTENT, EPOCH, SAMPLE_CSV, TEMPLATES

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
FOOTER_BAND_PT = 20 / 25.4 * 72  # the PDF's bottom margin, where its footer sits
DECLARED_FONT = "Arial"


# --- reading the two renderers' words ------------------------------------------


def normalise(text: str) -> list[str]:
    text = " ".join(text.split())
    text = re.sub(r"(?<=\S[-/]) (?=\S)", "", text)
    return text.split()


def pdf_words(path: Path) -> list[str]:
    """The words of the letter (or leaflet) article in tagged reading order."""
    with PdfDoc(path) as pdf:
        chars: dict[tuple[int, int], list[dict]] = {}
        for number in range(1, pdf.page_count + 1):
            for char in pdf.chars(number):
                if char.get("mcid") is not None:
                    chars.setdefault((number, char["mcid"]), []).append(char)
        order: list[tuple[int, int]] = []

        def walk(elem: StructElem, inside: bool) -> None:
            if elem.type == "Lbl":
                return  # list bullets: Word draws them from the List Bullet style
            inside = inside or elem.type == "Art"
            if inside:
                order.extend(elem.mcids)
            for child in elem.children:
                walk(child, inside)

        assert pdf.struct_root is not None, f"{path.name}: not tagged"
        walk(pdf.struct_root, False)
        assert order, f"{path.name}: no tagged article found"
        out: list[str] = []
        prev = None
        for key in order:
            for char in chars.get(key, []):
                if prev is not None:
                    same_line = (
                        char["page_number"] == prev["page_number"]
                        and abs(char["top"] - prev["top"]) < prev["size"] / 2
                    )
                    # a web address broken after its "." or "/" (render/webaddress.py) reads on
                    # across the line end; a sentence's next line starts with a capital
                    address_goes_on = not same_line and prev["text"] in "./" and char["text"][:1].islower()
                    if not address_goes_on and (
                        not same_line or char["x0"] - prev["x1"] > prev["size"] * 0.15
                    ):
                        out.append(" ")
                out.append(char["text"])
                prev = char
    return normalise("".join(out))


def pdf_footer_lines(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [
            " ".join(
                (
                    page.crop((0, page.height - FOOTER_BAND_PT, page.width, page.height)).extract_text() or ""
                ).split()
            )
            for page in pdf.pages
        ]


def _blocks(container):
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            yield item
        elif isinstance(item, Table):
            for row in item.rows:
                for cell in row.cells:
                    yield from _blocks(cell)


def docx_paragraphs(path_or_doc) -> list[Paragraph]:
    doc = path_or_doc if not isinstance(path_or_doc, (str, Path)) else python_docx.Document(str(path_or_doc))
    return list(_blocks(doc))


def docx_words(path: Path) -> list[str]:
    return normalise(" ".join(p.text for p in docx_paragraphs(path)))


def first_difference(a: list[str], b: list[str]) -> str:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"word {i}: PDF {' '.join(a[max(0, i - 6) : i + 6])!r} vs Word {' '.join(b[max(0, i - 6) : i + 6])!r}"
    return f"lengths differ: PDF {len(a)} words, Word {len(b)} words; tail PDF {a[len(b) :][:12]} Word {b[len(a) :][:12]}"


def xml_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith((".xml", ".rels"))}


# --- the run --------------------------------------------------------------------


@pytest.fixture(scope="module")
def docx_run(tmp_path_factory):
    """A small run of the sample with --docx: the first rows (several
    findings, an address with two cars) and the large-print requests, of the
    residents who get the English letter (tests/test_rtl.py and
    tests/test_languages_run.py look at Word letters in other languages)."""
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    folder = tmp_path_factory.mktemp("docx")
    lines = SAMPLE_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    columns = next(csv.reader([header]))

    def cell(row: str, column: str) -> str:  # by the column's name: the sample gains columns
        return dict(zip(columns, next(csv.reader([row])), strict=False)).get(column, "").strip().lower()

    rows = [r for r in rows if cell(r, "language") in ("", "en", "english")]
    chosen = rows[:14] + [r for r in rows[14:] if cell(r, "large_print") == "yes"]
    records = folder / "records.csv"
    records.write_text(header + "".join(chosen), encoding="utf-8")
    content = load_content(CONTENT, TEMPLATES)
    recordset = read_records(records, CONTENT / "forms-columns.yaml")
    settings = RunSettings(content_root=CONTENT, templates=TEMPLATES, docx=True)
    out = folder / "run"
    result = run_letters(recordset, file_sha256(records), content, settings, out, RunOptions(jobs=2))
    manifest = json.loads((out / "manifest.json").read_text())
    letters = {letter.letter_id: letter for letter in build_letters(recordset.records)}
    return out, result, manifest, letters


def test_docx_written_beside_each_pdf_and_listed_in_the_manifest(docx_run):
    out, _result, manifest, _ = docx_run
    assert len(manifest["letters"]) >= 8
    for entry in manifest["letters"]:
        assert entry["docx_file"] == f"letters/{entry['letter_id']}.docx"
        path = out / entry["docx_file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["docx_sha256"]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_bytes()[:2] == b"PK"
    batch = out / "batch.docx"
    assert stat.S_IMODE(batch.stat().st_mode) == 0o600
    assert manifest["batch_docx"] == {
        "file": "batch.docx",
        "letters": len(manifest["letters"]),
        "sha256": hashlib.sha256(batch.read_bytes()).hexdigest(),
    }
    # no personal data in names: letter ids only
    assert sorted(p.name for p in (out / "letters").iterdir()) == sorted(
        f"{e['letter_id']}{ext}" for e in manifest["letters"] for ext in (".pdf", ".docx")
    )


def test_every_letter_has_the_same_words_in_word_as_in_its_pdf(docx_run):
    out, _, manifest, _ = docx_run
    for entry in manifest["letters"]:
        pdf, word = pdf_words(out / entry["file"]), docx_words(out / entry["docx_file"])
        assert len(pdf) > 150
        assert pdf == word, f"{entry['letter_id']}: {first_difference(pdf, word)}"


def test_the_word_footer_says_what_the_pdf_footer_says_and_numbers_pages(docx_run, content):
    out, _, manifest, _ = docx_run
    label = content.material("visit-letter").spec.labels["page"]
    for entry in manifest["letters"][:6]:
        expected = f"Our reference {entry['letter_id']}"
        # the letter's own pages name it; the shared-back layout's shared page, one page
        # painted into every letter, names none (render/shared_pages.py)
        footers = pdf_footer_lines(out / entry["file"])
        assert footers[0] == expected and set(footers) <= {expected, ""}
        doc = python_docx.Document(str(out / entry["docx_file"]))
        (section,) = doc.sections
        (para,) = [p for p in section.footer.paragraphs if p.text.strip()]
        reference, page = para.text.split("\t")
        assert reference == expected and page.startswith(label)
        instr = "".join(t.text for t in para._p.iter(f"{W}instrText"))
        assert instr.strip() == "PAGE"
        assert section._sectPr.find(f"{W}pgNumType").get(f"{W}start") == "1"


def test_the_rendered_letters_pass_the_word_accessibility_checks(docx_run):
    out, _, manifest, _ = docx_run
    files = [out / e["docx_file"] for e in manifest["letters"]] + [out / "batch.docx"]
    for path in files:
        report = check_docx(path, CheckConfig())
        failed = [(r.name, [f.message for f in r.findings]) for r in report.results if not r.passed]
        assert not failed, f"{path.name}: {failed}"


def test_real_styles_not_direct_formatting(docx_run):
    out, _, manifest, letters = docx_run
    for entry in manifest["letters"]:
        doc = python_docx.Document(str(out / entry["docx_file"]))
        large = letters[entry["letter_id"]].large_print
        suffix = " (large print)" if large else ""
        styles = [p.style.name for p in docx_paragraphs(doc) if p.text.strip()]
        assert styles.count("Title" + suffix) == 1
        assert (
            styles.count("Heading 2" + suffix) >= 5
        )  # findings, what we found, advice, keep informed, report
        assert styles.count("List Bullet" + suffix) == 3  # lock it, check it, hide it
        body_styles = {p.style.name for p in doc.paragraphs if p.text.strip()}
        assert body_styles <= {
            s + suffix for s in ("Title", "Heading 2", "Normal", "List Bullet", "Closing", "Signature")
        }, body_styles
        # runs carry a character style (Strong) at most: no bold, size, font or colour of their own
        for run in doc.element.body.iter(f"{W}r"):
            rpr = run.find(f"{W}rPr")
            if rpr is not None:
                assert {child.tag for child in rpr} <= {f"{W}rStyle", f"{W}lang"}, etree.tostring(rpr)
        bold = [r for p in doc.paragraphs for r in p.runs if r.style is not None and r.style.name == "Strong"]
        assert bold, "bold words are in character style Strong"
        # bullets come from the List Bullet style's numbering, never typed
        assert not any(p.text.lstrip().startswith(("•", "-", "*")) for p in docx_paragraphs(doc))
        # the vehicles table has a header row that repeats, marked as such
        tables = doc.tables
        vehicles = next(t for t in tables if t.style is not None and t.style.name == "Table Grid")
        assert vehicles.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
        assert [c.paragraphs[0].style.name for c in vehicles.rows[0].cells] == ["Table Heading" + suffix] * 3


def _styles_root(doc):
    return doc.styles.element


def test_language_is_en_gb_on_defaults_and_every_style_and_never_en_us(docx_run):
    out, _, manifest, _ = docx_run
    paths = [out / e["docx_file"] for e in manifest["letters"][:3]] + [out / "batch.docx"]
    for path in paths:
        parts = xml_parts(path)
        assert "word/stylesWithEffects.xml" not in parts
        for name, data in parts.items():
            assert b"en-US" not in data and b"en-us" not in data.lower(), f"{path.name}: {name} says en-US"
        doc = python_docx.Document(str(path))
        styles = _styles_root(doc)
        lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        assert lang.get(f"{W}val") == "en-GB" and lang.get(f"{W}eastAsia") == "en-GB"
        for style in styles.iterfind(f"{W}style"):
            if style.get(f"{W}type") in ("paragraph", "character"):
                el = style.find(f"{W}rPr/{W}lang")
                assert el is not None and el.get(f"{W}val") == "en-GB", style.get(f"{W}styleId")
        assert doc.core_properties.language == "en-GB"


def test_body_is_16pt_or_more_in_the_declared_font(docx_run):
    out, _, manifest, letters = docx_run
    for entry in manifest["letters"][:4] + [
        e for e in manifest["letters"] if letters[e["letter_id"]].large_print
    ]:
        path = out / entry["docx_file"]
        doc = python_docx.Document(str(path))
        styles = _styles_root(doc)
        fonts = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
        assert {fonts.get(f"{W}{a}") for a in ("ascii", "hAnsi", "cs", "eastAsia")} == {DECLARED_FONT}
        assert not any(k.endswith("Theme") for k in (etree.QName(a).localname for a in fonts.attrib))
        # no style or run names another font or a theme font
        assert next(doc.element.iter(f"{W}rFonts"), None) is None, f"{path.name}: a run sets its own font"
        for style in styles.iterfind(f"{W}style"):
            assert style.find(f"{W}rPr/{W}rFonts") is None, style.get(f"{W}styleId")
        font_table = xml_parts(path)["word/fontTable.xml"]
        assert b'w:name="Arial"' in font_table and b'w:val="swiss"' in font_table
        defaults = int(styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}sz").get(f"{W}val")) / 2
        assert defaults == 16
        large = letters[entry["letter_id"]].large_print
        body = [p for p in doc.paragraphs if p.style.name.startswith("Normal") and p.text.strip()]
        assert body and {style_size(p.style, defaults) for p in body} == {20 if large else 16}
        smallest = min(style_size(p.style, defaults) for p in docx_paragraphs(doc) if p.text.strip())
        assert smallest >= 16


def style_size(style, default: float) -> float:
    while style is not None:
        if style.font.size is not None:
            return style.font.size.pt
        style = style.base_style
    return default


def test_qr_codes_have_their_alt_text_and_the_address_beside_them(docx_run, content):
    out, _, manifest, letters = docx_run
    material = content.material("visit-letter")
    for entry in manifest["letters"][:3]:
        context = letter_context(letters[entry["letter_id"]], content, material)
        doc = python_docx.Document(str(out / entry["docx_file"]))
        pictures = list(doc.element.body.iter(f"{WP}docPr"))
        assert [p.get("descr") for p in pictures] == [code["alt"] for code in context["qr_codes"]]
        assert len({p.get("id") for p in pictures}) == len(pictures)
        qr_table = next(t for t in doc.tables if t._tbl.find(f".//{WP}docPr") is not None)
        cells = [c for c in qr_table.rows[0].cells]
        for i, code in enumerate(context["qr_codes"]):
            image_cell, text_cell = cells[2 * i], cells[2 * i + 1]
            assert image_cell._tc.find(f".//{WP}docPr").get("descr") == code["alt"]
            assert [p.text for p in text_cell.paragraphs] == [f"{code['label']}:", code["short"]]


def test_three_qr_codes_sit_two_to_a_row_each_with_its_alt_text(docx_run, content):
    _, _, manifest, letters = docx_run
    material = content.material("visit-letter")
    context = letter_context(letters[manifest["letters"][0]["letter_id"]], content, material)
    codes = qr_codes(content, material, "letter", list(content.links.links))
    assert len(codes) == 3
    context["qr_codes"] = codes
    doc = python_docx.Document(io.BytesIO(render_letter_docx(context, content, material)))
    qr_table = next(t for t in doc.tables if t._tbl.find(f".//{WP}docPr") is not None)
    assert [len(row.cells) for row in qr_table.rows] == [4, 2]
    assert [p.get("descr") for p in doc.element.body.iter(f"{WP}docPr")] == [c["alt"] for c in codes]
    text = " ".join(p.text for p in docx_paragraphs(doc))
    assert all(c["short"] in text for c in codes)


def test_title_and_author_are_set_and_nothing_is_in_a_text_box(docx_run, content):
    out, _, manifest, _ = docx_run
    material = content.material("visit-letter")
    for entry in manifest["letters"]:
        doc = python_docx.Document(str(out / entry["docx_file"]))
        assert doc.core_properties.title == f"{material.spec.title} ({entry['letter_id']})"
        assert doc.core_properties.author == content.operation.force.name
        assert "python-docx" not in (doc.core_properties.comments + doc.core_properties.last_modified_by)
        for data in xml_parts(out / entry["docx_file"]).values():
            assert b"txbxContent" not in data and b"v:textbox" not in data and b"<w:pict" not in data


def test_a_large_print_letter_uses_the_large_print_styles(docx_run):
    out, _, manifest, letters = docx_run
    large = [e for e in manifest["letters"] if letters[e["letter_id"]].large_print]
    assert large, "the sample asks for large print twice"
    for entry in large:
        doc = python_docx.Document(str(out / entry["docx_file"]))
        names = {p.style.name for p in docx_paragraphs(doc) if p.text.strip()}
        assert names and all(n.endswith("(large print)") for n in names), names
        assert doc.styles["Normal (large print)"].font.size.pt == 20
        assert doc.styles["Title (large print)"].font.size.pt == 28
        assert doc.styles["Heading 2 (large print)"].font.size.pt == 24


def test_batch_docx_is_every_letter_in_order_each_a_section_numbered_from_1(docx_run):
    out, _, manifest, _ = docx_run
    path = out / "batch.docx"
    doc = python_docx.Document(str(path))
    entries = manifest["letters"]
    assert len(doc.sections) == len(entries)
    for section, entry in zip(doc.sections, entries, strict=True):
        footer = " ".join(p.text for p in section.footer.paragraphs)
        assert footer.startswith(f"Our reference {entry['letter_id']}\t")
        sect = section._sectPr
        assert sect.find(f"{W}pgNumType").get(f"{W}start") == "1"
        assert sect.find(f"{W}type").get(f"{W}val") == "nextPage"
    joined = []
    for entry in entries:
        joined += docx_words(out / entry["docx_file"])
    assert docx_words(path) == joined
    ids = [p.get("id") for p in doc.element.body.iter(f"{WP}docPr")]
    assert len(ids) == len(set(ids)) == 2 * len(entries)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    assert len(media) == 2, "the two QR images are stored once for the whole batch"
    assert doc.core_properties.title.endswith("print batch") and doc.core_properties.author


def test_the_same_letter_renders_to_the_same_bytes(docx_run, content):
    _out, _, manifest, letters = docx_run
    entry = manifest["letters"][0]
    material = content.material("visit-letter")
    context = letter_context(letters[entry["letter_id"]], content, material)
    data = render_letter_docx(context, content, material)
    assert data == render_letter_docx(context, content, material)
    assert hashlib.sha256(data).hexdigest() == entry["docx_sha256"]


# --- leaflets -------------------------------------------------------------------


@pytest.mark.parametrize("material_id", ["lock-it-leaflet", "stay-connected-leaflet"])
def test_leaflet_docx_has_the_words_of_the_leaflet_pdf_and_passes_the_checks(tmp_path, content, material_id):
    material = content.material(material_id)
    pdf = tmp_path / render_leaflet(content, material, tmp_path, "a4").reading_copy
    path = tmp_path / f"{material_id}.docx"
    path.write_bytes(render_leaflet_docx(content, material))
    assert pdf_words(pdf) == docx_words(path), first_difference(pdf_words(pdf), docx_words(path))
    report = check_docx(path, CheckConfig())
    assert all(r.passed for r in report.results), [
        (r.name, r.findings) for r in report.results if not r.passed
    ]
    doc = python_docx.Document(str(path))
    assert doc.core_properties.title == material.spec.title
    assert len(list(doc.element.body.iter(f"{WP}docPr"))) == len(material.spec.links)


# --- the test notices when the renderers drift apart ------------------------------


def _one_letter_pdf(content, letter, staging: Path) -> Path:
    settings = RunSettings(content_root=CONTENT, templates=Path(content.templates))
    (staging / "letters").mkdir(parents=True)
    (staging / "chunks").mkdir()
    result = ChunkRenderer(settings, content).render(0, [letter], staging)
    return staging / result.letters[0].file


def test_a_wording_change_in_the_html_only_fails_the_parity_comparison(tmp_path, content_copy, content):
    templates = content_copy.parent / "templates"
    html = templates / "letters" / "visit.html.j2"
    html.write_text(html.read_text().replace("<p>{{ greeting }}</p>", "<p>{{ greeting }} Hello again.</p>"))
    changed = load_content(content_copy, templates)
    records = read_records(SAMPLE_CSV, CONTENT / "forms-columns.yaml")
    letter = build_letters(records.records)[0]
    pdf = _one_letter_pdf(changed, letter, tmp_path / "stage")
    word = tmp_path / "letter.docx"
    material = changed.material("visit-letter")
    word.write_bytes(render_letter_docx(letter_context(letter, changed, material), changed, material))
    pdf_side, word_side = pdf_words(pdf), docx_words(word)
    assert pdf_side != word_side
    assert "again." in pdf_side and "again." not in word_side


def test_a_wording_change_in_the_word_template_only_fails_the_parity_comparison(
    tmp_path, content_copy, docx_run
):
    out, _, manifest, letters = docx_run
    entry = manifest["letters"][0]
    templates = content_copy.parent / "templates"
    template = templates / "letters" / "visit.docx"
    with zipfile.ZipFile(template) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    assert b"{{ greeting }}" in parts["word/document.xml"]
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"{{ greeting }}", b"{{ greeting }} Hello again."
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    template.write_bytes(buffer.getvalue())
    changed = load_content(content_copy, templates)
    material = changed.material("visit-letter")
    word = tmp_path / "letter.docx"
    word.write_bytes(
        render_letter_docx(letter_context(letters[entry["letter_id"]], changed, material), changed, material)
    )
    pdf_side, word_side = pdf_words(out / entry["file"]), docx_words(word)
    assert pdf_side != word_side and "again." in word_side


# --- safety ---------------------------------------------------------------------


def test_record_text_is_printed_as_text_never_markup(docx_run, content):
    _, _, manifest, letters = docx_run
    material = content.material("visit-letter")
    context = letter_context(letters[manifest["letters"][0]["letter_id"]], content, material)
    hostile = ["<w:p>&amp; </w:t></w:r>{{ 7*7 }}{%p if 1 %}", "tab\there\nnew\x07line\x0cform"]
    context["recipient"] = hostile + context["recipient"][1:]
    doc = python_docx.Document(io.BytesIO(render_letter_docx(context, content, material)))
    texts = [p.text for p in docx_paragraphs(doc)]
    assert hostile[0] in texts
    assert "tab here new line form" in texts
    assert "49" not in " ".join(texts)


def test_a_material_without_a_word_template_is_refused_clearly(content):
    material = content.material("visit-letter")
    spec = material.spec.model_copy(update={"docx_template": None})
    bare = type(material)(spec=spec, blocks=material.blocks, source=material.source)
    with pytest.raises(DocxError, match="no docx_template"):
        render_letter_docx({"letter_id": "L0001", "lang": "en-GB", "force": {"name": "x"}}, content, bare)


def test_join_refuses_letters_from_different_templates(tmp_path, docx_run, content):
    out, _, manifest, _ = docx_run
    leaflet = tmp_path / "leaflet.docx"
    leaflet.write_bytes(render_leaflet_docx(content, content.material("lock-it-leaflet")))
    target = tmp_path / "batch.docx"
    with pytest.raises(DocxError, match="different Word templates"):
        join_docx([out / manifest["letters"][0]["docx_file"], leaflet], target, title="t", lang="en-GB")
    assert not target.exists() and not list(tmp_path.glob(".batch.docx.tmp-*"))


# --- review ---------------------------------------------------------------------


def test_word_templates_are_part_of_each_materials_fingerprint(content, content_copy):
    names = {p.name for p in fingerprint_parts(content, "visit-letter")}
    assert "templates/letters/visit.docx" in names
    for leaflet in ("lock-it-leaflet", "stay-connected-leaflet"):
        assert content.material(leaflet).spec.docx_template == "leaflets/leaflet.docx"
        assert "templates/leaflets/leaflet.docx" in {p.name for p in fingerprint_parts(content, leaflet)}
    before = fingerprint(load_content(content_copy, content_copy.parent / "templates"), "visit-letter")
    template = content_copy.parent / "templates" / "letters" / "visit.docx"
    template.write_bytes(template.read_bytes() + b"\0")  # any change to the Word file
    after = fingerprint(load_content(content_copy, content_copy.parent / "templates"), "visit-letter")
    assert before != after


# --- LibreOffice ------------------------------------------------------------------


def test_a_rendered_letter_and_the_batch_open_in_libreoffice(docx_run, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: `make system-deps` installs it where it can "
            "(apt package libreoffice-writer-nogui)"
        )
    out, _, manifest, _ = docx_run
    entry = manifest["letters"][0]
    sources = [out / entry["docx_file"], out / "batch.docx"]
    profile = (tmp_path / "profile").as_uri()
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *map(str, sources),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    letter_pdf = tmp_path / f"{entry['letter_id']}.pdf"
    batch_pdf = tmp_path / "batch.pdf"
    assert letter_pdf.is_file() and batch_pdf.is_file(), result.stdout + result.stderr
    with pdfplumber.open(letter_pdf) as pdf:
        text = " ".join((page.extract_text() or "") for page in pdf.pages)
        assert 1 <= len(pdf.pages) <= 4
    assert f"Our reference: {entry['letter_id']}" in " ".join(text.split())
    with pdfplumber.open(batch_pdf) as pdf:
        footers = [" ".join((p.extract_text() or "").split()[-4:]) for p in pdf.pages]
    # every letter starts on a new page, numbered 1
    starts = [f for f in footers if f.endswith("Page 1")]
    assert len(starts) == len(manifest["letters"])


def test_a_template_fault_is_a_docx_error_but_a_bug_is_not(content, monkeypatch):
    """What a record's data can cause (a Jinja error) becomes a DocxError and so a rejected row;
    anything else is a bug and must not be reported as bad input."""
    import jinja2
    from docxtpl import DocxTemplate

    leaflet = content.material("lock-it-leaflet")

    def undefined(self, *args, **kwargs):
        raise jinja2.UndefinedError("'vehicles' is undefined")

    monkeypatch.setattr(DocxTemplate, "render", undefined)
    with pytest.raises(DocxError, match=r"could not be rendered \(UndefinedError\)"):
        render_leaflet_docx(content, leaflet)

    def bug(self, *args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(DocxTemplate, "render", bug)
    with pytest.raises(ZeroDivisionError):
        render_leaflet_docx(content, leaflet)
