"""Facts about a tagged PDF's structure, as a reader would find them: the tests' oracle for merged and split PDFs.

:func:`pdf_structure_summary` answers, for a whole file, the questions a
broken merge or split would get wrong: does every marked-content id on every
page resolve through the parent tree to the element that owns it, does every
link annotation resolve to the element holding an /OBJR to it, do /P links,
element identifiers and table headers agree, what metadata does it carry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Name, ObjectType

from handle_docs.pdf.pdfmeta import docinfo_text
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
    walk_structure,
)

__all__ = ["pdf_structure_summary"]


def _same(a: Any, b: Any) -> bool:
    """Whether a and b are the same indirect object."""
    return a is not None and b is not None and a.is_indirect and b.is_indirect and a.objgen == b.objgen


def _page_mcids(page: pikepdf.Page) -> list[int]:
    """The MCIDs the page's content stream marks (``BDC`` operators), in order."""
    props = None
    res = page.obj.get("/Resources")
    if res is not None:
        props = res.get("/Properties")
    mcids = []
    for instruction in pikepdf.parse_content_stream(page, "BDC"):
        operands = instruction.operands
        if len(operands) < 2:
            continue
        plist: pikepdf.Object | None = operands[1]
        if type_code(plist) == ObjectType.name_ and props is not None:
            plist = props.get(str(plist))
        if is_dict(plist) and "/MCID" in plist:
            mcids.append(int(plist.MCID))
    return mcids


