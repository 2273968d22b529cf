"""A letters run's braille files: ``braille/<letter id>.brf`` for each letter asking for braille.

:func:`write_braille` is the run's one braille step (run/pipeline.py calls it
on the staging folder, so the files are swapped into place with the rest of
the run).  For each letter whose records ask for braille (``Letter.braille``)
it takes the letter's route (the materials its print letter is in:
review/routing.py), builds each material's words from the data the print letter
is rendered from (:mod:`handle_docs.braille.letter`), translates them with the
table ``content/braille.yaml`` gives for the material's language and lays them
out as a BRF file.  A material in a language without a braille table (or
whose table cannot write six-dot braille) is sent as the English letter in
English braille, and the run says so.

Beside each ``.brf`` a ``.json`` file lists the words the braille was made
from, the table (and the English table for the Latin words of an Arabic
letter: :mod:`handle_docs.braille.runs`), whether liblouis reads that table
back reliably, and the page size: ``handle-docs check`` back-translates the
BRF with that table and compares, and a transcriber proofreads against it.
File names hold only the letter id (and ``--2`` for the English part of a
bilingual letter): never anything about the resident.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from handle_docs.braille import translate
from handle_docs.braille.layout import lay_out
from handle_docs.braille.letter import letter_paragraphs
from handle_docs.braille.runs import forward_text
from handle_docs.braille.settings import BrailleSettings, load_settings
from handle_docs.compose.context import letter_context
from handle_docs.models import Letter
from handle_docs.records.vocab import language_name
from handle_docs.review.routing import Route, route_of
from handle_docs.util import atomic
from handle_docs.wording.content import Content

FOLDER = "braille"
#: Bumped when the words file's layout changes (checks/braille.py reads it).
WORDS_FORMAT = 2


@dataclass(frozen=True)
class BrailleFile:
    letter_id: str
    file: str  # relative to the run folder: "braille/L0042.brf"
    words_file: str  # "braille/L0042.json"
    sha256: str
    pages: int
    material_id: str
    language: str
    table: str
    fallback: str = ""  # why English braille instead of the letter's language ("" when as printed)


@dataclass(frozen=True)
class BrailleWarning:
    """Something a run could not do in braille as asked: said on the command line's stderr, in the
    summary and on the workspace's results page, from the manifest's ``braille`` entry."""

    letter_id: str
    not_made: bool  # True: no braille at all; False: English braille instead of the letter's language
    detail: str  # why, with the table or file names (the workspace shows it under "Technical details")

    @property
    def sentence(self) -> str:
        if self.not_made:
            return f"Letter {self.letter_id}: its braille copy could not be made. Have it made by hand."
        return (
            f"Letter {self.letter_id}: its braille copy is in English braille, not in the letter's language."
        )


def braille_warnings(entry: Mapping[str, Any] | None) -> list[BrailleWarning]:
    """The warnings of a manifest's ``braille`` entry (none for None)."""
    entry = entry or {}
    return [
        BrailleWarning(f["letter_id"], False, f["fallback"])
        for f in entry.get("files", ())
        if f.get("fallback")
    ] + [
        BrailleWarning(letter_id, True, why)
        for letter_id, why in sorted((entry.get("not_made") or {}).items())
    ]


@dataclass
class BrailleRun:
    """What a run made in braille, and what it could not make."""

    files: list[BrailleFile] = field(default_factory=list)
    not_made: dict[str, str] = field(default_factory=dict)  # letter id -> why, in words

    @property
    def letters(self) -> list[str]:
        return sorted({f.letter_id for f in self.files} | set(self.not_made))

    def manifest(self) -> dict[str, Any]:
        """The manifest's ``braille`` entry ({} when no letter asked for braille)."""
        if not self.letters:
            return {}
        return {
            "braille": {
                "letters": self.letters,
                "files": [asdict(f) for f in self.files],
                "not_made": dict(sorted(self.not_made.items())),
            }
        }

    def summary_lines(self) -> list[str]:
        """The summary's lines: who gets braille, any in English braille instead, any not made."""
        if not self.letters:
            return []
        lines = [f"braille letters: {len(self.letters)} ({', '.join(self.letters)}; files in {FOLDER}/)"]
        warnings = self.warnings()
        fallbacks = [w for w in warnings if not w.not_made]
        if fallbacks:
            lines.append(f"WARNING: braille in English instead of the letter's language: {len(fallbacks)}")
            lines += [f"  {w.letter_id}: {w.detail}" for w in fallbacks]
        not_made = [w for w in warnings if w.not_made]
        if not_made:
            lines.append(f"WARNING: braille NOT made for {len(not_made)} letters: make them by hand")
            lines += [f"  {w.letter_id}: {w.detail}" for w in not_made]
        return lines

    def warnings(self) -> list[BrailleWarning]:
        return braille_warnings(self.manifest().get("braille"))


