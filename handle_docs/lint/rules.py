"""The lint rules: each a small function from a piece of wording to findings.

A :class:`Piece` is one printed string (a block's text, a heading, a label,
the title, a link's label) as plain text.  Placeholders are masked with a
neutral word of the same length (``{area}`` → ``Xxxxxx``) so offsets still
point into the text as written, a placeholder counts as one short word, and
its name is never mistaken for jargon.  A rule yields :class:`Finding`\\ s
with an offset into the text (or None for the piece as a whole); the caller
turns offsets into file lines and severities from the config.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from handle_docs.wording import markup

from ..models import Severity
from . import readability
from .config import JargonTerm, LintConfig


@dataclass(frozen=True)
class Piece:
    """One printed string to check, and where it came from."""

    key: str  # dotted YAML key, e.g. "blocks.findings.insecure_vehicle.text"
    text: str  # plain text as written (placeholders unfilled), a paragraph a line
    lang: str = "en-GB"
    prose: bool = False  # running text: readability and paragraph rules apply
    link_text: bool = False  # the whole piece is the text of a link
    emphasis: tuple[tuple[int, int], ...] = ()  # spans of bold runs in ``text``
    masked: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "masked", mask_placeholders(self.text))

    @property
    def english(self) -> bool:
        return readability.english(self.lang)


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    offset: int | None = None  # into Piece.text; None: the piece as a whole
    severity: Severity | None = None  # None: the rule's severity from the config


def mask_placeholders(text: str) -> str:
    """``{area}`` → ``Xxxxxx``: one neutral word, same length, same offsets."""
    return markup.PLACEHOLDER_RE.sub(lambda m: readability.placeholder_mask(len(m.group())), text)


def piece_from_nodes(key: str, nodes: tuple[markup.Node, ...], lang: str) -> Piece:
    """A block's wording as a prose piece, remembering where bold runs are."""
    lines: list[str] = []
    emphasis: list[tuple[int, int]] = []
    offset = 0

    def add_line(runs: tuple[markup.Run, ...]) -> None:
        nonlocal offset
        position = offset
        for run in runs:
            if run.bold:
                emphasis.append((position, position + len(run.text)))
            position += len(run.text)
        text = "".join(r.text for r in runs)
        lines.append(text)
        offset += len(text) + 1

    for node in nodes:
        if isinstance(node, markup.Paragraph):
            add_line(node.runs)
        else:
            for item in node.items:
                add_line(item)
    text = "\n".join(lines)  # the same as markup.plain_text(nodes)
    return Piece(key=key, text=text, lang=lang, prose=True, emphasis=tuple(emphasis))


def quote(text: str, limit: int = 8) -> str:
    """The first few words of ``text``, in double quotes, for a message."""
    text = " ".join(text.split())
    found = list(re.finditer(r"\S+", text))
    if len(found) <= limit:
        return f'"{text}"'
    return f'"{text[: found[limit - 1].end()]}…"'


# --- readability ------------------------------------------------------------------


def scored(piece: Piece, config: LintConfig) -> readability.TextStats | None:
    """Stats for a block long enough to score, else None (Flesch is
    meaningless on a line or two)."""
    if not (piece.prose and piece.english):
        return None
    stats = readability.text_stats(piece.masked, piece.lang)
    limits = config.readability
    if stats.sentences < limits.min_sentences or stats.words < limits.min_words:
        return None
    return stats


def _counts(stats: readability.TextStats) -> str:
    return (
        f"{stats.sentences} sentences, {stats.words} words, "
        f"{stats.words_per_sentence:.1f} words a sentence, {stats.syllables_per_word:.2f} syllables a word"
    )


def reading_ease(piece: Piece, config: LintConfig) -> Iterator[Finding]:
    stats = scored(piece, config)
    if stats is None:
        return
    limit = config.readability.min_reading_ease
    if stats.reading_ease < limit:
        yield Finding(
            "reading-ease",
            f"Flesch reading ease is {stats.reading_ease:.1f} (at least {limit:g}): {_counts(stats)}; "
            "use shorter sentences and everyday words",
        )


