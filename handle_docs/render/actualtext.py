"""``/ActualText`` on the glyphs whose own text mapping cannot say what is printed.

WeasyPrint maps each glyph of a font to text once, by its first use (one
``ToUnicode`` entry per glyph, Kozea/WeasyPrint#2841).  That is wrong where a
glyph stands for several characters (Arabic lam-alef and the other
ligatures: "على" read back as "عىل") and where one character is drawn with
several glyphs (Noto Nastaliq Urdu): the text copied out of the PDF is not
the text printed.

While a text box is drawn, this module cuts its glyphs into marked-content
sequences, ``/Span <</MCID n /ActualText (…)>> BDC … EMC`` for each glyph
cluster (the glyphs Pango shaped from one run of characters) or word that
needs it, ``/Span <</MCID n>> BDC … EMC`` for the glyphs between them.  Only
text boxes holding Arabic script are touched (a left-to-right ligature reads right by its font's mapping): in
an Arabic-script run every cluster is wrapped, in a run of another script in
such a box a cluster that is not one glyph for one character.

The text of a cluster is in the order its glyphs are drawn (left to right on
the page).  For the one- or two-character clusters of right-to-left runs
this is the reverse of their logical order: Poppler (pdftotext), MuPDF and
PDFium all lay an ``/ActualText`` out across its glyphs from left to right
and then apply their own right-to-left reordering to the line, so only
text in drawing order comes back in logical order from all three
(docs/languages.md, text layer, records what each reader does).

Each such unit is a marked-content sequence of its own with its own MCID
(pdfplumber, and the checks that read it, see one MCID a glyph; nested
marked content would hide it), and the text box's structure element lists
them all, in reading order (:func:`give_extra_mcids`).  A box that is
underlined keeps WeasyPrint's single sequence: its lines are drawn outside
the text object.

The hooks are installed by :mod:`handle_docs.render.tagging`; the same
document gives the same bytes.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf.stream import Stream
from weasyprint.text.ffi import ffi, pango

from handle_docs.util.script import arabic_script

_TOKENS = re.compile(rb"<([0-9a-fA-F]*)>|([^<]+)")


@dataclass
class _Cluster:
    text: str  # in drawing order
    glyphs: int  # how many drawn glyphs remain of it


@dataclass
class _Plan:
    """For one text box: the unit each drawn glyph belongs to (None: none), in drawing order."""

    owners: list[_Cluster | None] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)  # each drawn glyph's place in the text (logical order)
    at: int = 0  # the next glyph
    entry: dict[str, Any] | None = None  # the MCID table's entry of the open marked content
    segment: object = None  # the unit (or _PLAIN) of the open marked content; None: none open
    box: object = None
    tag: str = "Span"
    tags: dict[Any, dict[str, Any]] = field(default_factory=dict)  # the page stream's MCID table
    mcid: int | None = None  # the box's own MCID, for its first segment


@dataclass(frozen=True, eq=False)
class _Extra:
    """A key in a page stream's MCID table for one more marked-content sequence of ``box``."""

    box: object


_PLAIN = object()  # a run of glyphs that need no /ActualText


def _marks(text: str) -> bool:
    """Whether ``text`` is only combining marks (harakat: fatha, shadda, tanwin…)."""
    return all(unicodedata.category(ch) == "Mn" for ch in text)


