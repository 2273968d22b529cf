"""``handle-docs letters RECORDS --out DIR``: a patrol's records to a print batch.

A thin edge: it parses the options, calls the letters-run service
(:func:`handle_docs.services.letters_run.make_letters`, which the workspace's
worker calls too) and prints what it made or why it stopped."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from handle_docs.braille.outputs import braille_warnings
from handle_docs.review.routing import LEAFLET_LANGUAGES, LEAFLET_RESIDENT
from handle_docs.services.letters_run import LettersRequest, RunStopped, make_letters
from handle_docs.services.workspace_runs import read_json

from ..models import ProblemsError
from ..review import DRAFT_WATERMARK
from .common import (
    EXIT_PROBLEMS,
    AbsolutePath,
    content_options,
    fail,
    load_content_or_fail,
    print_problems,
    refuse_unapproved,
    require_ids,
    unpinned_option,
    warn_unpinned,
)
from .progress import Progress

#: What the command says when a run stops before it starts, by RunStopped.stage.
HEADINGS = {
    "content": "content cannot be used",
    "options": "the options cannot be used",
    "prices": "print-costs.yaml cannot be used",
    "round_sheet": "the delivery round sheet's wording cannot be used",
    "records": "records file cannot be used",
    "gate": "refusing to make letters: material not approved",
}


@click.command("letters")
@click.argument("records", type=AbsolutePath(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=AbsolutePath(file_okay=False, path_type=Path),
    help="Run folder to create (replaced only when the new run is complete).",
)
@content_options
@unpinned_option
@click.option(
    "--columns",
    type=AbsolutePath(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Column map for a Forms .xlsx export (default: CONTENT/forms-columns.yaml).",
)
@click.option("--material", default="visit-letter", show_default=True, help="Letter material id.")
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: number of cores)."
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=0, max=500),
    default=0,
    help="Letters laid out together as one document (default 0: chosen from the batch size).",
)
@click.option(
    "--with-leaflet",
    "leaflet",
    metavar="MATERIAL",
    default=None,
    help="Put this leaflet after each letter in batch.pdf (each still starts a new sheet).",
)
@click.option(
    "--leaflet-language",
    type=click.Choice(LEAFLET_LANGUAGES),
    default=LEAFLET_RESIDENT,
    show_default=True,
    help="With --with-leaflet: the leaflet in each resident's language, as their letter (resident), or "
    "the leaflet in English for everyone (english).",
)
@click.option(
    "--docx",
    "docx",
    is_flag=True,
    help="Also write each letter as Word (letters/<letter-id>.docx) and all of them as batch.docx.",
)
@click.option(
    "--resume", is_flag=True, help="Continue a run that was stopped, rendering only what is missing."
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--draft",
    is_flag=True,
    help="Render even if a material is not approved: every page watermarked "
    f"'{DRAFT_WATERMARK}', and DRAFT in the manifest. Never for delivery.",
)
def letters(
    records,
    out_dir,
    content_dir,
    templates,
    columns,
    material,
    jobs,
    chunk_size,
    leaflet,
    leaflet_language,
    docx,
    resume,
    quiet,
    draft,
):
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
    request = LettersRequest(
        records=records,
        out_dir=out_dir,
        content_dir=content_dir,
        templates=content.templates,
        columns=columns,
        material=material,
        leaflet=leaflet,
        leaflet_language=leaflet_language,
        docx=docx,
        draft=draft,
        chunk_size=chunk_size,
        jobs=jobs or os.cpu_count() or 1,
        resume=resume,
    )
    outcome = _make(request, content, quiet=quiet)
    _say_what_was_made(outcome, out_dir, draft=draft)


def _make(request, content, *, quiet):
    """Run the letters-run service with a progress bar; a run that stops is told in the words of its
    stage (or of Ctrl-C, or of a failed write) and ends the command."""
    progress = Progress(sys.stderr, quiet=quiet)
    try:
        return make_letters(
            request,
            content=content,
            progress_start=progress.start,
            progress=progress.step,
            notice=print_problems,
            warn_unpinned=warn_unpinned,
        )
    except RunStopped as exc:
        if exc.stage == "gate":
            refuse_unapproved(
                exc.approval,
                making="letters",
                draft=request.draft,
                draft_hint="never for delivery",
                warned=True,
            )
        fail(exc.problems, HEADINGS[exc.stage])
    except KeyboardInterrupt:
        click.echo(
            f"\nstopped. Nothing in {request.out_dir} was changed; run the same command with --resume to carry on.",
            err=True,
        )
        sys.exit(130)
    except OSError as exc:
        click.echo(
            f"could not write the run: {exc.strerror or type(exc).__name__}. Nothing in {request.out_dir} was changed; "
            "free some space (or fix the permission) and run again with --resume.",
            err=True,
        )
        sys.exit(EXIT_PROBLEMS)
    except ProblemsError as exc:  # content read only when the records need it (content/braille.yaml)
        fail(exc.problems, "content cannot be used")
    finally:
        progress.close()


def _say_what_was_made(outcome, out_dir, *, draft):
    """Print what the run made: letters, pages, rejects, warnings, speed and the braille warnings."""
    result, figures, seconds = outcome.result, outcome.figures, outcome.seconds
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
    for warning in braille_warnings((read_json(out_dir / "manifest.json") or {}).get("braille")):
        click.echo(f"warning: {warning.sentence} Why: {warning.detail}", err=True)
