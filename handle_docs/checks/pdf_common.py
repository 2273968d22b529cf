"""One opened PDF, shared by every PDF check.

Opens the file once with pikepdf (objects, structure tree, fonts) and once
with pdfplumber (characters, words, rectangles), and builds the structure
tree once (read with ``structure_tree.walk_structure``), linking
marked-content ids (MCIDs) to the characters they tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf

from handle_docs.pdf.structure_tree import (
    is_dict,
    is_int,
    resolve_role,
    role_names,
    struct_type,
    walk_structure,
)


@dataclass(eq=False)
class StructElem:
    """One structure element, its type resolved through the role map."""

    type: str
    raw_type: str
    alt: str | None
    page: int | None
    parent: StructElem | None = None
    children: list[StructElem] = field(default_factory=list)
    mcids: list[tuple[int, int]] = field(default_factory=list)  # (page, mcid)
    table: dict[str, str] = field(default_factory=dict)  # its /Table attributes (/Scope …), names without "/"

    def walk(self) -> Iterator[StructElem]:
        """This element and its descendants, in structure-tree order."""
        stack = [self]
        while stack:
            elem = stack.pop()
            yield elem
            stack.extend(reversed(elem.children))

    def ancestors(self) -> Iterator[StructElem]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def pages(self) -> set[int]:
        """Pages this element or any descendant marks content on."""
        found: set[int] = set()
        for elem in self.walk():
            if elem.page is not None:
                found.add(elem.page)
            found.update(p for p, _ in elem.mcids)
        return found


def _table_attributes(kid: Any) -> dict[str, str]:
    """The entries of ``kid``'s attribute objects owned by ``/Table`` (``/A``: one
    dictionary or an array of them, each possibly followed by a revision number)."""
    found: dict[str, str] = {}
    attributes = kid.get("/A")
    for obj in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
        if isinstance(obj, pikepdf.Dictionary) and str(obj.get("/O", "")) == "/Table":
            for key, value in obj.items():
                if key != "/O":
                    found[key.lstrip("/")] = str(value).lstrip("/")
    return found


def _text(obj: Any) -> str | None:
    if obj is None:
        return None
    try:
        return str(obj)
    except Exception:  # pragma: no cover - undecodable string
        return None


class PdfDoc:
    """An opened PDF; close it (or use ``with``) when done."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.pike = pikepdf.open(self.path)
        try:
            self.plumber = pdfplumber.open(self.path)
        except Exception:
            self.pike.close()
            raise
        self.page_numbers: dict[tuple[int, int], int] = {
            page.obj.objgen: i + 1 for i, page in enumerate(self.pike.pages)
        }
        self._words: dict[int, list[dict]] = {}
        self._texts: dict[int, str] = {}
        self._mcid_text: dict[int, dict[int, str]] = {}

    def close(self) -> None:
        self.plumber.close()
        self.pike.close()

    def __enter__(self) -> PdfDoc:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- pages and text ----------------------------------------------------

    @property
    def page_count(self) -> int:
        return len(self.pike.pages)

    def plumber_page(self, number: int) -> Any:
        return self.plumber.pages[number - 1]

    def chars(self, number: int) -> list[dict]:
        return self.plumber_page(number).chars

    def words(self, number: int) -> list[dict]:
        if number not in self._words:
            self._words[number] = self.plumber_page(number).extract_words(keep_blank_chars=False)
        return self._words[number]

    def text(self, number: int) -> str:
        """The page's text, lines separated by newlines."""
        if number not in self._texts:
            self._texts[number] = self.plumber_page(number).extract_text() or ""
        return self._texts[number]

    def page_number_of(self, obj: Any) -> int | None:
        if obj is None:
            return None
        try:
            return self.page_numbers.get(obj.objgen)
        except Exception:
            return None

    # -- catalog and metadata -------------------------------------------------

    @property
    def root(self) -> pikepdf.Object:
        return self.pike.Root

    @cached_property
    def xmp(self) -> dict[str, str]:
        """XMP metadata as ``{'{namespace}name': value}`` (empty if unreadable)."""
        try:
            with self.pike.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
                return {k: str(v) for k, v in meta.items()}
        except Exception:
            return {}

    # -- structure tree -------------------------------------------------------

    @cached_property
    def struct_root(self) -> StructElem | None:
        """The structure tree as :class:`StructElem` s (``None`` if untagged)."""
        root = self.root.get("/StructTreeRoot")
        if not isinstance(root, pikepdf.Dictionary):
            return None
        roles = role_names(root)
        top = StructElem(type="StructTreeRoot", raw_type="StructTreeRoot", alt=None, page=None)
        chain = [top]  # the elements on the way down to the one visited
        for visit in walk_structure(root):
            del chain[visit.depth :]
            parent = chain[-1]
            kid = visit.elem
            page = self.page_number_of(visit.page)
            raw = struct_type(kid)
            elem = StructElem(
                type=resolve_role(raw, roles),
                raw_type=raw,
                alt=_text(kid.get("/Alt")),
                page=page,
                parent=parent,
                table=_table_attributes(kid),
            )
            parent.children.append(elem)
            chain.append(elem)
            for content in visit.content:
                if is_int(content):
                    if page is not None:
                        elem.mcids.append((page, int(content)))
                elif is_dict(content) and content.get("/Type") == "/MCR" and "/MCID" in content:
                    mcr_page = self.page_number_of(content.get("/Pg")) or page
                    if mcr_page is not None:
                        elem.mcids.append((mcr_page, int(content.MCID)))
        return top

    @cached_property
    def mcid_owner(self) -> dict[tuple[int, int], StructElem]:
        owners: dict[tuple[int, int], StructElem] = {}
        if self.struct_root is not None:
            for elem in self.struct_root.walk():
                for key in elem.mcids:
                    owners.setdefault(key, elem)
        return owners

    def mcid_text(self, page: int) -> dict[int, str]:
        """MCID → text of the characters it marks on ``page``."""
        if page not in self._mcid_text:
            texts: dict[int, str] = {}
            if 1 <= page <= self.page_count:
                for ch in self.chars(page):
                    mcid = ch.get("mcid")
                    if mcid is not None:
                        texts[mcid] = texts.get(mcid, "") + ch["text"]
            self._mcid_text[page] = texts
        return self._mcid_text[page]

    def elem_text(self, elem: StructElem) -> str:
        """Text of the characters this element (and its descendants) tags."""
        return "".join(self.mcid_text(p).get(m, "") for e in elem.walk() for p, m in e.mcids)


