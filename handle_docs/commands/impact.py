"""``handle-docs impact RECORDS --crimes DIR --out DIR``: did the patrol work? (issue 32)"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import click

from handle_docs.impact.area import StreetMatches, load_area_config, match_streets, street_of
from handle_docs.impact.estimate import MIN_COUNT, EstimateError
from handle_docs.impact.evaluate import Impact, evaluate
from handle_docs.impact.policeuk import Crimes, load_crimes
from handle_docs.impact.words import VERDICT_SHORT
from handle_docs.models import ProblemsError
from handle_docs.outputs.impact import write_impact
from handle_docs.records.read import read_records
from handle_docs.render.pdf import RenderError

from .common import AbsolutePath, content_folders, content_options, fail, refuse

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


def show_matches(matches: StreetMatches, names: dict[str, str], err: bool = False) -> None:
    """The records' streets as matched to police.uk's LSOAs, for a person to confirm."""
    for street, code in matches.matched.items():
        click.echo(f"  {street}: {code} {names.get(code, '')}", err=err)
    for street, codes in matches.ambiguous.items():
        click.echo(f"  {street}: in {len(codes)} LSOAs ({', '.join(codes)}): not guessed", err=err)
    if matches.unmatched:
        click.echo(
            f"  {len(matches.unmatched)} street(s) of the records not found in the crime data", err=err
        )


def crimes_or_fail(crimes_dir: Path):
    try:
        return load_crimes(crimes_dir)
    except ProblemsError as exc:
        fail(exc.problems, f"{crimes_dir} cannot be used as police.uk crime data")


def evaluate_or_fail(
    crimes: Crimes,
    content_dir: Path,
    streets: Sequence[str] = (),
    *,
    month: str | None = None,
    min_count: int = MIN_COUNT,
) -> Impact:
    """The finding for CONTENT/operation.yaml's area (or the streets' LSOAs), or stop saying why."""
    try:
        config, patrol_date, doc = load_area_config(content_dir)
    except ProblemsError as exc:
        fail(exc.problems, "operation.yaml cannot be used")
    try:
        return evaluate(
            crimes, config, month or patrol_date.strftime("%Y-%m"), streets, min_count=min_count, doc=doc
        )
    except ProblemsError as exc:
        if streets:
            click.echo("Patrolled streets in the crime data:", err=True)
            show_matches(match_streets(streets, crimes), crimes.lsoa_names, err=True)
        fail(exc.problems, "the patrolled area is not settled")
    except EstimateError as exc:
        refuse(str(exc))


def crimes_options(writes: str):
    """``--crimes DIR`` (police.uk data) and ``--out DIR`` (for ``writes``), as impact and hotspots take them."""

    def wrap(func):
        func = click.option(
            "--out",
            "out_dir",
            required=True,
            type=AbsolutePath(file_okay=False, path_type=Path),
            help=f"Folder for {writes}.",
        )(func)
        return click.option(
            "--crimes",
            "crimes_dir",
            required=True,
            type=AbsolutePath(exists=True, path_type=Path),
            help="police.uk street-level crime data: a folder of monthly CSVs, or the archive's zip.",
        )(func)

    return wrap


@click.command("impact")
@click.argument("records", metavar="RECORDS", type=AbsolutePath(exists=True, dir_okay=False, path_type=Path))
@crimes_options("impact.json, impact.csv and impact.pdf")
@content_options
@click.option(
    "--month",
    "month",
    default=None,
    metavar="YYYY-MM",
    help="The operation's month (default: patrol_date in CONTENT/operation.yaml).",
)
@click.option(
    "--min-count",
    default=MIN_COUNT,
    show_default=True,
    type=click.IntRange(min=1),
    help="Fewer vehicle crimes in the area than this (before and after together): too few to tell.",
)
def impact(records, crimes_dir, out_dir, content_dir, templates, month, min_count):
    """Did the patrol work? Vehicle crime in the patrolled area before and after the operation, from
    police.uk street-level data.

    The area is the police.uk LSOAs of the streets in RECORDS (shown for confirmation; fix it with area.lsoa
    in CONTENT/operation.yaml, which is then used as it stands); the buffer is the LSOAs around it and the
    comparison the rest of the force. Writes impact.json, impact.csv and impact.pdf: monthly counts, the
    change against the same months a year earlier and against the comparison, with a 95 % interval, in
    plain words. Below --min-count it says the numbers are too small to tell.
    """
    content_dir, templates = content_folders(content_dir, templates)
    if month is not None and not re.match(MONTH, month):
        raise click.UsageError(f"--month: '{month}' is not a month written YYYY-MM")
    try:
        record_set = read_records(records)
    except ProblemsError as exc:
        fail(exc.problems, f"{records.name} cannot be read")
    crimes = crimes_or_fail(crimes_dir)
    streets = [street_of(r.address) for r in record_set.records]
    result = evaluate_or_fail(crimes, content_dir, streets, month=month, min_count=min_count)
    click.echo(f"Patrolled streets in the crime data ({crimes.files} files, {crimes.rows} vehicle crimes):")
    show_matches(result.matches, crimes.lsoa_names)
    click.echo(
        f"Area ({result.area.area_from}): {', '.join(result.area.lsoa)}; buffer {len(result.area.buffer)} "
        f"LSOAs ({result.area.buffer_from}); comparison {len(result.area.comparison)} LSOAs "
        f"({result.area.comparison_from})"
    )
    if result.area.area_from != "operation.yaml":
        click.echo(
            f"  to confirm or change the area, list its LSOAs in {content_dir / 'operation.yaml'} "
            "(area: lsoa: [...])"
        )
    try:
        written = write_impact(result, out_dir, templates)
    except RenderError as exc:
        refuse(f"impact.pdf could not be rendered: {exc}")
    click.echo(f"{VERDICT_SHORT[result.verdict]}: {result.headline}")
    click.echo(", ".join(str(p) for p in written.paths))