def _plan(box: boxes.TextBox) -> _Plan | None:
    """The units of ``box``'s line, one for each glyph WeasyPrint draws, in
    drawing order, or None when no glyph of it needs an ``/ActualText``."""
    layout = box.pango_layout
    if not box.text.strip() or not arabic_script(box.text):
        # Left-to-right text reads right by its font's mapping: a ligature ("fi") is one
        # glyph for its letters in their order, and every reader lays them out that way.
        return None
    layout.reactivate(box.style)
    line, _ = layout.get_first_line()
    utf8 = layout.text.encode()
    owners: list[_Cluster | None] = []
    offsets: list[int] = []
    run = line.runs[0]
    while run != ffi.NULL:
        item = run.data
        run = run.next
        glyphs = item.glyphs
        offset, length = item.item.offset, item.item.length
        rtl = bool(item.item.analysis.level % 2)
        # The clusters of the glyphs drawn (an empty glyph is not in the content stream).
        drawn = [glyphs.log_clusters[i] for i in range(glyphs.num_glyphs)
                 if glyphs.glyphs[i].glyph != pango.PANGO_GLYPH_EMPTY]
        starts = sorted(set(glyphs.log_clusters[i] for i in range(glyphs.num_glyphs)))
        ends = {start: (starts[k + 1] if k + 1 < len(starts) else length) for k, start in enumerate(starts)}
        texts = {start: utf8[offset + start:offset + ends[start]].decode() for start in starts}
        sizes = {start: drawn.count(start) for start in starts}
        offsets.extend(offset + start for start in drawn)

        def as_drawn(start: int, texts: dict[int, str] = texts, rtl: bool = rtl) -> str:
            return texts[start][::-1] if rtl else texts[start]

        if not arabic_script(utf8[offset:offset + length].decode()):
            # Latin and the rest: only a ligature or a letter of several glyphs.
            units = {start: _Cluster(as_drawn(start), sizes[start]) for start in starts
                     if sizes[start] and (sizes[start] != 1 or len(texts[start]) != 1)}
            owners.extend(units.get(start) for start in drawn)
            continue
        # Arabic script: every glyph is in a unit.  A word whose letters are
        # each one glyph (lam-alef too) gets a unit a glyph; a word with a
        # mark drawn as a glyph of its own (shadda, tanwin), and every word of
        # a run where a letter is drawn with several glyphs (Nastaliq), get
        # one unit for the whole word: a reader would place the raised and
        # lowered glyphs as words, or lines, of their own.
        nastaliq = any(sizes[start] > len(texts[start]) for start in starts)
        k = 0
        while k < len(drawn):
            if texts[drawn[k]].isspace():
                owners.append(None)
                k += 1
                continue
            end = k
            while end < len(drawn) and not texts[drawn[end]].isspace():
                end += 1
            word = drawn[k:end]
            clusters = list(dict.fromkeys(word))
            if nastaliq or any(sizes[start] != 1 or _marks(texts[start]) for start in clusters):
                unit = _Cluster("".join(as_drawn(start) for start in clusters), len(word))
                owners.extend([unit] * len(word))
            else:
                owners.extend(_Cluster(as_drawn(start), 1) for start in word)
            k = end
    return _Plan(owners, offsets) if any(owners) else None


def _open(stream: Stream, plan: _Plan, owner: _Cluster | None) -> None:
    """Begin the next marked-content sequence of the box: its own MCID (the box's
    for the first), and the unit's /ActualText."""
    if plan.mcid is not None:
        mcid, plan.mcid = plan.mcid, None
        plan.entry = plan.tags[plan.box]
    else:
        mcid = len(plan.tags)
        plan.entry = plan.tags[_Extra(plan.box)] = {"tag": plan.tag, "mcid": mcid}
    properties = {"MCID": mcid}
    if owner is not None:
        properties["ActualText"] = pydyf.String(owner.text)
    stream.begin_marked_content(plan.tag, pydyf.Dictionary(properties))
    plan.segment = owner if owner is not None else _PLAIN


def _emit(stream: Stream, plan: _Plan, text: bytes) -> None:
    """Show ``text`` (the inside of a TJ array), cut into one marked-content
    sequence for each unit and one for each run of glyphs between units."""
    parts: list[bytes] = []

    def flush() -> None:
        if parts:
            # Spaces between the pieces: "0" then "-45.2" are two numbers, not "0-45.2".
            _original_show_text(stream, b" ".join(parts))
            parts.clear()

    for match in _TOKENS.finditer(text):
        hexa, other = match.groups()
        if other is not None:
            # Positioning: inside the sequence of the glyph it comes before; after
            # the box's last glyph it moves nothing that is drawn, and is left out.
            if plan.at < len(plan.owners):
                if plan.segment is None:
                    _open(stream, plan, plan.owners[plan.at])
                parts.append(other)
            continue
        for k in range(0, len(hexa), 4):  # two bytes a glyph: the bundled fonts are all outline fonts
            owner = plan.owners[plan.at] if plan.at < len(plan.owners) else None
            plan.at += 1
            segment = owner if owner is not None else _PLAIN
            if segment is not plan.segment:
                flush()
                if plan.segment is not None:
                    stream.end_marked_content()
                _open(stream, plan, owner)
            parts.append(b"<" + hexa[k:k + 4] + b">")
            if plan.at <= len(plan.offsets):  # where the sequence starts in reading order
                assert plan.entry is not None  # _open gave the sequence its entry
                place = plan.offsets[plan.at - 1]
                plan.entry["order"] = min(plan.entry.get("order", place), place)
            if plan.at >= len(plan.owners):  # the last glyph: close inside the text object
                flush()
                stream.end_marked_content()
                plan.segment = None
    flush()


