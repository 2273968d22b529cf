"""``hotspots.csv`` and ``hotspots.pdf`` (where to patrol next), from :mod:`handle_docs.impact.hotspots`; its
context is plain data (:func:`hotspots_context`) so the operation summary can add it as a section and the
workspace can show the same without drawing anything (no chart: the web server never imports matplotlib).
police.uk data are public and anonymised."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from handle_docs.compose.context import long_date
from handle_docs.impact.hotspots import CSV_COLUMNS, Hotspots
from handle_docs.impact.words import month_name
from handle_docs.outputs.report import Section, md_escape
from handle_docs.outputs.standalone import LANG, STYLESHEETS, Written, render_page
from handle_docs.util import atomic
from handle_docs.util.tables import csv_text, write_csv

HOTSPOTS_TEMPLATE = "report/hotspots.html.j2"
HOTSPOTS_CSV, HOTSPOTS_PDF = "hotspots.csv", "hotspots.pdf"
#: LSOAs shown in the hotspots table of the PDF (the CSV has them all).
HOTSPOTS_SHOWN = 12


def hotspots_csv(spots: Hotspots) -> str:
    return csv_text(CSV_COLUMNS, (row.row() for row in spots.rows))


def hotspots_context(spots: Hotspots, *, title: str = "Where to patrol next") -> dict[str, Any]:
    shown = spots.rows[:HOTSPOTS_SHOWN]
    return {
        "lang": LANG,
        "title": title,
        "last_3": f"{month_name(spots.months_3[0])} to {month_name(spots.months_3[-1])}"
        if spots.rows
        else "",
        "last_12": f"{month_name(spots.months_12[0])} to {month_name(spots.months_12[-1])}"
        if spots.rows
        else "",
        "total": len(spots.rows),
        "rows": [
            {
                "rank": r.rank,
                "code": r.lsoa_code,
                "name": r.lsoa_name,
                "last_3": r.last_3,
                "last_12": r.last_12,
                "trend": r.trend,
                "patrolled": long_date(r.last_patrolled) if r.last_patrolled else "",
            }
            for r in shown
        ],
        "streets": [
            {
                "name": r.lsoa_name,
                "streets": [{"name": s, "last_3": n3, "last_12": n12} for s, n3, n12 in r.streets],
            }
            for r in shown
            if r.streets
        ],
    }


def write_hotspots(spots: Hotspots, out_dir: Path, templates: Path) -> Written:
    """Write hotspots.csv (every LSOA) and hotspots.pdf (the busiest) into ``out_dir``."""
    data, pages = render_page(templates, HOTSPOTS_TEMPLATE, hotspots_context(spots))
    out_dir = atomic.private_dir(Path(out_dir))
    write_csv(out_dir / HOTSPOTS_CSV, CSV_COLUMNS, (row.row() for row in spots.rows))
    atomic.write_bytes(out_dir / HOTSPOTS_PDF, data)
    return Written((out_dir / HOTSPOTS_CSV, out_dir / HOTSPOTS_PDF), pages)


def hotspots_section(spots: Hotspots) -> Section:
    """The hotspot page as a section of ``handle-docs report`` (with its Markdown)."""
    ctx = hotspots_context(spots)
    lines = [
        "",
        f"## {md_escape(ctx['title'])}",
        "",
        "| Rank | Neighbourhood | 3 months | 12 months | Trend | Patrolled |",
        "| ---: | --- | ---: | ---: | --- | --- |",
    ]
    lines += [
        f"| {r['rank']} | {md_escape(r['name'])} ({r['code']}) | {r['last_3']} | {r['last_12']} | "
        f"{r['trend']} | {md_escape(r['patrolled'] or 'no')} |"
        for r in ctx["rows"]
    ]
    return Section(HOTSPOTS_TEMPLATE, ctx, STYLESHEETS, "\n".join(lines) + "\n")


__all__ = [
    "HOTSPOTS_CSV",
    "HOTSPOTS_PDF",
    "HOTSPOTS_TEMPLATE",
    "hotspots_context",
    "hotspots_csv",
    "hotspots_section",
    "write_hotspots",
]
