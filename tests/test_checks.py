"""Tests for handle_docs.checks and the ``check`` command.

Fixtures are built here, once per module: PDFs with WeasyPrint (and one
tiny hand-made PDF with pikepdf), Word files with python-docx.
"""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import pikepdf
import pytest
import qrcode
from click.testing import CliRunner
from PIL import Image, ImageDraw, ImageFilter

from handle_docs.checks import (
    CheckConfig,
    check_paths,
    collect_files,
    format_json,
    format_table,
)
from handle_docs.checks.config import load_links
from handle_docs.checks.pdf_common import contrast_ratio
from handle_docs.checks.pdf_fonts import family_matches
from handle_docs.checks.pdf_qr import match_allowed
from handle_docs.checks.pdf_text import caps_runs, page_size_name
from handle_docs.checks.results import snippet
from handle_docs.commands.check import check

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "handle_docs" / "assets" / "fonts"
NWS_URL = "https://www.westmarch-police.example/neighbourhood-watch/join"
CMS_URL = "https://www.westmarch-alert.example/register"
NWS_QR = NWS_URL + "?utm_source=letter&utm_campaign=op-test"
LINKS_YAML = f"""\
allowed_domains: [westmarch-police.example, westmarch-alert.example]
links:
  nws: {{label: Join Neighbourhood Watch, url: "{NWS_URL}", short: "westmarch-police.example/watch"}}
  cms: {{label: Get free local crime alerts, url: "{CMS_URL}", short: "westmarch-alert.example"}}
"""
CONFIG = CheckConfig(
    allowed_urls=(NWS_URL, CMS_URL),
    short_forms={NWS_URL: "westmarch-police.example/watch", CMS_URL: "westmarch-alert.example"},
)

ALL_PDF_CHECKS = [
    "tagged",
    "language",
    "title",
    "pdfua-id",
    "figure-alt",
    "heading-order",
    "lists-tagged",
    "table-headers",
    "fonts-embedded",
    "font-families",
    "min-font-size",
    "no-italic",
    "glyphs",
    "text-layer",
    "contrast",
    "no-block-capitals",
    "page-size",
    "real-text",
    "qr-codes",
    "web-addresses",
]
ALL_DOCX_CHECKS = [
    "docx-heading-styles",
    "docx-list-styles",
    "docx-language",
    "docx-font-size",
    "docx-alt-text",
    "docx-title",
]


# ---------------------------------------------------------------------------
# fixture builders
# ---------------------------------------------------------------------------


