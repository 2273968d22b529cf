"""Join tagged (PDF/UA-1) chunk PDFs into one tagged document.

WeasyPrint lays out the letters in chunks and writes one tagged PDF per chunk.
Plain page concatenation (pypdf, ``qpdf --pages``) keeps the pages but drops the
logical structure, so the joined file is no longer PDF/UA.  This module copies
every input's pages and structure into one output and rebuilds a single
structure tree:

* one ``/StructTreeRoot`` whose only kid is a ``/Document`` element holding, in
  order, the kids of every input's document element (their ``/P`` re-pointed);
* one ``/ParentTree`` number tree; every input's keys are shifted by the number
  of keys used by the inputs before it, and the pages' ``/StructParents``,
  annotations' ``/StructParent`` and form XObjects' ``/StructParent(s)`` are
  shifted to match; ``/ParentTreeNextKey`` is set;
* ``/RoleMap`` and ``/ClassMap`` merged (a conflicting entry is an error);
* element identifiers (``/ID``) made unique across inputs, the table-header
  references (``/A /Headers``) of the renamed input adjusted, and an
  ``/IDTree`` written whenever elements carry identifiers;
* outlines and named destinations (``/Names /Dests``) merged, clashing
  destination names renamed and the links/outline items of that input adjusted;
* catalog ``/MarkInfo``, ``/Lang``, ``/ViewerPreferences /DisplayDocTitle``,
  document info and XMP metadata (``dc:title``, ``pdfuaid:part``, dates);
* an input in another language than the output (its catalog ``/Lang``)
  keeps it: its top-level elements that name no ``/Lang`` get the input's, so
  a Welsh letter's English half, cut out by split.py, still reads as English.

Streaming: the output is written incrementally, so memory does not grow with
the batch.  Inputs are opened one at a time with pikepdf, adjusted in memory
(keys shifted, identifiers and destinations renamed, ``/P`` and ``/Parent``
re-pointed), and every object reachable from the input's pages, structure
elements, parent-tree entries, outlines and destinations is renumbered and
serialised straight to the output by ``pdfcopy.py`` (qpdf's ``unparse`` with
the references rewritten; stream data copied raw, filters and all, never
recompressed) into ``pdfwriter.py``, which packs small objects into
compressed object streams; the input is closed before the next one is
opened.  What stays in memory for
the whole batch is small and per item (~0.7 kB a letter page): one 8-byte
cross-reference entry per object, the page and top-level element object
numbers, the parent-tree key -> object number pairs, element identifiers and
destination names.  The page tree, parent tree, ID tree, destination tree,
document element, structure tree root, outlines, catalog, information
dictionary and XMP metadata (``pdfmeta.py``) are written at the end, followed
by a cross-reference stream.  The input's structure tree, parent tree and
name trees are read with ``pdf/structure_tree.py``.

Measured with WeasyPrint letter chunks (2 pages a letter, ~47 objects a page),
peak RSS of the whole process (~34 MiB of it interpreter and libraries):
40 chunks x 50 pages -> 45 MiB, 100 x 100 pages -> 61 MiB, 400 x 50 pages
(20,000 pages) -> 58 MiB, where building the output in memory took 195 MiB,
820 MiB and 1.6 GB.  CPU time is about the same as before (~1.1 ms a page).

The output is deterministic (object numbers follow a fixed traversal order, the
``/ID`` is an MD5 of the written body; no wall clock) and written atomically
(temporary file in the target directory, fsync, ``os.replace``, mode 0600).
"""

from __future__ import annotations

import os
import re
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import pikepdf
from pikepdf import Array, Dictionary, Name, ObjectType, Pdf, String

from handle_docs.pdf.pdfcopy import ObjectCopier
from handle_docs.pdf.pdfmeta import document_metadata, read_docinfo
from handle_docs.pdf.pdfwriter import HEADER_VERSION, PdfWriter, pdf_dict
from handle_docs.pdf.structure_tree import (
    as_list,
    is_dict,
    is_int,
    is_struct_elem,
    name_tree,
    number_tree,
    resolve_role,
    role_names,
    struct_type,
    type_code,
)

__all__ = ["MergeError", "merge_tagged_pdfs", "write_merged"]

#: Entries per number/name tree leaf (and kids per intermediate node, and
#: pages per page-tree node).  PDF readers cope with big flat arrays, but old
#: implementation limits capped arrays at 8191 elements, so large trees are
#: split into balanced nodes.
_TREE_FANOUT = 128

