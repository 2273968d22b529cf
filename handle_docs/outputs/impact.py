"""``impact.json``, ``impact.csv`` and ``impact.pdf`` (the before-and-after report), from
:mod:`handle_docs.impact`, and both pages (with :mod:`.hotspots`, where to patrol next) as sections of the
operation summary.

The PDFs are built like the operation summary (templates/report/, tagged PDF/UA, large print); their
contexts are plain data (:func:`impact_context`, :func:`.hotspots.hotspots_context`) so the operation summary can
add them as sections and the workspace can show the same. police.uk data are public and anonymised; no
address from the records reaches these files (the records' streets are only matched, never written).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from markupsafe import Markup

from handle_docs.impact import chart
from handle_docs.impact.evaluate import AREA, BUFFER, COMPARISON, SERIES_NAMES, Impact
from handle_docs.impact.hotspots import Hotspots
from handle_docs.impact.words import VERDICT_SHORT, amount, interval, month_name
from handle_docs.outputs.hotspots import hotspots_section
from handle_docs.outputs.report import Section, md_escape
from handle_docs.outputs.standalone import LANG, STYLESHEETS, Written, render_page
from handle_docs.util import atomic
from handle_docs.util.tables import write_csv

IMPACT_TEMPLATE = "report/impact.html.j2"
JSON_NAME, CSV_NAME, PDF_NAME = "impact.json", "impact.csv", "impact.pdf"


# --- impact -----------------------------------------------------------------------------


def impact_json(impact: Impact) -> dict[str, Any]:
    est = impact.estimate
    return {
        "operation_month": impact.operation_month,
        "area": list(impact.area.lsoa),
        "buffer": list(impact.area.buffer),
        "comparison": list(impact.area.comparison),
        "chosen": {
            "area": impact.area.area_from,
            "buffer": impact.area.buffer_from,
            "comparison": impact.area.comparison_from,
        },
        "months_after": list(est.periods.after),
        "months_before": list(est.periods.before),
        "estimate": {
            "percent": est.area.as_dict()["percent"],
            "low": est.area.as_dict()["low"],
            "high": est.area.as_dict()["high"],
            "method": "difference in differences against the comparison; 95 % interval for Poisson counts",
        },
        "verdict": impact.verdict,
        "min_count": est.min_count,
        "area_year_on_year": est.area_yoy.as_dict(),
        "buffer_year_on_year": est.buffer_yoy.as_dict(),
        "comparison_year_on_year": est.comparison_yoy.as_dict(),
        "buffer_against_comparison": est.buffer.as_dict(),
        "in_words": impact.headline,
        "buffer_in_words": impact.buffer_words,
        "crimes_without_location": impact.no_location,
    }


def impact_rows(impact: Impact) -> list[list[Any]]:
    """(month, area, buffer, comparison) for every month of the data."""
    s = impact.series
    return [[m, s[AREA][m], s[BUFFER].get(m, 0), s[COMPARISON].get(m, 0)] for m in s[AREA]]


def _figure(label: str, change) -> dict[str, Any]:
    return {
        "label": label,
        **change.as_dict(),
        "interval": ""
        if change.low is None
        else interval(change).removeprefix("between ").replace(" and ", " to "),
        "percent_text": "" if change.percent is None else amount(change.percent),
    }


def impact_context(impact: Impact, *, title: str = "Did the patrol work?") -> dict[str, Any]:
    """Everything ``impact.pdf`` (and the report's section) prints, as plain data; ``chart_svg`` is the
    chart as an inline SVG element (Markup: drawn here, its alt text escaped)."""
    est = impact.estimate
    shown = chart.shown_months(list(impact.series[AREA]), impact.operation_month)
    names = {
        AREA: "The patrolled area",
        BUFFER: "The streets around it",
        COMPARISON: impact.comparison_words[:1].upper() + impact.comparison_words[1:],
    }
    svg = chart.draw({names[k]: impact.series[k] for k in (AREA, BUFFER, COMPARISON)}, impact.operation_month)
    alt = (
        f"Line charts of vehicle crimes a month, {month_name(shown[0])} to {month_name(shown[-1])}, in the "
        f"patrolled area, the streets around it and {impact.comparison_words}, with the patrol in "
        f"{month_name(impact.operation_month)} marked. {impact.headline}"
    )
    after = set(est.periods.after)
    return {
        "lang": LANG,
        "title": title,
        "verdict": VERDICT_SHORT[impact.verdict],
        "headline": impact.headline,
        "buffer_words": impact.buffer_words,
        "operation_month": month_name(impact.operation_month),
        "chart_svg": Markup(chart.inline(svg, alt)),
        "chart_alt": alt,
        "columns": [SERIES_NAMES[AREA], SERIES_NAMES[BUFFER], names[COMPARISON]],
        "rows": [
            {
                "month": month_name(m),
                "after": m in after,
                "operation": m == impact.operation_month,
                "area": impact.series[AREA].get(m, 0),
                "buffer": impact.series[BUFFER].get(m, 0),
                "comparison": impact.series[COMPARISON].get(m, 0),
            }
            for m in shown
        ],
        "figures": [
            _figure("The area, against a year earlier", est.area_yoy),
            _figure("The streets around it, against a year earlier", est.buffer_yoy),
            _figure(f"{names[COMPARISON]}, against a year earlier", est.comparison_yoy),
            _figure("The area, allowing for the comparison", est.area),
            _figure("The streets around it, allowing for the comparison", est.buffer),
        ],
        "area_lsoas": ", ".join(impact.area.lsoa),
        "area_from": impact.area.area_from,
        "buffer_count": len(impact.area.buffer),
        "buffer_from": impact.area.buffer_from,
        "comparison_count": len(impact.area.comparison),
        "comparison_from": impact.area.comparison_from,
        "min_count": est.min_count,
        "no_location": impact.no_location,
    }


def write_impact(
    impact: Impact, out_dir: Path, templates: Path, ctx: dict[str, Any] | None = None
) -> Written:
    """Write impact.json, impact.csv and impact.pdf into ``out_dir`` (``ctx``: :func:`impact_context`'s,
    when the caller has it already, so the chart is drawn once)."""
    ctx = ctx if ctx is not None else impact_context(impact)
    data, pages = render_page(templates, IMPACT_TEMPLATE, ctx)
    out_dir = atomic.private_dir(Path(out_dir))
    atomic.write_text(
        out_dir / JSON_NAME, json.dumps(impact_json(impact), indent=2, ensure_ascii=False) + "\n"
    )
    write_csv(out_dir / CSV_NAME, ("month", "area", "buffer", "comparison"), impact_rows(impact))
    atomic.write_bytes(out_dir / PDF_NAME, data)
    return Written((out_dir / JSON_NAME, out_dir / CSV_NAME, out_dir / PDF_NAME), pages)


# --- the operation summary's sections ----------------------------------------------------------


def report_sections(impact: Impact | None, spots: Hotspots | None) -> list[Section]:
    """The impact page and the hotspot page as sections of ``handle-docs report`` (with their Markdown)."""
    sections = []
    if impact is not None:
        ctx = impact_context(impact)
        md = (
            f"\n## {md_escape(ctx['title'])}\n\n**{md_escape(ctx['verdict'])}.** {md_escape(ctx['headline'])}\n\n"
            f"{md_escape(ctx['buffer_words'])}\n"
        )
        sections.append(Section(IMPACT_TEMPLATE, ctx, STYLESHEETS, md))
    if spots is not None:
        sections.append(hotspots_section(spots))
    return sections


__all__ = [
    "IMPACT_TEMPLATE",
    "Written",
    "impact_context",
    "impact_json",
    "impact_rows",
    "report_sections",
    "write_impact",
]
