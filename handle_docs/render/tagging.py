"""What the tagging step adds to WeasyPrint's tagged PDF while it is written.

* ``/ActualText`` on the glyphs whose font mapping cannot say what they print
  (:mod:`handle_docs.render.actualtext`), and their MCIDs on the structure
  elements of their text;
* ``/Scope`` on every table header cell (``TH``): ``/Column`` for a header
  of its column (``<th scope="col">``, or any header in a ``<thead>``),
  ``/Row`` for a header of its row (``scope="row"``, or a header first in a
  body row), so a screen reader can say "Registration: AB12 CDE" for a data
  cell.  WeasyPrint links the data cells to their headers (``/Headers``) but
  gives the headers no scope (PDF/UA-1, Matterhorn 15-003).

:func:`install` hooks both into WeasyPrint once per process; it is called when
:mod:`handle_docs.render.pdf` is imported.
"""

from __future__ import annotations

import pydyf
import weasyprint.pdf as weasyprint_pdf
from weasyprint.formatting_structure import boxes

from handle_docs.render import actualtext

_original_add_tags = weasyprint_pdf.add_tags

#: ``scope`` attribute of a ``<th>`` -> ``/Scope`` of its ``TH``.
SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}


def header_scope(cell, row, in_head: bool) -> str:
    """The ``/Scope`` of the header cell box ``cell`` of the row box ``row``
    (``in_head``: the row is in the table's ``<thead>``)."""
    given = SCOPES.get((cell.element.attrib.get("scope") or "").strip().lower())
    if given:
        return given
    return "/Row" if row.children and row.children[0] is cell and not in_head else "/Column"


def scope_headers(document) -> None:
    """``/Scope`` on the ``TH`` of every header cell the structure tree holds."""
    for page in document.pages:
        for group in page._page_box.descendants():
            if not isinstance(group, boxes.TableRowGroupBox):
                continue
            in_head = bool(group.is_header) or group.element_tag == "thead"
            for row in group.children:
                for cell in row.children:
                    mark = getattr(cell, "mark", None)
                    if cell.element is None or cell.element_tag != "th" or mark is None:
                        continue
                    attributes = mark.get("A")
                    if attributes is None:
                        attributes = mark["A"] = pydyf.Dictionary({"O": "/Table"})
                    attributes["Scope"] = header_scope(cell, row, in_head)


def _add_tags(pdf, document, pdf_version, page_streams):
    extra = actualtext.take_extra_mcids(page_streams)
    _original_add_tags(pdf, document, pdf_version, page_streams)
    actualtext.give_extra_mcids(pdf, extra)
    scope_headers(document)


def install() -> None:
    """Hook the text layer and the header scopes into WeasyPrint (once; again changes nothing)."""
    actualtext.install()
    weasyprint_pdf.add_tags = _add_tags
