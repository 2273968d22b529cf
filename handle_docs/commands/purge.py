"""``handle-docs purge RUN_DIR``: delete a run's personal data, keep its counts."""

from __future__ import annotations

from pathlib import Path

import click

from handle_docs.run.purge import NotARunFolder, purge_run

from .common import AbsolutePath


@click.command("purge")
@click.argument("run_dir", type=AbsolutePath(file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def purge(run_dir: Path, yes: bool) -> None:
    """Remove letters, batch and follow-up list from RUN_DIR; keep manifest, rejects, summary and stats."""
    if not yes:
        click.confirm(f"Delete the letters, batch and follow-up list in {run_dir}?", abort=True)
    try:
        result = purge_run(run_dir)
    except NotARunFolder as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"removed: {', '.join(result.removed) or 'nothing (already purged)'}")
    click.echo(f"kept: {', '.join(result.kept)}")