def grade_level(piece: Piece, config: LintConfig) -> Iterator[Finding]:
    stats = scored(piece, config)
    if stats is None:
        return
    limit = config.readability.max_grade_level
    if stats.grade_level > limit:
        yield Finding(
            "grade-level",
            f"Flesch-Kincaid grade level is {stats.grade_level:.1f} (at most {limit:g}; reading age about "
            f"{stats.grade_level + 5:.0f}): {_counts(stats)}; use shorter sentences and everyday words",
        )


def long_sentence(piece: Piece, config: LintConfig) -> Iterator[Finding]:
    limit = config.sentence_limit(piece.lang)
    for sentence in readability.sentences(piece.masked, piece.lang):
        if sentence.words > limit:
            yield Finding(
                "long-sentence",
                f"sentence has {sentence.words} words (limit {limit}): "
                + quote(piece.text[sentence.start : sentence.end]),
                offset=sentence.start,
            )


def measured(piece: Piece, config: LintConfig) -> readability.WordStats | None:
    """Sentence and word length of a block in a language other than English,
    long enough to measure (the same length reading scores need), else None."""
    if not piece.prose or piece.english:
        return None
    stats = readability.word_stats(piece.masked, piece.lang, config.limits_for(piece.lang).long_word_letters)
    limits = config.readability
    if stats.sentences < limits.min_sentences or stats.words < limits.min_words:
        return None
    return stats


def sentence_average(piece: Piece, config: LintConfig) -> Iterator[Finding]:
    stats = measured(piece, config)
    limit = config.limits_for(piece.lang).max_average_words
    if stats is not None and stats.words_per_sentence > limit:
        yield Finding(
            "sentence-average",
            f"sentences average {stats.words_per_sentence:.1f} words (at most {limit:g}): {stats.sentences} "
            f"sentences, {stats.words} words, the longest {stats.longest}; split the longest sentences",
        )


def long_words(piece: Piece, config: LintConfig) -> Iterator[Finding]:
    stats = measured(piece, config)
    limit = config.limits_for(piece.lang).max_long_word_percent
    if stats is None or stats.long_word_percent <= limit:
        return
    examples = sorted(
        {
            w.strip(".,;:!?؟،۔()\"'“”‘’«»„")
            for w in readability.words(piece.masked, piece.lang)
            if readability.letters(w) >= stats.long_letters
        },
        key=lambda w: (-readability.letters(w), w),
    )[:3]
    yield Finding(
        "long-words",
        f"{stats.long_word_percent:.0f}% of words have {stats.long_letters} letters or more (at most {limit:g}%): "
        f"{stats.long_words} of {stats.words}, e.g. {', '.join(examples)}; use shorter, everyday words",
    )


def long_paragraph(piece: Piece, config: LintConfig) -> Iterator[Finding]:
    if not piece.prose:
        return
    limit = config.paragraphs.max_sentences
    by_paragraph: dict[int, list[readability.Sentence]] = {}
    for sentence in readability.sentences(piece.masked, piece.lang):
        by_paragraph.setdefault(sentence.paragraph, []).append(sentence)
    for found in by_paragraph.values():
        if len(found) > limit:
            yield Finding(
                "long-paragraph",
                f"paragraph has {len(found)} sentences (limit {limit}): "
                + quote(piece.text[found[0].start :]),
                offset=found[0].start,
            )


# --- words to avoid ---------------------------------------------------------------


def _form_pattern(form: str, english: bool = True) -> str:
    if form.endswith("*"):  # a stem: any ending ("przestęp*")
        return re.escape(form[:-1]) + r"\w*"
    words = form.split()
    if len(words) > 1:  # a phrase: any spacing, exactly these words
        return r"\s+".join(re.escape(w) for w in words)
    if not english:  # other languages inflect otherwise: list the forms in also, or end a stem with *
        return re.escape(form)
    if form.isupper():  # an acronym, and its plural
        return re.escape(form) + r"s?"
    if form.endswith("e"):  # commence → commences, commenced, commencing
        return re.escape(form[:-1]) + r"(?:e|es|ed|ing|er|ers)"
    return re.escape(form) + r"(?:s|es|ed|ing)?"


