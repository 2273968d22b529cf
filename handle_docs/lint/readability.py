"""Readability scores computed here, offline, from counts anyone can check.

* Flesch reading ease  = 206.835 − 1.015 × (words ÷ sentences) − 84.6 × (syllables ÷ words)
* Flesch–Kincaid grade = 0.39 × (words ÷ sentences) + 11.8 × (syllables ÷ words) − 15.59

Syllables are counted per word as the larger of two estimates:

* pyphen's hyphenation points + 1 (pyphen ships its dictionaries, so nothing
  is downloaded at run time);
* the number of vowel groups, less a silent final *e* or *-ed*/*-es*, plus
  vowels said apart (*ar-e-a*, *qui-et*, *be-ing*).

A word of two to five capital letters is taken as an acronym said letter by
letter (PNC: 3).  Hyphenation dictionaries never split off a one-letter syllable (*a-bout*,
*ar-e-a*) and so undercount; the vowel count catches those.  Neither is a
dictionary of pronunciation: expect a word in twenty to be one syllable out,
which moves a block's score by a point or two, not across a threshold.

Everything works on plain text: one paragraph or bullet point per line (what
:func:`handle_docs.wording.markup.plain_text` returns).  A bullet point is at least
one sentence even without a full stop.

Flesch is for English only.  In every other language a word is what spaces
separate (Arabic and Urdu join their clitics to the word, so any finer
splitting would be a guess), and its length is its letters: combining marks
(Arabic harakat, a decomposed accent) and the tatweel that only stretches a
line are not letters.  A sentence also ends at the Arabic question mark ؟
and the Urdu full stop ۔.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import pyphen

from handle_docs.util.langtag import primary_subtag

#: Words counted for reading scores: letters or digits, joined by an
#: apostrophe, full stop or hyphen inside the word (don't, e.g, well-known).
WORD_RE = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")

#: Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    {"e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "st", "no", "approx", "sgt", "insp", "vs", "ref", "tel"}
)

_SENTENCE_END = re.compile(r"[.!?؟۔]+[\"'”’)\]]*(?=\s|$)")
_LETTERS = re.compile(r"[^\W\d_]+")


# --- syllables ---------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _dictionary(lang: str) -> pyphen.Pyphen | None:
    for candidate in (lang.replace("-", "_"), primary_subtag(lang), "en_GB"):
        if candidate in pyphen.LANGUAGES:
            return pyphen.Pyphen(lang=candidate)
    return None  # pragma: no cover - en_GB ships with pyphen


def vowel_syllables(word: str) -> int:
    """Syllables in one English word by counting vowel groups (at least 1)."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 1
    w = re.sub(r"^y(?=[aeiou])", "j", w)  # your, yes: y is a consonant here
    w = w.replace("qu", "qw")  # quite, equal: u after q is a consonant
    w = re.sub(r"(?<=[aeiou])gue$", "g", w)  # league, tongue (not argue)
    groups = list(re.finditer(r"[aeiouy]+", w))
    if not groups:
        return 1
    n = len(groups)
    # two vowels said apart: radio, dial, medium, quiet, area, being, easier, usual
    n += len(re.findall(r"(?<![cstgx])i[ao]|iu|ie(?=t|nt|nc)|ea$|[aeiouy]ing$|ier$|ua(?=l|t)", w))
    last = groups[-1]
    tail = w[last.start() :]
    before = w[: last.start()]
    if tail == "e" and not re.search(r"[^aeiouy]l$", before):
        n -= 1  # time, drive (not table, little)
    elif tail == "es" and not re.search(r"(s|x|z|ch|sh|g|c|[^aeiouy]l)$", before):
        n -= 1  # times, lives (not houses, changes, tables)
    elif tail == "ed" and not re.search(r"[td]$", before):
        n -= 1  # locked, parked (not wanted, needed)
    # a silent e before a suffix: lovely, careful, statement, useless, lateness
    n -= len(re.findall(r"[^aeiouy]e(?=(?:ly|ful|ment|less|ness)$)", w))
    return max(1, n)


def syllables(word: str, lang: str = "en-GB") -> int:
    """Syllables in one word: letter runs by the larger estimate, an acronym
    (2–5 capitals) one a letter, a digit one each (999: 3)."""
    total = 0
    dictionary = _dictionary(lang)
    for part in re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d", word):
        if part.isdigit():
            total += 1
            continue
        part = re.sub(r"['’]", "", part)
        if 2 <= len(part) <= 5 and part.isupper():
            total += len(part)  # an acronym, said letter by letter: P-N-C
            continue
        hyphenated = len(dictionary.positions(part.lower())) + 1 if dictionary else 1
        total += max(hyphenated, vowel_syllables(part))
    return max(total, 1) if word else 0


# --- words and sentences -----------------------------------------------------


def english(lang: str) -> bool:
    return lang.lower().startswith("en")


def words(text: str, lang: str = "en-GB") -> list[str]:
    """The words of ``text``: in English as Flesch counts them, in any other
    language each run between spaces that holds a letter or a digit."""
    if english(lang):
        return WORD_RE.findall(text)
    return [token for token in text.split() if any(ch.isalnum() for ch in token)]


