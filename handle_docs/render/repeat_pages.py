"""Repeat pages of a tagged PDF without painting them again, each repeat with its own copy of the page's tags.

A chunk of shared-back letters prints the same laid-out shared page after
every letter (render/shared_pages.py), and the same blank back after every
letter with an odd number of pages.  WeasyPrint would paint such a page
again for every place it appears (about as long as painting any page).  Here
it is painted once and repeated:

* a repeat is a new page object sharing the painted page's content stream and
  resources (fonts, images): nothing is drawn, subset or compressed again;
* the structure elements on the painted page (WeasyPrint gives each page its
  own top-level element) are copied for the repeat, their ``/Pg`` and
  marked-content references pointing at it, and placed in the document
  element in page order, so each letter's tags stay whole and read in order;
* the repeat gets its own ``/StructParents`` key and parent-tree entry,
  mapping its marked content to the copied elements.

A page this cannot repeat soundly (an element on more than one page, an
annotation or object reference on a repeated page, element identifiers that
would clash) raises :class:`RepeatError`; the caller then paints the pages
as before.  The result is written by merge.py (the same metadata and
determinism as a split piece).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

from handle_docs.pdf.structure_tree import as_list, is_dict, is_int, is_struct_elem, number_tree
from handle_docs.render.merge import MergeError, write_merged
from handle_docs.render.split import SplitError, top_elements

__all__ = ["RepeatError", "repeat_pages"]


class RepeatError(ValueError):
    """A page cannot be repeated soundly with its tags."""


def repeat_pages(
    data: bytes,
    order: Sequence[int],
    *,
    title: str,
    lang: str,
    creation_date: datetime | None = None,
) -> bytes:
    """A tagged PDF whose pages are ``data``'s pages in ``order`` (0-based
    indices; a page may come more than once, and every page must come)."""
    with pikepdf.open(io.BytesIO(data), inherit_page_attributes=True) as src:
        pages = [page.obj for page in src.pages]
        if sorted(set(order)) != list(range(len(pages))):
            raise ValueError("the order must name every page, and only those")
        try:
            holder, kids = top_elements(src)
        except SplitError as exc:
            raise RepeatError(str(exc)) from exc
        on_page: dict[int, list[Any]] = {}
        for kid, on in kids:
            if len(on) != 1:
                raise RepeatError("a structure element is on more than one page")
            on_page.setdefault(next(iter(on)), []).append(kid)
        st = src.Root.StructTreeRoot
        parent_tree = dict(number_tree(st.get("/ParentTree")))
        next_key = max([*parent_tree, int(st.get("/ParentTreeNextKey", 0)) - 1, -1]) + 1

        out_pages: list[Any] = []
        out_kids: list[Any] = []
        seen: set[int] = set()
        for index in order:
            page = pages[index]
            if index not in seen:
                seen.add(index)
                out_pages.append(page)
                out_kids.extend(on_page.get(index, []))
                continue
            if "/Annots" in page:
                raise RepeatError("a repeated page has annotations")
            copy = src.make_indirect(
                Dictionary({key: value for key, value in page.items() if key != "/StructParents"})
            )
            copier = _ElementCopier(src, page, copy)
            out_kids.extend(copier.copy(kid, holder) for kid in on_page.get(index, []))
            if "/StructParents" in page:
                entry = parent_tree.get(int(page.StructParents))
                if entry is not None:
                    parent_tree[next_key] = copier.entry(entry)
                copy.StructParents = next_key
                next_key += 1
            out_pages.append(copy)

        holder.K = Array(out_kids)
        nums = Array()
        for key in sorted(parent_tree):
            nums.append(key)
            nums.append(parent_tree[key])
        st.ParentTree = Dictionary(Nums=nums)
        st.ParentTreeNextKey = next_key
        if "/IDTree" in st:
            del st["/IDTree"]  # the writer rebuilds it from the elements it copies
        out = io.BytesIO()
        try:
            write_merged(
                out, [("repeated", src, out_pages)], title=title, lang=lang, creation_date=creation_date
            )
        except MergeError as exc:
            raise RepeatError(str(exc)) from exc
        return out.getvalue()


class _ElementCopier:
    """Copies the structure elements of one painted page for one repeat of it."""

    def __init__(self, src: Any, page: Any, copy: Any):
        self.src = src
        self.page = page.objgen
        self.target = copy
        self.copies: dict[tuple[int, int], Any] = {}  # element -> its copy

    def _page(self, pg: Any) -> Any:
        if pg.objgen != self.page:
            raise RepeatError("an element of a repeated page refers to another page")
        return self.target

    def copy(self, element: Any, parent: Any) -> Any:
        if "/ID" in element:
            raise RepeatError("an element of a repeated page has an identifier")
        new = self.src.make_indirect(Dictionary({key: value for key, value in element.items()}))
        self.copies[element.objgen] = new
        new.P = parent
        if "/Pg" in element:
            new.Pg = self._page(element.Pg)
        if "/K" in element:
            kids = Array()
            for kid in as_list(element.K):
                if is_int(kid):
                    kids.append(kid)
                elif is_struct_elem(kid):
                    kids.append(self.copy(kid, new))
                elif is_dict(kid) and kid.get("/Type") == Name.MCR:
                    mcr = Dictionary({key: value for key, value in kid.items()})
                    if "/Pg" in kid:
                        mcr.Pg = self._page(kid.Pg)
                    kids.append(mcr)
                else:
                    raise RepeatError("an element of a repeated page refers to an object")
            new.K = kids
        return new

    def entry(self, entry: Any) -> Any:
        """The repeat's parent-tree entry: the page's, with the copied elements."""
        out = Array()
        for element in as_list(entry):
            if is_dict(element):
                if element.objgen not in self.copies:
                    raise RepeatError("marked content on a repeated page belongs to an element not on it")
                out.append(self.copies[element.objgen])
            else:
                out.append(element)
        return out
