"""The operation summary: one accessible A4 page (and Markdown for email).

Made from a letters run folder's ``stats.json`` (counts only, kept so a
report can be made after the run's personal data is purged) and
``manifest.json`` (draft or approved, letters made), plus print costs
counted from the rendered batch (see :mod:`handle_docs.costs`).

No personal data reaches the report: there are no addresses, registrations,
street names or collar numbers in ``stats.json``, and item kinds an officer
typed in their own words (which could say anything) are counted together as
"Other items", never named.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handle_docs.compose.context import long_date
from handle_docs.outputs.costs import CostTable, Prices, cost_table, prices_text, run_counts
from handle_docs.records.vocab import ITEM_KEYS, LANGUAGES, OTHER_ITEM, item_kind
from handle_docs.render.html import HtmlRenderer
from handle_docs.render.pdf import PdfRenderer
from handle_docs.util import atomic
from handle_docs.util.langtag import primary_subtag

TEMPLATE = "report/summary.html.j2"
STYLESHEET = "report/report.css"
PDF_NAME = "operation-summary.pdf"
MARKDOWN_NAME = "operation-summary.md"
LANG = "en-GB"

#: How each kind of item is named in the chart and tables.
ITEM_LABELS: dict[str, str] = {
    "bag": "Bags",
    "phone": "Phones",
    "sat_nav": "Sat navs",
    "cash": "Cash or coins",
    "tools": "Tools",
    "laptop": "Laptops or tablets",
    "charger": "Chargers or cables",
    "keys": "Keys",
    "sunglasses": "Sunglasses",
    "clothing": "Clothing",
    "parcel": "Parcels",
    "documents": "Documents",
}
OTHER_ITEMS = "Other items"
MAX_BARS = 10  # more kinds than this: the smallest are counted in "Other items"
MIN_BARS = 5

# Chart geometry, in points (the SVG's user unit is 1 pt).
CHART_WIDTH = 480
LABEL_WIDTH = 175
BAR_X = 185
BAR_MAX = 240
ROW = 22
BAR_HEIGHT = 14
FONT_PT = 16
BAR_COLOUR = "#1d4f91"  # dark blue: 8.6:1 on white


class ReportError(Exception):
    """The run folder cannot be reported on; the message names the file."""


class NotARunFolder(ReportError):
    """The folder has no stats.json: it is not a letters run folder at all."""


@dataclass(frozen=True)
class Section:
    """More pages after the summary: a template, its plain-data context, its stylesheets, its Markdown."""

    template: str
    context: Mapping[str, Any]
    stylesheets: Sequence[str] = ()
    markdown: str = ""


@dataclass
class ReportOutput:
    pdf: Path
    markdown: Path
    pages: int


# --- reading the run ----------------------------------------------------------------


def _read_json(path: Path, required: bool) -> dict[str, Any]:
    if not path.is_file():
        if required:
            raise NotARunFolder(
                f"{path} not found: is this a letters run folder (handle-docs letters --out)?"
            )
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ReportError(f"{path} cannot be read as JSON ({type(exc).__name__})") from exc
    if not isinstance(data, dict):
        raise ReportError(f"{path} is not a JSON object")
    return data


def load_run(run_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(stats, manifest) of a run folder; the manifest may be missing."""
    run_dir = Path(run_dir)
    stats = _read_json(run_dir / "stats.json", required=True)
    for key in ("operation", "vehicles_checked", "insecure_vehicles", "vehicles_with_items", "letters"):
        if key not in stats:
            raise ReportError(f"{run_dir / 'stats.json'} has no '{key}': made by an older handle-docs?")
    return stats, _read_json(run_dir / "manifest.json", required=False)


def _int(stats: Mapping[str, Any], key: str) -> int:
    try:
        return int(stats.get(key) or 0)
    except (TypeError, ValueError):
        return 0


# --- figures -------------------------------------------------------------------------


