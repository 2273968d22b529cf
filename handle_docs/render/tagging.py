"""What the tagging step adds to WeasyPrint's tagged PDF while it is written.

* ``/ActualText`` on the glyphs whose font mapping cannot say what they print
  (:mod:`handle_docs.render.actualtext`), and their MCIDs on the structure
  elements of their text;
* ``/Scope`` on every table header cell (``TH``): ``/Column`` for a header
  of its column (``<th scope="col">``, or any header in a ``<thead>``),
  ``/Row`` for a header of its row (``scope="row"``, or a header first in a
  body row), so a screen reader can say "Registration: AB12 CDE" for a data
  cell.  WeasyPrint links the data cells to their headers (``/Headers``) but
  gives the headers no scope (PDF/UA-1, Matterhorn 15-003);
* ``/Lang`` on the element of a box whose HTML element names its own
  language inside a page's article (``<h2 lang="en-GB">`` in a Polish
  letter: the leaflet enclosed named by its English title), so a screen
  reader speaks it in that language.  The articles' own languages are
  render/langtags.py's (per page).

:func:`install` hooks both into WeasyPrint once per process; it is called when
:mod:`handle_docs.render.pdf` is imported.
"""

from __future__ import annotations

import pydyf
import weasyprint.pdf as weasyprint_pdf
import weasyprint.pdf.tags as weasyprint_tags
from weasyprint.formatting_structure import boxes

from handle_docs.render import actualtext

_original_add_tags = weasyprint_pdf.add_tags
_original_build_box_tree = weasyprint_tags._build_box_tree

#: Elements whose ``lang`` is the document's or the page's (render/langtags.py), not a part's own.
PAGE_LANGUAGE_TAGS = ("html", "body", "article")

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


def own_language(box) -> str | None:
    """The ``lang`` a box's element gives a part of a page in another language, or None."""
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", None) in PAGE_LANGUAGE_TAGS:
        return None
    return (element.attrib.get("lang") or "").strip() or None


def _build_box_tree(box, parent, *args):
    lang = own_language(box)
    for element in _original_build_box_tree(box, parent, *args):
        if lang and "Lang" not in element:
            element["Lang"] = pydyf.String(lang)
        yield element


def _add_tags(pdf, document, pdf_version, page_streams):
    extra = actualtext.take_extra_mcids(page_streams)
    _original_add_tags(pdf, document, pdf_version, page_streams)
    actualtext.give_extra_mcids(pdf, extra)
    scope_headers(document)


def install() -> None:
    """Hook the text layer, the header scopes and the parts in another language into WeasyPrint (once;
    again changes nothing)."""
    actualtext.install()
    weasyprint_pdf.add_tags = _add_tags
    weasyprint_tags._build_box_tree = _build_box_tree
