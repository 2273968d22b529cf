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
(Nastaliq) each word is drawn again, its glyphs where they were, its dots
and joins first with an empty ``/ActualText`` and its anchors after them
with the word's text (:func:`_nastaliq_units`, :func:`_draw_word`); in a
run of another script in such a box a cluster that is not one glyph for one
character is one unit.

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

import itertools
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf.stream import Stream
from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, pango
from weasyprint.text.fonts import get_pango_font_key

from handle_docs.util.script import arabic_script

_TOKENS = re.compile(rb"<([0-9a-fA-F]*)>|([^<]+)")


@dataclass
class _Cluster:
    text: str  # in drawing order
    glyphs: int  # how many drawn glyphs it has


@dataclass
class _Plan:
    """For one text box: the unit each drawn glyph belongs to (None: none), in drawing order."""

    owners: list[_Cluster | _Word | None] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)  # each drawn glyph's place in the text (logical order)
    at: int = 0  # the next glyph
    entry: dict[str, Any] | None = None  # the MCID table's entry of the open marked content
    segment: object = None  # the unit (or _PLAIN) of the open marked content; None: none open
    box: object = None
    tag: str = "Span"
    tags: dict[Any, dict[str, Any]] = field(default_factory=dict)  # the page stream's MCID table
    mcid: int | None = None  # the box's own MCID, for its first segment
    word: _Word | None = None  # the Nastaliq word being drawn, held back until its last glyph
    rise: float = 0.0  # the text rise WeasyPrint set last
    shown_rise: float = 0.0  # the text rise in the content stream
    widths: list[float] = field(default_factory=list)  # each drawn glyph's /W width, in drawing order
    line_pen: float = 0.0  # how far the pen is from where the box's line starts (text space)


@dataclass(eq=False)
class _Word:
    """A Nastaliq word, drawn again as two sequences (:func:`_draw_word`): its other
    glyphs, with no text, then its anchors, with its text."""

    text: str  # in drawing order
    anchors: list[bool]  # for each glyph of the word, in drawing order: whether it carries text
    widths: list[float]  # how far each moves the pen (its /W entry, thousandths of an em)
    drawn: list = field(default_factory=list)  # (glyph, x, rise, place) as WeasyPrint drew them
    pen: float = 0.0  # where WeasyPrint's pen is, from where the word began (thousandths of an em)
    line_start: float = 0.0  # where the word began, from where the box's line starts (text space)


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
    owners: list[_Cluster | _Word | None] = []
    offsets: list[int] = []
    widths: list[float] = []
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
        geometry = [
            (
                glyphs.glyphs[i].geometry.width,
                glyphs.glyphs[i].geometry.x_offset,
                glyphs.glyphs[i].geometry.y_offset,
            )
            for i in shown
        ]
        run_widths = [_pdf_width(item.item.analysis.font, glyphs.glyphs[i]) for i in shown]
        widths.extend(run_widths)
        starts = sorted(set(glyphs.log_clusters[i] for i in range(glyphs.num_glyphs)))
        ends = {start: (starts[k + 1] if k + 1 < len(starts) else length) for k, start in enumerate(starts)}
        texts = {start: utf8[offset + start : offset + ends[start]].decode() for start in starts}
        sizes = {start: drawn.count(start) for start in starts}
        offsets.extend(offset + start for start in drawn)

        def as_drawn(start: int, texts: dict[int, str] = texts, rtl: bool = rtl) -> str:
            return texts[start][::-1] if rtl else texts[start]

        if not arabic_script(utf8[offset : offset + length].decode()):
            # Latin and the rest: only a ligature or a letter of several glyphs.
            units = {
                start: _Cluster(as_drawn(start), sizes[start])
                for start in starts
                if sizes[start] and (sizes[start] != 1 or len(texts[start]) != 1)
            }
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
            word = [(drawn[i], geometry[i]) for i in range(k, end)]
            as_drawn_texts = {start: as_drawn(start) for start in starts}
            if nastaliq:
                owners.extend(_nastaliq_units(word, as_drawn_texts, em, run_widths[k:end]))
            else:
                owners.extend(_word_units(word, as_drawn_texts, em))
            k = end
    return _Plan(owners, offsets, widths=widths) if any(owners) else None


