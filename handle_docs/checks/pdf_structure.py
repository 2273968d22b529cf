"""PDF/UA structure checks: tags, language, title, PDF/UA id, figures,
headings and lists."""

from __future__ import annotations

import contextlib
import re

import pikepdf

from .config import CheckConfig
from .pdf_common import PdfDoc, StructElem
from .results import CheckResult, Finding

_PDFUA_PART = "{http://www.aiim.org/pdfua/ns/id/}part"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_HEADING = re.compile(r"^H([1-6])$")
#: A printed line that starts like a bullet point.
BULLET_LINE = re.compile(r"^\s*([•◦▪\-–])\s+\S")


def _is_true(obj: object) -> bool:
    try:
        return bool(obj) and str(obj).lower() not in ("false", "0")
    except Exception:  # pragma: no cover
        return False


def check_tagged(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    findings = []
    if not isinstance(doc.root.get("/StructTreeRoot"), pikepdf.Dictionary):
        findings.append(Finding("no /StructTreeRoot: the PDF is not tagged", element="catalog"))
    mark_info = doc.root.get("/MarkInfo")
    marked = mark_info.get("/Marked") if isinstance(mark_info, pikepdf.Dictionary) else None
    if marked is None or not _is_true(marked):
        findings.append(Finding("/MarkInfo /Marked is not true", element="catalog"))
    return CheckResult.from_findings("tagged", findings)


def check_language(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    lang = doc.root.get("/Lang")
    if lang is None or not str(lang).strip():
        return CheckResult.from_findings(
            "language", [Finding("catalog /Lang is not set (e.g. en-GB)", element="catalog")]
        )
    return CheckResult.from_findings("language", [])


def _xmp_title(doc: PdfDoc) -> str:
    # pikepdf gives dc:title (a language alternative) as its x-default value
    return doc.xmp.get(_DC_TITLE, "").strip()


def check_title(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    findings = []
    info_title = ""
    with contextlib.suppress(Exception):
        info_title = str(doc.pike.docinfo.get("/Title", "")).strip()
    if not info_title and not _xmp_title(doc):
        findings.append(Finding("no document title (Info /Title or XMP dc:title)", element="metadata"))
    prefs = doc.root.get("/ViewerPreferences")
    shown = prefs.get("/DisplayDocTitle") if isinstance(prefs, pikepdf.Dictionary) else None
    if shown is None or not _is_true(shown):
        findings.append(Finding("/ViewerPreferences /DisplayDocTitle is not true", element="catalog"))
    return CheckResult.from_findings("title", findings)


def check_pdfua_id(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    part = doc.xmp.get(_PDFUA_PART, "").strip()
    if part != "1":
        message = (
            f"XMP pdfuaid:part is {part!r}, not 1" if part else "no XMP pdfuaid:part (not marked PDF/UA-1)"
        )
        return CheckResult.from_findings("pdfua-id", [Finding(message, element="XMP metadata")])
    return CheckResult.from_findings("pdfua-id", [])


def _elem_page(elem: StructElem) -> int | None:
    if elem.page is not None:
        return elem.page
    pages = elem.pages()
    return min(pages) if pages else None


def check_figure_alt(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    findings = []
    root = doc.struct_root
    if root is None:
        # No tags, so nothing can carry alt text: every image is a failure.
        for n in range(1, doc.page_count + 1):
            images = doc.plumber_page(n).images
            if images:
                findings.append(
                    Finding(f"{len(images)} image(s) but no structure tree to carry alt text", page=n)
                )
        return CheckResult.from_findings("figure-alt", findings)
    for elem in root.walk():
        if elem.type == "Figure" and not (elem.alt or "").strip():
            findings.append(
                Finding("Figure has no /Alt text", page=_elem_page(elem), element=f"/{elem.raw_type}")
            )
    return CheckResult.from_findings("figure-alt", findings)


def check_heading_order(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    root = doc.struct_root
    if root is None:
        return CheckResult.skip("heading-order", "no structure tree (see 'tagged')")
    findings = []
    previous = 0
    for elem in root.walk():
        m = _HEADING.match(elem.type)
        if not m:
            continue
        level = int(m.group(1))
        if level > previous + 1:
            came_from = f"H{previous}" if previous else "start"
            findings.append(
                Finding(
                    f"heading level skipped: {came_from} → H{level}",
                    page=_elem_page(elem),
                    element=f"/{elem.raw_type}",
                    text=doc.elem_text(elem),
                )
            )
        previous = level
    return CheckResult.from_findings("heading-order", findings)


def _in_list(elem: StructElem | None) -> bool:
    while elem is not None:
        if elem.type in ("L", "LI", "Lbl", "LBody"):
            return True
        elem = elem.parent
    return False


def _bullet_lines(doc: PdfDoc, page: int) -> list[tuple[str, list[dict]]]:
    """(text, characters) of lines on ``page`` that start with a bullet glyph."""
    lines = []
    try:
        text_lines = doc.plumber_page(page).extract_text_lines(return_chars=True, strip=True)
    except Exception:  # pragma: no cover - defensive
        return []
    for line in text_lines:
        if BULLET_LINE.match(line.get("text", "")):
            chars = list(line.get("chars", []))
            while chars and not chars[0]["text"].strip():
                chars.pop(0)
            if chars:
                lines.append((line["text"], chars))
    return lines


def check_lists_tagged(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    """Lines printed as bullet points must be tagged /L → /LI.

    A bullet line passes when its glyph is marked content inside an L/LI
    element; a glyph outside the tree (an artifact) passes when that page has
    LI elements at all.
    """
    findings = []
    root = doc.struct_root
    li_pages: set[int] = set()
    if root is not None:
        for elem in root.walk():
            if elem.type == "LI":
                li_pages.update(elem.pages())
    for n in range(1, doc.page_count + 1):
        for line_text, chars in _bullet_lines(doc, n):
            glyph = chars[0]
            owner = doc.mcid_owner.get((n, glyph["mcid"])) if glyph.get("mcid") is not None else None
            ok = _in_list(owner) if owner is not None else n in li_pages
            if not ok:
                why = "bullet point not tagged as a list (/L, /LI)"
                if root is None:
                    why = "bullet point but the PDF has no structure tree (/L, /LI)"
                elif owner is not None:
                    block = owner
                    while block.type in ("Span", "Link", "Quote", "Code") and block.parent is not None:
                        block = block.parent
                    why = f"bullet point tagged /{block.type}, not inside /L → /LI"
                findings.append(Finding(why, page=n, text=line_text))
    return CheckResult.from_findings("lists-tagged", findings)


#: What a table header's /Scope may say (PDF 1.7, table attributes).
SCOPES = ("Row", "Column", "Both")


def check_table_headers(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    """Every table header cell (``TH``) says which cells it heads (``/Scope``), so a
    screen reader can name a data cell's header ("Registration: AB12 CDE")."""
    findings = []
    root = doc.struct_root
    for elem in root.walk() if root is not None else ():
        if elem.type == "TH" and elem.table.get("Scope") not in SCOPES:
            found = elem.table.get("Scope")
            findings.append(
                Finding(
                    "table header cell has no /Scope (Column or Row): a screen reader cannot tell which cells it heads"
                    if found is None
                    else f"table header cell has /Scope {found}, not Column, Row or Both",
                    page=_elem_page(elem),
                    element=f"/{elem.raw_type}",
                    text=doc.elem_text(elem),
                )
            )
    return CheckResult.from_findings("table-headers", findings)


CHECKS = (
    ("tagged", check_tagged),
    ("language", check_language),
    ("title", check_title),
    ("pdfua-id", check_pdfua_id),
    ("figure-alt", check_figure_alt),
    ("heading-order", check_heading_order),
    ("lists-tagged", check_lists_tagged),
    ("table-headers", check_table_headers),
)