# -- colours --------------------------------------------------------------------


def to_rgb(color: Any) -> tuple[float, float, float] | None:
    """A pdfplumber colour (gray, RGB or CMYK tuple, 0–1) as sRGB, else None."""
    if color is None:
        return None
    if isinstance(color, (int, float)):
        color = (color,)
    try:
        values = [float(v) for v in color]
    except (TypeError, ValueError):
        return None  # pattern colour space
    if len(values) == 1:
        g = values[0]
        return (g, g, g)
    if len(values) == 3:
        return (values[0], values[1], values[2])
    if len(values) == 4:
        c, m, y, k = values
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour (components 0–1)."""

    def channel(c: float) -> float:
        c = min(max(c, 0.0), 1.0)
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def hex_color(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0), 1) * 255):02x}" for c in rgb)


_SUBSET = re.compile(r"^[A-Z]{6}\+")


def strip_subset(name: str) -> str:
    """``ABCDEF+Font-Bold`` → ``Font-Bold``."""
    return _SUBSET.sub("", name.lstrip("/"))


def join_chars(chars: list[dict]) -> str:
    """Text of pdfplumber characters, with a space where a new line starts."""
    out: list[str] = []
    prev: dict | None = None
    for ch in chars:
        if prev is not None:
            new_line = (
                abs(ch["top"] - prev["top"]) > max(prev.get("size", 0), 1) / 2 or ch["x0"] < prev["x0"] - 1
            )
            if new_line and out and not out[-1].isspace() and not ch["text"].isspace():
                out.append(" ")
        out.append(ch["text"])
        prev = ch
    return "".join(out)
