"""What the Word renderer and the batch.docx joiner share about a .docx
package: namespaces, the error they raise, the core-properties date, and a
zip written with fixed dates and part order, so the same parts always give
the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

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
    stamp = source_datetime() or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
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