#: How far (in thousandths of an em) a glyph may be moved off its pen position and still
#: carry text: a Nastaliq dot or a raised mark is drawn well away from it.
_ANCHOR_OFFSET = 100
#: The gaps, in thousandths of an em, MuPDF reads as no space between two letters: from the end
#: of one glyph's /W width forwards to the next glyph, or backwards (glyphs that overlap).
_MUPDF_GAP, _MUPDF_BACK = 120, -750
_MUPDF_RISE = 0.7


def _word_units(
    glyphs: list[tuple[int, tuple[int, int, int]]], texts: dict[int, str], em: float
) -> list[_Cluster]:
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
    anchors = [
        i
        for i, (_, (width, dx, _dy)) in enumerate(glyphs)
        if width > 0 and abs(dx) <= _ANCHOR_OFFSET * size / 1000
    ] or [0]
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
            chunks[i] = (
                "".join(letters[n:]) if n == len(anchors) - 1 else (letters[n] if n < len(letters) else "")
            )
    # A mark first in an anchor's text goes to the anchor before it: the anchor's
    # first letter is the one a reader places at the glyph and moves past it.
    ordered = sorted(chunks)
    for before, after in itertools.pairwise(ordered):
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


def _nastaliq_units(
    glyphs: list[tuple[int, tuple[int, int, int]]], texts: dict[int, str], em: float, widths: list[float]
) -> list[_Word]:
    """The units of a word of a run where a letter is drawn with several glyphs
    (Nastaliq): the word, held back while WeasyPrint draws it and drawn again by
    :func:`_draw_word` (``widths``: each glyph's ``/W`` width).

    Nastaliq's letters cascade (each up to two thirds of an em above the one
    before) and its dots are glyphs moved off the pen.  Poppler places an
    /ActualText on its first glyph's baseline and across to its last glyph's
    end, so a word's text must be in one sequence that starts with its
    left-most letter; MuPDF gives the letters to the sequence's glyphs one by
    one, so the glyphs that come first must be the letters' bodies, along the
    pen.  Both hold when the word's anchors are drawn after its dots and
    zero-width joins (those in a sequence with an empty /ActualText), in one
    sequence with the word's text.
    """
    size = em * TO_UNITS
    anchors = [width > 0 and abs(dx) <= _ANCHOR_OFFSET * size / 1000 for _, (width, dx, _dy) in glyphs]
    if not any(anchors):
        anchors[0] = True
    word = _Word(
        "".join(texts[start] for start in dict.fromkeys(start for start, _ in glyphs)), anchors, widths
    )
    return [word] * len(glyphs)


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

    def hold(word: _Word) -> None:
        """Begin holding ``word`` back: the sequence before it ends here."""
        if plan.word is None:
            flush()
            if plan.segment is not None:
                stream.end_marked_content()
                plan.segment = None
            plan.word = word
            word.line_start = plan.line_pen

    size = stream._current_font[1] if stream._current_font else 0

    for match in _TOKENS.finditer(text):
        hexa, other = match.groups()
        if other is not None:
            # Positioning: inside the sequence of the glyph it comes before; after
            # the box's last glyph it moves nothing that is drawn, and is left out.
            if plan.at < len(plan.owners):
                owner = plan.owners[plan.at]
                if isinstance(owner, _Word):
                    hold(owner)
                    assert plan.word is not None  # hold() holds it, or the word held already
                    plan.word.pen -= sum(float(number) for number in other.split())
                    continue
                if plan.segment is None:
                    _open(stream, plan, owner)
                parts.append(other)
                plan.line_pen -= sum(float(number) for number in other.split()) * size / 1000
            continue
        for k in range(0, len(hexa), 4):  # two bytes a glyph: the bundled fonts are all outline fonts
            owner = plan.owners[plan.at] if plan.at < len(plan.owners) else None
            if isinstance(owner, _Word):
                hold(owner)
                glyph = int(hexa[k : k + 4], 16)
                owner.drawn.append((glyph, owner.pen, plan.rise, plan.offsets[plan.at]))
                owner.pen += owner.widths[len(owner.drawn) - 1]
                plan.at += 1
                if len(owner.drawn) == len(owner.anchors):
                    _draw_word(stream, plan, owner)
                    plan.word = None
                continue
            plan.line_pen += plan.widths[plan.at] * size / 1000
            plan.at += 1
            segment = owner if owner is not None else _PLAIN
            if segment is not plan.segment:
                flush()
                if plan.segment is not None:
                    stream.end_marked_content()
                _open(stream, plan, owner)
            parts.append(b"<" + hexa[k : k + 4] + b">")
            if plan.at <= len(plan.offsets):  # where the sequence starts in reading order
                # (marks with no text of their own after the letter of their cluster)
                assert plan.entry is not None  # _open gave the sequence its entry
                place = plan.offsets[plan.at - 1] + (0.5 if owner is not None and not owner.text else 0)
                plan.entry["order"] = min(plan.entry.get("order", place), place)
            if plan.at >= len(plan.owners):  # the last glyph: close inside the text object
                flush()
                stream.end_marked_content()
                plan.segment = None
    flush()


