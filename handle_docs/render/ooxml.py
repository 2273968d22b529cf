"""What the Word renderer and the batch.docx joiner share about a .docx
package: namespaces, the error they raise, the core-properties date, a zip
written with fixed dates and part order, so the same parts always give the
same bytes, and properties put in the order the schema wants."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from lxml import etree

from handle_docs.util.reproducible import source_datetime

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#: The attributes of ``w:lang`` that name a language.
LANG_ATTRS = (f"{{{W_NS}}}val", f"{{{W_NS}}}eastAsia", f"{{{W_NS}}}bidi")
#: Dates inside the zip: fixed, so output bytes depend on content only.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class DocxError(Exception):
    """A Word document could not be made; messages hold no personal data."""


def core_datetime() -> dt.datetime:
    """Naive UTC, as Word's core properties want: SOURCE_DATE_EPOCH, else now."""
    stamp = source_datetime() or dt.datetime.now(dt.UTC).replace(microsecond=0)
    return stamp.replace(tzinfo=None)


def normalise_zip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """Re-zip with fixed dates and [Content_Types].xml first, so the bytes
    depend only on the parts."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        for name in names:
            dst.writestr(zip_info(name), replace.get(name, src.read(name)))
    return out.getvalue()


def zip_info(name: str) -> zipfile.ZipInfo:
    """A zip entry with the fixed date, deflated, private."""
    info = zipfile.ZipInfo(name, ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


# --- properties in the order the schema wants (Word refuses a file out of order) ---

#: Children of w:rPr, w:pPr and w:tblPr in schema order (ECMA-376 part 1, 17.3.2.28,
#: 17.3.1.26, 17.4.60), as far as the renderer and the template script write them.
RPR_ORDER = (
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
)
PPR_ORDER = (
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)
TBLPR_ORDER = (
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
)


def w_tag(name: str) -> str:
    return f"{{{W_NS}}}{name}"


def child_in_order(parent, name: str, order: tuple[str, ...]):
    """``parent``'s ``w:<name>`` child, made and put in its schema place if missing."""
    found = parent.find(w_tag(name))
    if found is not None:
        return found
    child = parent.makeelement(w_tag(name), {})
    rank = order.index(name)
    for index, sibling in enumerate(parent):
        local = etree.QName(sibling).localname if isinstance(sibling.tag, str) else ""
        if local in order and order.index(local) > rank:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def properties(element, name: str):
    """The ``w:pPr`` / ``w:rPr`` / ``w:tblPr`` of a paragraph, run or table (made first if missing)."""
    found = element.find(w_tag(name))
    if found is None:
        found = element.makeelement(w_tag(name), {})
        element.insert(0, found)
    return found