def item_counts(items_by_kind: Mapping[str, Any], max_bars: int = MAX_BARS) -> list[tuple[str, int]]:
    """(label, count) for each kind, largest first; "other" (free-text items) and the
    smallest kinds beyond ``max_bars`` are counted together as "Other items"."""
    known: dict[str, int] = {}
    other = 0
    for key, value in (items_by_kind or {}).items():
        try:
            count = int(value)
        except (TypeError, ValueError):
            continue
        if count <= 0:
            continue
        kind = item_kind(str(key))  # an older stats.json may name free-text items: "other" all the same
        if kind == OTHER_ITEM:
            other += count
        else:
            known[kind] = known.get(kind, 0) + count
    ordered = sorted(known.items(), key=lambda kv: (-kv[1], ITEM_KEYS.index(kv[0])))
    room = max_bars - (1 if other else 0)
    if len(ordered) > room:
        room = max_bars - 1
        other += sum(count for _, count in ordered[room:])
        ordered = ordered[:room]
    rows = [(ITEM_LABELS.get(key, key.replace("_", " ").capitalize()), count) for key, count in ordered]
    if other:
        rows.append((OTHER_ITEMS, other))
    return rows


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def chart(items: list[tuple[str, int]]) -> dict[str, Any]:
    """Geometry of the horizontal bar chart, and its text alternative."""
    top = max((count for _, count in items), default=0)
    bars = []
    for i, (label, count) in enumerate(items):
        width = round(BAR_MAX * count / top, 1) if top else 0
        y = i * ROW
        bars.append(
            {
                "label": label,
                "count": count,
                "y": y + (ROW - BAR_HEIGHT) / 2,
                "text_y": y + ROW / 2 + FONT_PT * 0.35,
                "width": max(width, 1.5),
                "value_x": BAR_X + max(width, 1.5) + 8,
            }
        )
    summary = "; ".join(f"{label}: {count}" for label, count in items)
    return {
        "width": CHART_WIDTH,
        "height": max(len(items), 1) * ROW,
        "label_x": LABEL_WIDTH,
        "bar_x": BAR_X,
        "bar_height": BAR_HEIGHT,
        "font_pt": FONT_PT,
        "colour": BAR_COLOUR,
        "bars": bars,
        "alt": f"Bar chart of items seen on display, by kind. {summary}."
        if items
        else "No items were seen on display.",
    }


def material_name(name: str) -> str:
    """``visit-letter`` → ``Visit letter``: short enough for a table cell."""
    special = {"batch": "Print batch", "leaflets": "Leaflets", "total": "Total"}
    if name in special:
        return special[name]
    words = name.replace("_", "-").split("-")
    return " ".join(words).capitalize() if words else name


def cost_context(table: CostTable) -> dict[str, Any]:
    def row(line, label):
        return {
            "name": label,
            "pages": line.counts.pages,
            "colour": line.counts.colour_pages,
            "blank_backs": line.counts.blank_backs if table.duplex else 0,
            "sheets": line.sheets,
            "cost": table.money(line.cost),
        }

    return {
        "sides": table.sides_text,
        "paper": table.prices.paper,
        "rows": [row(line, material_name(line.name)) for line in table.lines],
        "total": row(table.total, "Total"),
    }


