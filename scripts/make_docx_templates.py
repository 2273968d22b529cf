#!/usr/bin/env python3
"""Build the Word (docxtpl) templates: templates/letters/visit.docx and
templates/leaflets/leaflet.docx, and their right-to-left twins visit-rtl.docx
and leaflet-rtl.docx (the vehicles table and the QR codes laid out from the
right; the renderer picks the twin for an Arabic or Urdu material and marks
every paragraph and run right to left, see docs/languages.md).

    .venv/bin/python scripts/make_docx_templates.py            # all four, Arial
    .venv/bin/python scripts/make_docx_templates.py --check    # are the committed files current?

The templates are ordinary Word documents whose paragraphs hold docxtpl
(Jinja) tags such as ``{{ title }}`` and ``{%p for finding in findings %}``,
drawing on the same context dict the HTML templates use (handle_docs/
context.py).  Everything that decides the look is a real Word style (Title,
Heading 2, List Bullet, Strong, No Spacing, …) so a non-developer can change
fonts, sizes and spacing with Home › Styles › Modify in Word and save; the
renderer never adds direct formatting.  See docs/word.md.

Every style, and the document defaults, declare the language en-GB; no part
says en-US.  The declared font is Arial by default (see docs/word.md for why
not the PDF's Atkinson Hyperlegible Next); ``--font`` declares another with Arial
as its stated fallback.

The output bytes depend only on this script (fixed zip dates, no random
ids), so re-running it does not change a template's review fingerprint
unless the template really changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from handle_docs.render.ooxml import TBLPR_ORDER, child_in_order, normalise_zip

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
LANG = "en-GB"
FALLBACK_FONT = "Arial"

# Page geometry of templates/base.css: A4, margins 15 18 20 20 mm.
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT = Mm(15), Mm(18), Mm(20), Mm(20)
TEXT_WIDTH = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# Line height.  CSS line-height is a multiple of the font size; Word's "multiple"
# line spacing is a multiple of the font's own line height (1.15 em for Arial),
# so CSS 1.3 (body) and 1.2 (headings) are 1.13 and 1.04 in Word (240 = single).
BODY_LINE = 272
HEADING_LINE = 250


def tw(length) -> int:
    """A python-docx Length in twentieths of a point (twips)."""
    return round(length / 635)


# --- styles --------------------------------------------------------------------

#: (style id, Word's name, based on, size pt, bold, paragraph properties XML)
#: Sizes follow templates/base.css: body 16 pt, h1 24 pt, h2 20 pt, h3 18 pt.
LETTER_STYLES: list[tuple[str, str, str | None, float | None, bool, str]] = [
    (
        "Title",
        "Title",
        "Normal",
        24,
        True,
        "<w:keepNext/><w:keepLines/>"
        f'<w:spacing w:before="200" w:after="120" w:line="{HEADING_LINE}" w:lineRule="auto"/>'
        '<w:outlineLvl w:val="0"/>',
    ),
    (
        "Heading1",
        "heading 1",
        "Normal",
        24,
        True,
        "<w:keepNext/><w:keepLines/>"
        f'<w:spacing w:before="280" w:after="100" w:line="{HEADING_LINE}" w:lineRule="auto"/>'
        '<w:outlineLvl w:val="0"/>',
    ),
    (
        "Heading2",
        "heading 2",
        "Normal",
        20,
        True,
        "<w:keepNext/><w:keepLines/>"
        f'<w:spacing w:before="280" w:after="100" w:line="{HEADING_LINE}" w:lineRule="auto"/>'
        '<w:outlineLvl w:val="1"/>',
    ),
    (
        "Heading3",
        "heading 3",
        "Normal",
        18,
        True,
        "<w:keepNext/><w:keepLines/>"
        f'<w:spacing w:before="240" w:after="80" w:line="{HEADING_LINE}" w:lineRule="auto"/>'
        '<w:outlineLvl w:val="2"/>',
    ),
    (
        "ListBullet",
        "List Bullet",
        "Normal",
        None,
        False,
        '<w:numPr><w:numId w:val="1"/></w:numPr><w:spacing w:after="100"/><w:ind w:left="400" w:hanging="400"/>',
    ),
    ("NoSpacing", "No Spacing", "Normal", None, False, '<w:spacing w:after="0"/>'),
    ("Date", "Date", "NoSpacing", None, False, '<w:spacing w:before="200" w:after="0"/>'),
    ("TableHeading", "Table Heading", "NoSpacing", None, True, "<w:keepNext/>"),
    ("TableContents", "Table Contents", "NoSpacing", None, False, ""),
    ("Closing", "Closing", "NoSpacing", None, False, '<w:keepNext/><w:spacing w:before="320" w:after="0"/>'),
    ("Signature", "Signature", "NoSpacing", None, False, "<w:keepNext/>"),
    ("Header", "header", "NoSpacing", None, True, ""),
    (
        "Footer",
        "footer",
        "NoSpacing",
        None,
        False,
        f'<w:tabs><w:tab w:val="right" w:pos="{tw(TEXT_WIDTH)}"/></w:tabs>',
    ),
    ("Sender", "Sender", "NoSpacing", None, True, "<w:keepNext/>"),
]

#: Large-print sizes (templates/letters/letter.css, .xl): body 20 pt, h1 28, h2 24.
LARGE_PRINT_PT = {"Normal": 20, "Title": 28, "Heading1": 28, "Heading2": 24, "Heading3": 22}
LARGE_PRINT_SUFFIX = "Large"  # the renderer maps style X to X + "Large" for large-print letters


def _w(tag: str) -> str:
    return qn(f"w:{tag}")


def _lang_xml() -> str:
    return f'<w:lang w:val="{LANG}" w:eastAsia="{LANG}" w:bidi="{LANG}"/>'


def _fonts_xml(font: str) -> str:
    return f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>'


def _style_xml(
    sid: str,
    name: str,
    kind: str,
    based: str | None,
    size: float | None,
    bold: bool,
    ppr: str,
    *,
    qformat: bool = True,
    default: bool = False,
    next_id: str | None = None,
) -> str:
    rpr = ""
    if bold:
        rpr += "<w:b/><w:bCs/>"
    if size is not None:
        half = round(size * 2)
        rpr += f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
    rpr += _lang_xml()
    is_default = ' w:default="1"' if default else ""
    parts = [
        f'<w:style {nsdecls("w")} w:type="{kind}" w:styleId="{sid}"{is_default}>',
        f'<w:name w:val="{name}"/>',
    ]
    if based:
        parts.append(f'<w:basedOn w:val="{based}"/>')
    if next_id:
        parts.append(f'<w:next w:val="{next_id}"/>')
    parts.append('<w:uiPriority w:val="1"/>')
    if qformat:
        parts.append("<w:qFormat/>")
    if ppr and kind == "paragraph":
        parts.append(f"<w:pPr>{ppr}</w:pPr>")
    parts.append(f"<w:rPr>{rpr}</w:rPr>")
    parts.append("</w:style>")
    return "".join(parts)


def build_styles(document: docx.document.Document, font: str, styles_spec, large_print: bool) -> None:
    """Replace python-docx's default styles (en-US, theme fonts, blue headings)
    by a small set of plain, black, large-print styles in ``font``, en-GB."""
    root = document.styles.element
    for style in root.findall(_w("style")):
        root.remove(style)
    # Document defaults: font, 16 pt, en-GB, line height 1.3, 8 pt after.
    defaults = root.find(_w("docDefaults"))
    if defaults is not None:
        root.remove(defaults)
    defaults = parse_xml(
        f"<w:docDefaults {nsdecls('w')}>"
        f"<w:rPrDefault><w:rPr>{_fonts_xml(font)}"
        f'<w:color w:val="000000"/><w:sz w:val="32"/><w:szCs w:val="32"/>{_lang_xml()}</w:rPr></w:rPrDefault>'
        f'<w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="{BODY_LINE}" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
        "</w:docDefaults>"
    )
    root.insert(0, defaults)
    # Latent styles: keep (they make Word's gallery behave), just after docDefaults.

    xml = [
        _style_xml("Normal", "Normal", "paragraph", None, None, False, "", default=True),
        _style_xml(
            "DefaultParagraphFont",
            "Default Paragraph Font",
            "character",
            None,
            None,
            False,
            "",
            qformat=False,
            default=True,
        ),
        f'<w:style {nsdecls("w")} w:type="table" w:default="1" w:styleId="TableNormal">'
        '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>",
        f'<w:style {nsdecls("w")} w:type="numbering" w:default="1" w:styleId="NoList">'
        '<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
        # Tables of data (the vehicles table): 1.5 pt black grid, as letter.css.
        f'<w:style {nsdecls("w")} w:type="table" w:styleId="TableGrid">'
        '<w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
        '<w:pPr><w:spacing w:after="0"/></w:pPr><w:rPr>' + _lang_xml() + "</w:rPr>"
        "<w:tblPr><w:tblBorders>"
        + "".join(
            f'<w:{side} w:val="single" w:sz="12" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + '</w:tblBorders><w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="110" w:type="dxa"/>'
        '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="110" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        _style_xml("Strong", "Strong", "character", "DefaultParagraphFont", None, True, ""),
    ]
    for sid, name, based, size, bold, ppr in styles_spec:
        next_id = "Normal" if sid in ("Title", "Heading1", "Heading2", "Heading3") else None
        xml.append(_style_xml(sid, name, "paragraph", based, size, bold, ppr, next_id=next_id))
    if large_print:
        # "X (large print)" based on X, so it follows every change to X but its size.
        for sid, name, *_ in [("Normal", "Normal"), *styles_spec]:
            if sid in ("Header", "Footer"):
                continue  # the page footer stays 16 pt, as in the PDF
            size = LARGE_PRINT_PT.get(sid, LARGE_PRINT_PT["Normal"])
            display = name[0].upper() + name[1:]
            xml.append(
                _style_xml(
                    sid + LARGE_PRINT_SUFFIX,
                    f"{display} (large print)",
                    "paragraph",
                    sid,
                    size,
                    False,
                    "",
                    qformat=False,
                )
            )
    for item in xml:
        root.append(parse_xml(item))


def build_numbering(document: docx.document.Document, font: str) -> None:
    """One bullet list (numId 1) for List Bullet: a real Word list, not typed bullets."""
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    numbering.append(
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="0">'
            '<w:nsid w:val="5A1B2C3D"/><w:multiLevelType w:val="singleLevel"/><w:tmpl w:val="0809000F"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:pStyle w:val="ListBullet"/>'
            '<w:lvlText w:val="\u2022"/><w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="400" w:hanging="400"/></w:pPr>'
            f"<w:rPr>{_fonts_xml(FALLBACK_FONT)}</w:rPr></w:lvl></w:abstractNum>"
        )
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="1"><w:abstractNumId w:val="0"/></w:num>'))


#: Arial's font-table entry (what Word writes for it).
ARIAL_ENTRY = (
    '<w:font w:name="Arial"><w:panose1 w:val="020B0604020202020204"/><w:charset w:val="00"/>'
    '<w:family w:val="swiss"/><w:pitch w:val="variable"/>'
    '<w:sig w:usb0="E0002EFF" w:usb1="C000785B" w:usb2="00000009" w:usb3="00000000" '
    'w:csb0="000001FF" w:csb1="00000000"/>'
    "</w:font>"
)


def build_font_table(document: docx.document.Document, font: str) -> None:
    part = document.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
    )
    entries = [ARIAL_ENTRY]
    if font != FALLBACK_FONT:
        # Another declared font: say it is a sans-serif like Arial, and name Arial
        # as its alternative, so a PC without it substitutes Arial.
        entries.insert(
            0,
            f'<w:font w:name="{font}"><w:altName w:val="{FALLBACK_FONT}"/><w:charset w:val="00"/>'
            '<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>',
        )
    part._blob = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<w:fonts xmlns:w="{W_NS}">' + "".join(entries) + "</w:fonts>"
    ).encode("utf-8")


def build_settings(document: docx.document.Document) -> None:
    settings = document.settings.element
    for tag in ("rsids", "savePreviewPicture", "proofState", "attachedTemplate"):
        for el in settings.findall(_w(tag)):
            settings.remove(el)
    for el in settings.findall(_w("themeFontLang")):
        el.set(_w("val"), LANG)
        el.set(_w("eastAsia"), LANG)
        el.set(_w("bidi"), LANG)
    for el in settings.iter(_w("compatSetting")):
        if el.get(_w("name")) == "compatibilityMode":
            el.set(_w("val"), "15")  # Word 2013 and later: no "Compatibility Mode" banner


def drop_baggage(document: docx.document.Document) -> None:
    """python-docx's default package carries a thumbnail, custom XML and a
    second (en-US) copy of the styles: drop them."""
    main = document.part
    for rid, rel in list(main.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml", "/webSettings")):
            main.drop_rel(rid) if hasattr(main, "drop_rel") else main.rels.pop(rid)
    package = main.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package.rels.pop(rid)


# --- page, header, footer ------------------------------------------------------


def setup_page(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin, section.right_margin = MARGIN_TOP, MARGIN_RIGHT
    section.bottom_margin, section.left_margin = MARGIN_BOTTOM, MARGIN_LEFT
    section.header_distance, section.footer_distance = Mm(7), Mm(7)
    sect_pr = section._sectPr
    # Page numbers start at 1 in every section: in batch.docx each letter is a
    # section, so each letter's pages are numbered from 1.
    pg = sect_pr.find(_w("pgNumType"))
    if pg is None:
        pg = parse_xml(f'<w:pgNumType {nsdecls("w")} w:start="1"/>')
        cols = sect_pr.find(_w("cols"))
        (cols.addprevious(pg) if cols is not None else sect_pr.append(pg))
    pg.set(_w("start"), "1")


def _page_field() -> str:
    run = '<w:r><w:fldChar w:fldCharType="{}"/></w:r>'
    return (
        run.format("begin")
        + '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        + run.format("separate")
        + "<w:r><w:t>1</w:t></w:r>"
        + run.format("end")
    )


def header_footer(document: docx.document.Document, footer_text: str | None, page_label: str | None) -> None:
    section = document.sections[0]
    header = section.header
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    p.style = document.styles["header"]
    # A draft's watermark words (the PDF prints them across every page).
    p.add_run("{% if watermark %}{{ watermark }}{% endif %}")

    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    p.style = document.styles["footer"]
    if footer_text:
        p.add_run(footer_text)
    if page_label:
        p.add_run().add_tab()
        p.add_run(page_label + " ")
        for el in parse_xml(f"<w:p {nsdecls('w')}>{_page_field()}</w:p>"):
            p._p.append(el)


# --- body helpers --------------------------------------------------------------


def para(container, text: str = "", style: str | None = None, strong: bool = False):
    p = container.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        if strong:
            run.style = "Strong"
    return p


def _cell_width(cell, width) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_w = tc_pr.find(_w("tcW"))
    if tc_w is None:
        tc_w = parse_xml(f"<w:tcW {nsdecls('w')}/>")
        tc_pr.insert(0, tc_w)
    tc_w.set(_w("w"), str(tw(width)))
    tc_w.set(_w("type"), "dxa")


def layout_table(document, widths, rows: int = 1, caption: str | None = None):
    """A borderless table for layout only (Word has no CSS floats; text boxes
    are skipped by screen readers, a table is read cell by cell, in order)."""
    table = document.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_pr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    look = tbl_pr.find(_w("tblLook"))
    if look is not None:
        tbl_pr.remove(look)
    tbl_pr.append(
        parse_xml(
            f'<w:tblLook {nsdecls("w")} w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
            'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        )
    )
    if caption:
        tbl_pr.append(parse_xml(f'<w:tblCaption {nsdecls("w")} w:val="{caption}"/>'))
    for i, width in enumerate(widths):
        table.columns[i].width = width
        for cell in table.columns[i].cells:
            _cell_width(cell, width)
    for row in table.rows:
        for cell in row.cells:
            for p in list(cell.paragraphs):
                p._p.getparent().remove(p._p)
    return table


def tag_row(table, tag: str) -> None:
    """A row holding only a docxtpl row tag ({%tr … %}); docxtpl removes it."""
    row = table.add_row()
    for cell in row.cells:
        for p in list(cell.paragraphs):
            p._p.getparent().remove(p._p)
    para(row.cells[0], tag)
    for cell in row.cells[1:]:
        para(cell)


def body_block(document, expression: str, heading: str | None = None, level_style: str = "heading 2") -> None:
    """A block of wording: optional heading, then its paragraphs and lists.

    ``body(nodes)`` (supplied by the renderer) turns the markup nodes into
    paragraphs in style Normal or List Bullet, bold words in style Strong.
    """
    if heading:
        para(document, f"{{%p if {heading} %}}")
        para(document, f"{{{{ {heading} }}}}", level_style)
        para(document, "{%p endif %}")
    para(document, f"{{{{p body({expression}) }}}}")


def qr_rows(document, codes: str, image_mm: int, rtl: bool = False) -> None:
    """Each QR code in a row: the image (alt text set by the renderer) and,
    beside it, what it links to and the address to type."""
    table = layout_table(document, [Mm(image_mm + 4), TEXT_WIDTH - Mm(image_mm + 4)], rows=0, caption=None)
    tag_row(table, f"{{%tr for code in {codes} %}}")
    row = table.add_row()
    for cell in row.cells:
        for p in list(cell.paragraphs):
            p._p.getparent().remove(p._p)
    para(row.cells[0], f"{{{{ qr(code, {image_mm}) }}}}", "No Spacing")
    para(row.cells[1], "{{ code.label }}:", "No Spacing")
    para(row.cells[1], "{{ code.short }}", "No Spacing", strong=True)
    tag_row(table, "{%tr endfor %}")
    cant_split(table)
    from_the_right(table, rtl)
    return table


def qr_columns(document, codes: str, image_mm: int, rtl: bool = False) -> None:
    """The QR codes side by side, two to a row, as the letter's PDF has them:
    each code two cells (the image, and beside it what it links to and the
    address to type).  ``{%tr for pair in … | batch(2) %}`` makes a row per
    two codes and ``{%tc for code in pair %}`` repeats the two cells."""
    image = Mm(image_mm + 4)
    text = Mm(0) + (TEXT_WIDTH - 2 * image) // 2
    table = layout_table(document, [image, text, image, text], rows=0)
    tag_row(table, f"{{%tr for pair in {codes} | batch(2) %}}")
    row = table.add_row()
    for cell in row.cells:
        for p in list(cell.paragraphs):
            p._p.getparent().remove(p._p)
    tag, image_cell, text_cell, end = row.cells
    para(tag, "{%tc for code in pair %}")
    para(image_cell, f"{{{{ qr(code, {image_mm}) }}}}", "No Spacing")
    para(text_cell, "{{ code.label }}:", "No Spacing")
    para(text_cell, "{{ code.short }}", "No Spacing", strong=True)
    para(end, "{%tc endfor %}")
    for cell, width in zip((tag, image_cell, text_cell, end), (image, image, text, text), strict=True):
        _cell_width(cell, width)
    tag_row(table, "{%tr endfor %}")
    cant_split(table)
    from_the_right(table, rtl)
    return table


def from_the_right(table, rtl: bool) -> None:
    """A right-to-left template's table: first column on the right (w:bidiVisual)."""
    if rtl:
        child_in_order(table._tbl.tblPr, "bidiVisual", TBLPR_ORDER)


