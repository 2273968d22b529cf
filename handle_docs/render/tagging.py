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

from handle_docs.render import actualtext

_original_add_tags = weasyprint_pdf.add_tags

#: ``scope`` attribute of a ``<th>`` -> ``/Scope`` of its ``TH``.
SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}


def header_scope(cell) -> str:
    """The ``/Scope`` of the header cell box ``cell``."""
    given = SCOPES.get((cell.element.attrib.get("scope") or "").strip().lower())
    if given:
        return given
    row = getattr(cell, "_handle_docs_row", None)
    in_head = row is not None and row.element is not None and row.element.getparent() is not None \
        and row.element.getparent().tag == "thead"
    first = row is not None and row.children and row.children[0] is cell
    return "/Row" if first and not in_head else "/Column"


def scope_headers(document) -> None:
    """``/Scope`` on the ``TH`` of every header cell the structure tree holds."""
    for page in document.pages:
        for box in page._page_box.descendants():
            if box.element_tag != "tr":
                continue
            for cell in box.children:
                mark = getattr(cell, "mark", None)
                if cell.element is None or cell.element_tag != "th" or mark is None:
                    continue
                cell._handle_docs_row = box
                attributes = mark.get("A")
                if attributes is None:
                    attributes = mark["A"] = pydyf.Dictionary({"O": "/Table"})
                attributes["Scope"] = header_scope(cell)


def _add_tags(pdf, document, pdf_version, page_streams):
    extra = actualtext.take_extra_mcids(page_streams)
    _original_add_tags(pdf, document, pdf_version, page_streams)
    actualtext.give_extra_mcids(pdf, extra)
    scope_headers(document)


def install() -> None:
    """Hook the text layer and the header scopes into WeasyPrint (once; again changes nothing)."""
    actualtext.install()
    weasyprint_pdf.add_tags = _add_tags