_TATWEEL = "\u0640"


def letters(word: str) -> int:
    """Letters in a word: not marks (harakat, accents typed apart), punctuation or the tatweel."""
    return sum(1 for ch in word if unicodedata.category(ch).startswith("L") and ch != _TATWEEL)


@dataclass(frozen=True)
class Sentence:
    """A sentence as a span of the text it came from (``text[start:end]``)."""

    start: int
    end: int
    text: str
    words: int
    syllables: int
    paragraph: int  # index of the paragraph or bullet point (line) it is in


def _ends_with_abbreviation(text: str, stop: int) -> bool:
    match = re.search(r"([^\W\d_]+(?:\.[^\W\d_]+)*)$", text[:stop])
    return match is not None and match.group(1).lower() in ABBREVIATIONS


def sentence_spans(line: str) -> list[tuple[int, int]]:
    """Split one paragraph into sentence spans.

    A sentence ends at ``.``, ``!`` or ``?`` (with any closing quote or
    bracket) followed by a space and a word that does not start in lower
    case, unless the word before the stop is a known abbreviation.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        rest = line[match.end() :].lstrip()
        if rest and rest[0].islower():
            continue
        if match.group().startswith(".") and rest and _ends_with_abbreviation(line, match.start()):
            continue
        spans.append((start, match.end()))
        start = match.end()
    if line[start:].strip():
        spans.append((start, len(line)))
    # trim surrounding space so a span starts at its first character
    trimmed = []
    for a, b in spans:
        chunk = line[a:b]
        a += len(chunk) - len(chunk.lstrip())
        b -= len(chunk) - len(chunk.rstrip())
        if a < b:
            trimmed.append((a, b))
    return trimmed


def sentences(text: str, lang: str = "en-GB") -> list[Sentence]:
    """Every sentence in ``text`` (one paragraph or bullet point a line)."""
    result: list[Sentence] = []
    offset = 0
    for index, line in enumerate(text.split("\n")):
        for a, b in sentence_spans(line):
            chunk = line[a:b]
            tokens = words(chunk, lang)
            if not tokens:
                continue
            result.append(
                Sentence(
                    start=offset + a,
                    end=offset + b,
                    text=chunk,
                    words=len(tokens),
                    syllables=sum(syllables(t, lang) for t in tokens) if english(lang) else 0,
                    paragraph=index,
                )
            )
        offset += len(line) + 1
    return result


# --- scores --------------------------------------------------------------------


def flesch_reading_ease(words: int, sentences: int, syllables: int) -> float:
    """206.835 − 1.015 × words/sentences − 84.6 × syllables/words."""
    if words <= 0 or sentences <= 0:
        raise ValueError("need at least one word and one sentence")
    return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)


def flesch_kincaid_grade(words: int, sentences: int, syllables: int) -> float:
    """0.39 × words/sentences + 11.8 × syllables/words − 15.59 (a US school grade)."""
    if words <= 0 or sentences <= 0:
        raise ValueError("need at least one word and one sentence")
    return 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59


@dataclass(frozen=True)
class TextStats:
    sentences: int
    words: int
    syllables: int

    @property
    def reading_ease(self) -> float:
        return flesch_reading_ease(self.words, self.sentences, self.syllables)

    @property
    def grade_level(self) -> float:
        return flesch_kincaid_grade(self.words, self.sentences, self.syllables)

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words


def text_stats(text: str, lang: str = "en-GB") -> TextStats:
    found = sentences(text, lang)
    return TextStats(
        sentences=len(found),
        words=sum(s.words for s in found),
        syllables=sum(s.syllables for s in found),
    )


def reading_ease(text: str, lang: str = "en-GB") -> float:
    return text_stats(text, lang).reading_ease


def grade_level(text: str, lang: str = "en-GB") -> float:
    return text_stats(text, lang).grade_level


@dataclass(frozen=True)
class WordStats:
    """Sentence and word length in a language Flesch does not fit."""

    sentences: int
    words: int
    longest: int  # words in the longest sentence
    long_words: int  # words of ``long_letters`` letters or more
    long_letters: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences

    @property
    def long_word_percent(self) -> float:
        return 100.0 * self.long_words / self.words


def placeholder_mask(length: int) -> str:
    """The neutral word standing for a placeholder in linted text: ``{area}`` → ``Xxxxxx``
    (same length, so offsets still point into the text as written)."""
    return "X" + "x" * (length - 1)


def _is_placeholder_mask(token: str) -> bool:
    return token[:1] == "X" and token[1:] == "x" * (len(token) - 1)


def word_stats(text: str, lang: str, long_letters: int) -> WordStats:
    found = sentences(text, lang)
    tokens = [t for s in found for t in words(s.text, lang)]
    return WordStats(
        sentences=len(found),
        words=len(tokens),
        longest=max((s.words for s in found), default=0),
        # a placeholder ({patrol_date}) is one short word whatever its name's length
        long_words=sum(1 for t in tokens if letters(t) >= long_letters and not _is_placeholder_mask(t)),
        long_letters=long_letters,
    )
