"""``handle-docs letters RECORDS --out DIR``: a patrol's records to a print batch."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from handle_docs.run.batch import RunSettings, worker_pool
from ..models import ProblemsError
from handle_docs.run.pipeline import RunOptions, file_sha256, run_letters
from handle_docs.records.read import read_records
from ..review import DRAFT_WATERMARK
from handle_docs.run.routing import plan_for_records
from handle_docs.outputs.costs import prices_for
from handle_docs.outputs.round_sheet import load_wording as round_sheet_wording
from handle_docs.run.figures import row_figures
from .progress import Progress
from .common import (
    AbsolutePath,
    EXIT_PROBLEMS,
    content_options,
    fail,
    load_content_or_fail,
    print_problems,
    refuse_unapproved,
    require_ids,
    unpinned_option,
)


@click.command("letters")
@click.argument("records", type=AbsolutePath(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=AbsolutePath(file_okay=False, path_type=Path),
              help="Run folder to create (replaced only when the new run is complete).")
@content_options
@unpinned_option
@click.option("--columns", type=AbsolutePath(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Column map for a Forms .xlsx export (default: CONTENT/forms-columns.yaml).")
@click.option("--material", default="visit-letter", show_default=True, help="Letter material id.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: number of cores).")
@click.option("--chunk-size", type=click.IntRange(min=0, max=500), default=0,
              help="Letters laid out together as one document (default 0: chosen from the batch size).")
@click.option("--with-leaflet", "leaflet", metavar="MATERIAL", default=None,
              help="Put this leaflet after each letter in batch.pdf (each still starts a new sheet).")
@click.option("--docx", "docx", is_flag=True,
              help="Also write each letter as Word (letters/<letter-id>.docx) and all of them as batch.docx.")
@click.option("--resume", is_flag=True, help="Continue a run that was stopped, rendering only what is missing.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--draft", is_flag=True,
              help="Render even if a material is not approved: every page watermarked "
                   f"'{DRAFT_WATERMARK}', and DRAFT in the manifest. Never for delivery.")
def letters(records, out_dir, content_dir, templates, columns, material, jobs, chunk_size, leaflet, docx, resume, quiet,
            draft):
    """Turn a patrol's check RECORDS (CSV or Forms .xlsx) into letters.

    Writes OUT/batch.pdf, OUT/letters/<letter-id>.pdf, OUT/manifest.json,
    OUT/manifest.csv, OUT/rejects.csv, OUT/warnings.csv, OUT/round-sheet.pdf
    and OUT/summary.txt; with --docx also
    OUT/letters/<letter-id>.docx and OUT/batch.docx; for records asking for
    braille, OUT/braille/<letter-id>.brf.
    """
    content = load_content_or_fail(content_dir, templates)
    require_ids(content, [material], kind="letter")
    require_ids(content, [leaflet] if leaflet is not None else [], kind="leaflet")
    if docx and not content.material(material).spec.docx_template:
        raise click.UsageError(
            f"--docx: material '{material}' has no docx_template, so it cannot make Word letters (see docs/word.md)"
        )

    try:
        prices = prices_for(content_dir)
    except ProblemsError as exc:
        fail(exc.problems, "print-costs.yaml cannot be used")
    try:
        round_sheet = round_sheet_wording(content_dir)
    except ProblemsError as exc:
        fail(exc.problems, "the delivery round sheet's wording cannot be used")

    jobs = jobs or os.cpu_count() or 1
    # Workers start before the records are read, so none of them holds a copy.
    with worker_pool(jobs) as pool:
        column_map = columns or (content_dir / "forms-columns.yaml")
        try:
            recordset = read_records(records, column_map if column_map.exists() else None)
        except ProblemsError as exc:
            fail(exc.problems, "records file cannot be used")
        if recordset.warnings:
            print_problems(recordset.warnings, "records warnings")

        # The review gate: every material this run uses must be approved for its
        # current version (handle-docs review status says where each stands); a
        # translation that is not approved is not used: its letters go in English.
        plan = plan_for_records(content, material, leaflet, recordset, draft=draft)
        approval = plan.approval
        refuse_unapproved(approval, making="letters", draft=draft, draft_hint="never for delivery")
        if approval.refusals:
            print_problems(approval.refusals, f"DRAFT: every page watermarked '{DRAFT_WATERMARK}'")

        settings = RunSettings(
            content_root=content_dir,
            templates=content.templates,
            material_id=material,
            chunk_size=chunk_size,
            watermark=DRAFT_WATERMARK if draft else None,
            leaflet_id=leaflet,
            docx=docx,
            routes=tuple(plan.routes.values()),
        )
        progress = Progress(sys.stderr, quiet=quiet)
        options = RunOptions(
            jobs=jobs,
            pool=pool,
            resume=resume,
            progress_start=progress.start,
            progress=progress.step,
            prices=prices,
            round_sheet=round_sheet,
            manifest_extra=approval.manifest_extra,
            summary_extra=[approval.summary_line],
        )
        started = time.monotonic()
        try:
            result = run_letters(recordset, file_sha256(records), content, settings, out_dir, options)
        except KeyboardInterrupt:
            click.echo(
                f"\nstopped. Nothing in {out_dir} was changed; run the same command with --resume to carry on.",
                err=True,
            )
            sys.exit(130)
        except ProblemsError as exc:  # content read only when the records need it (content/braille.yaml)
            fail(exc.problems, "content cannot be used")
        except OSError as exc:
            click.echo(
                f"could not write the run: {exc.strerror or type(exc).__name__}. Nothing in {out_dir} was changed; "
                "free some space (or fix the permission) and run again with --resume.",
                err=True,
            )
            sys.exit(EXIT_PROBLEMS)
        finally:
            progress.close()
    seconds = time.monotonic() - started
    figures = row_figures(result.rows_read, result.letters, result.rejects, recordset.row_warnings)
    rate = len(result.letters) / seconds if seconds else 0.0
    click.echo(
        f"{len(result.letters)} letters ({result.letter_pages} pages), {figures.rejected_rows} rejected rows of "
        f"{figures.rows_read} read, {figures.warnings} warnings, in {seconds:.1f} s ({rate:.1f} letters/s) "
        f"-> {out_dir}"
    )
    if figures.rejected_rows:
        click.echo(f"rejected rows and reasons: {out_dir / 'rejects.csv'}")
    if figures.warnings:
        click.echo(f"letters made with an answer assumed (follow these up): {out_dir / 'warnings.csv'}")
    if draft:
        click.echo(f"DRAFT: every page is watermarked '{DRAFT_WATERMARK}'; not for delivery")
