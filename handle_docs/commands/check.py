"""``handle-docs check PATH...``: check printed output against the large-print
and PDF/UA rules before it goes to the printer."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..checks import (
    SUFFIXES,
    CheckConfig,
    LinksFileError,
    check_paths,
    collect_files,
    format_json,
    format_table,
    load_links,
)
from .common import AbsolutePath

#: Exit codes: 0 every check passed, 1 a check failed, 2 wrong usage (click's own).
EXIT_FAILED = 1


@click.command("check")
@click.argument(
    "paths", metavar="PATH...", nargs=-1, required=True, type=AbsolutePath(exists=True, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option(
    "--min-font-size",
    type=click.FloatRange(min=1.0, max=200.0),
    default=CheckConfig.min_font_pt,
    show_default=True,
    help="Smallest text size allowed, in points.",
)
@click.option(
    "--links",
    "links_file",
    type=AbsolutePath(dir_okay=False, path_type=Path),
    default=Path("content/links.yaml"),
    show_default=True,
    help="Link file: the only URLs a QR code may hold or a page may print, and their short forms.",
)
@click.option("--failures-only", is_flag=True, help="List only failed checks in the table.")
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="Processes (default: number of cores)."
)
def check(
    paths: tuple[Path, ...],
    as_json: bool,
    min_font_size: float,
    links_file: Path,
    failures_only: bool,
    jobs: int | None,
) -> None:
    """Check PDF, Word and braille (.brf) files (or folders of them, recursively).

    PDFs: tags, language, title, PDF/UA id, figure alt text, heading order,
    list tags, embedded and allowed fonts, minimum text size, no italics,
    colour contrast, no block capitals, QR codes, web addresses (each a link
    of the link file, broken only after a "/" or a "."), page size, real text.
    Word: heading and list styles, en-GB, text size, alt text, title.
    Braille: cells per line, lines per page, page numbers, the words read back.

    Exits 0 when every check passes, 1 when any fails.
    """
    try:
        urls, shorts = load_links(links_file)
    except LinksFileError as exc:
        raise click.BadParameter(str(exc), param_hint="--links") from exc
    files = collect_files(paths)
    if not files:
        raise click.UsageError("no .pdf, .docx or .brf files found in " + ", ".join(str(p) for p in paths))
    unknown = [f for f in files if f.suffix.lower() not in SUFFIXES]
    if unknown:
        raise click.UsageError(
            "can only check .pdf, .docx and .brf files, not " + ", ".join(str(f) for f in unknown)
        )
    config = CheckConfig(min_font_pt=min_font_size, allowed_urls=urls, short_forms=shorts)
    reports = check_paths(files, config, jobs=jobs or os.cpu_count() or 1)
    if as_json:
        click.echo(format_json(reports))
    else:
        click.echo(format_table(reports, show_passes=not failures_only))
    if not all(r.passed for r in reports):
        sys.exit(EXIT_FAILED)