@lru_cache(maxsize=256)
def term_pattern(term: JargonTerm, english: bool = True) -> re.Pattern[str]:
    forms = [without_marks(f)[0] for f in (term.term, *term.also)]
    alternatives = "|".join(_form_pattern(f, english) for f in sorted(forms, key=len, reverse=True))
    flags = 0 if all(f.isupper() for f in forms) else re.IGNORECASE
    return re.compile(r"(?<![\w-])(?:" + alternatives + r")(?![\w-])", flags)


_EXPLAINED_AFTER = re.compile(r"\s*(?:\(|[,:–—-]?\s*(?:meaning|which means|that is|i\.e\.)\b)", re.IGNORECASE)
_EXPLAINED_BEFORE = re.compile(r"\(\s*$")


def _explained(text: str, start: int, end: int) -> bool:
    return bool(_EXPLAINED_AFTER.match(text, end)) or bool(_EXPLAINED_BEFORE.search(text, 0, start))


def _allowed_spans(text: str, term: JargonTerm) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for phrase in term.allow:
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"(?!\w)"
        spans.extend(m.span() for m in re.finditer(pattern, text, re.IGNORECASE))
    return spans


def without_marks(text: str) -> tuple[str, list[int]]:
    """``text`` without combining marks (Arabic harakat, accents typed apart),
    and for each character left its offset in ``text``, so that a word to
    avoid matches however it is voweled."""
    if not any(unicodedata.category(ch) == "Mn" for ch in text):
        return text, list(range(len(text) + 1))
    kept = [i for i, ch in enumerate(text) if unicodedata.category(ch) != "Mn"]
    return "".join(text[i] for i in kept), [*kept, len(text)]


def jargon(piece: Piece, config: LintConfig) -> Iterator[Finding]:
    """Words to avoid, from the list for the piece's language."""
    yield from sorted(_jargon(piece, config), key=lambda f: f.offset or 0)


def _jargon(piece: Piece, config: LintConfig) -> Iterator[Finding]:
    plain, where = without_marks(piece.masked)
    for term in config.avoid_for(piece.lang):
        severity = config.severity_of("jargon", term)
        if severity is None:
            continue
        allowed = _allowed_spans(plain, term)
        for match in term_pattern(term, piece.english).finditer(plain):
            if any(a <= match.start() and match.end() <= b for a, b in allowed):
                continue
            if term.unless_explained and _explained(plain, match.start(), match.end()):
                continue
            start, end = where[match.start()], where[match.end()]  # with the marks on its last letter
            found = piece.text[start:end]
            why = f" ({term.why})" if term.why else ""
            message = f'avoid "{found}"{why}: write "{term.use}" instead'
            if term.unless_explained:
                message += f', or explain it straight after, as in "{found} ({term.use})"'
            yield Finding("jargon", message, offset=start, severity=severity)


# --- what a screen reader stumbles on ---------------------------------------------------

_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?!\w)")


def _jargon_forms(config: LintConfig, lang: str) -> frozenset[str]:
    return frozenset(f for t in config.avoid_for(lang) for f in (t.term, *t.also))


def all_caps(piece: Piece, config: LintConfig) -> Iterator[Finding]:
    """Words of two or more letters all in capitals, not known acronyms.

    Neighbouring words in capitals are reported once, as one run.  Words on
    the jargon list are left to the jargon rule.
    """
    skip = config.acronym_set | _jargon_forms(config, piece.lang)
    run: list[re.Match[str]] = []

    def flush() -> Iterator[Finding]:
        if run:
            start, end = run[0].start(), run[-1].end()
            yield Finding(
                "all-caps",
                f'"{piece.text[start:end]}" is in capitals: screen readers may spell it out letter by letter, '
                "and capitals are harder to read; write it in lower case, or add it to acronyms in lint.yaml "
                "if readers know it as an acronym",
                offset=start,
            )
            run.clear()

    for match in _WORD.finditer(piece.masked):
        word = match.group()
        if not (len(word) >= 2 and word.isupper() and word not in skip):
            yield from flush()
            continue
        if run and "\n" in piece.masked[run[-1].end() : match.start()]:
            yield from flush()
        run.append(match)
    yield from flush()