def _xmp_fields(pdf: pikepdf.Pdf) -> tuple[str | None, int | None]:
    """(dc:title, pdfuaid:part) of the XMP metadata, as pikepdf reads it."""
    try:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            title = meta.get("dc:title")
            part = meta.get("pdfuaid:part")
    except Exception:
        return None, None
    try:
        number = int(str(part).strip()) if part is not None else None
    except ValueError:
        number = None
    return (str(title) if title is not None else None), number


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
    element), ``ids_missing_from_idtree``.  Identifiers are given as text.
    """
    with pikepdf.open(path) as pdf:
        summary = _document_facts(pdf)
        st = pdf.Root.get("/StructTreeRoot")
        if st is None:
            summary["pages_with_unreachable_mcids"] = list(range(len(pdf.pages)))
            return summary
        if "/ParentTreeNextKey" in st:
            summary["parent_tree_next_key"] = int(st.ParentTreeNextKey)
        tree = _walk_tree(st, summary)
        summary["struct_counts"] = dict(sorted(tree.counts.items()))
        summary["struct_elements"] = sum(tree.counts.values())
        summary["bad_parent_links"] = tree.bad_parent
        summary["duplicate_ids"] = sorted(k for k, n in tree.ids.items() if n > 1)
        summary["dangling_headers"] = sorted({h for h in tree.header_refs if h not in tree.ids})
        id_tree = {key for key, _ in name_tree(st.get("/IDTree"))}
        summary["ids_missing_from_idtree"] = sorted(k for k in tree.ids if k not in id_tree)

        parent_tree = dict(number_tree(st.get("/ParentTree")))
        bad_pages = []
        annot_types: dict[str, int] = {}
        for page_index, page in enumerate(pdf.pages):
            if not _mcids_reachable(page, parent_tree, tree):
                bad_pages.append(page_index)
            for a_index, annot in enumerate(as_list(page.obj.get("/Annots"))):
                if not is_dict(annot) or "/StructParent" not in annot:
                    continue
                summary["annotations"] += 1
                elem = parent_tree.get(int(annot.StructParent))
                if (
                    elem is None
                    or not is_struct_elem(elem)
                    or elem.objgen not in tree.in_tree
                    or tree.objr_owner.get(annot.objgen) != elem.objgen
                ):
                    summary["unresolved_annotations"].append((page_index, a_index))
                    continue
                s = struct_type(elem)
                annot_types[s] = annot_types.get(s, 0) + 1
        summary["pages_with_unreachable_mcids"] = bad_pages
        summary["annotation_types"] = annot_types
        return summary


def _document_facts(pdf: pikepdf.Pdf) -> dict[str, Any]:
    """The summary's document-level facts, and its structure facts at their empty values."""
    root = pdf.Root
    info = pdf.trailer.get("/Info")
    mark = root.get("/MarkInfo")
    prefs = root.get("/ViewerPreferences")
    xmp_title, part = _xmp_fields(pdf)
    return {
        "pages": len(pdf.pages),
        "marked": bool(mark is not None and mark.get("/Marked", False)),
        "lang": str(root.Lang) if "/Lang" in root else None,
        "title": docinfo_text(info, "/Title"),
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


@dataclass
class _Tree:
    """What a walk of the structure tree found."""

    counts: dict[str, int] = field(default_factory=dict)  # elements by structure type
    in_tree: set = field(default_factory=set)  # objgen of every element
    ids: dict[str, int] = field(default_factory=dict)  # how many elements carry each /ID
    header_refs: list[str] = field(default_factory=list)
    # (page objgen, mcid, element objgen) of every MCID an element owns; objgen of OBJR targets
    owned_mcids: set = field(default_factory=set)
    objr_owner: dict = field(default_factory=dict)
    bad_parent: int = 0


def _walk_tree(st: Any, summary: dict[str, Any]) -> _Tree:
    """Walk the structure tree under ``st``, counting figures (and those with alt text) into ``summary``."""
    roles = role_names(st)
    tree = _Tree()
    for visit in walk_structure(st):
        elem = visit.elem
        s = struct_type(elem)
        tree.counts[s] = tree.counts.get(s, 0) + 1
        tree.in_tree.add(elem.objgen)
        p = elem.get("/P")
        if p is None or not _same(p, visit.parent):
            tree.bad_parent += 1
        if resolve_role(s, roles) == "Figure":
            summary["figures"] += 1
            alt = elem.get("/Alt")
            if alt is not None and str(alt).strip():
                summary["figures_with_alt"] += 1
        if "/ID" in elem:
            key = str(elem.ID)
            tree.ids[key] = tree.ids.get(key, 0) + 1
        for attr in as_list(elem.get("/A")):
            if is_dict(attr) and type_code(attr.get("/Headers")) == ObjectType.array:
                tree.header_refs.extend(str(h) for h in attr.Headers)
        pg = elem.get("/Pg")  # strictly its own: the oracle does not inherit pages
        for kid in visit.content:
            if is_int(kid):
                if pg is not None:
                    tree.owned_mcids.add((pg.objgen, int(kid), elem.objgen))
            elif is_dict(kid):
                kpg = kid.get("/Pg", pg)
                if kid.get("/Type") == Name.OBJR and "/Obj" in kid:
                    tree.objr_owner[kid.Obj.objgen] = elem.objgen
                elif "/MCID" in kid and kpg is not None and "/Stm" not in kid:
                    tree.owned_mcids.add((kpg.objgen, int(kid.MCID), elem.objgen))
    return tree


def _mcids_reachable(page: pikepdf.Page, parent_tree: dict[int, Any], tree: _Tree) -> bool:
    """Every MCID the page's content marks resolves, through the page's parent-tree entry, to an element of
    the tree that owns that MCID on that page."""
    mcids = _page_mcids(page)
    if not mcids:
        return True
    struct_parents = page.obj.get("/StructParents")
    entry = parent_tree.get(int(struct_parents)) if struct_parents is not None else None
    if entry is None or type_code(entry) != ObjectType.array:
        return False
    page_og = page.obj.objgen
    for mcid in mcids:
        if mcid >= len(entry):
            return False
        elem = entry[mcid]
        if (
            not is_struct_elem(elem)
            or elem.objgen not in tree.in_tree
            or (page_og, mcid, elem.objgen) not in tree.owned_mcids
        ):
            return False
    return True
