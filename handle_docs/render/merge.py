"""Join tagged (PDF/UA-1) chunk PDFs into one tagged document.

WeasyPrint lays out the letters in chunks and writes one tagged PDF per chunk.
Plain page concatenation (pypdf, ``qpdf --pages``) keeps the pages but drops the
logical structure, so the joined file is no longer PDF/UA.  This module copies
the pages with pikepdf and rebuilds a single structure tree:

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
  document info and XMP metadata (``dc:title``, ``pdfuaid:part``, dates).

The output is deterministic (no wall clock, ``deterministic_id``) and written
atomically (temporary file in the target directory, ``os.replace``, mode 0600).

Memory and time are linear in the total number of PDF objects: inputs are
opened one at a time and closed once copied (their streams' encoded bytes are
copied into memory), but qpdf keeps the whole output object graph in memory
until it is written -- about 1.7 kB per object (a WeasyPrint letter page is
~50 objects, mostly structure elements), plus the encoded stream data.
Measured: 40 chunks x 50 pages -> ~0.2 GB peak RSS; 200 chunks x 100 pages
(20,000 pages, 1M objects) -> ~1.7 GB.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import suppress
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pikepdf
from pikepdf import Array, Dictionary, Name, ObjectType, Pdf, String

__all__ = ["merge_tagged_pdfs", "pdf_structure_summary", "MergeError"]

#: Entries per number/name tree leaf (and kids per intermediate node).  PDF
#: readers cope with big flat arrays, but old implementation limits capped
#: arrays at 8191 elements, so large trees are split into balanced nodes.
_TREE_FANOUT = 128

_DICT = ObjectType.dictionary
_ARRAY = ObjectType.array
_INT = ObjectType.integer
_STREAM = ObjectType.stream

_XMP_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}


class MergeError(ValueError):
    """An input cannot be merged into a sound tagged document."""


# ---------------------------------------------------------------------------
# small pikepdf helpers
# ---------------------------------------------------------------------------


def _tc(obj: Any) -> ObjectType | None:
    try:
        return obj._type_code
    except AttributeError:
        return None


def _is_int(obj: Any) -> bool:
    # pikepdf converts PDF integers to Python ints when reading containers.
    if isinstance(obj, bool):
        return False
    return isinstance(obj, int) or _tc(obj) == _INT


def _is_dict(obj: Any) -> bool:
    return _tc(obj) in (_DICT, _STREAM)


def _as_list(obj: Any) -> list:
    """A /K-like value as a Python list (absent -> [], single -> [x])."""
    if obj is None:
        return []
    if _tc(obj) == _ARRAY:
        return list(obj)
    return [obj]


def _same(a: Any, b: Any) -> bool:
    """Whether a and b are the same indirect object."""
    return (
        a is not None
        and b is not None
        and a.is_indirect
        and b.is_indirect
        and a.objgen == b.objgen
    )


def _is_struct_elem(obj: Any) -> bool:
    """A structure element (not a marked-content or object reference)."""
    if not _is_dict(obj):
        return False
    typ = obj.get("/Type")
    if typ is not None and typ in (Name.MCR, Name.OBJR):
        return False
    return "/S" in obj


def _iter_number_tree(node: Any, _depth: int = 0) -> Iterator[tuple[int, Any]]:
    """(key, value) pairs of a number tree, in key order for a sound tree."""
    if node is None or _depth > 64:
        return
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums) - 1, 2):
            yield int(nums[i]), nums[i + 1]
    for kid in _as_list(node.get("/Kids")):
        yield from _iter_number_tree(kid, _depth + 1)


def _iter_name_tree(node: Any, _depth: int = 0) -> Iterator[tuple[bytes, Any]]:
    if node is None or _depth > 64:
        return
    names = node.get("/Names")
    if names is not None:
        for i in range(0, len(names) - 1, 2):
            yield bytes(names[i]), names[i + 1]
    for kid in _as_list(node.get("/Kids")):
        yield from _iter_name_tree(kid, _depth + 1)


def _build_tree(pdf: Pdf, entries: list[tuple[Any, Any]], kind: str, key_obj) -> Dictionary:
    """A balanced number tree (kind '/Nums') or name tree (kind '/Names').

    ``entries`` must be sorted by key.  Small trees are a single root with the
    entries; larger ones get leaves of ``_TREE_FANOUT`` entries with /Limits.
    """
    if len(entries) <= _TREE_FANOUT:
        flat: list = []
        for key, value in entries:
            flat.append(key_obj(key))
            flat.append(value)
        return pdf.make_indirect(Dictionary({kind: Array(flat)}))

    level: list[tuple[Any, Any, Any]] = []  # (low key, high key, node)
    for start in range(0, len(entries), _TREE_FANOUT):
        chunk = entries[start : start + _TREE_FANOUT]
        flat = []
        for key, value in chunk:
            flat.append(key_obj(key))
            flat.append(value)
        lo, hi = chunk[0][0], chunk[-1][0]
        leaf = pdf.make_indirect(
            Dictionary({"/Limits": Array([key_obj(lo), key_obj(hi)]), kind: Array(flat)})
        )
        level.append((lo, hi, leaf))
    while len(level) > _TREE_FANOUT:
        parents = []
        for start in range(0, len(level), _TREE_FANOUT):
            group = level[start : start + _TREE_FANOUT]
            lo, hi = group[0][0], group[-1][1]
            node = pdf.make_indirect(
                Dictionary(
                    {
                        "/Limits": Array([key_obj(lo), key_obj(hi)]),
                        "/Kids": Array([n for _, _, n in group]),
                    }
                )
            )
            parents.append((lo, hi, node))
        level = parents
    return pdf.make_indirect(Dictionary({"/Kids": Array([n for _, _, n in level])}))


def _canon(obj: Any, _depth: int = 0) -> Any:
    """A hashable, document-independent form of a (small) PDF object."""
    if _depth > 32:
        raise MergeError("object nesting too deep to compare")
    tc = _tc(obj)
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


def _role_of(s: Any, role_map: Any) -> str | None:
    """The standard type a structure type maps to through /RoleMap."""
    if s is None:
        return None
    seen = set()
    name = str(s)
    while role_map is not None and name in role_map and name not in seen:
        seen.add(name)
        name = str(role_map[name])
    return name


# ---------------------------------------------------------------------------
# metadata helpers
# ---------------------------------------------------------------------------


def _utc_if_naive(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=timezone.utc)


def _pdf_date(dt: datetime) -> str:
    dt = _utc_if_naive(dt)
    offset = dt.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return dt.strftime("D:%Y%m%d%H%M%S") + f"{sign}{minutes // 60:02d}'{minutes % 60:02d}'"


def _xmp_date(dt: datetime) -> str:
    return _utc_if_naive(dt).replace(microsecond=0).isoformat()


def _xml_text(value: str) -> str:
    # Drop characters XML 1.0 cannot carry.
    cleaned = "".join(
        ch
        for ch in value
        if ch in "\t\n\r" or 0x20 <= ord(ch) <= 0xD7FF or 0xE000 <= ord(ch) <= 0xFFFD
        or 0x10000 <= ord(ch) <= 0x10FFFF
    )
    return escape(cleaned)


def _build_xmp(
    *,
    title: str,
    lang: str,
    producer: str | None,
    creator_tool: str | None,
    author: str | None,
    subject: str | None,
    keywords: str | None,
    created: datetime | None,
    modified: datetime | None,
) -> bytes:
    ns = " ".join(f"xmlns:{k}={quoteattr(v)}" for k, v in _XMP_NS.items() if k != "rdf")
    props = [
        "<pdfuaid:part>1</pdfuaid:part>",
        "<dc:format>application/pdf</dc:format>",
        "<dc:title><rdf:Alt>"
        f'<rdf:li xml:lang="x-default">{_xml_text(title)}</rdf:li>'
        "</rdf:Alt></dc:title>",
    ]
    if lang:
        props.append(f"<dc:language><rdf:Bag><rdf:li>{_xml_text(lang)}</rdf:li></rdf:Bag></dc:language>")
    if author:
        props.append(f"<dc:creator><rdf:Seq><rdf:li>{_xml_text(author)}</rdf:li></rdf:Seq></dc:creator>")
    if subject:
        props.append(
            "<dc:description><rdf:Alt>"
            f'<rdf:li xml:lang="x-default">{_xml_text(subject)}</rdf:li>'
            "</rdf:Alt></dc:description>"
        )
    if keywords:
        props.append(f"<pdf:Keywords>{_xml_text(keywords)}</pdf:Keywords>")
    if producer:
        props.append(f"<pdf:Producer>{_xml_text(producer)}</pdf:Producer>")
    if creator_tool:
        props.append(f"<xmp:CreatorTool>{_xml_text(creator_tool)}</xmp:CreatorTool>")
    if created is not None:
        props.append(f"<xmp:CreateDate>{_xmp_date(created)}</xmp:CreateDate>")
    if modified is not None:
        props.append(f"<xmp:ModifyDate>{_xmp_date(modified)}</xmp:ModifyDate>")
        props.append(f"<xmp:MetadataDate>{_xmp_date(modified)}</xmp:MetadataDate>")
    body = "\n   ".join(props)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        f' <rdf:RDF xmlns:rdf="{_XMP_NS["rdf"]}">\n'
        f'  <rdf:Description rdf:about="" {ns}>\n'
        f"   {body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    )
    return packet.encode("utf-8")


def _docinfo_text(info: Any, key: str) -> str | None:
    if info is None or key not in info:
        return None
    try:
        return str(info[key])
    except Exception:  # pragma: no cover - undecodable string
        return None


def _parse_pdf_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        from pikepdf.models.metadata import decode_pdf_date

        return decode_pdf_date(value)
    except Exception:
        return None


# ---------------------------------------------------------------------------
# the merge
# ---------------------------------------------------------------------------


class _Merger:
    def __init__(self, out: Pdf):
        self.out = out
        self.next_key = 0  # ParentTree key offset for the next input
        self.doc_kids: list = []
        self.parent_entries: list[tuple[int, Any]] = []
        self.role_map: dict[str, Any] = {}
        self.role_canon: dict[str, Any] = {}
        self.class_map: dict[str, Any] = {}
        self.class_canon: dict[str, Any] = {}
        self.ids: dict[bytes, Any] = {}  # element identifier -> element
        self.dests: dict[bytes, Any] = {}  # named destination -> destination
        self.outline_items: list = []
        self.outline_count = 0
        self.visited: set[tuple[int, int]] = set()
        self.doc_template: Any = None
        self.pdf_version = "1.7"
        self.pages: list = []
        self.first_info: dict[str, str | None] = {}
        self.first_catalog: dict[str, Any] = {}
        self.new_doc = out.make_indirect(
            Dictionary({"/Type": Name.StructElem, "/S": Name.Document, "/K": Array()})
        )

    # -- per input ---------------------------------------------------------

    def add(self, index: int, path: Path, src: Pdf) -> None:
        out = self.out
        root = src.Root
        if "/StructTreeRoot" not in root:
            raise MergeError(f"{path}: not a tagged PDF (no /StructTreeRoot)")
        if len(src.pages) == 0:
            raise MergeError(f"{path}: has no pages")
        if _version_tuple(src.pdf_version) > _version_tuple(self.pdf_version):
            self.pdf_version = src.pdf_version

        # Objects created from here on get higher object numbers than this
        # marker (which, being unreferenced, is not written).
        first_new = out.make_indirect(Dictionary()).objgen[0] + 1
        if index == 0:
            self._capture_catalog(src)
        # Copy the page objects (qpdf leaves out /Parent; the page tree is
        # built in finish()).  out.pages.extend() would be quadratic: pikepdf
        # looks for each page among all pages already in the document.
        new_pages = [out.copy_foreign(page.obj) for page in src.pages]
        self.pages.extend(new_pages)
        # Copy the whole structure tree.  Objects already copied with the
        # pages (the pages themselves, their annotations) are reused, so /Pg
        # and /OBJR /Obj references point to the new page objects.
        st = out.copy_foreign(root.StructTreeRoot)

        offset = self.next_key
        span = self._renumber(new_pages, offset)
        entries = list(_iter_number_tree(st.get("/ParentTree")))
        if entries:
            span = max(span, max(k for k, _ in entries) + 1)
        if "/ParentTreeNextKey" in st:
            span = max(span, int(st.ParentTreeNextKey))

        role_map = st.get("/RoleMap")
        self._merge_map(role_map, self.role_map, self.role_canon, "RoleMap", path)
        self._merge_map(st.get("/ClassMap"), self.class_map, self.class_canon, "ClassMap", path)

        # The input's document element (or, when there is none, the root).
        top = _as_list(st.get("/K"))
        old_parent = st
        kids = top
        doc_pg = None
        if (
            len(top) == 1
            and _is_struct_elem(top[0])
            and _role_of(top[0].get("/S"), role_map) == "/Document"
        ):
            old_parent = top[0]
            kids = _as_list(old_parent.get("/K"))
            doc_pg = old_parent.get("/Pg")
            if self.doc_template is None:
                self.doc_template = old_parent
        owns_content = False
        for kid in kids:
            if _is_struct_elem(kid):
                kid.P = self.new_doc
                self.doc_kids.append(kid)
            elif _is_int(kid):
                # MCID owned directly by the document element.
                if doc_pg is None:
                    raise MergeError(f"{path}: document element has an MCID but no /Pg")
                owns_content = True
                self.doc_kids.append(
                    Dictionary({"/Type": Name.MCR, "/Pg": doc_pg, "/MCID": int(kid)})
                )
            elif _is_dict(kid):
                owns_content = True
                if "/Pg" not in kid and doc_pg is not None:
                    kid.Pg = doc_pg
                self.doc_kids.append(kid)

        for key, value in entries:
            if owns_content:
                value = self._replace_ref(value, old_parent, self.new_doc)
            self.parent_entries.append((key + offset, value))

        renamed_dests = self._merge_dests(src, new_pages, index)
        self._merge_outlines(src, renamed_dests)
        self.next_key = offset + span
        stop = out.make_indirect(Dictionary()).objgen[0]
        self._scan_new_objects(first_new, stop, {st.objgen, old_parent.objgen}, index)

    def _scan_new_objects(self, start: int, stop: int, skip: set, index: int) -> None:
        """One pass over the objects copied from the current input.

        * Streams: load their (still encoded) data.  qpdf otherwise reads
          copied stream data from the source file only when the output is
          written, which would keep every input open, with its whole parsed
          object table (~1.4 kB per object), until the end.  Holding just the
          encoded bytes lets each input be closed right away.
        * Structure elements: make identifiers (/ID) unique across inputs and
          adjust the table-header references (/A /Headers) of this input.
          (Elements are found by object number, so this relies on elements
          with an /ID being indirect objects, as every producer writes them.)
        """
        out = self.out
        renamed: dict[bytes, bytes] = {}
        local: set[bytes] = set()  # identifiers met in this input
        with_attrs = []
        for objid in range(start, stop):
            obj = out.get_object((objid, 0))
            tc = obj._type_code
            if tc == _STREAM:
                obj.write(
                    obj.read_raw_bytes(),
                    filter=obj.get("/Filter"),
                    decode_parms=obj.get("/DecodeParms"),
                    type_check=False,
                )
                continue
            # Structure elements are the dictionaries with both /S and /P
            # (marked-content and object references have neither).
            if tc != _DICT or "/S" not in obj or "/P" not in obj or (objid, 0) in skip:
                continue
            if "/A" in obj:
                with_attrs.append(obj)
            if "/ID" not in obj:
                continue
            ident = obj.ID
            key = bytes(ident)
            if key not in local:
                local.add(key)
                if key in self.ids:  # clashes with an earlier input
                    renamed[key] = _unique(key, index, self.ids)
                self.ids[renamed.get(key, key)] = obj
            # (a duplicate inside one input keeps its first mapping)
            final = renamed.get(key, key)
            if final != key:
                obj.ID = String(final)
        if not renamed:
            return
        for elem in with_attrs:
            for attr in _as_list(elem.get("/A")):
                if not _is_dict(attr):
                    continue
                headers = attr.get("/Headers")
                if headers is None or _tc(headers) != _ARRAY:
                    continue
                if any(bytes(h) in renamed for h in headers):
                    attr.Headers = Array(
                        [String(renamed.get(bytes(h), bytes(h))) for h in headers]
                    )

    def _capture_catalog(self, first: Pdf) -> None:
        """Record what the output takes over from the first input."""
        out = self.out
        info = first.trailer.get("/Info")
        self.first_info = {
            key: _docinfo_text(info, key)
            for key in ("/Author", "/Subject", "/Keywords", "/Creator", "/Producer",
                        "/CreationDate", "/ModDate")
        }
        root = first.Root
        prefs = root.get("/ViewerPreferences")
        if prefs is not None and _is_dict(prefs):
            self.first_catalog["/ViewerPreferences"] = (
                out.copy_foreign(prefs) if prefs.is_indirect else _copy_direct(out, prefs)
            )
        for key in ("/PageMode", "/PageLayout"):
            if key in root and _tc(root[key]) == ObjectType.name_:
                self.first_catalog[key] = Name(str(root[key]))
        intents = root.get("/OutputIntents")
        if intents is not None:
            self.first_catalog["/OutputIntents"] = (
                out.copy_foreign(intents) if intents.is_indirect else _copy_direct(out, intents)
            )

    def _renumber(self, pages: list, offset: int) -> int:
        """Shift StructParent(s) keys; returns the number of keys used."""
        span = 0

        def shift(obj: Any, key: str) -> None:
            nonlocal span
            if key in obj:
                old = int(obj[key])
                span = max(span, old + 1)
                obj[key] = old + offset

        def visit_resources(res: Any) -> None:
            if res is None or not _is_dict(res):
                return
            if res.is_indirect:
                if res.objgen in self.visited:
                    return
                self.visited.add(res.objgen)
            xobjects = res.get("/XObject")
            if xobjects is None:
                return
            for _, xobj in xobjects.items():
                if _tc(xobj) != _STREAM or xobj.get("/Subtype") != Name.Form:
                    continue
                if xobj.objgen in self.visited:
                    continue
                self.visited.add(xobj.objgen)
                shift(xobj, "/StructParents")
                shift(xobj, "/StructParent")
                visit_resources(xobj.get("/Resources"))

        for page in pages:
            shift(page, "/StructParents")
            for annot in _as_list(page.get("/Annots")):
                if not _is_dict(annot):
                    continue
                if annot.is_indirect:
                    if annot.objgen in self.visited:
                        continue
                    self.visited.add(annot.objgen)
                shift(annot, "/StructParent")
            visit_resources(page.get("/Resources"))
        return span

    @staticmethod
    def _replace_ref(value: Any, old: Any, new: Any) -> Any:
        if _tc(value) == _ARRAY:
            return Array([new if _same(v, old) else v for v in value])
        return new if _same(value, old) else value

    def _merge_map(self, src_map: Any, merged: dict, canon: dict, what: str, path: Path) -> None:
        if src_map is None:
            return
        for key, value in src_map.items():
            c = _canon(value)
            if key in merged:
                if canon[key] != c:
                    raise MergeError(f"{path}: /{what} entry {key} conflicts with an earlier input")
                continue
            merged[key] = value
            canon[key] = c

    def _merge_dests(self, src: Pdf, new_pages: list, index: int) -> dict[bytes, bytes]:
        """Merge /Names /Dests; returns the names renamed for this input."""
        names = src.Root.get("/Names")
        tree = names.get("/Dests") if names is not None else None
        if tree is None:
            return {}
        renamed: dict[bytes, bytes] = {}
        for key, dest in _iter_name_tree(tree):
            if _tc(dest) in (_DICT, _ARRAY) and dest.is_indirect:
                dest = self.out.copy_foreign(dest)
            elif _tc(dest) in (_DICT, _ARRAY):
                dest = _copy_direct(self.out, dest)
            final = key
            if key in self.dests:
                final = _unique(key, index, self.dests)
                renamed[key] = final
            self.dests[final] = dest
        if renamed:
            for page in new_pages:
                for annot in _as_list(page.get("/Annots")):
                    if _is_dict(annot):
                        _rename_dest(annot, renamed)
        return renamed

    def _merge_outlines(self, src: Pdf, renamed: dict[bytes, bytes]) -> None:
        outlines = src.Root.get("/Outlines")
        if outlines is None or "/First" not in outlines:
            return
        item = self.out.copy_foreign(outlines.First)
        seen: set = set()
        while item is not None and _is_dict(item) and item.objgen not in seen:
            seen.add(item.objgen)
            self.outline_items.append(item)
            count = int(item.get("/Count", 0))
            self.outline_count += 1 + (count if count > 0 else 0)
            if renamed:
                self._rename_outline_dests(item, renamed)
            item = item.get("/Next")

    def _rename_outline_dests(self, item: Any, renamed: dict) -> None:
        # The top-level item's siblings are visited by the caller.
        stack = [(item, False)]
        seen: set = set()
        while stack:
            node, follow_next = stack.pop()
            if not _is_dict(node) or node.objgen in seen:
                continue
            seen.add(node.objgen)
            _rename_dest(node, renamed)
            if follow_next and "/Next" in node:
                stack.append((node.Next, True))
            if "/First" in node:
                stack.append((node.First, True))

    # -- final assembly ----------------------------------------------------

    def finish(self, *, title: str, lang: str, creation_date: datetime | None) -> None:
        out = self.out
        doc = self.new_doc
        if self.doc_template is not None:
            for key, value in self.doc_template.items():
                if key not in ("/K", "/P", "/Pg", "/ID", "/Type", "/S"):
                    doc[key] = value
        doc.K = Array(self.doc_kids)

        st = out.make_indirect(Dictionary({"/Type": Name.StructTreeRoot}))
        doc.P = st
        st.K = Array([doc])
        st.ParentTree = _build_tree(out, self.parent_entries, "/Nums", int)
        st.ParentTreeNextKey = self.next_key
        if self.role_map:
            st.RoleMap = Dictionary({k: self.role_map[k] for k in sorted(self.role_map)})
        if self.class_map:
            st.ClassMap = Dictionary({k: self.class_map[k] for k in sorted(self.class_map)})
        if self.ids:
            st.IDTree = _build_tree(out, sorted(self.ids.items()), "/Names", String)

        catalog = out.Root
        _build_page_tree(out, catalog.Pages, self.pages)
        catalog.StructTreeRoot = st
        catalog.MarkInfo = Dictionary({"/Marked": True})
        catalog.Lang = String(lang)
        prefs = self.first_catalog.get("/ViewerPreferences")
        if prefs is None:
            prefs = Dictionary()
        prefs.DisplayDocTitle = True
        self.first_catalog["/ViewerPreferences"] = prefs
        for key, value in self.first_catalog.items():
            catalog[key] = value

        if self.dests:
            names = Dictionary({"/Dests": _build_tree(out, sorted(self.dests.items()), "/Names", String)})
            catalog.Names = names
        if self.outline_items:
            outlines = out.make_indirect(Dictionary({"/Type": Name.Outlines}))
            items = self.outline_items
            for i, item in enumerate(items):
                item.Parent = outlines
                if i:
                    item.Prev = items[i - 1]
                elif "/Prev" in item:
                    del item.Prev
                if i + 1 < len(items):
                    item.Next = items[i + 1]
                elif "/Next" in item:
                    del item.Next
            outlines.First = items[0]
            outlines.Last = items[-1]
            outlines.Count = self.outline_count
            catalog.Outlines = outlines

        # Document information and XMP metadata.
        src_info = self.first_info
        author = src_info.get("/Author")
        subject = src_info.get("/Subject")
        keywords = src_info.get("/Keywords")
        creator = src_info.get("/Creator")
        producer = src_info.get("/Producer")
        if creation_date is not None:
            created = modified = creation_date
        else:
            created = _parse_pdf_date(src_info.get("/CreationDate"))
            modified = _parse_pdf_date(src_info.get("/ModDate"))
        info = Dictionary({"/Title": String(title)})
        for key, value in (
            ("/Author", author),
            ("/Subject", subject),
            ("/Keywords", keywords),
            ("/Creator", creator),
            ("/Producer", producer),
        ):
            if value:
                info[key] = String(value)
        if created is not None:
            info.CreationDate = String(_pdf_date(created))
        if modified is not None:
            info.ModDate = String(_pdf_date(modified))
        out.trailer.Info = out.make_indirect(info)
        xmp = _build_xmp(
            title=title,
            lang=lang,
            producer=producer,
            creator_tool=creator,
            author=author,
            subject=subject,
            keywords=keywords,
            created=created,
            modified=modified,
        )
        meta = pikepdf.Stream(out, xmp)
        meta.Type = Name.Metadata
        meta.Subtype = Name.XML
        catalog.Metadata = out.make_indirect(meta)


def _build_page_tree(out: Pdf, root: Any, pages: list) -> None:
    """Hang ``pages`` (in order) under ``root`` as a balanced page tree."""
    level = [(page, 1) for page in pages]  # (node, page count)
    while len(level) > _TREE_FANOUT:
        parents = []
        for start in range(0, len(level), _TREE_FANOUT):
            group = level[start : start + _TREE_FANOUT]
            count = sum(n for _, n in group)
            node = out.make_indirect(
                Dictionary(
                    {
                        "/Type": Name.Pages,
                        "/Kids": Array([kid for kid, _ in group]),
                        "/Count": count,
                    }
                )
            )
            for kid, _ in group:
                kid.Parent = node
            parents.append((node, count))
        level = parents
    root.Kids = Array([kid for kid, _ in level])
    root.Count = sum(n for _, n in level)
    for kid, _ in level:
        kid.Parent = root


def _unique(key: bytes, index: int, taken: dict) -> bytes:
    n = 0
    while True:
        candidate = key + (f"~{index}" if n == 0 else f"~{index}.{n}").encode("ascii")
        if candidate not in taken:
            return candidate
        n += 1


def _rename_dest(obj: Any, renamed: dict) -> None:
    dest = obj.get("/Dest")
    if dest is not None and _tc(dest) == ObjectType.string and bytes(dest) in renamed:
        obj.Dest = String(renamed[bytes(dest)])
    action = obj.get("/A")
    if action is not None and _is_dict(action) and action.get("/S") == Name.GoTo:
        d = action.get("/D")
        if d is not None and _tc(d) == ObjectType.string and bytes(d) in renamed:
            action.D = String(renamed[bytes(d)])


def _copy_direct(out: Pdf, obj: Any) -> Any:
    """Copy a direct container from another Pdf into ``out``."""
    tc = _tc(obj)
    if tc == _DICT:
        return Dictionary({k: _copy_value(out, v) for k, v in obj.items()})
    if tc == _ARRAY:
        return Array([_copy_value(out, v) for v in obj])
    return obj


def _copy_value(out: Pdf, value: Any) -> Any:
    if _tc(value) in (_DICT, _ARRAY, _STREAM) and value.is_indirect:
        return out.copy_foreign(value)
    if _tc(value) in (_DICT, _ARRAY):
        return _copy_direct(out, value)
    return value


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
    """
    paths = [Path(p) for p in inputs]
    if not paths:
        raise MergeError("no input PDFs to merge")
    output = Path(output)
    directory = output.parent if str(output.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=directory)
    try:
        with pikepdf.new() as out:
            merger = _Merger(out)
            # One input open at a time: its stream data is copied into memory
            # (encoded) and it is closed before the next one is opened.
            for index, path in enumerate(paths):
                try:
                    # inherit_page_attributes: push inherited /Resources,
                    # /MediaBox... down to the pages before they are copied.
                    src = pikepdf.open(path, inherit_page_attributes=True)
                except pikepdf.PdfError as exc:
                    raise MergeError(f"{path}: not a readable PDF: {exc}") from exc
                with src:
                    merger.add(index, path, src)
            merger.finish(title=title, lang=lang, creation_date=creation_date)
            page_count = len(merger.pages)
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fd = -1
                out.save(
                    fh,
                    deterministic_id=True,
                    fix_metadata_version=False,
                    preserve_pdfa=False,
                    object_stream_mode=pikepdf.ObjectStreamMode.generate,
                    compress_streams=True,
                    min_version=merger.pdf_version,
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


# ---------------------------------------------------------------------------
# inspection helper
# ---------------------------------------------------------------------------


def _iter_struct(st: Any) -> Iterator[tuple[Any, Any]]:
    """(element, container) for every structure element, depth first, in order."""
    stack = [(kid, st) for kid in reversed(_as_list(st.get("/K")))]
    seen: set = set()
    while stack:
        elem, parent = stack.pop()
        if not _is_struct_elem(elem):
            continue
        if elem.is_indirect:
            if elem.objgen in seen:
                continue
            seen.add(elem.objgen)
        yield elem, parent
        stack.extend((kid, elem) for kid in reversed(_as_list(elem.get("/K"))))


def _page_mcids(page: pikepdf.Page) -> list[int]:
    props = None
    res = page.obj.get("/Resources")
    if res is not None:
        props = res.get("/Properties")
    mcids = []
    for operands, operator in pikepdf.parse_content_stream(page, "BDC"):
        if len(operands) < 2:
            continue
        plist = operands[1]
        if _tc(plist) == ObjectType.name_ and props is not None:
            plist = props.get(str(plist))
        if _is_dict(plist) and "/MCID" in plist:
            mcids.append(int(plist.MCID))
    return mcids


def _xmp_fields(pdf: Pdf) -> tuple[str | None, int | None]:
    if "/Metadata" not in pdf.Root:
        return None, None
    import xml.etree.ElementTree as ET

    try:
        data = pdf.Root.Metadata.read_bytes()
        tree = ET.fromstring(data.decode("utf-8").split("?>", 1)[1].rsplit("<?xpacket", 1)[0])
    except Exception:
        return None, None
    rdf, dc, ua = _XMP_NS["rdf"], _XMP_NS["dc"], _XMP_NS["pdfuaid"]
    title = None
    part = None
    for desc in tree.iter(f"{{{rdf}}}Description"):
        value = desc.get(f"{{{ua}}}part")
        if value is None:
            el = desc.find(f"{{{ua}}}part")
            value = el.text if el is not None else None
        if value is not None and part is None:
            with suppress(ValueError):
                part = int(value.strip())
        t = desc.find(f"{{{dc}}}title")
        if t is not None and title is None:
            li = t.find(f".//{{{rdf}}}li")
            if li is not None:
                title = li.text or ""
    return title, part


def pdf_structure_summary(path: Path | str) -> dict:
    """Facts about a tagged PDF, for tests and checks.

    Keys: ``pages``, ``marked``, ``lang``, ``title`` (document information),
    ``xmp_title``, ``pdfuaid_part``, ``display_doc_title``, ``struct_counts``
    (element count by structure type, e.g. ``{"P": 3}``), ``struct_elements``,
    ``figures``, ``figures_with_alt``, ``parent_tree_next_key``,
    ``pages_with_unreachable_mcids`` (0-based pages where some MCID in the
    content stream does not resolve, through the page's ParentTree entry, to a
    structure element in the tree that owns that MCID on that page),
    ``annotations`` / ``unresolved_annotations`` (annotations with
    /StructParent, and those whose key does not resolve to an element in the
    tree holding an /OBJR to them, as ``(page, index)``), ``annotation_types``
    (structure type of the element each annotation resolves to),
    ``bad_parent_links`` (elements whose /P is not their container),
    ``duplicate_ids``, ``dangling_headers`` (/A /Headers entries naming no
    element), ``ids_missing_from_idtree``.
    """
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        info = pdf.trailer.get("/Info")
        mark = root.get("/MarkInfo")
        prefs = root.get("/ViewerPreferences")
        xmp_title, part = _xmp_fields(pdf)
        summary: dict[str, Any] = {
            "pages": len(pdf.pages),
            "marked": bool(mark is not None and mark.get("/Marked", False)),
            "lang": str(root.Lang) if "/Lang" in root else None,
            "title": _docinfo_text(info, "/Title"),
            "xmp_title": xmp_title,
            "pdfuaid_part": part,
            "display_doc_title": bool(prefs is not None and prefs.get("/DisplayDocTitle", False)),
            "struct_counts": {},
            "struct_elements": 0,
            "figures": 0,
            "figures_with_alt": 0,
            "parent_tree_next_key": None,
            "pages_with_unreachable_mcids": [],
            "annotations": 0,
            "unresolved_annotations": [],
            "annotation_types": {},
            "bad_parent_links": 0,
            "duplicate_ids": [],
            "dangling_headers": [],
            "ids_missing_from_idtree": [],
        }
        st = root.get("/StructTreeRoot")
        if st is None:
            summary["pages_with_unreachable_mcids"] = list(range(len(pdf.pages)))
            return summary
        role_map = st.get("/RoleMap")
        if "/ParentTreeNextKey" in st:
            summary["parent_tree_next_key"] = int(st.ParentTreeNextKey)

        counts: dict[str, int] = {}
        in_tree: set = set()
        ids: dict[bytes, int] = {}
        header_refs: list[bytes] = []
        # (page objgen, mcid) -> element objgen owning it; objgen of OBJR targets
        owned_mcids: set = set()
        objr_owner: dict = {}
        bad_parent = 0
        for elem, container in _iter_struct(st):
            s = str(elem.S)[1:]
            counts[s] = counts.get(s, 0) + 1
            in_tree.add(elem.objgen)
            p = elem.get("/P")
            if p is None or not _same(p, container):
                bad_parent += 1
            if _role_of(elem.S, role_map) == "/Figure":
                summary["figures"] += 1
                alt = elem.get("/Alt")
                if alt is not None and str(alt).strip():
                    summary["figures_with_alt"] += 1
            if "/ID" in elem:
                key = bytes(elem.ID)
                ids[key] = ids.get(key, 0) + 1
            for attr in _as_list(elem.get("/A")):
                if _is_dict(attr) and _tc(attr.get("/Headers")) == _ARRAY:
                    header_refs.extend(bytes(h) for h in attr.Headers)
            pg = elem.get("/Pg")
            for kid in _as_list(elem.get("/K")):
                if _is_int(kid):
                    if pg is not None:
                        owned_mcids.add((pg.objgen, int(kid), elem.objgen))
                elif _is_dict(kid) and not _is_struct_elem(kid):
                    kpg = kid.get("/Pg", pg)
                    if kid.get("/Type") == Name.OBJR and "/Obj" in kid:
                        objr_owner[kid.Obj.objgen] = elem.objgen
                    elif "/MCID" in kid and kpg is not None and "/Stm" not in kid:
                        owned_mcids.add((kpg.objgen, int(kid.MCID), elem.objgen))
        summary["struct_counts"] = dict(sorted(counts.items()))
        summary["struct_elements"] = sum(counts.values())
        summary["bad_parent_links"] = bad_parent
        summary["duplicate_ids"] = sorted(k.decode("latin-1") for k, n in ids.items() if n > 1)
        summary["dangling_headers"] = sorted(
            {h.decode("latin-1") for h in header_refs if h not in ids}
        )
        id_tree = {key for key, _ in _iter_name_tree(st.get("/IDTree"))}
        summary["ids_missing_from_idtree"] = sorted(
            k.decode("latin-1") for k in ids if k not in id_tree
        )

        parent_tree = dict(_iter_number_tree(st.get("/ParentTree")))
        bad_pages = []
        annot_types: dict[str, int] = {}
        for page_index, page in enumerate(pdf.pages):
            page_og = page.obj.objgen
            mcids = _page_mcids(page)
            ok = True
            if mcids:
                key = page.obj.get("/StructParents")
                entry = parent_tree.get(int(key)) if key is not None else None
                if entry is None or _tc(entry) != _ARRAY:
                    ok = False
                else:
                    for mcid in mcids:
                        if mcid >= len(entry):
                            ok = False
                            break
                        elem = entry[mcid]
                        if (
                            not _is_struct_elem(elem)
                            or elem.objgen not in in_tree
                            or (page_og, mcid, elem.objgen) not in owned_mcids
                        ):
                            ok = False
                            break
            if not ok:
                bad_pages.append(page_index)
            for a_index, annot in enumerate(_as_list(page.obj.get("/Annots"))):
                if not _is_dict(annot) or "/StructParent" not in annot:
                    continue
                summary["annotations"] += 1
                elem = parent_tree.get(int(annot.StructParent))
                if (
                    elem is None
                    or not _is_struct_elem(elem)
                    or elem.objgen not in in_tree
                    or objr_owner.get(annot.objgen) != elem.objgen
                ):
                    summary["unresolved_annotations"].append((page_index, a_index))
                    continue
                s = str(elem.S)[1:]
                annot_types[s] = annot_types.get(s, 0) + 1
        summary["pages_with_unreachable_mcids"] = bad_pages
        summary["annotation_types"] = annot_types
        return summary
