"""``handle-docs report RUN_DIR --out DIR``: the one-page operation summary."""

from __future__ import annotations

from pathlib import Path

import click

from handle_docs.impact.hotspots import rank
from handle_docs.outputs.costs import PRICES_FILE, load_prices
from handle_docs.outputs.impact import report_sections
from handle_docs.outputs.report import NotARunFolder, ReportError, render_report

from ..models import ProblemsError
from ..render.pdf import RenderError
from .common import AbsolutePath, content_folders, content_options, fail, refuse
from .hotspots import patrols_of
from .impact import crimes_or_fail, evaluate_or_fail


def impact_sections(crimes_dir: Path, content_dir: Path) -> list:
    """The impact and hotspot sections, from the crime data and CONTENT/operation.yaml's area."""
    crimes = crimes_or_fail(crimes_dir)
    return report_sections(evaluate_or_fail(crimes, content_dir), rank(crimes, patrols_of(content_dir)))


@click.command("report")
@click.argument("run_dir", metavar="RUN_DIR", type=AbsolutePath(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=AbsolutePath(file_okay=False, path_type=Path),
    help="Folder for operation-summary.pdf and operation-summary.md.",
)
@content_options
@click.option(
    "--prices",
    "prices_file",
    type=AbsolutePath(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=f"Print prices (default: CONTENT/{PRICES_FILE}). Without one, the cost is left out.",
)
@click.option(
    "--crimes",
    "crimes_dir",
    type=AbsolutePath(exists=True, path_type=Path),
    default=None,
    help="police.uk crime data (folder or zip): adds the before-and-after page (the area from area.lsoa "
    "in CONTENT/operation.yaml) and where to patrol next.",
)
def report(run_dir, out_dir, content_dir, templates, prices_file, crimes_dir):
    """A one-page summary of the operation in RUN_DIR (a letters run folder),
    as a tagged PDF and as Markdown to paste into an email.

    Area and date, vehicles checked, not locked, with items on show (and a
    bar chart of items by kind), letters delivered, Neighbourhood Watch and
    crime-alert interest, and the print cost. Made from the run's counts
    (stats.json), so it works after the personal data has been deleted; it
    holds no addresses, registrations or names.
    """
    content_dir, templates = content_folders(content_dir, templates)
    path = prices_file or (content_dir / PRICES_FILE)
    prices = None
    if path.exists():
        try:
            prices = load_prices(path)
        except ProblemsError as exc:
            fail(exc.problems, "print prices cannot be used")
    else:
        click.echo(f"warning: no {path}: the summary leaves out the print cost", err=True)
    sections = impact_sections(crimes_dir, content_dir) if crimes_dir is not None else []
    try:
        result = render_report(run_dir, out_dir, templates, prices=prices, sections=sections)
    except NotARunFolder as exc:
        raise click.UsageError(str(exc)) from exc
    except ReportError as exc:
        refuse(str(exc))
    except RenderError as exc:
        refuse(f"the summary could not be rendered: {exc}")
    pages = "1 page" if result.pages == 1 else f"{result.pages} pages"
    click.echo(f"{result.pdf} ({pages}), {result.markdown}")
