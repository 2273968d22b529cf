"""Any past letter made again: ``handle-docs reprint MANIFEST --letter L0042 --records FILE``.

The run's manifest names the commit of the content, templates and review records it used, the fonts'
digest, the date its review gate used and ``SOURCE_DATE_EPOCH`` (history/inputs.py).  With the records,
that commit is written from the repository's objects into a private temporary folder and the same
letters run is made there (services/letters_run.py, as ``handle-docs letters``); the letter asked for is
kept and its SHA-256 compared with the manifest's.  The records are personal data and may have been
deleted: without them the letter's material is proofed as it was at that commit, with invented details,
and the result says so.  The working files are never read or touched.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handle_docs.history.inputs import KEY, RUN_FOLDERS, fonts_sha256
from handle_docs.history.repo import ForceRepo, HistoryError
from handle_docs.review.status import resolve_today
from handle_docs.services.letters_run import LettersRequest, make_letters
from handle_docs.services.proofs import proof_at
from handle_docs.starter import CONTENT, REVIEW, TEMPLATES
from handle_docs.util import atomic

#: Said of a reprint made without the records.
NO_RECORDS = (
    "No records were given, so this is not the letter: it is the proof of the wording that letter "
    "used, with invented details (names, addresses, registrations)."
)


@dataclass
class RunRecord:
    """What the manifest says about the run and the letter asked for."""

    commit: str
    letter: dict[str, Any]
    options: dict[str, Any]
    today: str | None
    source_date_epoch: str | None
    corrected_rows: list[int] = field(default_factory=list)


@dataclass
class Reprinted:
    path: Path
    proof: bool  # made without records: the proof, not the letter
    identical: bool | None  # the SHA-256 is the manifest's (None for a proof)
    notes: list[str] = field(default_factory=list)


def read_run(manifest_path: Path, letter_id: str) -> RunRecord:
    """The run's history record and the letter's entry, or HistoryError saying in words what is missing."""
    try:
        data = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HistoryError(
            f"{manifest_path} is not a letters run's manifest.json ({type(exc).__name__})"
        ) from None
    history = data.get(KEY) if isinstance(data, dict) else None
    if not isinstance(history, dict):
        raise HistoryError(
            f"{manifest_path} was made before runs recorded their history, so it cannot be made again"
        )
    if not history.get("commit"):
        why = history.get("not_recorded") or "the force folder was not a git repository"
        raise HistoryError(f"the run did not record what it was made from: {why}")
    if history.get("uncommitted_changes"):
        raise HistoryError(
            "the run was made from content changed since the last commit, so the history does not "
            "hold exactly what it used; it cannot be made again byte for byte"
        )
    if history.get("fonts_sha256") != fonts_sha256():
        raise HistoryError(
            f"the run was drawn with other fonts (handle-docs {history.get('handle_docs')}); "
            "reprint it with that version of handle-docs"
        )
    letters = {
        entry["letter_id"]: entry
        for entry in data.get("letters") or []
        if isinstance(entry, dict) and isinstance(entry.get("letter_id"), str)
    }
    if letter_id not in letters:
        raise HistoryError(
            f"the run has no letter {letter_id} ({len(letters)} letters, "
            f"{min(letters, default='none')} to {max(letters, default='none')})"
        )
    return RunRecord(
        history["commit"],
        letters[letter_id],
        dict(history.get("options") or {}),
        history.get("today"),
        history.get("source_date_epoch"),
        list(data.get("corrected_rows") or []),
    )


def environment(run: RunRecord) -> dict[str, str]:
    """What the process must have set while it reprints: the run's SOURCE_DATE_EPOCH and review date."""
    env = {}
    if run.source_date_epoch:
        env["SOURCE_DATE_EPOCH"] = run.source_date_epoch
    if run.today:
        env["HANDLE_DOCS_TODAY"] = run.today
    return env


def reprint(repo: ForceRepo, run: RunRecord, out_dir: Path, records: Path | None) -> Reprinted:
    """The letter (or, without records, its material's proof) as the run made it, into ``out_dir``.
    The caller has set :func:`environment` (the run's SOURCE_DATE_EPOCH and date)."""
    if repo.resolve(run.commit) is None:
        raise HistoryError(
            f"this force folder's history has no commit {run.commit[:10]}: is it the force folder "
            "the run was made from?"
        )
    letter_id = run.letter["letter_id"]
    atomic.private_dir(out_dir)
    if records is None:
        made = proof_at(
            repo,
            run.letter["material_id"],
            run.commit,
            out_dir,
            today=resolve_today(run.today) if run.today else None,
        )
        target = out_dir / f"{letter_id}-proof-invented-details.pdf"
        made.path.replace(target)
        return Reprinted(target, proof=True, identical=None, notes=[NO_RECORDS])
    notes = []
    if run.corrected_rows:
        notes.append(
            f"the run corrected {len(run.corrected_rows)} row(s) in the workspace: give the records with "
            "those corrections, or the letters from those rows will differ"
        )
    with tempfile.TemporaryDirectory(prefix="handle-docs-reprint-") as tmp:
        force = repo.export(run.commit, RUN_FOLDERS, Path(tmp) / "force")
        request = LettersRequest(
            records=Path(records),
            out_dir=Path(tmp) / "run",
            content_dir=force / CONTENT,
            templates=force / TEMPLATES,
            review=force / REVIEW,
            material=run.options.get("material") or "visit-letter",
            leaflet=run.options.get("leaflet"),
            docx=bool(run.options.get("docx")),
            draft=bool(run.options.get("draft")),
            **(
                {"leaflet_language": run.options["leaflet_language"]}
                if run.options.get("leaflet_language")
                else {}
            ),
        )
        make_letters(request)
        made = Path(tmp) / "run" / run.letter["file"]
        if not made.is_file():
            raise HistoryError(
                f"the records given do not make a letter {letter_id}: are they the run's records?"
            )
        target = out_dir / Path(run.letter["file"]).name
        shutil.copyfile(made, target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    return Reprinted(target, proof=False, identical=digest == run.letter.get("sha256"), notes=notes)