#: Whole link texts that say nothing about where the link goes.
_VAGUE_LINK_TEXT = frozenset(
    {
        "here",
        "click here",
        "link",
        "this link",
        "more",
        "read more",
        "find out more",
        "more information",
        "website",
    }
)
#: Bold words that stand in for a link ("sign up **here**"); bold "more" is just emphasis.
_VAGUE_BOLD_TEXT = frozenset({"here", "click here", "link", "this link"})


def click_here(piece: Piece, config: LintConfig) -> Iterator[Finding]:
    """Link text that does not say where the link goes."""
    if not piece.english:
        return
    advice = (
        "screen reader users often hear links on their own, so name where it goes instead, "
        'e.g. "report a crime online"'
    )
    reported: set[int] = set()
    for phrase in config.link_phrases:
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"(?!\w)"
        for match in re.finditer(pattern, piece.masked, re.IGNORECASE):
            reported.add(match.start())
            yield Finding(
                "click-here", f'"{match.group()}" does not say where a link goes: {advice}', match.start()
            )
    spans = [(start, end, _VAGUE_BOLD_TEXT) for start, end in piece.emphasis]
    if piece.link_text:
        spans.append((0, len(piece.text), _VAGUE_LINK_TEXT))
    for start, end, vague in spans:
        text = piece.text[start:end]
        words = " ".join(re.findall(r"[^\W\d_]+", text.lower()))
        if words in vague and start + (len(text) - len(text.lstrip())) not in reported:
            yield Finding(
                "click-here", f'link text "{text.strip()}" does not say where the link goes: {advice}', start
            )


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x1F000 <= cp <= 0x1FAFF  # pictographs, emoticons, transport, flags, …
        or 0x2600 <= cp <= 0x27BF  # miscellaneous symbols, dingbats
        or cp in (0x231A, 0x231B, 0x2328, 0x23CF, 0x2B05, 0x2B06, 0x2B07, 0x2B1B, 0x2B1C, 0x2B50, 0x2B55)
        or 0x23E9 <= cp <= 0x23FA
        or cp in (0x3030, 0x303D, 0x3297, 0x3299)
        or cp in (0xFE0F, 0x20E3, 0x200D)  # emoji presentation, keycap, joiner
        or 0xE0020 <= cp <= 0xE007F  # tag characters (subdivision flags)
    )


def _name(sequence: str) -> str:
    names = [unicodedata.name(ch, "") for ch in sequence if ord(ch) not in (0xFE0F, 0x200D, 0x20E3)]
    names = [n for n in names if n and not n.startswith(("EMOJI MODIFIER", "TAG "))]
    return ", ".join(n.lower() for n in names) or "emoji"


def emoji(piece: Piece, config: LintConfig) -> Iterator[Finding]:
    """Emoji (and pictographic symbols): read out by name, or lost in print."""
    text = piece.text
    i = 0
    while i < len(text):
        if _is_emoji(text[i]) or (i + 1 < len(text) and text[i + 1] in "\ufe0f\u20e3"):
            start = i
            i += 1
            while i < len(text) and _is_emoji(text[i]):
                i += 1
            sequence = text[start:i]
            yield Finding(
                "emoji",
                f'emoji "{sequence}" ({_name(sequence)}): screen readers read its name aloud and it may not '
                "print; use words instead",
                offset=start,
            )
        else:
            i += 1


#: Every rule by id, in the order they run.
RULES: dict[str, Callable[[Piece, LintConfig], Iterator[Finding]]] = {
    "reading-ease": reading_ease,
    "grade-level": grade_level,
    "long-sentence": long_sentence,
    "sentence-average": sentence_average,
    "long-words": long_words,
    "long-paragraph": long_paragraph,
    "jargon": jargon,
    "all-caps": all_caps,
    "click-here": click_here,
    "emoji": emoji,
}