def cant_split(table) -> None:
    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))


# --- the two templates ---------------------------------------------------------


def new_document(font: str, styles_spec, large_print: bool) -> docx.document.Document:
    """python-docx's blank document, made plain: our styles, one bullet list,
    the font table, A4 page, en-GB, no leftover parts or properties."""
    document = docx.Document()
    drop_baggage(document)
    build_styles(document, font, styles_spec, large_print)
    build_numbering(document, font)
    build_font_table(document, font)
    build_settings(document)
    setup_page(document)
    body = document.element.body
    for p in body.findall(_w("p")):
        body.remove(p)
    core = document.core_properties
    core.author = core.last_modified_by = ""
    core.comments = core.subject = core.keywords = core.category = ""
    core.title = ""  # the renderer sets title and author on each document
    core.language = LANG
    core.revision = 1
    core.created = core.modified = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return document


def letter_template(font: str, rtl: bool = False) -> docx.document.Document:
    """templates/letters/visit.docx (visit-rtl.docx with ``rtl``): the layout of
    templates/letters/visit.html.j2.  The letterhead keeps its places in both:
    the recipient's address sits in the envelope's window, on the left."""
    document = new_document(font, LETTER_STYLES, large_print=True)
    header_footer(document, "{{ labels.reference }} {{ letter_id }}", "{{ labels.page }}")

    # Letterhead: recipient (left, lower, for a window envelope), then sender.
    head = layout_table(document, [Mm(80), TEXT_WIDTH - Mm(80)])
    recipient, sender = head.rows[0].cells
    recipient._tc.get_or_add_tcPr().append(
        parse_xml(f'<w:tcMar {nsdecls("w")}><w:top w:w="{tw(Mm(10))}" w:type="dxa"/></w:tcMar>')
    )
    para(recipient, "{%p for line in recipient %}")
    para(recipient, "{{ line }}", "No Spacing")
    para(recipient, "{%p endfor %}")
    para(sender, "{{ force.name }}", "Sender")
    para(sender, "{{ force.team }}", "No Spacing")
    para(sender, "{%p for line in force.address %}")
    para(sender, "{{ line }}", "No Spacing")
    para(sender, "{%p endfor %}")
    para(sender, "{{ force.phone }}", "No Spacing")
    if rtl:  # the label and the value in runs of their own: Word keeps the value left to right
        para(sender, "{{ labels.date }}: ", "Date").add_run("{{ date }}")
        para(sender, "{{ labels.reference }}: ", "No Spacing").add_run("{{ letter_id }}")
    else:
        para(sender, "{{ labels.date }}: {{ date }}", "Date")
        para(sender, "{{ labels.reference }}: {{ letter_id }}", "No Spacing")

    para(document, "{{ title }}", "Title")
    para(document, "{{ greeting }}")
    body_block(document, "opening.body")
    # a bilingual letter's welcome to write in Welsh (the context has it only then)
    para(document, "{%p if welsh_welcome is defined %}")
    body_block(document, "welsh_welcome.body")
    para(document, "{%p endif %}")

    para(document, "{%p for finding in findings %}")
    body_block(document, "finding.body", heading="finding.heading")
    para(document, "{%p endfor %}")

    # The vehicles table: a real data table with a repeating header row, under
    # a heading (the PDF's table caption; a heading is what Word users and
    # screen readers navigate by, and the table's own title says it again).
    para(document, "{{ labels.vehicles_heading }}", "heading 2")
    table = document.add_table(rows=1, cols=3)
    table.style = document.styles["Table Grid"]
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_pr.append(parse_xml(f'<w:tblCaption {nsdecls("w")} w:val="{{{{ labels.vehicles_heading }}}}"/>'))
    widths = [Mm(45), Mm(50), TEXT_WIDTH - Mm(95)]
    for i, width in enumerate(widths):
        table.columns[i].width = width
    heads = ["{{ labels.registration }}", "{{ labels.vehicle_status }}", '{{ labels["items"] }}']
    for cell, text, width in zip(table.rows[0].cells, heads, widths, strict=True):
        cell.paragraphs[0].style = document.styles["Table Heading"]
        cell.paragraphs[0].add_run(text)
        _cell_width(cell, width)
    table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    tag_row(table, "{%tr for vehicle in vehicles %}")
    row = table.add_row()
    for cell, text, width in zip(
        row.cells,
        ["{{ vehicle.vrm }}", "{{ vehicle.status }}", '{{ vehicle["items"] }}'],
        widths,
        strict=True,
    ):
        cell.paragraphs[0].style = document.styles["Table Contents"]
        cell.paragraphs[0].add_run(text)
        _cell_width(cell, width)
    tag_row(table, "{%tr endfor %}")
    cant_split(table)
    from_the_right(table, rtl)

    body_block(document, "advice.body", heading="advice.heading")
    body_block(document, "keep_informed.body", heading="keep_informed.heading")
    qr_columns(document, "qr_codes", 34, rtl)
    body_block(document, "report.body", heading="report.heading")
    body_block(document, "closing.body")
    para(document, "{{ sign_off }}", "Closing")
    para(document, "{{ signatory.name }}", "Signature")
    para(document, "{{ signatory.role }}", "Signature")
    return document