def _figures(stats: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The summary's headline figures: vehicles checked, not locked, with items on show, letters, and
    addresses interested in Neighbourhood Watch and in crime alerts."""
    checked = _int(stats, "vehicles_checked")
    insecure = _int(stats, "insecure_vehicles")
    with_items = _int(stats, "vehicles_with_items")
    letters = _int(stats, "letters")
    nws = _int(stats, "nws_interest_addresses")
    cms = _int(stats, "cms_interest_addresses")
    return [
        {"key": "vehicles_checked", "value": checked, "label": "vehicles checked"},
        {
            "key": "insecure_vehicles",
            "value": insecure,
            "label": f"vehicles not locked ({percent(insecure, checked)})",
        },
        {
            "key": "vehicles_with_items",
            "value": with_items,
            "label": f"vehicles with items on show ({percent(with_items, checked)})",
        },
        {"key": "letters", "value": letters, "label": "letters delivered"},
        {
            "key": "nws_interest_addresses",
            "value": nws,
            "label": "addresses interested in Neighbourhood Watch",
        },
        {"key": "cms_interest_addresses", "value": cms, "label": "addresses interested in crime alerts"},
    ]


def report_context(
    stats: Mapping[str, Any],
    manifest: Mapping[str, Any],
    *,
    prices: Prices | None,
    counts: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Everything the summary prints, as plain data (tests read it directly)."""
    op = stats.get("operation") or {}
    try:
        day = long_date(dt.date.fromisoformat(str(op.get("patrol_date"))))
    except ValueError:
        day = str(op.get("patrol_date") or "")
    figures = _figures(stats)
    cost = other = None
    if prices is not None and counts is not None:
        first = cost_table(counts, prices)
        second = cost_table(counts, prices, duplex=not first.duplex)
        cost = cost_context(first)
        other = cost_context(second)
    # One page: each extra line in the cost table takes the room of one bar,
    # the draft notice of two (the smallest kinds then count as other items).
    draft = bool(manifest.get("draft"))
    languages = languages_note(stats)
    extra = (
        (len(cost["rows"]) - 1 if cost else 0) + (2 if draft else 0) + -(-len(languages) // NOTE_LINE_CHARS)
    )
    items = item_counts(
        stats.get("items_by_kind") or {}, max_bars=max(MIN_BARS - (2 if languages else 0), MAX_BARS - extra)
    )
    name = str(op.get("name") or "Operation")
    area = str(op.get("area") or "")
    ctx: dict[str, Any] = {
        "lang": LANG,
        "title": f"{name}: summary of the patrol",
        "operation": name,
        "area": area,
        "date": day,
        "figures": figures,
        "items": [{"label": label, "count": count} for label, count in items],
        "items_total": sum(count for _, count in items),
        "chart": chart(items),
        "draft": draft,
        "rows_read": _int(stats, "rows_read"),
        "rows_in_letters": _int(stats, "rows_in_letters"),
        "rejected_rows": _int(stats, "rejected_rows"),
        "warnings": _int(stats, "warnings"),
        "keys_visible": _int(stats, "keys_visible"),
        "languages_note": languages,
        "cost": cost,
        "cost_other": other,
        "prices": prices_text(prices) if prices is not None else None,
        "cost_note": None
        if prices is None or counts is not None
        else "Print cost not known: the run's batch.pdf is gone and no page counts were kept.",
    }
    ctx["rows_note"] = rows_note(ctx)
    return ctx


#: About how many characters of a note fit one line of the page (a line of
#: note takes the room of one bar of the chart).
NOTE_LINE_CHARS = 55


def language_words(tags: str) -> str:
    """'cy-GB+en-GB' -> 'Welsh and English', 'pl-PL' -> 'Polish'."""
    return (
        " and ".join(LANGUAGES.get(primary_subtag(tag), tag) for tag in tags.split("+") if tag) or "English"
    )


def languages_note(stats: Mapping[str, Any]) -> str:
    """Letters per language, and those sent in English instead of the language
    asked for, with why; "" when every letter is in English as asked."""
    per = stats.get("languages") or {}
    fell_back = stats.get("fallbacks") or []
    if not fell_back and all(language_words(str(tag)) == "English" for tag in per):
        return ""
    text = (
        "Letters by language: "
        + ", ".join(
            f"{language_words(str(tag))} {count}"
            for tag, count in sorted(per.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        + "."
    )
    parts = []
    for item in fell_back:
        asked = str(item.get("asked") or "")
        wanted = language_words(asked) if asked else "Welsh and English (no language given)"
        parts.append(f"{wanted} {item.get('letters')} ({item.get('reason')})")
    if parts:
        text += " Sent in English instead: " + "; ".join(parts) + "."
    return text


def rows_note(ctx: Mapping[str, Any]) -> str:
    """How the records add up (run/figures.py counted them), in words."""
    return (
        f"{ctx['rows_read']} records read: {ctx['rows_in_letters']} in letters, {ctx['rejected_rows']} could "
        f"not be used; {ctx['warnings']} answers assumed."
    )


# --- Markdown ------------------------------------------------------------------------

_MD_SPECIAL = "\\`*_[]<>|"


def md_escape(text: object) -> str:
    out = []
    for char in str(text):
        out.append("\\" + char if char in _MD_SPECIAL else char)
    return "".join(out).replace("\n", " ")


def markdown(ctx: Mapping[str, Any]) -> str:
    e = md_escape
    lines = [f"# {e(ctx['title'])}", "", f"{e(ctx['area'])}, {e(ctx['date'])}", ""]
    if ctx["draft"]:
        lines += ["**Draft run: not approved for delivery.**", ""]
    lines += ["| What we found | Number |", "| --- | ---: |"]
    for f in ctx["figures"]:
        lines.append(f"| {e(f['label'][:1].upper() + f['label'][1:])} | {f['value']} |")
    lines += ["", "## Items on display, by kind", ""]
    if ctx["items"]:
        lines += ["| Item | Times seen |", "| --- | ---: |"]
        lines += [f"| {e(i['label'])} | {i['count']} |" for i in ctx["items"]]
        lines += ["", "One vehicle can have several kinds of item on show."]
    else:
        lines.append("No items were seen on display.")
    lines += ["", "## Print cost", ""]
    if ctx["cost"]:
        cost = ctx["cost"]
        lines += [
            f"Printed {e(cost['sides'])} on {e(cost['paper'])}:",
            "",
            "| Material | Pages | Colour pages | Sheets | Cost |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for row in cost["rows"] + [cost["total"]]:
            lines.append(
                f"| {e(row['name'])} | {row['pages']} | {row['colour']} | {row['sheets']} | {e(row['cost'])} |"
            )
        other = ctx["cost_other"]["total"]
        lines += [
            "",
            f"Printed {e(ctx['cost_other']['sides'])}: {other['sheets']} sheets, {e(other['cost'])}.",
            f"Prices: {e(ctx['prices'])}.",
        ]
    else:
        lines.append(e(ctx["cost_note"] or "Print cost not worked out (no price file)."))
    if ctx["languages_note"]:
        lines += ["", "## Languages", "", e(ctx["languages_note"])]
    lines += [
        "",
        f"{ctx['rows_note']} This summary holds counts only: no addresses, registrations or names.",
        "",
    ]
    return "\n".join(lines)


# --- rendering -------------------------------------------------------------------------


def render_report(
    run_dir: Path,
    out_dir: Path,
    templates: Path,
    *,
    prices: Prices | None,
    html: HtmlRenderer | None = None,
    pdf: PdfRenderer | None = None,
    sections: Sequence[Section] = (),
) -> ReportOutput:
    """Write ``operation-summary.pdf`` and ``.md`` into ``out_dir``; ``sections`` (e.g. the impact and
    hotspot pages, :func:`handle_docs.outputs.impact.report_sections`) follow the summary, each on its own
    pages."""
    stats, manifest = load_run(run_dir)
    counts = run_counts(Path(run_dir)) if prices is not None else None
    ctx = report_context(stats, manifest, prices=prices, counts=counts)
    html = html or HtmlRenderer(templates)
    pdf = pdf or PdfRenderer(templates)
    fragments = [html.fragment(TEMPLATE, ctx)] + [
        html.fragment(sec.template, dict(sec.context)) for sec in sections
    ]
    sheets = [STYLESHEET] + [sheet for sec in sections for sheet in sec.stylesheets if sheet != STYLESHEET]
    document = pdf.layout(
        html.document(fragments, lang=LANG, title=ctx["title"], stylesheets=list(dict.fromkeys(sheets)))
    )
    data = pdf.write(document, title=ctx["title"], lang=LANG)
    out_dir = atomic.private_dir(Path(out_dir))
    atomic.write_bytes(out_dir / PDF_NAME, data)
    atomic.write_text(out_dir / MARKDOWN_NAME, markdown(ctx) + "".join(sec.markdown for sec in sections))
    return ReportOutput(out_dir / PDF_NAME, out_dir / MARKDOWN_NAME, len(document.pages))


__all__ = [
    "ITEM_LABELS",
    "MARKDOWN_NAME",
    "PDF_NAME",
    "NotARunFolder",
    "ReportError",
    "ReportOutput",
    "Section",
    "chart",
    "item_counts",
    "load_run",
    "markdown",
    "material_name",
    "render_report",
    "report_context",
]
