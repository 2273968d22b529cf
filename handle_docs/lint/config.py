"""What ``handle-docs lint`` checks for, read from ``content/lint.yaml``.

Comms staff own the thresholds, the words to avoid (per language) and the
acronyms readers know, so they live in the content folder beside the wording.
A mistake in the file is reported with file:line like any other content
problem.  Flesch scores are for English only; every other language gets
sentence-length and long-word limits (``languages:``, with built-in defaults).
The older shape, one English ``jargon:`` list, is still read as the English
words to avoid.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from handle_docs.records.vocab import LANGUAGES
from handle_docs.util.langtag import primary_subtag
from handle_docs.wording.content import validate_model
from handle_docs.wording.yamlfile import load_yaml

from ..models import Problem, ProblemsError, Severity

#: The rules, in the order they are described in lint.yaml.
RULES: tuple[str, ...] = (
    "reading-ease",
    "grade-level",
    "long-sentence",
    "sentence-average",
    "long-words",
    "long-paragraph",
    "jargon",
    "all-caps",
    "click-here",
    "emoji",
)

SeverityName = Literal["error", "warning", "off"]

DEFAULT_SEVERITY: dict[str, SeverityName] = {
    "reading-ease": "warning",
    "grade-level": "warning",
    "long-sentence": "warning",
    "sentence-average": "warning",
    "long-words": "warning",
    "long-paragraph": "warning",
    "jargon": "warning",
    "all-caps": "warning",
    "click-here": "error",
    "emoji": "error",
}

DEFAULT_ACRONYMS: tuple[str, ...] = (
    "NWS", "CMS", "QR", "UK", "GB", "PC", "PCSO", "DVLA", "CCTV", "MOT",
    "ANPR", "VIN", "ID", "OK", "NHS", "SMS", "PIN", "PS", "TV", "DVD", "USB",
)  # fmt: skip


def _yaml_off(value: object) -> object:
    """YAML reads a bare ``off`` as false: take it to mean the rule is off."""
    return "off" if value is False else value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Readability(_Strict):
    min_reading_ease: float = Field(60.0, description="Flesch reading ease a block must reach")
    max_grade_level: float = Field(8.0, description="Flesch–Kincaid grade a block may not pass")
    min_sentences: int = Field(3, ge=1, description="shorter blocks get no reading scores")
    min_words: int = Field(30, ge=1, description="shorter blocks get no reading scores")


class Sentences(_Strict):
    max_words: int = Field(25, ge=1)


class Paragraphs(_Strict):
    max_sentences: int = Field(5, ge=1)


class LanguageLimits(_Strict):
    """What running text in a language other than English is held to (Flesch
    scores are for English only).  Blocks too short for reading scores
    (``readability.min_sentences`` / ``min_words``) get only the longest-sentence check."""

    max_sentence_words: int | None = Field(
        None, ge=1, description="longest sentence, in words (default: sentences.max_words)"
    )
    max_average_words: float = Field(20.0, gt=0, description="average sentence length, in words")
    long_word_letters: int = Field(7, ge=2, description="a word of this many letters or more is long")
    max_long_word_percent: float = Field(35.0, ge=0, le=100, description="share of long words allowed")


class JargonTerm(_Strict):
    """A word or phrase to avoid and what to write instead."""

    term: str = Field(min_length=1)
    use: str = Field(min_length=1, description="the plain alternative suggested")
    why: str | None = Field(None, description="short reason shown in the message, e.g. 'police jargon'")
    also: tuple[str, ...] = Field((), description="other spellings or forms to catch")
    allow: tuple[str, ...] = Field((), description="phrases containing the term that are fine")
    unless_explained: bool = Field(
        False,
        description="fine when explained straight after: 'insecure (not locked)', 'insecure, meaning …'",
    )
    severity: SeverityName | None = None

    @field_validator("severity", mode="before")
    @classmethod
    def _off(cls, value: object) -> object:
        return _yaml_off(value)

    @field_validator("also", "allow")
    @classmethod
    def _no_blanks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not v.strip() for v in value):
            raise ValueError("entries must not be blank")
        return value


class LintConfig(_Strict):
    """Thresholds, rule severities, jargon and acronyms for the lint rules."""

    readability: Readability = Field(default_factory=Readability)
    sentences: Sentences = Field(default_factory=Sentences)
    paragraphs: Paragraphs = Field(default_factory=Paragraphs)
    severity: dict[str, SeverityName] = Field(default_factory=dict)
    acronyms: list[str] = Field(default_factory=lambda: list(DEFAULT_ACRONYMS))
    jargon: list[JargonTerm] = Field(
        default_factory=list, description="older shape: the English words to avoid"
    )
    avoid: dict[str, list[JargonTerm]] = Field(
        default_factory=dict, description="words to avoid per language: {en: [...], cy: [...]}"
    )
    languages: dict[str, LanguageLimits] = Field(
        default_factory=dict, description="limits per language other than English; others get the defaults"
    )
    link_phrases: list[str] = Field(
        default_factory=lambda: [
            "click here",
            "click on this link",
            "tap here",
            "press here",
            "read more",
            "more here",
        ],
        description="link text that does not say where a link goes",
    )

    @field_validator("severity", mode="before")
    @classmethod
    def _off(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: _yaml_off(v) for k, v in value.items()}
        return value

    @field_validator("severity")
    @classmethod
    def _known_rules(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(RULES))
        if unknown:
            raise ValueError(f"unknown rule {', '.join(unknown)} (rules: {', '.join(RULES)})")
        return value

    @field_validator("acronyms")
    @classmethod
    def _capitals(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not re.fullmatch(r"[^\W\d_]{2,}", v) or v != v.upper()]
        if bad:
            raise ValueError(f"acronyms must be words of two or more capital letters, not {', '.join(bad)}")
        return value

    @field_validator("avoid", "languages")
    @classmethod
    def _known_languages(cls, value: dict[str, object]) -> dict[str, object]:
        unknown = sorted(k for k in value if primary_subtag(k) not in LANGUAGES)
        if unknown:
            raise ValueError(
                f"unknown language {', '.join(unknown)} (use a code such as en, cy, pl, ro, ar, ur)"
            )
        return value

    @model_validator(mode="after")
    def _english_once(self) -> LintConfig:
        if self.jargon and any(primary_subtag(k) == "en" for k in self.avoid):
            raise ValueError("English words to avoid are given twice: move the jargon list under avoid: en:")
        return self

    def avoid_for(self, lang: str) -> list[JargonTerm]:
        """The words to avoid in ``lang``: its exact tag's list, then its language's."""
        primary = primary_subtag(lang)
        terms = list(self.jargon) if primary == "en" else []
        exact = [k for k in self.avoid if k.lower() == lang.lower()]
        terms += [t for k in exact for t in self.avoid[k]]
        terms += [t for k, v in self.avoid.items() if k not in exact and k.lower() == primary for t in v]
        return terms

    def limits_for(self, lang: str) -> LanguageLimits:
        """The sentence and word limits for ``lang`` (built-in defaults when not listed)."""
        for key in (lang.lower(), primary_subtag(lang)):
            for name, limits in self.languages.items():
                if name.lower() == key:
                    return limits
        return LanguageLimits()

    def sentence_limit(self, lang: str) -> int:
        """The most words a sentence in ``lang`` may have."""
        if primary_subtag(lang) == "en":
            return self.sentences.max_words
        return self.limits_for(lang).max_sentence_words or self.sentences.max_words

    def severity_of(self, rule: str, term: JargonTerm | None = None) -> Severity | None:
        """The severity a rule's problems get, or None when the rule is off."""
        name = (term.severity if term is not None and term.severity else None) or self.severity.get(
            rule, DEFAULT_SEVERITY[rule]
        )
        return None if name == "off" else Severity(name)

    @property
    def acronym_set(self) -> frozenset[str]:
        return frozenset(self.acronyms)


#: The file name looked for in the content folder.
CONFIG_NAME = "lint.yaml"


def load_lint_config(path: Path) -> LintConfig:
    """Read ``path`` (usually ``content/lint.yaml``).

    A missing file gives the built-in defaults (no jargon list); a file that
    is not valid raises :class:`ProblemsError` with file:line for each mistake.
    """
    path = Path(path)
    if not path.exists():
        return LintConfig()
    doc = load_yaml(path, display_name=str(path))
    if doc.data is None and not doc.problems:
        return LintConfig()
    problems: list[Problem] = []
    config = validate_model(doc, LintConfig, problems)
    if config is None:
        raise ProblemsError(problems)
    return config
