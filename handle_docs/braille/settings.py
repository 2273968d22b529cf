"""``content/braille.yaml``: the braille letters' page size and a liblouis table per language.

Validated like every content file: each problem as file:line: key
(:class:`~handle_docs.models.ProblemsError`).  The file is part of every
letter's fingerprint (review/fingerprints.py), so a change to it needs the
letters approved again.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, field_validator

from handle_docs.braille import translate
from handle_docs.models import Problem, ProblemsError
from handle_docs.records.vocab import LANGUAGES
from handle_docs.util.langtag import primary_subtag
from handle_docs.wording.content import validate_model
from handle_docs.wording.schema import Strict
from handle_docs.wording.yamlfile import load_yaml

SETTINGS_FILE = "braille.yaml"
#: The language whose table every other language falls back to.
FALLBACK = "en"
_TABLE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(,[A-Za-z0-9][A-Za-z0-9._-]*)*")


class BrailleSettings(Strict):
    cells_per_line: int = Field(ge=20, le=100)
    lines_per_page: int = Field(ge=5, le=100)
    tables: dict[str, str]
    #: Languages not written in Latin letters whose letters' Latin words go into English braille.
    latin_words_in_english: list[str] = Field(default_factory=list)
    #: Tables whose braille liblouis cannot read back reliably: ``check`` compares their braille
    #: with the letter's words translated again, and only reports the reading back.
    read_back_unreliable: list[str] = Field(default_factory=list)

    @field_validator("tables")
    @classmethod
    def _names(cls, tables: dict[str, str]) -> dict[str, str]:
        if FALLBACK not in tables:
            raise ValueError(
                f"needs a table for '{FALLBACK}' (English): every other language falls back to it"
            )
        for language, name in tables.items():
            if language not in LANGUAGES:
                raise ValueError(f"'{language}' is not a language code handle-docs knows (like cy, pl or ar)")
            if not _TABLE_NAME.fullmatch(name):
                raise ValueError(
                    f"'{language}': a liblouis table's file name, like en-ueb-g2.ctb, without a folder"
                )
        return tables

    @field_validator("latin_words_in_english")
    @classmethod
    def _languages(cls, languages: list[str]) -> list[str]:
        for language in languages:
            if language not in LANGUAGES:
                raise ValueError(f"'{language}' is not a language code handle-docs knows (like ar or ur)")
        return languages

    def latin_table_for(self, language: str) -> str | None:
        """The English table, for the Latin words of a letter in ``language``; None when not split."""
        return (
            self.tables[FALLBACK]
            if primary_subtag(language or FALLBACK) in self.latin_words_in_english
            else None
        )

    def table_for(self, language: str) -> tuple[str, bool]:
        """(the table list for ``language``, True when it fell back to English)."""
        table = self.tables.get(primary_subtag(language or FALLBACK))
        return (table, False) if table else (self.tables[FALLBACK], True)


def load_settings(content_root: Path) -> BrailleSettings:
    """``content/braille.yaml``, checked; with liblouis installed, every table must compile."""
    path = Path(content_root) / SETTINGS_FILE
    if not path.is_file():
        raise ProblemsError(
            [Problem("file not found: it holds the braille letters' page size and tables", str(path))]
        )
    doc = load_yaml(path)
    problems: list[Problem] = []
    settings = validate_model(doc, BrailleSettings, problems)
    if settings is not None and translate.available():
        for language, name in settings.tables.items():
            if not translate.table_usable(name):
                problems.append(doc.problem(f"tables.{language}", f"liblouis has no braille table {name!r}"))
    if settings is not None:
        for index, name in enumerate(settings.read_back_unreliable):
            if name not in settings.tables.values():
                problems.append(
                    doc.problem(f"read_back_unreliable.{index}", f"{name!r} is not one of the tables above")
                )
    if problems or settings is None:
        raise ProblemsError(problems)
    return settings
