"""What ``handle-docs lint`` checks for, read from ``content/lint.yaml``.

Comms staff own the thresholds, the words to avoid and the acronyms readers
know, so they live in the content folder beside the wording.  A mistake in
the file is reported with file:line like any other content problem.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from handle_docs.wording.content import validate_model
from ..models import Problem, ProblemsError, Severity
from handle_docs.wording.yamlfile import load_yaml

#: The rules, in the order they are described in lint.yaml.
RULES: tuple[str, ...] = (
    "reading-ease",
    "grade-level",
    "long-sentence",
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


class JargonTerm(_Strict):
    """A word or phrase to avoid and what to write instead."""

    term: str = Field(min_length=1)
    use: str = Field(min_length=1, description="the plain alternative suggested")
    why: str | None = Field(None, description="short reason shown in the message, e.g. 'police jargon'")
    also: tuple[str, ...] = Field((), description="other spellings or forms to catch")
    allow: tuple[str, ...] = Field((), description="phrases containing the term that are fine")
    unless_explained: bool = Field(
        False, description="fine when explained straight after: 'insecure (not locked)', 'insecure, meaning …'"
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
    jargon: list[JargonTerm] = Field(default_factory=list)
    link_phrases: list[str] = Field(
        default_factory=lambda: ["click here", "click on this link", "tap here", "press here", "read more", "more here"],
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
