"""``/ActualText`` on the glyphs whose own text mapping cannot say what is printed.

WeasyPrint maps each glyph of a font to text once, by its first use (one
``ToUnicode`` entry per glyph, Kozea/WeasyPrint#2841).  That is wrong where a
glyph stands for several characters (Arabic lam-alef and the other
ligatures: "على" read back as "عىل") and where one character is drawn with
several glyphs (Noto Nastaliq Urdu): the text copied out of the PDF is not
the text printed.

While a text box is drawn, this module cuts its glyphs into marked-content
sequences, ``/Span <</MCID n /ActualText (…)>> BDC … EMC`` for each unit
that needs it, ``/Span <</MCID n>> BDC … EMC`` for the glyphs between them.
Only text boxes holding Arabic script are touched (a left-to-right ligature
reads right by its font's mapping).  In an Arabic-script run each word is
cut at its *anchors*, the glyphs that carry its letters, with the marks
drawn as glyphs of their own in sequences whose ``/ActualText`` is empty
(:func:`_word_units`); in a run where a letter is drawn with several glyphs
(Nastaliq) a word is one unit; in a run of another script in such a box a
cluster that is not one glyph for one character is one.

The text of a unit is in the order its glyphs are drawn (left to right on
the page).  For right-to-left runs this is the reverse of their logical
order: Poppler (pdftotext), MuPDF and
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

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf.stream import Stream
from weasyprint.text.ffi import TO_UNITS, ffi, pango

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
    entry: dict | None = None  # the MCID table's entry of the open marked content
    segment: object = None  # the unit (or _PLAIN) of the open marked content; None: none open
    box: object = None
    tag: str = "Span"
    tags: dict | None = None  # the page stream's MCID table
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
        shown = [i for i in range(glyphs.num_glyphs) if glyphs.glyphs[i].glyph != pango.PANGO_GLYPH_EMPTY]
        drawn = [glyphs.log_clusters[i] for i in shown]
        geometry = [(glyphs.glyphs[i].geometry.width, glyphs.glyphs[i].geometry.x_offset,
                     glyphs.glyphs[i].geometry.y_offset) for i in shown]
        starts = sorted(set(glyphs.log_clusters[i] for i in range(glyphs.num_glyphs)))
        ends = {start: (starts[k + 1] if k + 1 < len(starts) else length) for k, start in enumerate(starts)}
        texts = {start: utf8[offset + start:offset + ends[start]].decode() for start in starts}
        sizes = {start: drawn.count(start) for start in starts}
        offsets.extend(offset + start for start in drawn)

        def as_drawn(start: int) -> str:
            return texts[start][::-1] if rtl else texts[start]

        if not arabic_script(utf8[offset:offset + length].decode()):
            # Latin and the rest: only a ligature or a letter of several glyphs.
            units = {start: _Cluster(as_drawn(start), sizes[start]) for start in starts
                     if sizes[start] and (sizes[start] != 1 or len(texts[start]) != 1)}
            owners.extend(units.get(start) for start in drawn)
            continue
        # Arabic script: every glyph is in a unit, a word at a time (_word_units).
        em = box.style["font_size"]
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
            units = _nastaliq_units if nastaliq else _word_units
            owners.extend(units([(drawn[i], geometry[i]) for i in range(k, end)],
                                {start: as_drawn(start) for start in starts}, em))
            k = end
    return _Plan(owners, offsets) if any(owners) else None


#: How far (in thousandths of an em) a glyph may be moved off its pen position and still
#: carry text: a Nastaliq dot or a raised mark is drawn well away from it.
_ANCHOR_OFFSET = 100


def _word_units(glyphs: list[tuple[int, tuple[int, int, int]]], texts: dict[int, str], em: float) -> list[_Cluster]:
    """The units of one Arabic-script word, one for each of its drawn glyphs
    (``glyphs``: cluster start and (advance, x offset, y offset) in Pango units,
    in drawing order; ``texts``: each cluster's text in drawing order).

    The word's text is carried by its *anchors*, the glyphs that advance the pen
    from where the one before left it (a letter's body, lam-alef), each in a
    sequence of its own.  MuPDF gives an /ActualText's letters to its glyphs
    one by one, each where its glyph is, and matches its start and end against
    the glyphs' own text; a letter given to a raised or shifted mark is read as
    a word of its own, and a sequence that holds a word cut by a text rise is
    read with letters twice.  The glyphs between anchors (marks drawn as glyphs
    of their own) are in sequences with an empty /ActualText: drawn, read as
    nothing.  Each anchor takes the text of its cluster; a cluster with no
    anchor gives its text to the anchor before it, so the anchors' texts, in
    drawing order, are the word's.  Poppler reads the same sequences right: it
    spreads each text across its glyphs, which touch.
    """
    size = em * TO_UNITS
    anchors = [i for i, (_, (width, dx, _dy)) in enumerate(glyphs)
               if width > 0 and abs(dx) <= _ANCHOR_OFFSET * size / 1000] or [0]
    chunks = {i: "" for i in anchors}
    pending = ""  # text of clusters before the word's first anchor
    last = None
    for start in dict.fromkeys(start for start, _ in glyphs):
        own = [i for i in anchors if glyphs[i][0] == start]
        text = texts[start]
        if not own:
            if last is None:
                pending += text
            else:
                chunks[last] += text
            continue
        for i in own[:-1]:  # one letter each, the rest to the cluster's last anchor
            chunks[i], text = text[:1], text[1:]
        chunks[own[-1]] = text
        last = own[-1]
    chunks[anchors[0]] = pending + chunks[anchors[0]]
    if not all(chunks.values()):
        letters = list("".join(texts[start] for start in dict.fromkeys(start for start, _ in glyphs)))
        for n, i in enumerate(anchors):
            chunks[i] = "".join(letters[n:]) if n == len(anchors) - 1 else (letters[n] if n < len(letters) else "")
    # A mark first in an anchor's text goes to the anchor before it: the anchor's
    # first letter is the one a reader places at the glyph and moves past it.
    ordered = sorted(chunks)
    for before, after in zip(ordered, ordered[1:]):
        lead = _leading_marks(chunks[after])
        if 0 < lead < len(chunks[after]):
            chunks[before] += chunks[after][:lead]
            chunks[after] = chunks[after][lead:]
    # The word's last letter, drawn first, with a mark of its own (tanwin, kasra): the
    # mark's glyph, drawn before the letter's, is in the letter's sequence, so that
    # the mark comes before the letter there as in the text, each at its glyph.
    first = ordered[0]
    lead = _leading_marks(chunks[first])
    merged = _Cluster(chunks[first], 1) if first > 0 and 0 < lead < len(chunks[first]) else None
    units: list[_Cluster] = []
    for i in range(len(glyphs)):
        if merged is not None and i <= first:
            units.append(merged)
        elif i in chunks:
            units.append(_Cluster(chunks[i], 1))
        elif units and units[-1].text == "" and i - 1 not in chunks:
            units.append(units[-1])  # the glyphs between two anchors: one sequence
        else:
            units.append(_Cluster("", 1))
    return units


def _nastaliq_units(glyphs: list[tuple[int, tuple[int, int, int]]], texts: dict[int, str], em: float) -> list[_Cluster]:
    """The units of a word of a run where a letter is drawn with several glyphs (Nastaliq):
    one for the whole word."""
    unit = _Cluster("".join(texts[start] for start in dict.fromkeys(start for start, _ in glyphs)), len(glyphs))
    return [unit] * len(glyphs)


def _leading_marks(text: str) -> int:
    """How many combining marks ``text`` begins with."""
    return len(text) - len(text.lstrip("".join(ch for ch in text if _marks(ch))))


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
                # (marks with no text of their own after the letter of their cluster)
                place = plan.offsets[plan.at - 1] + (0.5 if owner is not None and not owner.text else 0)
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
        owner = dict(zip(sorted_mcids, nums[2 * number + 1]))
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
