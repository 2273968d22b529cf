"""Reading a tagged PDF's structure tree: the one walker, its element tests, role names, number and name trees.

Everything that reads a structure tree goes through here: the checks
(``pdf_common.PdfDoc.struct_root``), the merger and splitter of tagged PDFs
(``render/merge.py``, ``render/split.py``), the structure summary the tests
use as their oracle (``tests/structure_summary.py``) and the tests themselves.
Only pikepdf is imported, so the renderer's workers stay light.
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import itemgetter
from typing import Any, NamedTuple, TypeGuard

import pikepdf
from pikepdf import Name, ObjectType

__all__ = [
    "Visit",
    "as_list",
    "is_dict",
    "is_int",
    "is_struct_elem",
    "name_tree",
    "number_tree",
    "resolve_role",
    "role_names",
    "struct_type",
    "type_code",
    "walk_structure",
]

#: Standard structure types (PDF 1.7, 14.8.4); others go through /RoleMap.
STANDARD_TYPES = frozenset(
    {
        "Document",
        "Part",
        "Art",
        "Sect",
        "Div",
        "BlockQuote",
        "Caption",
        "TOC",
        "TOCI",
        "Index",
        "NonStruct",
        "Private",
        "P",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "THead",
        "TBody",
        "TFoot",
        "Span",
        "Quote",
        "Note",
        "Reference",
        "BibEntry",
        "Code",
        "Link",
        "Annot",
        "Ruby",
        "RB",
        "RT",
        "RP",
        "Warichu",
        "WT",
        "WP",
        "Figure",
        "Formula",
        "Form",
    }
)

_DICT = ObjectType.dictionary
_ARRAY = ObjectType.array
_INT = ObjectType.integer
_STREAM = ObjectType.stream
_DICT_OR_STREAM = (_DICT, _STREAM)
#: /Type of the kids that refer to content rather than being elements
_REFERENCES = (Name.MCR, Name.OBJR)


# -- what a PDF object is ------------------------------------------------------


def type_code(obj: Any) -> ObjectType | None:
    """pikepdf's type of ``obj``; None for the Python scalars pikepdf hands out."""
    try:
        return obj._type_code
    except AttributeError:
        return None


def is_int(obj: Any) -> bool:
    # pikepdf converts PDF integers to Python ints when reading containers.
    if isinstance(obj, bool):
        return False
    return isinstance(obj, int) or type_code(obj) == _INT


def is_dict(obj: Any) -> TypeGuard[pikepdf.Object]:
    """A dictionary or a stream (whose dictionary can be read the same way)."""
    return type_code(obj) in (_DICT, _STREAM)


def as_list(obj: Any) -> list:
    """A /K-like value as a Python list (absent -> [], single -> [x])."""
    if obj is None:
        return []
    if type_code(obj) == _ARRAY:
        return list(obj)
    return [obj]


def is_struct_elem(obj: Any) -> TypeGuard[pikepdf.Object]:
    """A structure element (not a marked-content or object reference)."""
    return is_dict(obj) and "/S" in obj and obj.get("/Type") not in _REFERENCES


# -- structure types ----------------------------------------------------------


def struct_type(elem: Any) -> str:
    """An element's structure type (/S) as written, without the slash."""
    s = str(elem.get("/S"))
    return s[1:] if s.startswith("/") else s


def role_names(struct_tree_root: Any) -> dict[str, str]:
    """The /RoleMap of a structure tree root as names without the slash."""
    role_map = struct_tree_root.get("/RoleMap") if is_dict(struct_tree_root) else None
    if not is_dict(role_map):
        return {}
    names = {}
    for key, value in role_map.items():
        if type_code(value) == ObjectType.name_:
            names[key[1:]] = str(value)[1:]
    return names


def resolve_role(name: str, roles: dict[str, str]) -> str:
    """The standard type a structure type (no slash) stands for through the role map.

    Standard types are never mapped further (PDF 1.7, 14.8.4); a chain that
    loops or ends on a non-standard name gives the last name reached.
    """
    hops = 0
    while name not in STANDARD_TYPES and name in roles and hops < 16:
        name = roles[name]
        hops += 1
    return name


# -- the walk ------------------------------------------------------------------


class Visit(NamedTuple):
    """One structure element met by :func:`walk_structure`."""

    elem: Any  #: the element (a pikepdf dictionary)
    parent: Any  #: what lists it in its /K: the walk's start, or an element
    depth: int  #: 1 for the kids of the walk's start
    page: Any  #: its /Pg, else the nearest ancestor's (or the start page); None if none
    own_page: bool  #: whether ``page`` is its own /Pg (not inherited)
    content: list  #: its kids that are not elements, in order: MCIDs (int), /MCR and /OBJR dictionaries


def walk_structure(start: Any, page: Any = None) -> Iterator[Visit]:
    """Every structure element below ``start`` (a structure tree root or an element), depth first, in /K order.

    ``page`` is the page in effect at ``start`` (its /Pg, when it is an
    element).  Each indirect element is visited once, so a tree whose /K
    links loop still ends; nothing is read twice, and no depth limit is
    needed (the walk keeps its own stack).
    """
    seen: set = set()
    stack: list[tuple[Any, Any, int, Any]] = []
    _sort_kids(start, 1, page, stack)
    pop = stack.pop
    while stack:
        elem, parent, depth, inherited = pop()
        objgen = elem.objgen
        if objgen[0]:  # indirect (a direct object is numbered 0)
            if objgen in seen:
                continue
            seen.add(objgen)
        own = elem.get("/Pg")
        if own is None:
            yield Visit(elem, parent, depth, inherited, False, _sort_kids(elem, depth + 1, inherited, stack))
        else:
            yield Visit(elem, parent, depth, own, True, _sort_kids(elem, depth + 1, own, stack))


def _sort_kids(parent: Any, depth: int, page: Any, stack: list) -> list:
    """Stack the elements among ``parent``'s kids (the first on top); return the other kids, in order."""
    kids = parent.get("/K")
    if kids is None:
        return []
    content = []
    elements = []
    for kid in kids if type_code(kids) == _ARRAY else (kids,):
        # is_struct_elem, inlined: this runs for every kid of every element.
        # (MCIDs, the commonest kids, are Python ints, with no type code.)
        if (
            getattr(kid, "_type_code", None) in _DICT_OR_STREAM
            and "/S" in kid
            and kid.get("/Type") not in _REFERENCES
        ):
            elements.append((kid, parent, depth, page))
        else:
            content.append(kid)
    if elements:
        elements.reverse()
        stack.extend(elements)
    return content


# -- number and name trees ---------------------------------------------------------


def number_tree(node: Any) -> list[tuple[int, Any]]:
    """(key, value) pairs of a number tree such as /ParentTree, by key; none when absent.

    Read with :class:`pikepdf.NumberTree`, without repairing the input.
    """
    if not is_dict(node):
        return []
    return sorted(pikepdf.NumberTree(node, auto_repair=False).items(), key=itemgetter(0))


def name_tree(node: Any) -> list[tuple[str, Any]]:
    """(name, value) pairs of a name tree such as /Dests or /IDTree, in tree order; none when absent.

    Read with :class:`pikepdf.NameTree`, which gives each name as text
    (decoded from PDFDocEncoding or UTF-16), not as the bytes in the file.
    """
    if not is_dict(node):
        return []
    return list(pikepdf.NameTree(node, auto_repair=False).items())
