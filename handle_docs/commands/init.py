"""``handle-docs init DIR``: a new force's folder, made from the bundled starter."""

from __future__ import annotations

from pathlib import Path

import click

from handle_docs.history.repo import COMMAND_LINE, ForceRepo, HistoryError
from handle_docs.review.pin import PIN_FILE
from handle_docs.services.force_folder import REVIEW_NOTE, FolderInUse, create_force
from handle_docs.starter import CONTENT, EXAMPLES, REVIEW, TEMPLATES

from .common import AbsolutePath, refuse

#: The first commit of a new force folder.
STARTER_MESSAGE = "New force folder: the sample force's wording, templates and review folder"


@click.command("init")
@click.argument("folder", metavar="DIR", type=AbsolutePath(path_type=Path))
@click.option(
    "--sample-approvals",
    is_flag=True,
    help="Keep the sample force's invented approvals, to try the tool on the sample as it is; "
    "never for a real force.",
)
def init(folder: Path, sample_approvals: bool) -> None:
    """Create DIR with the wording (content/), templates (templates/) and
    review folder (review/) a force works in, and invented sample records
    (examples/) to try. DIR is made a git repository with the starter as its
    first commit: every save and sign-off is then kept as a version.

    The wording is the bundled sample force's: make it your own, then have
    every material approved before printing; review/README.txt says how.
    DIR must be new or empty.
    """
    try:
        made = create_force(folder, sample_approvals=sample_approvals)
    except FolderInUse as exc:
        raise click.UsageError(str(exc)) from exc
    except OSError as exc:
        refuse(f"could not create {folder}: {exc.strerror or type(exc).__name__}. Nothing was created.")
    click.echo(f"created {folder}: {CONTENT}/, {TEMPLATES}/, {REVIEW}/, {EXAMPLES}/")
    try:
        ForceRepo.init(folder, STARTER_MESSAGE, COMMAND_LINE, COMMAND_LINE)
    except HistoryError as exc:
        refuse(
            f"{folder} was created but is not on the record: {exc}. Saves and sign-offs will not be kept as "
            "versions until it is a git repository (run 'git init' there and commit, or init again)."
        )
    click.echo(
        f"{folder} is a git repository: every save and sign-off is kept as a version (handle-docs history)"
    )
    if sample_approvals:
        click.echo("sample approvals kept: for trying the sample only, never for a real force")
    else:
        click.echo(
            f"nothing is approved yet ({len(made.materials)} materials): read {folder / REVIEW / REVIEW_NOTE}"
        )
        click.echo(
            f"the first approved version of your reviewer registry will be pinned in {folder / REVIEW / PIN_FILE}"
        )
    click.echo(f"next: cd {folder} && handle-docs lint && handle-docs review status")
