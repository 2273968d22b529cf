"""``handle-docs hotspots --crimes DIR --out DIR``: where to patrol next (issue 32)."""

from __future__ import annotations

from pathlib import Path

import click

from handle_docs.impact.area import OPERATION_FILE, load_area_config, patrols
from handle_docs.impact.hotspots import rank
from handle_docs.models import ProblemsError
from handle_docs.outputs.hotspots import write_hotspots
from handle_docs.render.pdf import RenderError
from handle_docs.services.run_patrol import patrols as runs_patrols
from handle_docs.services.workspace_runs import RunStore

from .common import AbsolutePath, content_folders, content_options, fail, refuse
from .impact import crimes_options, crimes_or_fail


def patrols_of(content_dir: Path) -> list:
    """(date, LSOA codes) of this operation (area.lsoa, patrol_date) and the earlier ones (area.earlier)."""
    try:
        config, patrol_date, _doc = load_area_config(content_dir)
    except ProblemsError as exc:
        fail(exc.problems, "operation.yaml cannot be used")
    if config is None:
        click.echo(
            f"warning: no area in {content_dir / OPERATION_FILE}: no LSOA is marked as patrolled", err=True
        )
        return []
    return patrols(config, patrol_date)


@click.command("hotspots")
@crimes_options("hotspots.csv and hotspots.pdf")
@content_options
@click.option(
    "--force",
    "force",
    default=None,
    metavar="NAME",
    help="Rank only this force's LSOAs (police.uk's 'Falls within', e.g. 'Westmarch Police') when the "
    "data holds several forces.",
)
@click.option(
    "--instance",
    type=AbsolutePath(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="A workspace's own folder (as given to serve): the patrols its letters runs keep are marked as "
    "patrolled too, on their dates.",
)
def hotspots(crimes_dir, out_dir, content_dir, templates, force, instance):
    """Where to patrol next: the force's LSOAs ranked by vehicle crime over the last 3 and 12 months, from
    police.uk street-level data.

    Writes hotspots.csv (every LSOA: code and name, vehicle crimes in the last 3 and 12 months, the trend
    against the same months a year earlier, and when it was last patrolled, from area.lsoa and
    area.earlier in CONTENT/operation.yaml and, with --instance, the workspace's runs) and hotspots.pdf
    (the busiest, with their busiest streets).
    """
    content_dir, templates = content_folders(content_dir, templates)
    patrolled = patrols_of(content_dir)
    crimes = crimes_or_fail(crimes_dir)
    if instance is not None:
        patrolled += runs_patrols(RunStore(instance), crimes)
    forces = sorted(set(crimes.lsoa_force.values()))
    if force is not None and force not in forces:
        raise click.UsageError(
            f"--force: no crimes in the data fall within '{force}' (the data holds: {', '.join(forces)})"
        )
    spots = rank(crimes, patrolled, force)
    try:
        written = write_hotspots(spots, out_dir, templates)
    except RenderError as exc:
        refuse(f"hotspots.pdf could not be rendered: {exc}")
    if spots.rows:
        top = spots.rows[0]
        click.echo(
            f"Busiest: {top.lsoa_code} {top.lsoa_name}, {top.last_3} vehicle crimes in the last 3 months"
        )
    click.echo(", ".join(str(p) for p in written.paths))