_INK, _LOGICAL = ffi.new("PangoRectangle *"), ffi.new("PangoRectangle *")


def _pdf_width(pango_font, glyph) -> float:
    """How far ``glyph`` (a Pango glyph info) moves the pen in the PDF: its ``/W`` entry, as
    WeasyPrint writes it (thousandths of an em)."""
    _, _, font_size = get_pango_font_key(pango_font)
    if glyph.glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:  # drawn as .notdef, as wide as Pango laid it out
        return round(glyph.geometry.width * 1000 * FROM_UNITS / font_size)
    pango.pango_font_get_glyph_extents(pango_font, glyph.glyph, _INK, _LOGICAL)
    return round(_LOGICAL.width * 1000 * FROM_UNITS / font_size)


def _number(value: float) -> bytes:
    return (f"{value:.6f}".rstrip("0").rstrip(".") or "0").encode()


def _anchors_and_rest(word: _Word, font: Any, size: float) -> tuple[list[tuple], list[tuple]]:
    """``word``'s glyphs as (glyph, x, rise, place, width), in two lists: the anchors drawn with its
    text, and the rest (its dots and joins, and the anchors MuPDF would misread) drawn with none."""
    anchors = [
        (*drawn, width)
        for drawn, anchor, width in zip(word.drawn, word.anchors, word.widths, strict=True)
        if anchor
    ]
    rest = [
        (*drawn, width)
        for drawn, anchor, width in zip(word.drawn, word.anchors, word.widths, strict=True)
        if not anchor
    ]
    # MuPDF moves on from a letter where its glyph's /W width ends; a gap of more than
    # 0.15 em to the next letter is a space to it.  Where Nastaliq leaves one (between
    # two joined groups of letters), the anchors after it are drawn with the rest, and
    # the letters they would carry are placed where the last anchor before it ends.
    # So is a letter more than 0.7 em above or below the one before: a line of its own.
    for n in range(1, len(anchors)):
        gap = anchors[n][1] - (anchors[n - 1][1] + anchors[n - 1][4])
        if not _MUPDF_BACK < gap < _MUPDF_GAP or abs(anchors[n][2] - anchors[n - 1][2]) > _MUPDF_RISE * size:
            rest[:0] = anchors[n:]
            del anchors[n:]
            break
    while len(anchors) > 1 and abs(anchors[-1][2]) > _MUPDF_RISE * size:  # what follows is on the line
        rest.insert(0, anchors.pop())
    # MuPDF matches the end of an /ActualText against the last glyphs' own text and,
    # where it matches but the start does not, writes that end twice: a last anchor
    # whose own text ends as the word does is drawn with the rest (its letter is
    # then placed where the anchor before it ends).
    while len(anchors) > 1 and (font.to_unicode.get(anchors[-1][0]) or "\0")[-1] == word.text[-1]:
        rest.insert(0, anchors.pop())
    return anchors, rest


