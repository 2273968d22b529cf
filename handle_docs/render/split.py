"""Split a tagged (PDF/UA-1) PDF into tagged PDFs of a few pages each.

The counterpart of ``merge.py``.  A worker paints each chunk of letters once,
as the chunk's share of the print batch, and cuts every letter's own file out
of it here, instead of painting the letter's pages a second time with
WeasyPrint (``Document.copy(pages).write_pdf()`` paints, subsets fonts and
serialises again: ~18 ms a letter, where this costs a few).  Splitting with
pypdf keeps the pages and drops the tags; this keeps both:

* the ``/Document`` element keeps only the kids whose content lies on the kept
  pages (WeasyPrint tags each page's content as its own ``/Art``); a kid with
  content on kept *and* dropped pages cannot be split soundly and raises
  :class:`SplitError`;
* the ``/ParentTree`` keeps the entries of the kept pages, their
  annotations and the forms they draw;
* a link on a kept page to a dropped page (explicit or named destination)
  raises :class:`SplitError`;
* outline items and named destinations pointing at dropped pages are dropped
  (an item's kept descendants move up to its level), and so are the images
  and forms no kept page draws (WeasyPrint shares one resource dictionary
  between all the pages of a document);
* the result is written by merge.py as a one-input merge: the same
  catalog entries (``/MarkInfo``, ``/Lang``, ``/ViewerPreferences``), document
  information and XMP metadata (title, ``pdfuaid:part``, dates), and the same
  determinism.  Fonts, images and content streams are copied raw, so a piece
  embeds the font subset of the whole input.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

from handle_docs.pdf.structure_tree import (
    as_list,
    is_dict,
    is_int,
    is_struct_elem,
    name_tree,
    number_tree,
    walk_structure,
)
from handle_docs.render.merge import MergeError, write_merged

__all__ = ["SplitError", "split_tagged_pdf", "top_elements"]


class SplitError(ValueError):
    """The pages asked for cannot be cut out of the input as a sound tagged PDF."""


def split_tagged_pdf(
    data: bytes,
    groups: Sequence[Sequence[int]],
    *,
    titles: Sequence[str],
    langs: Sequence[str],
    creation_date: datetime | None = None,
) -> list[bytes]:
    """One tagged PDF for each group of page indices (0-based) of ``data``.

    ``titles[i]`` and ``langs[i]`` become the title (document information,
    XMP, shown by readers) and the catalog language of piece ``i``.  Pages in
    no group are left out of every piece.  The same input always gives the
    same bytes, and a piece's bytes do not depend on the other groups.
    """
    if not len(titles) == len(langs) == len(groups):
        raise ValueError("one title and one language per group of pages")
    with pikepdf.open(io.BytesIO(data), inherit_page_attributes=True) as src:
        source = _Source(src)
        pieces = []
        for pages, title, lang in zip(groups, titles, langs, strict=True):
            keep = source.prune(list(pages))
            out = io.BytesIO()
            try:
                write_merged(out, [("piece", src, keep)], title=title, lang=lang, creation_date=creation_date)
            except MergeError as exc:
                raise SplitError(str(exc)) from exc
            pieces.append(out.getvalue())
    return pieces


def top_elements(src: Pdf) -> tuple[Any, list[tuple[Any, frozenset[int]]]]:
    """The element holding ``src``'s top-level structure elements (its document
    element), and each of them with the indices of the pages it is on."""
    source = _Source(src)
    return source.holder, source.kids


# ---------------------------------------------------------------------------


def _page_of_dest(dest: Any) -> Any:
    """The page object an explicit destination (array, or dict with /D) points at."""
    if is_dict(dest) and "/D" in dest:
        dest = dest.D
    if isinstance(dest, Array) and len(dest) and is_dict(dest[0]):
        return dest[0]
    return None


def _target(item: Any, named: dict[str, Any]) -> Any:
    """The page an outline item or link annotation goes to, or None.

    Explicit destinations and named ones (``named``: name -> destination)
    are followed; a named destination the document lacks raises.
    """
    dest = item.get("/Dest")
    action = item.get("/A")
    if dest is None and is_dict(action) and action.get("/S") == Name.GoTo:
        dest = action.get("/D")
    if dest is None:
        return None
    if isinstance(dest, (pikepdf.String, Name)):
        key = str(dest) if isinstance(dest, pikepdf.String) else str(dest)[1:]
        if key not in named:
            raise SplitError("a link or outline item goes to a destination the document lacks")
        dest = named[key]
    return _page_of_dest(dest)


def _pages_of_kids(holder: Any) -> list[set]:
    """Object numbers of the pages each element under ``holder`` (and what it holds) refers to."""
    found: list[set] = []
    for visit in walk_structure(holder, holder.get("/Pg")):
        if visit.depth == 1:
            found.append(set())
        pages = found[-1]
        page = visit.page
        if visit.own_page:
            pages.add(page.objgen)
        for kid in visit.content:
            if is_int(kid):
                if page is None:
                    raise SplitError("marked content with no page")
                pages.add(page.objgen)
            elif is_dict(kid):  # a marked-content or object reference
                own = kid.get("/Pg", page)
                if own is None:
                    raise SplitError("content reference with no page")
                pages.add(own.objgen)
    return found


class _Source:
    """The input, read once; ``prune`` narrows it to one piece's pages.

    Every piece is written from the same open document, so what ``prune``
    changes (the document element's kids, the parent tree, named
    destinations, outline links, the shared image dictionary) is set afresh
    from what was read here, never from what the previous piece left.
    """

    def __init__(self, src: Pdf):
        self.src = src
        self.pages = [page.obj for page in src.pages]
        index = {page.objgen: i for i, page in enumerate(self.pages)}
        root = src.Root
        st = root.get("/StructTreeRoot")
        if not is_dict(st):
            raise SplitError("not a tagged PDF (no /StructTreeRoot)")
        self.st = st
        top = as_list(st.get("/K"))
        is_doc = len(top) == 1 and is_struct_elem(top[0]) and top[0].get("/S") == Name.Document
        self.holder = top[0] if is_doc else st
        # each top-level element with the indices of the pages it is on
        self.kids: list[tuple[Any, frozenset[int]]] = []
        kids = as_list(self.holder.get("/K"))
        if not all(is_struct_elem(kid) for kid in kids):
            raise SplitError("content directly under the document element")
        pages_of_kids = _pages_of_kids(self.holder)
        if len(pages_of_kids) != len(kids):
            raise SplitError("a structure element is listed twice")
        for kid, found in zip(kids, pages_of_kids, strict=True):
            if not found or not found <= index.keys():
                raise SplitError("a structure element is on no page of the document")
            self.kids.append((kid, frozenset(index[p] for p in found)))
        self.parent_tree = number_tree(st.get("/ParentTree"))
        names = root.get("/Names")
        self.names = names if is_dict(names) and "/Dests" in names else None
        self.dests: list[tuple[str, Any, int | None]] = []
        if self.names is not None:
            for key, dest in name_tree(self.names.Dests):
                target = _page_of_dest(dest)
                self.dests.append((key, dest, index.get(target.objgen) if target is not None else None))
        self.named = {key: dest for key, dest, _ in self.dests}
        outlines = root.get("/Outlines")
        self.outlines = outlines if is_dict(outlines) else None
        self.outline = _read_outline(self.outlines, index, self.named, 0) if self.outlines is not None else []
        self.pruned: dict[tuple[int, int], tuple[Any, Any]] = {}  # resources -> (itself, its whole /XObject)
        self.index = index

    def prune(self, keep: list[int]) -> list:
        """Make the open document describe only pages ``keep``; returns their page objects."""
        if not keep or keep != sorted(set(keep)) or keep[0] < 0 or keep[-1] >= len(self.pages):
            raise SplitError("page indices must be distinct, in order and in range")
        wanted = set(keep)
        pages = [self.pages[i] for i in keep]

        kids = []
        for kid, on in self.kids:
            if on <= wanted:
                kids.append(kid)
            elif on & wanted:
                raise SplitError("a structure element spans kept and dropped pages")
        self.holder.K = Array(kids)

        for res, xobjects in self.pruned.values():  # undo the previous piece's pruning
            res.XObject = xobjects
        keys = _drop_unused_xobjects(pages, self.pruned)
        for page in pages:
            if "/StructParents" in page:
                keys.add(int(page.StructParents))
            for annot in as_list(page.get("/Annots")):
                if not is_dict(annot):
                    continue
                if "/StructParent" in annot:
                    keys.add(int(annot.StructParent))
                target = _target(annot, self.named)
                if target is not None and self.index.get(target.objgen) not in wanted:
                    raise SplitError("a link on a kept page points at a dropped page")
        nums = Array()
        for key, value in self.parent_tree:
            if key in keys:
                nums.append(key)
                nums.append(value)
        self.st.ParentTree = Dictionary(Nums=nums)
        if "/IDTree" in self.st:
            del self.st["/IDTree"]  # the writer rebuilds it from the elements it copies

        if self.names is not None:
            flat = Array()
            for name, dest, on_page in self.dests:
                if on_page in wanted:
                    flat.append(pikepdf.String(name))
                    flat.append(dest)
            if len(flat):
                self.names.Dests = Dictionary(Names=flat)
            elif "/Dests" in self.names:
                del self.names["/Dests"]
        if self.outlines is not None:
            items = _prune_outline(self.outline, wanted)
            if items:
                _link(self.outlines, items)
                self.src.Root.Outlines = self.outlines
            elif "/Outlines" in self.src.Root:
                del self.src.Root["/Outlines"]
        return pages


_DO = re.compile(rb"/([^\s/\[\]<>(){}%]+)\s+Do\b")


def _drop_unused_xobjects(pages: list, pruned: dict) -> set[int]:
    """Keep only the images and forms the kept pages draw.

    WeasyPrint gives every page of a document one shared resource dictionary,
    so without this a piece would carry every image of the whole input (the
    leaflet's QR codes in every letter).  Names are read from the content
    streams (``/name Do``), recursively through form XObjects; a resource
    dictionary with a name this cannot read for sure is left whole.  Each
    dictionary changed is noted in ``pruned`` with its whole /XObject, to be
    put back before the next piece.  Returns the parent-tree keys
    (``/StructParent(s)``) of the forms drawn.
    """
    keys: set[int] = set()
    used: dict[tuple[int, int], tuple[Any, set[bytes]]] = {}
    seen_forms: set = set()
    todo = []
    for page in pages:
        contents = page.get("/Contents")
        data = b"\n".join(c.read_bytes() for c in as_list(contents)) if contents is not None else b""
        todo.append((data, page.get("/Resources")))
    while todo:
        data, resources = todo.pop()
        if not is_dict(resources) or not resources.is_indirect:
            continue  # a page's own dictionary holds only what it uses
        entry = used.setdefault(resources.objgen, (resources, set()))
        xobjects = resources.get("/XObject")
        for raw in _DO.findall(data):
            entry[1].add(raw)
            if b"#" in raw:
                entry[1].add(b"#")  # escaped name: keep everything
                continue
            form = xobjects.get("/" + raw.decode("latin-1")) if is_dict(xobjects) else None
            if form is not None and form.get("/Subtype") == Name.Form and form.objgen not in seen_forms:
                seen_forms.add(form.objgen)
                for key in ("/StructParent", "/StructParents"):
                    if key in form:
                        keys.add(int(form[key]))
                todo.append((form.read_bytes(), form.get("/Resources", resources)))
    for resources, names in used.values():
        xobjects = resources.get("/XObject")
        if b"#" in names or not is_dict(xobjects):
            continue
        keep = {"/" + n.decode("latin-1") for n in names}
        pruned.setdefault(resources.objgen, (resources, xobjects))
        resources.XObject = Dictionary({k: v for k, v in xobjects.items() if k in keep})
    return keys


def _children(item: Any) -> list:
    out, seen = [], set()
    child = item.get("/First")
    while child is not None and is_dict(child) and child.objgen not in seen:
        seen.add(child.objgen)
        out.append(child)
        child = child.get("/Next")
    return out


def _read_outline(
    parent: Any, index: dict, named: dict, depth: int
) -> list[tuple[Any, int | None, bool, list]]:
    """The outline as (item, index of the page it goes to, closed?, children), read once."""
    if depth > 64:
        raise SplitError("outline nested too deeply")
    tree = []
    for item in _children(parent):
        target = _target(item, named)
        page = index.get(target.objgen) if target is not None else None
        tree.append(
            (item, page, int(item.get("/Count", 0)) < 0, _read_outline(item, index, named, depth + 1))
        )
    return tree


def _prune_outline(tree: list, wanted: set) -> list[tuple[Any, bool, list]]:
    """Outline items (closed?, pruned children) that go to a kept page."""
    result = []
    for item, page, closed, children in tree:
        below = _prune_outline(children, wanted)
        if page in wanted:
            result.append((item, closed, below))
        else:
            result.extend(below)  # a dropped item's kept descendants move up
    return result


def _link(parent: Any, items: list[tuple[Any, bool, list]]) -> int:
    """Relink ``items`` under ``parent``; returns how many items are visible below it."""
    visible = 0
    for i, (item, closed, below) in enumerate(items):
        item.Parent = parent
        for key, index in (("/Prev", i - 1), ("/Next", i + 1)):
            if 0 <= index < len(items):
                item[key] = items[index][0]
            elif key in item:
                del item[key]
        if below:
            shown = _link(item, below)
            item.Count = -len(below) if closed else shown
        else:
            for key in ("/First", "/Last"):
                if key in item:
                    del item[key]
            item.Count = 0
        visible += 1 + (0 if closed else max(int(item.Count), 0))
    parent.First = items[0][0]
    parent.Last = items[-1][0]
    if parent.get("/Type") == Name.Outlines:
        parent.Count = visible
    return visible
