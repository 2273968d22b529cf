"""The letters run, end to end: records → letters → run folder.

This is the whole of ``handle-docs letters`` without the command line, so
tests and benchmarks call it directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from handle_docs.braille.outputs import BrailleRun, settings_for, write_braille
from handle_docs.braille.settings import BrailleSettings
from handle_docs.compose.letters import build_letters
from handle_docs.models import Letter, RecordSet
from handle_docs.outputs.costs import record_print_cost
from handle_docs.outputs.round_sheet import RoundSheetWording, load_wording, write_round_sheet
from handle_docs.outputs.row_warnings import write_warnings
from handle_docs.records.printable import screen
from handle_docs.render.pages import PageFlags, flags_from_code
from handle_docs.run.batch import render_chunks
from handle_docs.run.chunk import ChunkResult, RunSettings
from handle_docs.run.figures import RowFigures, kept_warnings, row_figures
from handle_docs.run.finish import RunResult, finalise_run
from handle_docs.run.journal import Journal, file_sha256, prepare_staging, run_key
from handle_docs.run.stats import (
    count_vehicles,
    fallback_lines,
    fallbacks,
    follow_up_rows,
    letters_by_language,
    run_stats,
)
from handle_docs.wording.content import Content, load_content

__all__ = ["ReconciliationError", "RunOptions", "file_sha256", "run_letters", "summary_lines"]


@dataclass
class RunOptions:
    jobs: int = 1
    resume: bool = False
    manifest_extra: dict[str, Any] = field(default_factory=dict)
    summary_extra: list[str] = field(default_factory=list)
    progress_start: Callable[[int], None] | None = None
    progress: Callable[[int], None] | None = None
    prices: Any = None  # costs.Prices: add the print cost to summary.txt and stats.json
    pool: Executor | None = None  # batch.worker_pool, started before the records were read
    round_sheet: RoundSheetWording | None = None  # the round sheet's wording (default: read from the content)


class ReconciliationError(RuntimeError):
    """Rows read ≠ rows in letters + rows rejected: a bug, never ignored."""


def summary_lines(
    content: Content,
    recordset: RecordSet,
    result: RunResult,
    extra: list[str],
    settings_leaflet: str | None = None,
    figures: RowFigures | None = None,
) -> list[str]:
    op = content.operation.operation
    figures = figures or row_figures(result.rows_read, result.letters, result.rejects, recordset.row_warnings)
    lines = [
        f"operation: {op.name} ({op.id})",
        f"area: {op.area}",
        f"records file: {recordset.source_name}",
        f"rows read: {figures.rows_read}",
        f"vehicles checked: {result.records}",
        f"insecure vehicles: {result.insecure}",
        f"vehicles with items on display: {result.with_items}",
        f"letters: {len(result.letters)}",
        f"rejected rows: {figures.rejected_rows}",
        f"warnings: {figures.warnings} in {figures.rows_with_warnings} rows (letters made; see warnings.csv)",
        f"letter pages: {result.letter_pages}",
        f"sheets (double-sided): {result.sheets}",
        f"batch pages (with blank backs): {result.batch_pages}",
    ]
    if settings_leaflet:
        lines += [
            f"leaflet after each letter: {settings_leaflet}",
            f"leaflet pages in batch (with blank backs): {result.leaflet_pages}",
            f"leaflet sheets (double-sided): {result.leaflet_sheets}",
        ]
    # Residents who asked for another language and got English (no approved
    # translation yet), with the reason: the team should follow these up by hand.
    lines += fallback_lines(result.letters)
    lines.append(figures.check_line())
    return lines + list(extra)


def _known_flags(code: str, result: RunResult) -> list[PageFlags] | None:
    """The workers' page flags when they cover the whole batch, else None
    (``record_print_cost`` then counts from batch.pdf itself)."""
    return flags_from_code(code) if len(code) == result.batch_pages else None


def _round_sheet_job(
    settings: RunSettings, letters: list[Letter], wording: RoundSheetWording, staging: str
) -> None:
    """In a worker, beside the chunks: the round sheet for every letter of the run."""
    content = load_content(settings.content_root, settings.templates)
    write_round_sheet(Path(staging), letters, content, settings.templates, wording)


def _start_round_sheet(
    pool: Executor | None,
    settings: RunSettings,
    letters: list[Letter],
    wording: RoundSheetWording,
    staging: Path,
) -> Future | None:
    """Lay out the round sheet in the pool while the chunks render (it is one
    long document: done after the batch it held up the end of a large run)."""
    if pool is None or not letters:
        return None
    return pool.submit(_round_sheet_job, settings, list(letters), wording, str(staging))


def _new_result(recordset: RecordSet, out_dir: Path) -> RunResult:
    """The run's result before anything is rendered: rows read, records, rejects and the vehicles
    found not locked or with items on show."""
    insecure, with_items = count_vehicles(recordset)
    result = RunResult(
        out_dir=out_dir,
        rows_read=recordset.rows_read,
        records=len(recordset.records),
        insecure=insecure,
        with_items=with_items,
        rejects=list(recordset.rejects),
    )
    return result


def _run_key(records_sha256: str, settings: RunSettings, options: RunOptions, recordset: RecordSet) -> str:
    """The key a stopped run's staging folder is kept under: the records, the settings, the materials'
    versions and the corrections (a run resumes only with all of them the same)."""
    return run_key(
        records_sha256,
        settings,
        {
            "content": options.manifest_extra.get("materials"),
            **({"corrections": recordset.corrections_key} if recordset.corrections_key else {}),
        },
    )


def _braille(
    letters: list[Letter],
    delivered: set[str],
    content: Content,
    staging: Path,
    braille_settings: BrailleSettings | None,
    settings: RunSettings,
) -> BrailleRun | None:
    """Write the braille of the delivered letters whose residents asked for it (None when none did)."""
    return (
        write_braille(
            [letter for letter in letters if letter.letter_id in delivered],
            content,
            staging,
            braille_settings,
            routes=settings.routes,
            material_id=settings.material_id,
            watermark=settings.watermark,
        )
        if braille_settings
        else None
    )


def run_letters(
    recordset: RecordSet,
    records_sha256: str,
    content: Content,
    settings: RunSettings,
    out_dir: Path,
    options: RunOptions | None = None,
) -> RunResult:
    """Render ``recordset``'s letters into ``out_dir`` (whole, or resumed from its staging folder) and
    return what was made."""
    options = options or RunOptions()
    started = time.monotonic()
    round_sheet = options.round_sheet or load_wording(content.root)
    recordset = screen(recordset)
    letters = build_letters(recordset.records)
    braille_settings = settings_for(letters, content.root)  # its mistakes before anything is rendered
    result = _new_result(recordset, out_dir)
    if options.prices is not None and not settings.count_print:
        settings = replace(settings, count_print=True)  # workers flag colour/blank pages
    key = _run_key(records_sha256, settings, options, recordset)
    staging, journal, done = prepare_staging(out_dir, key, options.resume)
    result.resumed_chunks = len(done)
    if options.progress_start:
        options.progress_start(len(letters))
    early_round_sheet = _start_round_sheet(
        options.pool if options.jobs > 1 else None, settings, letters, round_sheet, staging
    )
    chunk_files, flags = _render(letters, settings, staging, journal, done, content, options, result)
    figures = _balanced_figures(result, recordset)
    delivered = {letter.letter_id for letter in result.letters}
    braille = _braille(letters, delivered, content, staging, braille_settings, settings)

    def before_swap(staging: Path) -> None:
        write_warnings(staging, kept_warnings(recordset.row_warnings, result.letters))
        made_early = early_round_sheet is not None and early_round_sheet.exception() is None
        if not made_early or len(delivered) != len(
            letters
        ):  # a letter failed: the sheet lists only those made
            write_round_sheet(
                staging,
                [letter for letter in letters if letter.letter_id in delivered],
                content,
                settings.templates,
                round_sheet,
            )
        if options.prices:
            record_print_cost(staging, options.prices, _known_flags("".join(flags), result))

    base = content.material(settings.material_id).spec
    result.seconds = time.monotonic() - started
    finalise_run(
        staging,
        out_dir,
        result,
        chunk_files,
        batch_title=f"{base.title}: print batch",
        lang=base.language,
        manifest_extra=_manifest_extra(records_sha256, options, figures, result, recordset, braille),
        summary_lines=summary_lines(
            content,
            recordset,
            result,
            options.summary_extra + (braille.summary_lines() if braille else []),
            settings.leaflet_id,
            figures=figures,
        ),
        before_swap=before_swap,
        stats=run_stats(content, recordset, letters, result, figures),
        follow_up=follow_up_rows(letters, delivered),
    )
    return result


def _render(
    letters: list[Letter],
    settings: RunSettings,
    staging: Path,
    journal: Journal,
    done: dict[int, ChunkResult],
    content: Content,
    options: RunOptions,
    result: RunResult,
) -> tuple[list[str], list[str]]:
    """Render the letters chunk by chunk into ``staging``, adding each chunk's letters, rejects and pages
    to ``result``; returns the chunk files and each chunk's page flags."""
    chunk_files: list[str] = []
    flags: list[str] = []
    for chunk in render_chunks(
        letters,
        settings,
        staging,
        jobs=options.jobs,
        journal=journal,
        done=done,
        progress=options.progress,
        content=content,
        pool=options.pool,
    ):
        result.letters.extend(chunk.letters)
        result.rejects.extend(chunk.rejects)
        result.batch_pages += chunk.batch_pages
        result.leaflet_pages += chunk.leaflet_pages
        if chunk.chunk_file:
            chunk_files.append(chunk.chunk_file)
        flags.append(chunk.page_flags)
    return chunk_files, flags


def _manifest_extra(
    records_sha256: str,
    options: RunOptions,
    figures: RowFigures,
    result: RunResult,
    recordset: RecordSet,
    braille: BrailleRun | None,
) -> dict[str, Any]:
    """What the run's manifest says beside its letters: the records' hash, the figures, the languages."""
    return {
        "records_sha256": records_sha256,
        **options.manifest_extra,
        **figures.as_dict(),
        "languages": letters_by_language(result.letters),
        "fallbacks": fallbacks(result.letters),
        **({"corrected_rows": list(recordset.corrected_rows)} if recordset.corrected_rows else {}),
        **(braille.manifest() if braille else {}),
    }


def _balanced_figures(result: RunResult, recordset: RecordSet) -> RowFigures:
    """The run's row figures; every row read is in a letter or rejected, or the run stops."""
    figures = row_figures(result.rows_read, result.letters, result.rejects, recordset.row_warnings)
    if not figures.balanced:
        raise ReconciliationError(
            f"rows in letters ({figures.rows_in_letters}) + rejected rows ({figures.rejected_rows}) "
            f"!= rows read ({figures.rows_read})"
        )
    return figures
