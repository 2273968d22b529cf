"""``handle-docs reprint MANIFEST --letter L0042 [--records FILE]``: a past letter made again from the history."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..history.repo import ForceRepo, HistoryError
from ..services.letters_run import RunStopped
from ..services.reprint import environment, read_run
from ..services.reprint import reprint as make_again
from .common import EXIT_PROBLEMS, AbsolutePath, fail, refuse


@click.command("reprint")
@click.argument(
    "manifest", metavar="MANIFEST", type=AbsolutePath(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--letter",
    "letter_id",
    required=True,
    metavar="ID",
    help="The letter's id, as the manifest lists it (L0042).",
)
@click.option(
    "--records",
    type=AbsolutePath(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The run's records (CSV or Forms .xlsx). Without them: the proof of the letter's wording, with "
    "invented details.",
)
@click.option(
    "--out",
    "out_dir",
    type=AbsolutePath(file_okay=False, path_type=Path),
    default=Path("reprint"),
    show_default=True,
    help="Folder the letter is written into.",
)
@click.option(
    "--folder",
    type=AbsolutePath(file_okay=False, exists=True, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The force folder the run was made from (its history).",
)
def reprint(manifest: Path, letter_id: str, records: Path | None, out_dir: Path, folder: Path) -> None:
    """Make a letter of a past run again, byte for byte, from the force
    folder's history: the content, templates and approvals of the commit the
    run's MANIFEST (manifest.json) names, its fonts and dates. Without
    --records (personal data, perhaps deleted) it makes the proof of that
    letter's wording with invented details, and says so."""
    try:
        repo = ForceRepo.of(folder)
        if repo is None:
            refuse(
                f"{folder} is not a git repository, so it has no history: give the force folder with --folder"
            )
        run = read_run(manifest, letter_id)
        saved = {k: os.environ.get(k) for k in environment(run)}
        os.environ.update(environment(run))
        try:
            made = make_again(repo, run, out_dir, records)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    except HistoryError as exc:
        refuse(f"cannot make {letter_id} again: {exc}")
    except RunStopped as exc:
        fail(exc.problems, f"cannot make {letter_id} again: the run stopped at its {exc.stage}")
    for note in made.notes:
        click.echo(f"note: {note}", err=True)
    if made.proof:
        click.echo(f"proof of {letter_id}'s wording, with invented details (not the letter): {made.path}")
        return
    if made.identical:
        click.echo(
            f"{letter_id} made again, byte for byte the letter the run made (same SHA-256): {made.path}"
        )
        return
    click.echo(
        f"{letter_id} made again, but it is NOT the same bytes as the letter the run made: {made.path}. "
        "Are these the run's records (with any corrections made in the workspace)?",
        err=True,
    )
    raise SystemExit(EXIT_PROBLEMS)
