"""Files made for the print shop only, and how they say so in their metadata.

An imposed A5 booklet (``render/impose.py``) puts the pages out of reading
order, two to a side, untagged: it is for the printer, and the A5 reading
copy beside it is the accessible file.  Such a file says what it is in its
document information: ``/HandleDocsPrintFile`` (what kind of print file,
read by ``handle-docs check``, which checks it for print only: fonts, type
sizes, page geometry, QR codes) and ``/Subject`` (the same, in words for a
person who opens the file's properties).
"""

from __future__ import annotations

import pikepdf

from handle_docs.pdf.pdfmeta import docinfo_text

KEY = "/HandleDocsPrintFile"


def mark(pdf: pikepdf.Pdf, what: str, reading_copy: str) -> None:
    """Mark ``pdf`` as a print file (``what``: "imposed A5 booklet"), naming the accessible copy."""
    pdf.docinfo[KEY] = pikepdf.String(what)
    pdf.docinfo["/Subject"] = pikepdf.String(
        f"For the print shop only ({what}); the accessible copy is {reading_copy}"
    )


def kind(pdf: pikepdf.Pdf) -> str | None:
    """What kind of print file ``pdf`` is, or None when it is not one."""
    return docinfo_text(pdf.trailer.get("/Info"), KEY) or None
