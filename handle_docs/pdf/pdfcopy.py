"""Copying the objects of one open PDF into a :class:`~handle_docs.pdf.pdfwriter.PdfWriter`, renumbered.

Every object reachable from what the caller asks for is serialised with
qpdf's ``unparse``, its references rewritten to output numbers, and handed
to the writer; stream data is copied raw, filters and all, never
recompressed.  Only the map from input to output numbers (per input) and the
queue of objects still to write are held.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Pdf

from handle_docs.pdf.pdfwriter import OBJSTM_SIZE, PdfWriter

__all__ = ["ObjectCopier"]

#: A reference in qpdf's unparsed form.  qpdf separates every token with a
#: space ("<< /P 12 0 R >>", "[ 3 0 R ]"), so a reference is " num gen R".
_REF = re.compile(rb" (\d+ \d+) R")
#: The same, stepping over literal strings, whose text may look like a
#: reference (qpdf escapes every parenthesis inside a literal string).  Hex
#: strings hold no spaces, so they never look like one.
_REF_OR_STRING = re.compile(rb"\((?:[^\\)]|\\.)*\)| (\d+ \d+) R", re.S)


class ObjectCopier:
    """Copies the objects of one input into the output, renumbered.

    ``ref`` gives an input object its output number (queueing it to be
    written); ``value`` serialises a value with its references rewritten;
    ``drain`` writes the queued objects and everything they reach.  Objects
    ``fix``-ed to an output number (the caller's stand-ins: the merger's
    structure tree root and document element, page-tree nodes via
    placeholders...) are mapped but not copied.

    ``on_ids`` is called with (object, output number) for each dictionary
    whose text holds ``/ID`` or ``/Headers`` before it is written (the
    merger renames clashing structure element identifiers there); when it
    returns True the object is serialised again.  The object numbered
    ``hold`` is not written but kept in ``held`` as (number, text), for the
    caller to finish (the merger's last outline item, whose /Next comes with
    a later input).
    """

    def __init__(self, w: PdfWriter, src: Pdf, *, on_ids: Callable[[Any, int], bool] | None = None):
        self.w = w
        self.src = src
        self.on_ids = on_ids
        # b"num gen" of an input object -> b" num 0 R", its output reference
        self.map: dict[bytes, bytes] = {}
        self.queue: deque[tuple[tuple[int, int], int]] = deque()
        self.hold: int | None = None
        self.held: tuple[int, bytes] | None = None
        self.remap = self._make_remap()

    def _make_remap(self) -> Callable[[bytes], bytes]:
        # A closure: this runs for every reference of every copied object.
        mapping = self.map
        get = mapping.get
        xref = self.w.xref
        queue = self.queue

        def new(key: bytes) -> bytes:
            num = len(xref)
            xref.append(0)
            out = mapping[key] = b" %d 0 R" % num
            a, b = key.split(b" ")
            queue.append(((int(a), int(b)), num))
            return out

        def sub(match: re.Match) -> bytes:
            key = match.group(1)
            if key is None:  # a literal string
                return match.group(0)
            return get(key) or new(key)

        def remap(text: bytes) -> bytes:
            if b"(" in text:
                return _REF_OR_STRING.sub(sub, text)
            # No literal string: split into [text, ref, text, ref, ..., text].
            parts = split(text)
            if len(parts) == 1:
                return text
            parts[1::2] = [get(key) or new(key) for key in parts[1::2]]
            return b"".join(parts)

        split = _REF.split
        return remap

    def fix(self, obj: Any, num: int) -> None:
        """Map input object ``obj`` to output object ``num`` without copying it."""
        self.map[b"%d %d" % obj.objgen] = b" %d 0 R" % num

    def placeholder(self, num: int) -> Any:
        """An input object that stands for output object ``num``."""
        ph = self.src.make_indirect(Dictionary())
        self.fix(ph, num)
        return ph

    def ref(self, obj: Any) -> int:
        """The output number of indirect input object ``obj`` (queued to be written)."""
        key = b"%d %d" % obj.objgen
        out = self.map.get(key)
        if out is not None:
            return int(out.split()[0])
        num = self.w.alloc()
        self.map[key] = b" %d 0 R" % num
        self.queue.append((obj.objgen, num))
        return num

    def value(self, value: Any) -> bytes:
        """``value`` as it is to appear in the output (references rewritten)."""
        if isinstance(value, pikepdf.Object):
            if value.is_indirect:
                return b"%d 0 R" % self.ref(value)
            text = value.unparse()
        else:  # a Python scalar (pikepdf converts numbers and booleans)
            text = Array([value]).unparse()[2:-2]
        # A leading space, so that a bare reference matches the pattern.
        return self.remap(b" " + text)[1:]

    def drain(self) -> None:
        """Write every queued object and, transitively, what it refers to."""
        get_object = self.src.get_object
        queue = self.queue
        popleft = queue.popleft
        remap = self.remap
        on_ids = self.on_ids
        w = self.w
        batch = w.batch  # filled here directly: the writer's obj(), inlined
        hold = self.hold
        stream_type = pikepdf.Stream
        while queue:
            objgen, num = popleft()
            obj = get_object(objgen)
            if obj is None:  # a reference to a missing object is null
                text = b"null"
            elif isinstance(obj, stream_type):
                raw = obj.read_raw_bytes()
                head = Dictionary(obj.stream_dict)  # type: ignore[arg-type]  # a copy; the stubs take only a Mapping
                head.Length = len(raw)
                w.stream(num, remap(head.unparse()), raw)
                continue
            else:
                text = obj.unparse(True)
                if on_ids is not None and (b"/ID " in text or b"/Headers" in text) and on_ids(obj, num):
                    text = obj.unparse(True)
                text = remap(text)
            if num == hold:
                self.held = (num, text)
                continue
            batch.append((num, text))
            if len(batch) >= OBJSTM_SIZE:
                w.flush()