def wanting_braille(letters: Sequence[Letter]) -> list[Letter]:
    return [letter for letter in letters if letter.braille]


def settings_for(letters: Sequence[Letter], content_root: Path) -> BrailleSettings | None:
    """``content/braille.yaml`` when a letter asks for braille (ProblemsError
    for a file with mistakes, before anything is rendered), else None."""
    return load_settings(content_root) if wanting_braille(letters) else None


def _parts(
    route: Route, content: Content, base_id: str, settings: BrailleSettings
) -> list[tuple[str, str, str]]:
    """(material id, table, fallback reason) for each language of the letter, in print order."""
    parts: list[tuple[str, str, str]] = []
    for mid in route.letters:
        language = content.material(mid).spec.language
        table, fell_back = settings.table_for(language)
        why = f"no braille table for {language_name(language)} in braille.yaml" if fell_back else ""
        if fell_back:
            mid, table = _in_english(content, base_id, settings)
        if mid not in [p[0] for p in parts]:
            parts.append((mid, table, why))
    return parts


def _in_english(content: Content, base_id: str, settings: BrailleSettings) -> tuple[str, str]:
    """The English letter and its table: what a letter falls back to."""
    return base_id, settings.table_for(content.material(base_id).spec.language)[0]


def write_braille(
    letters: Sequence[Letter],
    content: Content,
    out_dir: Path,
    settings: BrailleSettings,
    *,
    routes: Sequence[Route] = (),
    material_id: str = "visit-letter",
    watermark: str | None = None,
) -> BrailleRun:
    """Write ``out_dir/braille/<id>.brf`` (and its words file) for each of
    ``letters`` asking for braille; return what was made and what was not."""
    run = BrailleRun()
    wanted = wanting_braille(letters)
    if not wanted:
        return run
    folder = atomic.private_dir(Path(out_dir) / FOLDER)
    by_asked = {route.asked: route for route in routes}
    for letter in wanted:
        route = route_of(by_asked, content, material_id, None, letter.language)
        made: list[BrailleFile] = []
        try:
            for index, (mid, table, why) in enumerate(_parts(route, content, material_id, settings)):
                name = letter.letter_id + ("--2" if index else "")
                try:
                    made.append(
                        _write_one(folder, name, letter, content, mid, table, why, settings, route, watermark)
                    )
                except translate.NotSixDot as exc:
                    if mid == material_id:
                        raise
                    english, english_table = _in_english(content, material_id, settings)
                    made.append(
                        _write_one(
                            folder,
                            name,
                            letter,
                            content,
                            english,
                            english_table,
                            str(exc),
                            settings,
                            route,
                            watermark,
                        )
                    )
        except translate.BrailleUnavailable as exc:
            run.not_made[letter.letter_id] = str(exc)
            for part in made:  # a letter's braille is whole or not there
                for rel in (part.file, part.words_file):
                    (Path(out_dir) / rel).unlink(missing_ok=True)
            continue
        run.files += made
    return run


def _write_one(
    folder: Path,
    name: str,
    letter: Letter,
    content: Content,
    material_id: str,
    table: str,
    why: str,
    settings: BrailleSettings,
    route: Route,
    watermark: str | None,
) -> BrailleFile:
    material = content.material(material_id)
    context = letter_context(letter, content, material, watermark=watermark, bilingual=route.bilingual)
    paragraphs = letter_paragraphs(context)
    letter_id, language = letter.letter_id, material.spec.language
    latin_table = settings.latin_table_for(language)
    cells = [(p.kind, forward_text(p.text, table, latin_table)) for p in paragraphs]
    brf = lay_out(cells, settings.cells_per_line, settings.lines_per_page)
    atomic.write_bytes(folder / f"{name}.brf", brf.data)
    words = {
        "format": WORDS_FORMAT,
        "letter_id": letter_id,
        "material_id": material_id,
        "language": language,
        "table": table,
        "latin_table": latin_table,
        "read_back_reliable": table not in settings.read_back_unreliable,
        "cells_per_line": settings.cells_per_line,
        "lines_per_page": settings.lines_per_page,
        "paragraphs": [{"kind": p.kind, "text": p.text} for p in paragraphs],
    }
    atomic.write_text(
        folder / f"{name}.json", json.dumps(words, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
    return BrailleFile(
        letter_id=letter_id,
        file=f"{FOLDER}/{name}.brf",
        words_file=f"{FOLDER}/{name}.json",
        sha256=hashlib.sha256(brf.data).hexdigest(),
        pages=brf.pages,
        material_id=material_id,
        language=language,
        table=table,
        fallback=why,
    )