_DICT = ObjectType.dictionary
_ARRAY = ObjectType.array
_STREAM = ObjectType.stream


class MergeError(ValueError):
    """An input cannot be merged into a sound tagged document."""


def _canon(obj: Any, _depth: int = 0) -> Any:
    """A hashable, document-independent form of a (small) PDF object."""
    if _depth > 32:
        raise MergeError("object nesting too deep to compare")
    tc = type_code(obj)
    if tc is None:
        return ("py", repr(obj))
    if tc == _DICT:
        return ("d", tuple(sorted((str(k), _canon(v, _depth + 1)) for k, v in obj.items())))
    if tc == _ARRAY:
        return ("a", tuple(_canon(v, _depth + 1) for v in obj))
    if tc == _STREAM:
        return ("s", _canon(obj.stream_dict, _depth + 1), bytes(obj.read_raw_bytes()))
    if tc == ObjectType.string:
        return ("str", bytes(obj))
    if tc == ObjectType.name_:
        return ("n", str(obj))
    if tc == ObjectType.null:
        return ("null",)
    return ("v", obj.unparse())


# ---------------------------------------------------------------------------
# element identifiers
# ---------------------------------------------------------------------------


class _Identifiers:
    """Makes one input's structure element identifiers (/ID) unique in the output.

    Called by the object copier for each object whose text holds ``/ID`` or
    ``/Headers``: registers the element's identifier with the merger
    (``taken``: identifier -> element), renaming it when an earlier input
    already used it, and renames the table-header references (``/A
    /Headers``) of this input to match.
    """

    def __init__(self, taken: dict[bytes, int], index: int):
        self.taken = taken
        self.index = index
        self.local: set[bytes] = set()  # identifiers met in this input
        self.renamed: dict[bytes, bytes] = {}

    def _final(self, key: bytes) -> bytes:
        """The identifier ``key`` of this input gets in the output.

        Identifiers that clash with an earlier input are renamed; the choice
        is remembered so the element and every /Headers entry agree.
        """
        final = self.renamed.get(key)
        if final is not None:
            return final
        if key in self.local or key not in self.taken:
            return key
        final = self.renamed[key] = _unique(key, self.index, self.taken)
        return final

    def __call__(self, obj: Any, num: int) -> bool:
        """Register/rename a structure element's /ID; rename /Headers entries.

        (Elements are found by object number, so this relies on elements
        with an /ID being indirect objects, as every producer writes them.)
        """
        if type_code(obj) != _DICT:
            return False
        changed = False
        # Structure elements are the dictionaries with both /S and /P
        # (marked-content and object references have neither).
        if "/S" in obj and "/P" in obj and "/ID" in obj:
            key = bytes(obj.ID)
            final = self._final(key)
            if key not in self.local:
                self.local.add(key)
                self.taken[final] = num
            # (a duplicate inside one input keeps its first mapping)
            if final != key:
                obj.ID = String(final)
                changed = True
        attrs = [obj] + [a for a in as_list(obj.get("/A")) if is_dict(a) and not a.is_indirect]
        for attr in attrs:
            headers = attr.get("/Headers")
            if headers is None or type_code(headers) != _ARRAY:
                continue
            new = []
            renamed = False
            for h in headers:
                if type_code(h) == ObjectType.string:
                    key = bytes(h)
                    final = self._final(key)
                    if final != key:
                        new.append(String(final))
                        renamed = True
                        continue
                new.append(h)
            if renamed:
                attr.Headers = Array(new)
                changed = True
        return changed


# ---------------------------------------------------------------------------
# the merge
# ---------------------------------------------------------------------------