def qr_png(data: str, *, damage: bool = False) -> bytes:
    qr = qrcode.QRCode(box_size=10, border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    img = qr.make_image().convert("RGB")
    if damage:  # a badly printed code: blurred, with two finder patterns torn off
        img = img.filter(ImageFilter.GaussianBlur(radius=12))
        w, h = img.size
        ImageDraw.Draw(img).rectangle([0, 0, w * 2 // 5, h], fill="white")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


FONT_FACE = f"""
@font-face {{ font-family: "Atkinson Hyperlegible Next"; font-weight: normal;
  src: url("{(FONTS / "AtkinsonHyperlegibleNext-Regular.ttf").as_uri()}"); }}
@font-face {{ font-family: "Atkinson Hyperlegible Next"; font-weight: bold;
  src: url("{(FONTS / "AtkinsonHyperlegibleNext-Bold.ttf").as_uri()}"); }}
"""


def good_html() -> str:
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Keep your vehicle safe</title>
<style>{FONT_FACE}
@page {{ size: A4; margin: 20mm; font-family: "Atkinson Hyperlegible Next"; font-size: 16pt;
        @bottom-center {{ content: "Page " counter(page); }} }}
html {{ font-family: "Atkinson Hyperlegible Next"; font-size: 16pt; color: #000; background: #fff; }}
h1 {{ font-size: 28pt; }} h2 {{ font-size: 22pt; }}
.box {{ background: #1d3a6b; color: #fff; padding: 4mm; }}
.cols {{ display: flex; gap: 6mm; }}
.qr {{ display: flex; align-items: flex-start; gap: 4mm; width: 80mm; }}
.qr img {{ width: 30mm; image-rendering: pixelated; }}
.qr p {{ margin: 0; width: 50mm; }}
.unbroken {{ white-space: nowrap; }}
</style></head><body>
<h1>Keep your vehicle safe</h1>
<p>Officers from Westmarch Police checked parked vehicles in your street. Thank you
for helping us keep the PC and PCSO team informed.</p>
<h2>What you can do</h2>
<ul><li>Lock your vehicle every time you leave it.</li>
<li>Take valuables out of sight.</li><li>Park in a well lit place.</li></ul>
<p class="box">Report anything suspicious. In an emergency call 999.</p>
<h2>Join Neighbourhood Watch</h2>
<div class="cols">
<div class="qr"><img src="{data_uri(qr_png(NWS_QR))}" alt="QR code: join Neighbourhood Watch">
<p>Scan the QR code or visit <span class="unbroken">westmarch-police.</span><wbr><span class="unbroken">example/</span><wbr>watch</p></div>
<div class="qr"><img src="{data_uri(qr_png(CMS_URL))}" style="width: 34mm" alt="QR code: crime alerts">
<p>Get free crime alerts: <span class="unbroken">westmarch-alert.</span><wbr>example</p></div>
</div>
</body></html>"""


def bad_html() -> str:
    """Untagged, no language or title, small serif text, italics, capitals,
    light grey text, a bullet list and a QR code for a link not in the file,
    its address printed beside it."""
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>
html {{ font-family: serif; font-size: 12pt; }}
.grey {{ color: #999999; }}
img {{ width: 30mm; image-rendering: pixelated; }}
</style></head><body>
<p>We checked your vehicle today.</p>
<p><i>Please remember to lock your car.</i></p>
<p>DO NOT LEAVE VALUABLES ON DISPLAY today.</p>
<p class="grey">This faint line is hard to read.</p>
<ul><li>Lock it</li><li>Hide it</li></ul>
<p><img src="{data_uri(qr_png("https://prize-draw.example.com/win"))}" alt="QR code for a prize">
Scan to win or visit prize-draw.example.com/win.</p>
</body></html>"""


def bad_tagged_html() -> str:
    """Tagged PDF/UA, right fonts, but skipped heading level, a figure with no
    alt text, bullets typed as text, an unreadable QR code, a small QR
    code whose link is not printed, a link not in the link file and (page 2)
    a code so small it decodes at 300 dpi only."""
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Bad structure</title>
<style>{FONT_FACE}
@page {{ size: A4; margin: 20mm; font-family: "Atkinson Hyperlegible Next"; }}
html {{ font-family: "Atkinson Hyperlegible Next"; font-size: 16pt; }}
img {{ image-rendering: pixelated; }}
</style></head><body>
<h1>Vehicle crime in your area</h1>
<h3>Skipped level heading</h3>
<p>• Lock your car</p>
<p>• Close the windows</p>
<p><img src="{data_uri(qr_png("https://www.westmarch-police.example/report"))}" style="width: 30mm" alt="">
Picture with no alt text.</p>
<p><img src="{data_uri(qr_png(NWS_URL, damage=True))}" style="width: 30mm" alt="QR code to join"></p>
<p><img src="{data_uri(qr_png(CMS_URL))}" style="width: 18mm" alt="QR code for crime alerts"></p>
<h2 style="break-before: page">A code too small to scan at 150 dpi</h2>
<p><img src="{data_uri(qr_png(NWS_QR))}" style="width: 7mm" alt="QR code: join Neighbourhood Watch">
westmarch-police.example/watch</p>
</body></html>"""


def minimal_pdf(path: Path) -> None:
    """US Letter page in non-embedded Times-Roman, then a page that is only
    an image of text."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name("/Times-Roman")
        )
    )
    content = b"BT /F1 18 Tf 72 700 Td (Lock your car and hide your bags.) Tj ET"
    page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 612, 792],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream(content),
        )
    )
    pdf.pages.append(page)
    img = Image.new("L", (400, 100), 255)
    ImageDraw.Draw(img).text((10, 40), "Lock your car", fill=0)
    image = pikepdf.Stream(pdf, img.tobytes())
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height = img.width, img.height
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceGray, 8
    page2 = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 595.28, 841.89],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im1=image)),
            Contents=pdf.make_stream(b"q 400 0 0 100 72 600 cm /Im1 Do Q"),
        )
    )
    pdf.pages.append(page2)
    pdf.save(path)


