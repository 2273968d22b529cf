"""Each page's language on its structure elements, where WeasyPrint writes only the document's.

A chunk of letters is one WeasyPrint document with one catalog ``/Lang``;
WeasyPrint tags each page's content as a top-level element (an ``/Art``) of
the ``/Document`` element.  When a page is in another language (a Welsh
letter in an English batch, the English half of a bilingual letter), the
top-level elements of that page get its ``/Lang``, so a screen reader speaks
each letter in its own language in ``batch.pdf`` and in the letter's own file
(split.py and merge.py carry the elements' ``/Lang`` along).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pikepdf
from pikepdf import String

from handle_docs.pdf.structure_tree import (
    as_list,
    is_struct_elem,
    resolve_role,
    role_names,
    struct_type,
    walk_structure,
)


def top_elements(pdf: pikepdf.Pdf) -> list[Any]:
    """The kids of the ``/Document`` element (or of the structure tree root when there is none)."""
    st = pdf.Root.get("/StructTreeRoot")
    if st is None:
        return []
    top = [k for k in as_list(st.get("/K")) if is_struct_elem(k)]
    if len(top) == 1 and resolve_role(struct_type(top[0]), role_names(st)) == "Document":
        return [k for k in as_list(top[0].get("/K")) if is_struct_elem(k)]
    return top


def page_of(elem: Any) -> Any:
    """The page an element's content is on: its /Pg, else its first descendant's."""
    if elem.get("/Pg") is not None:
        return elem.Pg
    return next((visit.page for visit in walk_structure(elem) if visit.page is not None), None)


def tag_page_languages(data: bytes, langs: Sequence[str | None], *, catalog_lang: str) -> bytes:
    """``data`` with ``/Lang`` ``langs[i]`` on the top-level elements of page ``i``
    wherever it is not the catalog's (``catalog_lang``, as the caller wrote it;
    None: the catalog's); the same bytes, unread, when every page is in the
    catalog's language."""
    if all(lang in (None, catalog_lang) for lang in langs):
        return data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        default = str(pdf.Root.get("/Lang", catalog_lang))
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}
        changed = False
        for elem in top_elements(pdf):
            page = page_of(elem)
            at = index.get(page.objgen) if page is not None else None
            lang = langs[at] if at is not None and at < len(langs) else None
            if lang and lang != default and "/Lang" not in elem:
                elem.Lang = String(lang)
                changed = True
        if not changed:
            return data
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()