LEAFLET_STYLES_PT = {"Title": 28, "Heading2": 22}  # templates/leaflets/leaflet.css


def leaflet_template(font: str, rtl: bool = False) -> docx.document.Document:
    """templates/leaflets/leaflet.docx (leaflet-rtl.docx with ``rtl``): the layout of
    templates/leaflets/leaflet.html.j2."""
    spec = [
        (sid, name, based, LEAFLET_STYLES_PT.get(sid, size), bold, ppr)
        for sid, name, based, size, bold, ppr in LETTER_STYLES
    ]
    document = new_document(font, spec, large_print=False)
    header_footer(document, None, None)

    para(document, "{{ force.name }}", "Sender")
    para(document, "{{ title }}", "Title")
    para(document, "{%p for section in sections %}")
    body_block(document, "section.body", heading="section.heading")
    para(document, "{%p if section.qr_codes %}")
    qr_rows(document, "section.qr_codes", 36, rtl)
    para(document, "{%p endif %}")
    para(document, "{%p endfor %}")
    para(document, "{{ force.team }}, {{ force.phone }}", "Closing", strong=True)
    return document


# --- writing -------------------------------------------------------------------

APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>handle-docs</Application><DocSecurity>0</DocSecurity></Properties>"
)


def docx_bytes(document: docx.document.Document) -> bytes:
    """The document as .docx bytes that depend only on its content: fixed zip
    dates, parts in a fixed order, [Content_Types].xml first."""
    raw = io.BytesIO()
    document.save(raw)
    return normalise_zip(raw.getvalue(), replace={"docProps/app.xml": APP_XML})


TARGETS = {
    "letters/visit.docx": letter_template,
    "letters/visit-rtl.docx": lambda font: letter_template(font, rtl=True),
    "leaflets/leaflet.docx": leaflet_template,
    "leaflets/leaflet-rtl.docx": lambda font: leaflet_template(font, rtl=True),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--templates", type=Path, default=TEMPLATES, help="templates folder (default: %(default)s)"
    )
    parser.add_argument(
        "--font",
        default=FALLBACK_FONT,
        help="font every style declares (default: %(default)s; another font gets Arial as its fallback)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write: exit 1 if a committed template differs from what this script builds",
    )
    args = parser.parse_args(argv)
    stale = []
    for rel, build in TARGETS.items():
        data = docx_bytes(build(args.font))
        path = args.templates / rel
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    if stale:
        print("out of date (run scripts/make_docx_templates.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