def set_lang(element, value: str) -> None:
    """Set w:lang w:val on an rPr-holding element (docDefaults or a style)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = element.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        element.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), value)


def good_docx(path: Path) -> None:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = docx.Document()
    doc.core_properties.title = "Keep your vehicle safe"
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    set_lang(defaults, "en-GB")
    for name in ("Normal", "Title", "Heading 1", "List Bullet"):
        set_lang(styles[name].element, "en-GB")
    styles["Normal"].font.size = Pt(16)
    styles["Normal"].font.name = "Atkinson Hyperlegible"
    styles["Heading 1"].font.size = Pt(22)
    doc.add_paragraph("Keep your vehicle safe", style="Title")
    doc.add_paragraph("Officers checked vehicles in your street today.")
    doc.add_paragraph("What you can do", style="Heading 1")
    doc.add_paragraph("Lock your vehicle every time.", style="List Bullet")
    doc.add_paragraph("Take valuables out of sight.", style="List Bullet")
    para = doc.add_paragraph("Scan the code or visit westmarch-police.example/watch")
    run = para.add_run()
    shape = run.add_picture(io.BytesIO(qr_png(NWS_QR)), width=Mm(30))
    shape._inline.docPr.set("descr", "QR code: join Neighbourhood Watch")
    doc.save(path)


def bad_docx(path: Path) -> None:
    import docx
    from docx.shared import Mm, Pt

    doc = docx.Document()  # default template: en-US, 11 pt, no title
    heading = doc.add_paragraph().add_run("Keep your vehicle safe")
    heading.bold = True
    heading.font.size = Pt(20)
    doc.add_paragraph("Officers checked vehicles in your street today.")
    doc.add_paragraph("• Lock your vehicle every time.")
    doc.add_paragraph().add_run().add_picture(io.BytesIO(qr_png(NWS_QR)), width=Mm(30))
    doc.save(path)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    from weasyprint import HTML

    base = tmp_path_factory.mktemp("checks")
    (base / "good").mkdir()
    (base / "bad").mkdir()
    out = {
        "good_pdf": base / "good" / "good.pdf",
        "good_docx": base / "good" / "good.docx",
        "bad_pdf": base / "bad" / "bad.pdf",
        "bad_tagged_pdf": base / "bad" / "bad-tagged.pdf",
        "minimal_pdf": base / "bad" / "minimal.pdf",
        "bad_docx": base / "bad" / "bad.docx",
        "links": base / "links.yaml",
    }
    HTML(string=good_html(), base_url=str(ROOT)).write_pdf(out["good_pdf"], pdf_variant="pdf/ua-1")
    HTML(string=bad_html(), base_url=str(ROOT)).write_pdf(out["bad_pdf"])
    HTML(string=bad_tagged_html(), base_url=str(ROOT)).write_pdf(
        out["bad_tagged_pdf"], pdf_variant="pdf/ua-1"
    )
    minimal_pdf(out["minimal_pdf"])
    good_docx(out["good_docx"])
    bad_docx(out["bad_docx"])
    out["links"].write_text(LINKS_YAML, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def reports(files) -> dict[str, object]:
    keys = ["good_pdf", "good_docx", "bad_pdf", "bad_tagged_pdf", "minimal_pdf", "bad_docx"]
    found = check_paths([files[k] for k in keys], CONFIG)
    return dict(zip(keys, found, strict=True))


def failed(report, name):
    result = report.result(name)
    assert not result.passed, f"{name} passed on {report.path}: expected a failure"
    return result.findings


# ---------------------------------------------------------------------------
# good files pass everything
# ---------------------------------------------------------------------------


def test_good_pdf_passes_every_check(reports):
    report = reports["good_pdf"]
    assert [r.check for r in report.results] == ALL_PDF_CHECKS
    problems = {
        r.check: r.where or [f.message for f in r.findings]
        for r in report.results
        if not r.passed or r.skipped
    }
    assert problems == {}
    assert report.passed


def test_good_docx_passes_every_check(reports):
    report = reports["good_docx"]
    assert [r.check for r in report.results] == ALL_DOCX_CHECKS
    problems = {r.check: r.where for r in report.results if not r.passed}
    assert problems == {}


# ---------------------------------------------------------------------------
# bad PDF (untagged WeasyPrint output)
# ---------------------------------------------------------------------------


def test_bad_pdf_metadata_checks_fail(reports):
    report = reports["bad_pdf"]
    assert any("StructTreeRoot" in f.message for f in failed(report, "tagged"))
    assert any("/Marked" in f.message for f in failed(report, "tagged"))
    assert failed(report, "language")[0].element == "catalog"
    messages = [f.message for f in failed(report, "title")]
    assert any("title" in m for m in messages) and any("DisplayDocTitle" in m for m in messages)
    assert "pdfuaid" in failed(report, "pdfua-id")[0].message
    assert report.result("heading-order").skipped


def test_bad_pdf_font_checks_fail(reports):
    report = reports["bad_pdf"]
    fams = failed(report, "font-families")
    assert all(f.page == 1 for f in fams)
    assert not any("Atkinson" in f.element for f in fams)
    (small,) = failed(report, "min-font-size")
    assert small.page == 1
    assert "12.0 pt" in small.message
    assert small.text and len(small.text) <= 40
    italics = failed(report, "no-italic")
    assert italics[0].page == 1
    assert "Please remember to lock" in italics[0].text
    assert "Italic" in italics[0].element or "Oblique" in italics[0].element


def test_bad_pdf_text_checks_fail(reports):
    report = reports["bad_pdf"]
    (caps,) = failed(report, "no-block-capitals")
    assert caps.page == 1
    assert caps.text == "DO NOT LEAVE VALUABLES ON DISPLAY"
    (grey,) = failed(report, "contrast")
    assert grey.page == 1
    assert grey.text == "This faint line is hard to read."
    assert "#999999 on #ffffff" in grey.message and "2.85:1" in grey.message
    assert failed(report, "lists-tagged")[0].text.startswith("• Lock it")
    (figure,) = failed(report, "figure-alt")
    assert figure.page == 1 and "no structure tree" in figure.message


def test_bad_pdf_qr_link_not_allowed(reports):
    findings = failed(reports["bad_pdf"], "qr-codes")
    assert any(
        f.page == 1 and "not in the link file" in f.message and f.text == "https://prize-draw.example.com/win"
        for f in findings
    )


def test_bad_pdf_prints_a_web_address_not_in_the_link_file(reports):
    (address,) = failed(reports["bad_pdf"], "web-addresses")
    assert address.page == 1 and address.text == "prize-draw.example.com/win"
    assert address.message.startswith("web address not in the link file: 'prize-draw.example.com/win'")


def test_addresses_printed_whole_or_broken_after_a_slash_or_a_dot_pass(reports):
    # good.pdf: both beside their QR codes, broken only after "." and "/"; bad-tagged.pdf page 2: on one line
    assert reports["good_pdf"].result("web-addresses").passed
    assert reports["bad_tagged_pdf"].result("web-addresses").passed


# ---------------------------------------------------------------------------
# tagged, but badly structured PDF
# ---------------------------------------------------------------------------


def test_bad_tagged_pdf_passes_metadata_but_fails_structure(reports):
    report = reports["bad_tagged_pdf"]
    for name in ("tagged", "language", "title", "pdfua-id", "font-families", "fonts-embedded"):
        assert report.result(name).passed, name
    (skip,) = failed(report, "heading-order")
    assert skip.page == 1 and "H1 → H3" in skip.message and skip.text == "Skipped level heading"
    (fig,) = failed(report, "figure-alt")
    assert fig.page == 1 and fig.element == "/Figure"
    bullets = failed(report, "lists-tagged")
    assert [f.text for f in bullets] == ["• Lock your car", "• Close the windows"]
    assert all(f.page == 1 and "/P" in f.message for f in bullets)


def test_bad_tagged_pdf_qr_problems(reports):
    findings = failed(reports["bad_tagged_pdf"], "qr-codes")
    messages = [(f.page, f.message, f.text) for f in findings]
    # the damaged code has alt text mentioning QR but decodes at no resolution
    assert (1, "QR code figure does not decode (unreadable QR code)", "QR code to join") in messages
    # the 18 mm code is too small, and its short form is not printed
    cms = snippet(CMS_URL)
    assert (1, "QR code is 14.5 mm wide (minimum 25 mm)", cms) in messages
    assert (1, "link not printed on the page (expected 'westmarch-alert.example')", cms) in messages
    # /report is a real force link, but not in this link file
    report_url = "https://www.westmarch-police.example/report"
    assert (1, f"QR code link is not in the link file: {report_url}", snippet(report_url)) in messages
    # page 2: 7 mm wide, less than a pixel per module at 150 dpi
    nws = snippet(NWS_QR)
    assert (2, "QR code decodes only at 300 dpi", nws) in messages
    page2 = [m for p, m, _ in messages if p == 2]
    assert len(page2) == 2 and page2[0] == "QR code decodes only at 300 dpi", page2
    assert re.fullmatch(r"QR code is 5\.\d mm wide \(minimum 25 mm\)", page2[1]), page2


# ---------------------------------------------------------------------------
# hand-made PDF: standard font, US Letter, image-only page
# ---------------------------------------------------------------------------


def test_minimal_pdf_fonts_pages_and_text(reports):
    report = reports["minimal_pdf"]
    (font,) = failed(report, "fonts-embedded")
    assert font.page == 1 and font.element == "font Times-Roman"
    assert failed(report, "font-families")[0].element == "font Times-Roman"
    (unembedded,) = failed(report, "glyphs")
    assert unembedded.message == "text drawn in a font that is not embedded"
    assert unembedded.page == 1 and unembedded.text == "Lock your car and hide your bags."
    (size,) = failed(report, "page-size")
    assert size.page == 1 and "612.0 × 792.0" in size.message
    (text,) = failed(report, "real-text")
    assert text.page == 2
    assert report.result("min-font-size").passed  # 18 pt


# ---------------------------------------------------------------------------
# Word files
# ---------------------------------------------------------------------------


def test_bad_docx_fails_each_check(reports):
    report = reports["bad_docx"]
    (heading,) = failed(report, "docx-heading-styles")
    assert heading.element == "paragraph 1" and heading.text == "Keep your vehicle safe"
    assert "bold 20 pt" in heading.message
    (bullet,) = failed(report, "docx-list-styles")
    assert bullet.element == "paragraph 3" and bullet.text.startswith("• Lock")
    lang = failed(report, "docx-language")
    assert lang[0].element == "docDefaults" and "en-US" in lang[0].message
    sizes = failed(report, "docx-font-size")
    assert {f.element for f in sizes} == {"paragraph 2", "paragraph 3"}
    assert all("11 pt" in f.message for f in sizes)
    (alt,) = failed(report, "docx-alt-text")
    assert "Picture 1" in alt.element
    assert failed(report, "docx-title")[0].element == "core properties"


def test_docx_run_language_and_style_chain(tmp_path):
    """en-US on a single run fails; size inherited through basedOn passes."""
    import docx
    from docx.shared import Pt

    path = tmp_path / "mixed.docx"
    good_docx(path)
    doc = docx.Document(str(path))
    style = doc.styles.add_style("Big Body", 1)
    style.base_style = doc.styles["Normal"]  # 16 pt comes from Normal
    p = doc.add_paragraph("American words here.", style="Big Body")
    set_lang(p.runs[0]._r, "en-US")
    doc.add_paragraph("Tiny print").runs[0].font.size = Pt(9)
    doc.save(path)
    (report,) = check_paths([path], CONFIG)
    (lang,) = failed(report, "docx-language")
    assert lang.text == "American words here." and lang.element.startswith("paragraph")
    (size,) = failed(report, "docx-font-size")
    assert size.text == "Tiny print" and "9 pt" in size.message
    assert report.result("docx-heading-styles").passed


def test_docx_short_bold_line_is_a_heading(tmp_path):
    """A short bold line before body text is a heading in disguise; a bold
    sentence, and bold text in a table, are not."""
    import docx

    path = tmp_path / "bold.docx"
    good_docx(path)
    doc = docx.Document(str(path))
    doc.add_paragraph().add_run("Contact us").bold = True
    doc.add_paragraph("Call 101 or use the website.")
    doc.add_paragraph().add_run("Thank you for your help.").bold = True
    doc.add_paragraph("Yours sincerely")
    cell = doc.add_table(rows=2, cols=1).cell(0, 0)
    cell.paragraphs[0].add_run("Vehicle").bold = True
    doc.save(path)
    (report,) = check_paths([path], CONFIG)
    (finding,) = failed(report, "docx-heading-styles")
    assert finding.text == "Contact us" and "short bold line" in finding.message


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def test_match_allowed_urls():
    allowed = (NWS_URL, CMS_URL)
    assert match_allowed(NWS_QR, allowed) == NWS_URL
    assert match_allowed(NWS_URL + "/", allowed) == NWS_URL
    assert match_allowed("HTTPS://WWW.westmarch-alert.example/register?utm_medium=qr", allowed) == CMS_URL
    assert match_allowed(NWS_URL + "?ref=x", allowed) is None
    assert match_allowed("http://www.westmarch-police.example/neighbourhood-watch/join", allowed) is None
    assert match_allowed("https://westmarch-police.example/neighbourhood-watch/join", allowed) is None
    assert match_allowed("https://www.westmarch-police.example/neighbourhood-watch", allowed) is None
    assert match_allowed("not a url", allowed) is None


def test_family_matching():
    allowed = ("AtkinsonHyperlegible",)
    assert family_matches("ABCDEF+Atkinson-Hyperlegible-Bold", allowed)
    assert family_matches("AtkinsonHyperlegible-Regular", allowed)
    assert family_matches("XYZABC+Atkinson Hyperlegible,BoldItalic", allowed)
    assert not family_matches("ABCDEF+AtkinsonHyperlegibleNext-Bold", allowed)


def test_the_bundled_families_are_allowed_by_default_and_nothing_else():
    allowed = CheckConfig().allowed_font_families
    for name in (
        "ABCDEF+Atkinson-Hyperlegible-Next",
        "ABCDEF+Atkinson-Hyperlegible-Next-Bold",
        "ABCDEF+Noto-Sans-Arabic",
        "ABCDEF+Noto-Nastaliq-Urdu-Bold",
    ):
        assert family_matches(name, allowed), name
    for name in ("ABCDEF+Atkinson-Hyperlegible-Bold", "ABCDEF+DejaVu-Sans", "ABCDEF+Noto-Sans-Thai"):
        assert not family_matches(name, allowed), name
    assert not family_matches("Times-Roman", allowed)


def test_block_capital_runs():
    acr = ("NWS", "QR", "PC")
    assert caps_runs(["Please", "JOIN", "THE", "NWS", "TODAY"], acr, 3) == []  # acronyms don't count
    assert caps_runs(["JOIN", "THE", "NWS", "TODAY", "NOW"], acr, 3) == ["JOIN THE NWS TODAY NOW"]
    assert caps_runs(["DO", "NOT", "LEAVE", "A", "BAG", "IN", "SIGHT"], acr, 3) == [
        "DO NOT LEAVE A BAG IN SIGHT"
    ]
    assert caps_runs(["Reg", "AB12", "CDE", "at", "12", "HIGH", "ST"], acr, 3) == []
    assert caps_runs(["LOCK", "IT,", "OR", "LOSE", "IT!"], acr, 3) == ["LOCK IT, OR LOSE IT!"]


def test_contrast_and_page_sizes():
    assert contrast_ratio((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)
    assert contrast_ratio((0.6, 0.6, 0.6), (1, 1, 1)) == pytest.approx(2.85, abs=0.01)
    assert page_size_name(595.28, 841.89, ("A4", "A5")) == "A4"
    assert page_size_name(841.0, 596.0, ("A4", "A5")) == "A4"  # landscape, within 2 pt
    assert page_size_name(595.28, 419.53, ("A4", "A5")) == "A5"
    assert page_size_name(612, 792, ("A4", "A5")) is None


def test_collect_files_recurses_and_skips_lock_files(files, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.PDF").write_bytes(b"")
    (tmp_path / "~$b.docx").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("x")
    assert collect_files([tmp_path]) == [tmp_path / "sub" / "a.PDF"]
    (report,) = check_paths([tmp_path / "sub" / "a.PDF"], CONFIG)
    assert report.results[0].check == "readable" and not report.passed


def test_links_file_is_read(files):
    urls, shorts = load_links(files["links"])
    assert urls == (NWS_URL, CMS_URL)
    assert shorts[NWS_URL] == "westmarch-police.example/watch"


def test_formatting(reports):
    table = format_table([reports["good_pdf"], reports["bad_pdf"]])
    assert "min-font-size" in table and "FAIL" in table and "PASS" in table
    assert "page 1" in table
    doc = json.loads(format_json([reports["bad_docx"]]))
    assert doc["passed"] is False
    assert "docx-title" in doc["files"][0]["failed_checks"]


# ---------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------


def test_cli_good_files_exit_0(files):
    result = CliRunner().invoke(check, [str(files["good_pdf"].parent), "--links", str(files["links"])])
    assert result.exit_code == 0, result.output
    assert "All 2 file(s) passed" in result.output


def test_cli_bad_files_exit_1_and_json_names_failures(files):
    result = CliRunner().invoke(
        check, [str(files["bad_docx"]), str(files["minimal_pdf"]), "--json", "--links", str(files["links"])]
    )
    assert result.exit_code == 1, result.output
    doc = json.loads(result.output)
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert set(by_name["bad.docx"]["failed_checks"]) == set(ALL_DOCX_CHECKS)
    assert {"fonts-embedded", "page-size", "real-text"} <= set(by_name["minimal.pdf"]["failed_checks"])
    page_size = next(c for c in by_name["minimal.pdf"]["checks"] if c["check"] == "page-size")
    assert page_size["findings"][0]["page"] == 1


def test_cli_min_font_size_option(files):
    args = [str(files["minimal_pdf"]), "--json", "--links", str(files["links"])]
    loose = CliRunner().invoke(check, args)
    strict = CliRunner().invoke(check, [*args, "--min-font-size", "20"])
    assert loose.exit_code == strict.exit_code == 1  # the file fails other checks either way
    assert "min-font-size" not in json.loads(loose.output)["files"][0]["failed_checks"]
    assert "min-font-size" in json.loads(strict.output)["files"][0]["failed_checks"]


def test_cli_usage_errors_exit_2(files, tmp_path):
    runner = CliRunner()
    assert runner.invoke(check, []).exit_code == 2
    assert runner.invoke(check, [str(tmp_path / "missing.pdf")]).exit_code == 2
    missing_links = runner.invoke(check, [str(files["good_pdf"]), "--links", str(tmp_path / "nope.yaml")])
    assert missing_links.exit_code == 2
    (tmp_path / "empty").mkdir()
    assert runner.invoke(check, [str(tmp_path / "empty"), "--links", str(files["links"])]).exit_code == 2


def test_contrast_is_measured_against_what_is_under_a_border_not_the_border(tmp_path):
    # WeasyPrint draws a border as a ring: outer and inner rectangle filled even-odd
    from weasyprint import HTML

    from handle_docs.checks.pdf_common import PdfDoc
    from handle_docs.checks.pdf_text import check_contrast

    html = """<html lang="en-GB"><head><title>t</title></head><body style="font-family: sans-serif">
