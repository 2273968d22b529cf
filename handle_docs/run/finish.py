"""A letters run made whole: batch.pdf (and batch.docx) joined from the
staging folder, manifest, rejects, summary, stats and follow-up list
written, then the staging folder swapped into place."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from handle_docs.models import Reject
from handle_docs.render.docx_join import join_docx
from handle_docs.render.merge import merge_tagged_pdfs
from handle_docs.run.chunk import LetterResult
from handle_docs.run.journal import clear_staging, file_sha256
from handle_docs.run.stats import FOLLOW_UP_HEADER
from handle_docs.util import atomic
from handle_docs.util.reproducible import source_datetime
from handle_docs.util.tables import write_csv

MANIFEST_CSV_HEADER = ["letter_id", "source_rows", "pages", "sha256", "material_id", "language", "file"]


@dataclass
class RunResult:
    out_dir: Path
    rows_read: int
    records: int
    insecure: int
    with_items: int
    letters: list[LetterResult] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    batch_pages: int = 0
    leaflet_pages: int = 0
    seconds: float = 0.0
    resumed_chunks: int = 0

    @property
    def letter_pages(self) -> int:
        return sum(letter.pages for letter in self.letters)

    @property
    def sheets(self) -> int:
        """Sheets of paper when printed double-sided, one letter per sheet run."""
        return sum((letter.pages + 1) // 2 for letter in self.letters)

    @property
    def leaflet_sheets(self) -> int:
        """Sheets the leaflets printed after each letter take, double-sided."""
        return self.leaflet_pages // 2


def join_batch_pdf(staging: Path, chunk_files: Sequence[str], *, title: str, lang: str) -> int:
    """Join the chunks' shares into the tagged ``batch.pdf``; return its pages."""
    return merge_tagged_pdfs(
        [staging / name for name in chunk_files],
        staging / "batch.pdf",
        title=title,
        lang=lang,
        creation_date=source_datetime(),
    )


def join_batch_docx(staging: Path, docx_files: Sequence[str], *, title: str, lang: str) -> None:
    """Join the letters' Word files into ``batch.docx``."""
    join_docx([staging / name for name in docx_files], staging / "batch.docx", title=title, lang=lang)


def manifest(
    staging: Path, result: RunResult, docx_files: Sequence[str], extra: dict[str, Any]
) -> dict[str, Any]:
    """What ``manifest.json`` says: counts, the batch files and their hashes, each letter."""
    batch = staging / "batch.pdf"
    return {
        **extra,  # with the row figures (run/figures.py)
        "letters_count": len(result.letters),
        "batch": {
            "file": "batch.pdf",
            "pages": result.batch_pages,
            "sha256": file_sha256(batch) if batch.exists() else None,
        },
        **(
            {
                "batch_docx": {
                    "file": "batch.docx",
                    "letters": len(docx_files),
                    "sha256": file_sha256(staging / "batch.docx"),
                }
            }
            if docx_files
            else {}
        ),
        "letters": [
            {k: v for k, v in asdict(letter).items() if v is not None or not k.startswith("docx_")}
            for letter in result.letters
        ],
    }


def write_manifests(staging: Path, data: dict[str, Any], letters: Sequence[LetterResult]) -> None:
    """``manifest.json``, and ``manifest.csv`` for a spreadsheet (PDFs only)."""
    atomic.write_text(staging / "manifest.json", json.dumps(data, indent=2, sort_keys=True) + "\n")
    write_csv(
        staging / "manifest.csv",
        MANIFEST_CSV_HEADER,
        [
            (
                letter.letter_id,
                " ".join(map(str, letter.source_rows)),
                letter.pages,
                letter.sha256,
                letter.material_id,
                letter.language,
                letter.file,
            )
            for letter in letters
        ],
    )


def write_rejects(path: Path, rejects: Sequence[Reject]) -> None:
    write_csv(
        path,
        ["row", "field", "reason"],
        [(r.row, r.field, r.reason) for r in sorted(rejects, key=lambda r: r.row)],
    )


def finalise_run(
    staging: Path,
    out_dir: Path,
    result: RunResult,
    chunk_files: Sequence[str],
    *,
    batch_title: str,
    lang: str,
    manifest_extra: dict[str, Any],
    summary_lines: Sequence[str],
    stats: dict[str, Any] | None = None,
    follow_up: Sequence[Sequence[str]] | None = None,
    before_swap: Callable[[Path], Any] | None = None,
) -> None:
    """Join the batch, write manifest, rejects, summary and stats, swap into place."""
    if chunk_files:
        result.batch_pages = join_batch_pdf(staging, chunk_files, title=batch_title, lang=lang)
    docx_files = [letter.docx_file for letter in result.letters if letter.docx_file]
    if docx_files:
        join_batch_docx(staging, docx_files, title=batch_title, lang=lang)
    write_manifests(staging, manifest(staging, result, docx_files, manifest_extra), result.letters)
    write_rejects(staging / "rejects.csv", result.rejects)
    atomic.write_text(staging / "summary.txt", "\n".join(summary_lines) + "\n")
    if stats is not None:
        atomic.write_text(staging / "stats.json", json.dumps(stats, indent=2, sort_keys=True) + "\n")
    if follow_up is not None:
        write_csv(staging / "follow-up.csv", FOLLOW_UP_HEADER, follow_up)
    if before_swap is not None:
        before_swap(staging)  # e.g. print cost, counted from the finished batch.pdf
    clear_staging(staging)
    atomic.swap_into_place(staging, out_dir)