def _draw_word(stream: Stream, plan: _Plan, word: _Word) -> None:
    """Draw ``word``'s glyphs where WeasyPrint drew them: first its dots and joins in a
    sequence with an empty /ActualText (their own text sets MuPDF's direction for the
    letters after them), then its anchors in one with its text, the last with a
    character spacing that takes it to the word's end (Poppler's text ends there);
    leave the pen (set again from the line's start) and the rise as WeasyPrint left
    them."""
    key = stream._current_font[0]
    font = next(font for font in stream._fonts.values() if font.hash == key)
    size = stream._current_font[1]
    anchors, rest = _anchors_and_rest(word, font, size)
    pen = 0.0
    for glyphs, text in ((rest, ""), (anchors, word.text)):
        if not glyphs:
            continue
        _open(stream, plan, _Cluster(text, len(glyphs)))
        assert plan.entry is not None  # _open gave the sequence its entry
        plan.entry["order"] = min(place for _, _, _, place, _ in glyphs) + (0 if text else 0.5)
        parts: list[bytes] = []
        for glyph, x, rise, _, width in glyphs:
            if rise != plan.shown_rise:
                if parts:
                    _original_show_text(stream, b" ".join(parts))
                    parts.clear()
                _original_set_text_rise(stream, rise)
                plan.shown_rise = rise
            if abs(x - pen) > 1e-6:
                parts.append(_number(pen - x))
            last = text and glyph == glyphs[-1][0] and x == glyphs[-1][1]
            spacing = (word.pen - x - width) * size / 1000 if last else 0
            if spacing:
                # Poppler lays the text out to where the last glyph's advance ends, and
                # counts the character spacing in it (MuPDF does not): the word's end.
                if parts:
                    _original_show_text(stream, b" ".join(parts))
                    parts.clear()
                stream.stream.append(_number(spacing) + b" Tc")
            parts.append(b"<%04x>" % glyph)
            pen = x + width
            if spacing:
                _original_show_text(stream, b" ".join(parts))
                parts.clear()
                stream.stream.append(b"0 Tc")
        if parts:
            _original_show_text(stream, b" ".join(parts))
        stream.end_marked_content()
        plan.segment = None
    # Where WeasyPrint's pen is after the word, set from the line's start: readers count
    # the character spacing after a glyph differently (pdfminer, under pdfplumber, not
    # after a string's last glyph), so no reader is left where another is not.
    plan.line_pen = 0.0
    stream.stream.append(_number(word.line_start + word.pen * size / 1000) + b" 0 Td")
    if plan.shown_rise != plan.rise:
        _original_set_text_rise(stream, plan.rise)
        plan.shown_rise = plan.rise


_original_marked = Stream.marked
_original_show_text = Stream.show_text
_original_set_text_rise = Stream.set_text_rise


@contextmanager
def _marked(self: Stream, box, tag):
    plan = None
    if (
        self._tags is not None
        and isinstance(box, boxes.TextBox)
        and not _decorated(box)
        and box.style["visibility"] == "visible"
    ):
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


def _set_text_rise(self: Stream, height) -> None:
    plan = getattr(self, "_handle_docs_plan", None)
    if plan is None:
        _original_set_text_rise(self, height)
        return
    plan.rise = height
    if plan.word is None:  # held back with the word's glyphs otherwise
        _original_set_text_rise(self, height)
        plan.shown_rise = height


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
            kids[at : at + 1] = [mcid for _, mcid in more]  # the box's sequences in reading order
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
        Stream.set_text_rise = _set_text_rise