<div style="border: 2pt solid #000; padding: 3mm"><p>Black words in a black box</p></div>
<div style="border-top: 2pt solid #000; border-bottom: 3pt solid #333"><p>Between two rules</p></div>
<div style="background: #1d4f91; border: 2pt solid #000; padding: 3mm"><p style="color: #777">Grey words on blue</p></div>
<p>Plain words between</p>
<div style="background: #000"><p style="color: #000">Black on black</p></div>
</body></html>"""
    path = tmp_path / "borders.pdf"
    HTML(string=html).write_pdf(path)
    doc = PdfDoc(path)
    try:
        result = check_contrast(doc, CONFIG)
    finally:
        doc.close()
    found = {finding.text: finding.message for finding in result.findings}
    assert set(found) == {"Grey words on blue", "Black on black"}
    assert "(#777777 on #1d4f91)" in found["Grey words on blue"]
    assert "(#000000 on #000000)" in found["Black on black"]


# ---------------------------------------------------------------------------
# glyphs: every character drawn is a real glyph of an embedded font
# ---------------------------------------------------------------------------


def test_a_character_the_font_lacks_is_found_drawn_as_an_empty_box(tmp_path):
    from weasyprint import HTML

    # U+E000 (private use) is in no font on any machine: with only the bundled
    # Latin font declared, WeasyPrint has to draw it as .notdef.
    html = (
        f'<html lang="en-GB"><head><title>Box</title><style>{FONT_FACE}'
        'html { font-family: "Atkinson Hyperlegible Next"; font-size: 16pt; }</style></head>'
        "<body><p>Flat 2\ue000, Mill Close</p></body></html>"
    )
    path = tmp_path / "box.pdf"
    HTML(string=html).write_pdf(path, pdf_variant="pdf/ua-1")
    (report,) = check_paths([path], CONFIG)
    (box,) = failed(report, "glyphs")
    assert box.page == 1 and box.element.startswith("font ") and "Atkinson-Hyperlegible-Next" in box.element
    assert box.message == "1 character(s) drawn as .notdef, an empty box: the font has no glyph for U+E000"
    assert report.result("fonts-embedded").passed and report.result("font-families").passed


def test_glyph_zero_in_an_identity_encoded_font_is_an_empty_box(files, tmp_path):
    # The good letter with the first glyph it shows replaced by glyph 0 (.notdef)
    path = tmp_path / "zero.pdf"
    with pikepdf.open(files["good_pdf"]) as pdf:
        page = pdf.pages[0]
        commands = pikepdf.parse_content_stream(page)
        for i, (operands, operator) in enumerate(commands):
            if str(operator) == "TJ":
                items = list(operands[0])
                first = next(j for j, item in enumerate(items) if isinstance(item, pikepdf.String))
                items[first] = pikepdf.String(b"\x00\x00" + bytes(items[first])[2:])
                commands[i] = pikepdf.ContentStreamInstruction([pikepdf.Array(items)], operator)
                break
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(commands))
        pdf.save(path)
    (report,) = check_paths([path], CONFIG)
    (box,) = failed(report, "glyphs")
    assert box.page == 1 and box.message.startswith("1 character(s) drawn as .notdef")


def test_the_good_pdf_draws_every_character_with_a_glyph(reports):
    assert reports["good_pdf"].result("glyphs").passed
    assert reports["bad_pdf"].result("glyphs").passed  # wrong fonts, but real glyphs
