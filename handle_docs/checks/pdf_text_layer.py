"""Whether an Arabic-script word's ``/ActualText`` says the letters its glyphs show.

The renderer (``render/actualtext.py``, docs/languages.md, *The text layer*)
writes each Arabic-script word as marked-content sequences: in Naskh one a
glyph that carries letters (an *anchor*) with its letters, and the marks
between them with an empty ``/ActualText``; in Nastaliq the word's dots and
joins with an empty one, then its letters' bodies with the word's text.  Each
text is in drawing order (left to right, the reverse of the reading order).

What the glyphs prove is their own ``ToUnicode`` text, a *label*: WeasyPrint
writes one a glyph, by its first use, in reading order (two letters for
lam-alef).  A glyph drawn for several letters is labelled with one of them:
Nastaliq draws the dotted letters of one shape (ب ت ث ن ی, ر ڑ ز, د ڈ…) with
one body and their dots as glyphs of their own, labelled with the letter
they were first drawn for, and leaves many glyphs with no label.  So letters
are compared by their *shape* (:data:`SHAPES`), but where a word has a
sequence with text for each letter (Naskh) each label must be in its own
sequence's text as it is.  Letters: NFKD, marks, joiners, spaces and tatweel
left out.  A word, its sequences in drawing order, is right when

* its text is not empty while its glyphs show letters;
* every shape a glyph that moves the pen shows is in the word's text (as a
  multiset; a dot, a mark or a join, which does not, may be labelled with a
  letter of another word);
* every shape of the word's text is shown by a glyph of the word (its
  dots and joins included), but for as many as it has glyphs that move the
  pen with no label;
* in each sequence with text, its glyphs' labels (right-to-left ones
  reversed), in drawing order, are in its text in that order, by shape;
* where a word has several sequences with text, each of one lettered glyph,
  that glyph's label is in its sequence's text, letter for letter.

A text replaced, emptied, moved to another word, with a letter of another
shape put in, or in reading order instead of drawing order fails one of
these.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

_TATWEEL = "\u0640"

#: Letters drawn with one body in some position, told apart only by their dots (which
#: Nastaliq draws as glyphs of their own): one shape each line.
SHAPES = (
    "ٮبتثٹپٺٻټٽٿنںیيىےېۍێ",  # beh's tooth: the initial and medial forms of beh, nun and yeh
    "حجخچځڅڇ",
    "دذڈډڊ",
    "رزڑژړ",
    "سشښ",
    "صض",
    "طظ",
    "عغ",
    "ڡفقٯڤڦ",
    "كکگڪ",
    "هةہۃھە",
    "وۏۇۆۈ",
)
_SHAPE = {letter: shape[0] for shape in SHAPES for letter in shape}


def letters(text: str) -> str:
    """The letters, digits, punctuation and symbols of ``text`` (NFKD: presentation forms
    and letters with hamza or madda taken apart), without marks, joiners, spaces and tatweel."""
    return "".join(
        ch
        for ch in unicodedata.normalize("NFKD", text)
        if unicodedata.category(ch)[0] in "LNPS" and ch != _TATWEEL
    )


def _shapes(text: str) -> str:
    return "".join(_SHAPE.get(ch, ch) for ch in text)


def _as_drawn(label: str) -> str:
    """A label (reading order) in drawing order: reversed when it reads right to left."""
    kinds = (unicodedata.bidirectional(ch) for ch in label)
    strong = next((kind for kind in kinds if kind in ("L", "R", "AL")), "")
    return label[::-1] if strong in ("R", "AL") else label


@dataclass
class Sequence:
    """One marked-content sequence with an ``/ActualText``: its text and, for each of its
    glyphs in drawing order, its label (empty: no ``ToUnicode`` text) and whether it moves
    the pen (a mark, a dot or a join does not)."""

    text: str
    glyphs: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def lettered(self) -> list[str]:
        """The letters of each glyph that has some, in drawing order."""
        return [own for own in (letters(label) for label, _ in self.glyphs) if own]

    @property
    def unlabelled(self) -> int:
        """How many of its glyphs that move the pen have no label."""
        return sum(1 for label, advances in self.glyphs if advances and not label)


def _in_order(part: str, whole: str) -> bool:
    """Whether ``part``'s characters are in ``whole`` in that order."""
    rest = iter(whole)
    return all(ch in rest for ch in part)


def _shown(counts: Counter[str], labels: list[str]) -> str:
    """The letters of ``labels`` whose shapes are ``counts``, for a message."""
    return " ".join(dict.fromkeys(ch for label in labels for ch in label if counts[_SHAPE.get(ch, ch)]))


def word_problem(word: list[Sequence]) -> str | None:
    """What is wrong with one word's text layer (its sequences in drawing order), or None."""
    text = "".join(letters(s.text) for s in word)
    every = [label for s in word for label in s.lettered]
    if not text:
        return "has no text while its glyphs show letters" if every else None
    speaking = [s for s in word if letters(s.text)]
    anchors = [letters(label) for s in word for label, advances in s.glyphs if advances and letters(label)]
    missing = Counter(_shapes("".join(anchors))) - Counter(_shapes(text))
    if missing:
        return f"leaves out {_shown(missing, anchors)}, which its glyphs show"
    extra = Counter(_shapes(text)) - Counter(_shapes("".join(every)))
    if sum(extra.values()) > sum(s.unlabelled for s in word):
        return f"has {_shown(extra, [text])}, which no glyph of the word shows"
    for s in speaking:
        drawn = "".join(_as_drawn(label) for label in s.lettered)
        if not _in_order(_shapes(drawn), _shapes(letters(s.text))):
            return f"has its letters in another order than its glyphs, {drawn[::-1]}"
    if len(speaking) > 1 and all(len(s.lettered) <= 1 for s in speaking):
        for s in speaking:
            if s.lettered and Counter(s.lettered[0]) - Counter(letters(s.text)):
                return f"has {letters(s.text)[::-1]} where its glyph shows {s.lettered[0]}"
    return None


def reading(word: list[Sequence]) -> str:
    """The word as its text layer reads it (drawing order turned back into reading order)."""
    return _as_drawn("".join(s.text for s in word))