_original_marked = Stream.marked
_original_show_text = Stream.show_text


@contextmanager
def _marked(self: Stream, box, tag):
    plan = None
    if (self._tags is not None and isinstance(box, boxes.TextBox) and not _decorated(box)
            and box.style["visibility"] == "visible"):
        plan = _plan(box)
    if plan is None:
        with _original_marked(self, box, tag):
            yield
        return
    # The box's glyphs are marked in pieces, inside its text object (_emit).
    plan.box, plan.tag, plan.tags = box, tag, self._tags
    plan.mcid = len(self._tags)
    self._tags[box] = {"tag": tag, "mcid": plan.mcid}
    previous = getattr(self, "_handle_docs_plan", None)
    self._handle_docs_plan = plan
    try:
        yield
    finally:
        self._handle_docs_plan = previous
    if plan.segment is not None or plan.at != len(plan.owners):
        raise RuntimeError(f"text layer: {plan.at} glyphs drawn where {len(plan.owners)} were laid out")


def _decorated(box: boxes.TextBox) -> bool:
    """Underlined or overlined: the lines are drawn outside the text object, in the box's marked content."""
    return bool(set(box.style["text_decoration_line"] or ()) & {"underline", "overline", "line-through"})


def _show_text(self: Stream, text) -> None:
    plan = getattr(self, "_handle_docs_plan", None)
    if plan is None:
        _original_show_text(self, text)
        return
    _emit(self, plan, text if isinstance(text, bytes) else str(text).encode())


def take_extra_mcids(page_streams) -> list:
    """Before WeasyPrint builds the structure tree: take the further MCIDs of the text
    boxes out of each page stream's MCID table (WeasyPrint knows one MCID a box)."""
    pages = []
    for stream in page_streams:
        tags = stream._tags if stream._tags is not None else {}
        extras: dict[object, list[tuple[int, int]]] = {}  # box -> (place in reading order, MCID)
        for key in [key for key in tags if isinstance(key, _Extra)]:
            entry = tags.pop(key)
            extras.setdefault(key.box, []).append((entry.get("order", 0), entry["mcid"]))
        mains = {box: tags[box]["mcid"] for box in extras}
        for box, more in extras.items():
            more.append((tags[box].get("order", 0), tags[box]["mcid"]))
            more.sort()
        pages.append((extras, mains, sorted(entry["mcid"] for entry in tags.values())))
    return pages


def give_extra_mcids(pdf, pages: list) -> None:
    """After: each text box's MCIDs on its structure element, in reading order, and in the parent tree."""
    if not any(extras for extras, _, _ in pages):
        return
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    nums = _object(pdf, root["ParentTree"])["Nums"]
    for number, (extras, mains, sorted_mcids) in enumerate(pages):
        if not extras:
            continue
        owner = dict(zip(sorted_mcids, nums[2 * number + 1], strict=False))
        for box, more in extras.items():
            main = mains[box]
            kids = _object(pdf, owner[main])["K"]
            at = next(i for i, kid in enumerate(kids) if kid == main)
            kids[at:at + 1] = [mcid for _, mcid in more]  # the box's sequences in reading order
            for _, mcid in more:
                owner[mcid] = owner[main]
        nums[2 * number + 1] = pydyf.Array([owner[mcid] for mcid in sorted(owner)])


def _object(pdf, reference):
    """The object of the PDF being written that ``reference`` (b"12 0 R") points to."""
    return pdf.objects[int(bytes(reference).split()[0])]


def install() -> None:
    """Hook the text boxes' drawing (once per process; calling again changes nothing);
    :mod:`handle_docs.render.tagging` calls this and hands the MCIDs on to the structure tree."""
    if Stream.marked is not _marked:
        Stream.marked = _marked
        Stream.show_text = _show_text
