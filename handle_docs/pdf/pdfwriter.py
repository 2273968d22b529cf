"""A raw PDF writer: numbered objects streamed to a file, packed into object streams, balanced trees, a
cross-reference stream.

The merger (``merge.py``) hands it objects already serialised (qpdf's
``unparse`` form), so nothing but one 8-byte cross-reference entry per object
and the objects waiting for the current object stream stays in memory.  The
file identifier is a digest of what was written: the same objects give the
same bytes.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zlib
from array import array
from collections.abc import Iterable
from typing import BinaryIO

__all__ = ["HEADER_VERSION", "OBJSTM_SIZE", "PdfWriter", "pdf_dict", "refs"]

#: Objects per compressed object stream in the output.
OBJSTM_SIZE = 100

#: Header written first; patched at the end when an input needs a later one.
HEADER_VERSION = "1.7"
#: Cross-reference entries: an offset, or this bit | object stream << 20 | index.
_IN_OBJSTM = 1 << 63
_INDEX_BITS = 20


def pdf_dict(entries: dict[bytes, bytes]) -> bytes:
    """A dictionary from unparsed keys and values, keys sorted (as qpdf does)."""
    return b"<< " + b" ".join(k + b" " + v for k, v in sorted(entries.items())) + b" >>"


def refs(nums: Iterable[int]) -> bytes:
    """References to objects ``nums``, space separated."""
    return b" ".join(b"%d 0 R" % n for n in nums)


class PdfWriter:
    """Writes numbered objects straight to a file.

    Objects other than streams are packed into compressed object streams;
    streams are written as they come.  ``close`` writes a cross-reference
    stream.  Held in memory: one 8-byte cross-reference entry per object and
    the objects waiting for the current object stream (``batch``, which the
    object copier fills directly: see ``pdfcopy.py``).
    """

    def __init__(self, fh: BinaryIO):
        self.fh = fh
        self.md5 = hashlib.md5()
        self.xref = array("Q", [0])  # object number -> entry; 0 = not written yet
        self.batch: list[tuple[int, bytes]] = []
        header = b"%PDF-" + HEADER_VERSION.encode("ascii") + b"\n%\xbf\xf7\xa2\xfe\n"
        fh.write(header)  # not hashed: the version may be patched at the end
        self.pos = len(header)

    def alloc(self) -> int:
        self.xref.append(0)
        return len(self.xref) - 1

    def _write(self, data: bytes) -> None:
        self.fh.write(data)
        self.md5.update(data)
        self.pos += len(data)

    def obj(self, num: int, text: bytes) -> None:
        """Object ``num`` (not a stream), to go into an object stream."""
        self.batch.append((num, text))
        if len(self.batch) >= OBJSTM_SIZE:
            self.flush()

    def stream(self, num: int, dict_text: bytes, data: bytes) -> None:
        """Stream object ``num``; ``dict_text`` must carry the right /Length."""
        self.xref[num] = self.pos
        self._write(b"%d 0 obj\n%s\nstream\n" % (num, dict_text))
        self._write(data)
        self._write(b"\nendstream\nendobj\n")

    def flush(self) -> None:
        """Write the waiting objects as one compressed object stream."""
        if not self.batch:
            return
        stm = self.alloc()
        pairs = []
        parts = []
        offset = 0
        for index, (num, text) in enumerate(self.batch):
            pairs.append(b"%d %d" % (num, offset))
            parts.append(text)
            offset += len(text) + 1
            self.xref[num] = _IN_OBJSTM | (stm << _INDEX_BITS) | index
        head = b" ".join(pairs) + b"\n"
        data = zlib.compress(head + b"\n".join(parts) + b"\n", 6)
        self.stream(
            stm,
            b"<< /Filter /FlateDecode /First %d /Length %d /N %d /Type /ObjStm >>"
            % (len(head), len(data), len(self.batch)),
            data,
        )
        self.batch.clear()

    # -- trees -------------------------------------------------------------------

    def tree(self, entries: Iterable[tuple[bytes, bytes]], count: int, kind: bytes, fanout: int) -> int:
        """A balanced number tree (kind /Nums) or name tree (kind /Names).

        ``entries`` are unparsed (key, value) pairs sorted by key.  Small
        trees are a single root with the entries; larger ones get leaves of
        ``fanout`` entries with /Limits.  Returns the root's number.
        """
        if count <= fanout:
            num = self.alloc()
            flat = b" ".join(k + b" " + v for k, v in entries)
            self.obj(num, b"<< " + kind + b" [ " + flat + b" ] >>")
            return num
        level: list[tuple[bytes, bytes, int]] = []  # (low key, high key, node)

        def leaf(batch: list[tuple[bytes, bytes]]) -> None:
            num = self.alloc()
            flat = b" ".join(k + b" " + v for k, v in batch)
            lo, hi = batch[0][0], batch[-1][0]
            self.obj(num, b"<< /Limits [ %s %s ] %s [ %s ] >>" % (lo, hi, kind, flat))
            level.append((batch[0][0], batch[-1][0], num))

        batch: list[tuple[bytes, bytes]] = []
        for entry in entries:
            batch.append(entry)
            if len(batch) == fanout:
                leaf(batch)
                batch = []
        if batch:
            leaf(batch)
        while len(level) > fanout:
            parents = []
            for start in range(0, len(level), fanout):
                group = level[start : start + fanout]
                num = self.alloc()
                self.obj(
                    num,
                    b"<< /Kids [ %s ] /Limits [ %s %s ] >>"
                    % (refs(n for _, _, n in group), group[0][0], group[-1][1]),
                )
                parents.append((group[0][0], group[-1][1], num))
            level = parents
        root = self.alloc()
        self.obj(root, b"<< /Kids [ %s ] >>" % refs(n for _, _, n in level))
        return root

    def page_tree(self, pages: array, leaves: array, fanout: int) -> int:
        """Write the page-tree nodes (balanced, like the trees); returns the root.

        ``leaves[i]`` is the number already given to the node holding pages
        ``i * fanout`` to ``(i + 1) * fanout - 1`` (``pages``: their numbers, in order).
        """

        def node(kids: Iterable[int], count: int, parent: int | None) -> bytes:
            entries = {b"/Type": b"/Pages", b"/Kids": b"[ " + refs(kids) + b" ]", b"/Count": b"%d" % count}
            if parent is not None:
                entries[b"/Parent"] = b"%d 0 R" % parent
            return pdf_dict(entries)

        if len(leaves) == 1:  # few pages: the pages hang under the root
            self.obj(leaves[0], node(pages, len(pages), None))
            return leaves[0]
        # (number, page count, kid numbers) for each node above the leaves
        levels: list[list[tuple[int, int, list[int]]]] = []
        level: list[tuple[int, int, list[int]]] = [
            (leaf, len(pages[i * fanout : (i + 1) * fanout]), []) for i, leaf in enumerate(leaves)
        ]
        parent_of: dict[int, int] = {}
        while len(level) > fanout:
            up = []
            for start in range(0, len(level), fanout):
                group = level[start : start + fanout]
                num = self.alloc()
                for kid, _, _ in group:
                    parent_of[kid] = num
                up.append((num, sum(n for _, n, _ in group), [kid for kid, _, _ in group]))
            levels.append(up)
            level = up
        root = self.alloc()
        for kid, _, _ in level:
            parent_of[kid] = root
        for i, leaf in enumerate(leaves):
            chunk = pages[i * fanout : (i + 1) * fanout]
            self.obj(leaf, node(chunk, len(chunk), parent_of[leaf]))
        for up in levels:
            for num, count, kids in up:
                self.obj(num, node(kids, count, parent_of[num]))
        self.obj(root, node([kid for kid, _, _ in level], sum(n for _, n, _ in level), None))
        return root

    # -- the end ---------------------------------------------------------------------

    def close(self, *, root: int, info: int, version: str) -> None:
        """Write the cross-reference stream and trailer; patch the header."""
        self.flush()
        num = self.alloc()
        start = self.pos
        self.xref[num] = start
        row = struct.Struct(">BQH" if start >= 1 << 32 else ">BIH")
        pack = row.pack
        width = row.size - 3
        comp = zlib.compressobj()
        parts: list[bytes] = []
        rows = bytearray(pack(0, 0, 0xFFFF))  # object 0: head of the free list
        mask = (1 << _INDEX_BITS) - 1
        for objnum, entry in enumerate(self.xref):
            if objnum == 0:
                continue
            if entry == 0:  # pragma: no cover - a bug, not a property of the input
                raise RuntimeError(f"pdf writer: object {objnum} was allocated but never written")
            if entry & _IN_OBJSTM:
                entry &= ~_IN_OBJSTM
                rows += pack(2, entry >> _INDEX_BITS, entry & mask)
            else:
                rows += pack(1, entry, 0)
            if len(rows) >= 1 << 16:
                parts.append(comp.compress(rows))
                rows.clear()
        parts.append(comp.compress(rows))
        parts.append(comp.flush())
        data = b"".join(parts)
        # Deterministic file identifier: a digest of everything written so far
        # (which already depends on every input byte that was copied).
        self.md5.update(version.encode("ascii"))
        ident = self.md5.hexdigest().encode("ascii")
        self.stream(
            num,
            b"<< /Filter /FlateDecode /ID [ <%s> <%s> ] /Info %d 0 R /Length %d /Root %d 0 R"
            b" /Size %d /Type /XRef /W [ 1 %d 2 ] >>"
            % (ident, ident, info, len(data), root, len(self.xref), width),
            data,
        )
        self._write(b"startxref\n%d\n%%%%EOF\n" % start)
        if version != HEADER_VERSION:
            self.fh.seek(0)
            self.fh.write(b"%PDF-" + version.encode("ascii"))
            self.fh.seek(0, os.SEEK_END)