class _Merger:
    def __init__(self, w: PdfWriter, lang: str | None = None):
        self.w = w
        self.lang = (
            lang  # the output's catalog /Lang: inputs in another language say theirs on their elements
        )
        self.fanout = max(2, int(_TREE_FANOUT))
        self.catalog_num = w.alloc()
        self.st_num = w.alloc()  # the output's /StructTreeRoot
        self.doc_num = w.alloc()  # its /Document element
        self.next_key = 0  # ParentTree key offset for the next input
        self.pages = array("q")  # output page object numbers, in order
        self.leaves = array("q")  # page-tree nodes holding the pages
        self.doc_kids = array("q")  # >= 0: object number; < 0: ~index in direct_kids
        self.direct_kids: list[bytes] = []
        self.pt_keys = array("q")  # ParentTree key -> object number
        self.pt_vals = array("q")
        self.role_map: dict[str, bytes] = {}
        self.role_canon: dict[str, Any] = {}
        self.class_map: dict[str, bytes] = {}
        self.class_canon: dict[str, Any] = {}
        self.ids: dict[bytes, int] = {}  # element identifier -> element
        self.dests: dict[str, bytes] = {}  # named destination -> destination
        self.outlines_num: int | None = None
        self.outline_first: int | None = None
        self.outline_last: int | None = None
        self.outline_count = 0
        # The last top-level outline item copied so far, not yet written: its
        # /Next is only known once an input with outlines follows.
        self.pending_item: tuple[int, bytes] | None = None
        self.doc_template: dict[bytes, bytes] | None = None
        self.pdf_version = "1.7"
        self.first_info: dict[str, str | None] = {}
        self.first_catalog: dict[bytes, bytes] = {}

    # -- per input ---------------------------------------------------------

    def add(self, index: int, path: Any, src: Pdf, pages: list | None = None) -> None:
        """Copy input ``src`` (only ``pages``, its page objects, when given: see split.py)."""
        root, st, pages = self._checked_input(path, src, pages)
        cp = ObjectCopier(self.w, src, on_ids=_Identifiers(self.ids, index))
        cp.fix(root, self.catalog_num)
        if st.is_indirect:
            cp.fix(st, self.st_num)

        offset = self.next_key
        span = _renumber(pages, offset)
        entries = number_tree(st.get("/ParentTree"))
        if entries:
            span = max(span, entries[-1][0] + 1)
        if "/ParentTreeNextKey" in st:
            span = max(span, int(st.ParentTreeNextKey))

        role_map = st.get("/RoleMap")
        self._merge_map(role_map, self.role_map, self.role_canon, "RoleMap", path, cp)
        self._merge_map(st.get("/ClassMap"), self.class_map, self.class_canon, "ClassMap", path, cp)

        old_parent, kids, doc_pg, doc_elem = _document_element(st)
        # References to the old document element (its kids' /P, parent-tree
        # entries of content it owns) now go to the merged one.
        if old_parent.is_indirect:
            cp.fix(old_parent, self.doc_num)
        ph_doc = cp.placeholder(self.doc_num)

        # Named destinations: names first, so clashes can be renamed in this
        # input's links and outline items before they are written.
        dest_items, renamed_dests = self._merge_dest_names(root, index)
        if renamed_dests:
            for page in pages:
                for annot in as_list(page.get("/Annots")):
                    if is_dict(annot):
                        _rename_dest(annot, renamed_dests)

        self._hang_pages(cp, root, pages)
        self._add_doc_kids(cp, path, root, kids, ph_doc, doc_pg)
        if doc_elem is not None and self.doc_template is None:
            self.doc_template = {
                Name(key).unparse(): cp.value(value)
                for key, value in doc_elem.items()
                if key not in ("/K", "/P", "/Pg", "/ID", "/Type", "/S")
            }
        self._copy_parent_tree(cp, entries, offset)

        self._merge_outlines(root, cp, renamed_dests)
        for final, dest in dest_items:
            self.dests[final] = cp.value(dest)
        if index == 0:
            self._capture_catalog(src, cp)

        cp.drain()
        if cp.held is not None:
            self.pending_item = cp.held
        self.next_key = offset + span

    def _checked_input(self, path: Any, src: Pdf, pages: list | None) -> tuple[Any, Any, list]:
        """The input's catalog, structure tree root and pages, refused when it is not a tagged PDF with pages;
        the output's PDF version raised to the input's."""
        root = src.Root
        if "/StructTreeRoot" not in root:
            raise MergeError(f"{path}: not a tagged PDF (no /StructTreeRoot)")
        st = root.StructTreeRoot
        if not is_dict(st):
            raise MergeError(f"{path}: /StructTreeRoot is not a dictionary")
        pages = [page.obj for page in src.pages] if pages is None else pages
        if not pages:
            raise MergeError(f"{path}: has no pages")
        if _version_tuple(src.pdf_version) > _version_tuple(self.pdf_version):
            self.pdf_version = src.pdf_version
        return root, st, pages

    def _hang_pages(self, cp: ObjectCopier, root: Any, pages: list) -> None:
        """Pages, in order, hung under the page-tree nodes they will have.

        The input's own page-tree nodes are not copied: should anything but
        a page's /Parent refer to one, it gets the first page's new parent."""
        first_leaf = self._leaf(len(self.pages))
        nodes = [root.get("/Pages")] + [page.get("/Parent") for page in pages]
        seen_nodes: set = set()
        while nodes:
            node = nodes.pop()
            if (
                node is None
                or not is_dict(node)
                or not node.is_indirect
                or node.objgen in seen_nodes
                or node.get("/Type") != Name.Pages
            ):
                continue
            seen_nodes.add(node.objgen)
            cp.fix(node, first_leaf)
            nodes.append(node.get("/Parent"))
        leaf_ph: dict[int, Any] = {}
        for page in pages:
            leaf = self._leaf(len(self.pages))
            if leaf not in leaf_ph:
                leaf_ph[leaf] = cp.placeholder(leaf)
            page.Parent = leaf_ph[leaf]
            self.pages.append(cp.ref(page))

    def _add_doc_kids(
        self, cp: ObjectCopier, path: Any, root: Any, kids: list, ph_doc: Any, doc_pg: Any
    ) -> None:
        """The document element's kids.  An input in another language than the
        output's keeps its own: its top-level elements that name none get it."""
        src_lang = root.get("/Lang")
        other_lang = (
            src_lang
            if isinstance(src_lang, String) and self.lang is not None and str(src_lang) != self.lang
            else None
        )
        for kid in kids:
            if is_struct_elem(kid):
                kid.P = ph_doc
                if other_lang is not None and "/Lang" not in kid:
                    kid.Lang = String(str(other_lang))
                self._add_doc_kid(cp, kid)
            elif is_int(kid):
                # MCID owned directly by the document element.
                if doc_pg is None:
                    raise MergeError(f"{path}: document element has an MCID but no /Pg")
                self._add_doc_kid(
                    cp,
                    Dictionary({"/Type": Name.MCR, "/Pg": doc_pg, "/MCID": int(kid)}),
                )
            elif is_dict(kid):
                if "/Pg" not in kid and doc_pg is not None:
                    kid.Pg = doc_pg
                self._add_doc_kid(cp, kid)

    def _copy_parent_tree(self, cp: ObjectCopier, entries: list[tuple[int, Any]], offset: int) -> None:
        """Parent tree entries, keys shifted; direct values (the pages' arrays)
        become objects of their own."""
        for key, value in entries:
            if isinstance(value, pikepdf.Object) and value.is_indirect:
                num = cp.ref(value)
            else:
                num = self.w.alloc()
                self.w.obj(num, cp.value(value))
            self.pt_keys.append(key + offset)
            self.pt_vals.append(num)

    def _leaf(self, page_index: int) -> int:
        """The page-tree node that will hold page ``page_index`` (numbered on first use)."""
        while len(self.leaves) <= page_index // self.fanout:
            self.leaves.append(self.w.alloc())
        return self.leaves[page_index // self.fanout]

    def _add_doc_kid(self, cp: ObjectCopier, kid: Any) -> None:
        if kid.is_indirect:
            self.doc_kids.append(cp.ref(kid))
        else:
            self.direct_kids.append(cp.value(kid))
            self.doc_kids.append(~(len(self.direct_kids) - 1))

    def _capture_catalog(self, first: Pdf, cp: ObjectCopier) -> None:
        """Record what the output takes over from the first input."""
        self.first_info = read_docinfo(first)
        root = first.Root
        prefs = root.get("/ViewerPreferences")
        if prefs is not None and is_dict(prefs):
            prefs.DisplayDocTitle = True
            self.first_catalog[b"/ViewerPreferences"] = cp.value(prefs)
        for key in ("/PageMode", "/PageLayout"):
            if key in root and type_code(root[key]) == ObjectType.name_:
                self.first_catalog[key.encode("ascii")] = Name(str(root[key])).unparse()
        intents = root.get("/OutputIntents")
        if intents is not None:
            self.first_catalog[b"/OutputIntents"] = cp.value(intents)

    def _merge_map(
        self, src_map: Any, merged: dict, canon: dict, what: str, path: Path, cp: ObjectCopier
    ) -> None:
        if src_map is None:
            return
        for key, value in src_map.items():
            c = _canon(value)
            if key in merged:
                if canon[key] != c:
                    raise MergeError(f"{path}: /{what} entry {key} conflicts with an earlier input")
                continue
            merged[key] = cp.value(value)
            canon[key] = c

    def _merge_dest_names(self, root: Any, index: int) -> tuple[list, dict[str, str]]:
        """Claim this input's /Names /Dests names; returns (final name, dest) and renames.

        Names are read as text (see ``name_tree``) and written in pikepdf's
        encoding of it; a name that is not ASCII may be spelt in other bytes
        by the input's links, so its links are rewritten too (renamed to
        itself).
        """
        names = root.get("/Names")
        tree = names.get("/Dests") if names is not None and is_dict(names) else None
        if tree is None:
            return [], {}
        items = []
        renamed: dict[str, str] = {}
        for key, dest in name_tree(tree):
            final = key
            if key in self.dests:
                final = _unique(key, index, self.dests)
                renamed[key] = final
            elif not key.isascii():
                renamed[key] = key
            self.dests[final] = b"null"  # claimed; the value is written below
            items.append((final, dest))
        return items, renamed

    def _merge_outlines(self, root: Any, cp: ObjectCopier, renamed: dict[str, str]) -> None:
        outlines = root.get("/Outlines")
        if outlines is None or not is_dict(outlines) or "/First" not in outlines:
            return
        items = []
        item: pikepdf.Object | None = outlines.First
        seen: set = set()
        while item is not None and is_dict(item) and item.is_indirect and item.objgen not in seen:
            seen.add(item.objgen)
            items.append(item)
            item = item.get("/Next")
        if not items:
            return
        w = self.w
        if self.outlines_num is None:
            self.outlines_num = w.alloc()
        if outlines.is_indirect:
            cp.fix(outlines, self.outlines_num)
        parent = cp.placeholder(self.outlines_num)
        for i, item in enumerate(items):
            item.Parent = parent
            if i:
                item.Prev = items[i - 1]
            elif self.outline_last is not None:
                item.Prev = cp.placeholder(self.outline_last)
            elif "/Prev" in item:
                del item.Prev
            if i + 1 < len(items):
                item.Next = items[i + 1]
            elif "/Next" in item:
                del item.Next
            count = int(item.get("/Count", 0))
            self.outline_count += 1 + (count if count > 0 else 0)
            if renamed:
                _rename_outline_dests(item, renamed)
        first = cp.ref(items[0])
        if self.pending_item is not None:
            num, text = self.pending_item
            w.obj(num, text[:-2] + b"/Next %d 0 R >>" % first)
            self.pending_item = None
        if self.outline_first is None:
            self.outline_first = first
        self.outline_last = cp.hold = cp.ref(items[-1])

    # -- final assembly ----------------------------------------------------

    def finish(self, *, title: str, lang: str, creation_date: datetime | None) -> tuple[int, int]:
        """Write the document-level objects; returns (catalog, info) numbers."""
        w = self.w
        if self.pending_item is not None:
            w.obj(*self.pending_item)
            self.pending_item = None

        catalog: dict[bytes, bytes] = {b"/Type": b"/Catalog"}
        catalog[b"/Pages"] = b"%d 0 R" % w.page_tree(self.pages, self.leaves, self.fanout)

        self._write_structure_tree()

        catalog[b"/StructTreeRoot"] = b"%d 0 R" % self.st_num
        catalog[b"/MarkInfo"] = b"<< /Marked true >>"
        catalog[b"/Lang"] = String(lang).unparse()
        catalog[b"/ViewerPreferences"] = b"<< /DisplayDocTitle true >>"
        catalog.update(self.first_catalog)

        if self.dests:
            dests = self.dests
            names = sorted((bytes(String(k)), k) for k in dests)  # by the bytes written
            tree = w.tree(
                ((String(k).unparse(), dests[k]) for _, k in names), len(dests), b"/Names", self.fanout
            )
            catalog[b"/Names"] = b"<< /Dests %d 0 R >>" % tree
        if self.outlines_num is not None:
            assert self.outline_first is not None and self.outline_last is not None  # set with the first item
            w.obj(
                self.outlines_num,
                pdf_dict(
                    {
                        b"/Type": b"/Outlines",
                        b"/First": b"%d 0 R" % self.outline_first,
                        b"/Last": b"%d 0 R" % self.outline_last,
                        b"/Count": b"%d" % self.outline_count,
                    }
                ),
            )
            catalog[b"/Outlines"] = b"%d 0 R" % self.outlines_num

        # Document information and XMP metadata.
        info, xmp = document_metadata(self.first_info, title=title, lang=lang, creation_date=creation_date)
        info_num = w.alloc()
        w.obj(info_num, pdf_dict(info))
        meta = w.alloc()
        w.stream(meta, b"<< /Length %d /Subtype /XML /Type /Metadata >>" % len(xmp), xmp)
        catalog[b"/Metadata"] = b"%d 0 R" % meta
        w.obj(self.catalog_num, pdf_dict(catalog))
        return self.catalog_num, info_num

    def _write_structure_tree(self) -> None:
        """The structure tree: the merged document element and the structure tree root (parent tree, role
        and class maps, ID tree)."""
        w = self.w
        kids = bytearray()
        for k in self.doc_kids:
            kids += b"%d 0 R " % k if k >= 0 else self.direct_kids[~k] + b" "
        doc = dict(self.doc_template or {})
        doc.update(
            {
                b"/Type": b"/StructElem",
                b"/S": b"/Document",
                b"/P": b"%d 0 R" % self.st_num,
                b"/K": b"[ " + bytes(kids) + b"]",
            }
        )
        w.obj(self.doc_num, pdf_dict(doc))
        del kids, doc
        st = {
            b"/Type": b"/StructTreeRoot",
            b"/K": b"[ %d 0 R ]" % self.doc_num,
            b"/ParentTreeNextKey": b"%d" % self.next_key,
        }
        pt = w.tree(
            ((b"%d" % k, b"%d 0 R" % v) for k, v in zip(self.pt_keys, self.pt_vals, strict=True)),
            len(self.pt_keys),
            b"/Nums",
            self.fanout,
        )
        st[b"/ParentTree"] = b"%d 0 R" % pt
        if self.role_map:
            st[b"/RoleMap"] = pdf_dict({Name(k).unparse(): v for k, v in self.role_map.items()})
        if self.class_map:
            st[b"/ClassMap"] = pdf_dict({Name(k).unparse(): v for k, v in self.class_map.items()})
        if self.ids:
            ids = self.ids
            tree = w.tree(
                ((String(k).unparse(), b"%d 0 R" % ids[k]) for k in sorted(ids)),
                len(ids),
                b"/Names",
                self.fanout,
            )
            st[b"/IDTree"] = b"%d 0 R" % tree
        w.obj(self.st_num, pdf_dict(st))


def _renumber(pages: list, offset: int) -> int:
    """Shift StructParent(s) keys of the pages, their annotations and form
    XObjects by ``offset``; returns the number of keys used."""
    span = 0
    visited: set[tuple[int, int]] = set()

    def shift(obj: Any, key: str) -> int:
        if key not in obj:
            return 0
        old = int(obj[key])
        obj[key] = old + offset
        return old + 1

    resources = []
    for page in pages:
        span = max(span, shift(page, "/StructParents"))
        for annot in as_list(page.get("/Annots")):
            if not is_dict(annot):
                continue
            if annot.is_indirect:
                if annot.objgen in visited:
                    continue
                visited.add(annot.objgen)
            span = max(span, shift(annot, "/StructParent"))
        resources.append(page.get("/Resources"))
    while resources:
        res = resources.pop()
        if res is None or not is_dict(res):
            continue
        if res.is_indirect:
            if res.objgen in visited:
                continue
            visited.add(res.objgen)
        xobjects = res.get("/XObject")
        if xobjects is None or not is_dict(xobjects):
            continue
        for _, xobj in xobjects.items():
            if type_code(xobj) != _STREAM or xobj.get("/Subtype") != Name.Form:
                continue
            if xobj.objgen in visited:
                continue
            visited.add(xobj.objgen)
            span = max(span, shift(xobj, "/StructParents"), shift(xobj, "/StructParent"))
            resources.append(xobj.get("/Resources"))
    return span


def _rename_outline_dests(item: Any, renamed: dict[str, str]) -> None:
    # The top-level item's siblings are visited by the caller.
    stack = [(item, False)]
    seen: set = set()
    while stack:
        node, follow_next = stack.pop()
        if not is_dict(node) or node.objgen in seen:
            continue
        seen.add(node.objgen)
        _rename_dest(node, renamed)
        if follow_next and "/Next" in node:
            stack.append((node.Next, True))
        if "/First" in node:
            stack.append((node.First, True))


def _unique(key: Any, index: int, taken: dict) -> Any:
    """``key`` (text or bytes) with a suffix naming input ``index`` that no key in ``taken`` has."""
    n = 0
    while True:
        suffix = f"~{index}" if n == 0 else f"~{index}.{n}"
        candidate = key + (suffix.encode("ascii") if isinstance(key, bytes) else suffix)
        if candidate not in taken:
            return candidate
        n += 1


def _rename_dest(obj: Any, renamed: dict[str, str]) -> None:
    """Point a link or outline item going to a renamed destination at its new name."""
    dest = obj.get("/Dest")
    if dest is not None and type_code(dest) == ObjectType.string and str(dest) in renamed:
        obj.Dest = String(renamed[str(dest)])
    action = obj.get("/A")
    if action is not None and is_dict(action) and action.get("/S") == Name.GoTo:
        d = action.get("/D")
        if d is not None and type_code(d) == ObjectType.string and str(d) in renamed:
            action.D = String(renamed[str(d)])


def _version_tuple(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in str(version).split("."))
    except ValueError:
        return (1, 7)


def merge_tagged_pdfs(
    inputs: Sequence[Path],
    output: Path,
    *,
    title: str,
    lang: str = "en-GB",
    creation_date: datetime | None = None,
) -> int:
    """Join tagged PDFs into one tagged PDF/UA-1 document; return the page count.

    ``inputs`` are appended in order.  ``creation_date`` (callers pass
    SOURCE_DATE_EPOCH) becomes the creation/modification date in the document
    information and XMP; without it the first input's dates are carried over.
    The same inputs always give byte-identical output.  The output is written
    atomically with mode 0600; on failure no output or temporary file is left.
    Memory stays bounded by about one input (see the module docstring).
    """
    paths = [Path(p) for p in inputs]
    if not paths:
        raise MergeError("no input PDFs to merge")
    output = Path(output)
    directory = output.parent if str(output.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb", buffering=1 << 20) as fh:
            fd = -1
            page_count = write_merged(
                fh, _open_each(paths), title=title, lang=lang, creation_date=creation_date
            )
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, output)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    with suppress(OSError):
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return page_count


def _open_each(paths: Sequence[Path]) -> Iterator[tuple[Any, Pdf]]:
    """Each input opened in turn; it is closed before the next one is opened."""
    for path in paths:
        try:
            # inherit_page_attributes: push inherited /Resources,
            # /MediaBox... down to the pages before they are copied.
            src = pikepdf.open(path, inherit_page_attributes=True)
        except pikepdf.PdfError as exc:
            raise MergeError(f"{path}: not a readable PDF: {exc}") from exc
        with src:
            yield path, src


def write_merged(
    fh: BinaryIO,
    sources: Iterable[tuple[Any, Pdf] | tuple[Any, Pdf, list]],
    *,
    title: str,
    lang: str,
    creation_date: datetime | None,
) -> int:
    """Write the merge of ``sources`` (label, open input) to ``fh`` (seekable); return the page count.

    Each input must have ``/Resources`` and ``/MediaBox`` on its pages
    (``pikepdf.open(..., inherit_page_attributes=True)``).  A source may name
    the page objects to copy as a third item (split.py); by default, all.
    """
    writer = PdfWriter(fh)
    merger = _Merger(writer, lang)
    for index, (label, src, *pages) in enumerate(sources):
        try:
            merger.add(index, label, src, pages[0] if pages else None)
        except pikepdf.PdfError as exc:
            raise MergeError(f"{label}: cannot be copied: {exc}") from exc
    if not merger.pages:
        raise MergeError("no input PDFs to merge")
    root, info = merger.finish(title=title, lang=lang, creation_date=creation_date)
    version = merger.pdf_version
    if not re.fullmatch(r"\d\.\d", version):
        version = HEADER_VERSION
    writer.close(root=root, info=info, version=version)
    return len(merger.pages)


def _document_element(st: Any) -> tuple[Any, list, Any, Any]:
    """The input's document element (or, when there is none, the structure tree root): (the parent of the
    elements to copy, those elements, the document element's /Pg, the document element or None)."""
    top = as_list(st.get("/K"))
    if (
        len(top) == 1
        and is_struct_elem(top[0])
        and resolve_role(struct_type(top[0]), role_names(st)) == "Document"
    ):
        doc_elem = top[0]
        return doc_elem, as_list(doc_elem.get("/K")), doc_elem.get("/Pg"), doc_elem
    return st, top, None, None
