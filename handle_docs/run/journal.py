"""The staging folder a run is built in, and its resume journal.

A run is built in a private staging folder beside its output folder and
swapped into place only when complete (run/finish.py): a killed or failed
run never leaves a folder that looks finished.  The journal there records
each finished chunk as one JSON line; ``--resume`` trusts a journalled chunk
only if every file it wrote is still there with the same hash, and only for
the very same inputs (:func:`run_key`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

from handle_docs.models import Reject
from handle_docs.run.chunk import CHUNKS, ChunkResult, LetterResult, RunSettings
from handle_docs.util import atomic

JOURNAL = "journal.jsonl"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_key(records_sha: str, settings: RunSettings, extra: dict[str, Any]) -> str:
    """Identity of a run's inputs; a resumed run must match it exactly."""
    payload = json.dumps(
        {
            "records": records_sha,
            "material": settings.material_id,
            "chunk": settings.chunk_size,
            "watermark": settings.watermark,
            "leaflet": settings.leaflet_id,
            **({"docx": True} if settings.docx else {}),
            **({"count_print": True} if settings.count_print else {}),
            **({"routes": [repr(r) for r in settings.routes]} if settings.routes else {}),
            **extra,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


class Journal:
    """Append-only record of finished chunks in the staging folder."""

    def __init__(self, path: Path, key: str):
        self.path = path
        self.key = key

    def load(self) -> dict[int, ChunkResult]:
        done: dict[int, ChunkResult] = {}
        if not self.path.exists():
            return done
        lines = self.path.read_text(encoding="utf-8").splitlines()
        if not lines or json.loads(lines[0]).get("key") != self.key:
            return {}
        for line in lines[1:]:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                break  # a torn last line from a kill: ignore it
            result = ChunkResult(
                **{
                    **entry,
                    "letters": [LetterResult(**item) for item in entry["letters"]],
                    "rejects": [Reject(**item) for item in entry["rejects"]],
                }
            )
            done[result.index] = result
        return done

    def start(self) -> None:
        atomic.write_text(self.path, json.dumps({"key": self.key}) + "\n")

    def add(self, result: ChunkResult) -> None:
        line = json.dumps(asdict(result), sort_keys=True) + "\n"
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


def verified(result: ChunkResult, staging: Path) -> bool:
    """A journalled chunk counts only if every file it wrote is there and intact."""
    try:
        for letter in result.letters:
            if file_sha256(staging / letter.file) != letter.sha256:
                return False
            if letter.docx_file and file_sha256(staging / letter.docx_file) != letter.docx_sha256:
                return False
        if result.chunk_file and file_sha256(staging / result.chunk_file) != result.chunk_sha256:
            return False
    except OSError:
        return False
    return True


def staging_dir(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.partial")


def prepare_staging(out_dir: Path, key: str, resume: bool) -> tuple[Path, Journal, dict[int, ChunkResult]]:
    """The staging folder for ``out_dir``, its journal, and (with ``resume``)
    the chunks already done and verified; a new empty one otherwise."""
    staging = staging_dir(out_dir)
    journal = Journal(staging / JOURNAL, key)
    done: dict[int, ChunkResult] = {}
    if resume and staging.is_dir():
        done = {i: r for i, r in journal.load().items() if verified(r, staging)}
    if not done:
        if staging.exists():
            shutil.rmtree(staging)
        atomic.private_dir(staging)
        journal.start()
    else:
        # rewrite the journal with only the verified chunks, and drop any
        # temporary file a kill left half-written
        journal.start()
        for result in sorted(done.values(), key=lambda r: r.index):
            journal.add(result)
        for leftover in staging.rglob(".*.tmp*"):
            leftover.unlink()
    atomic.private_dir(staging / "letters")
    atomic.private_dir(staging / CHUNKS)
    return staging, journal, done


def clear_staging(staging: Path) -> None:
    """Remove what only a run in progress needs: the chunk files and the journal."""
    shutil.rmtree(staging / CHUNKS, ignore_errors=True)
    os.unlink(staging / JOURNAL)
