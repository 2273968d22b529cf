"""Print cost: pages and sheets, colour and mono, single- and double-sided.

Counts come from the rendered PDFs, never from guesses (render/pages.py
reads them): each page is drawn small with pdfium and counts as *colour*
when any pixel's red, green and blue differ by more than a small tolerance
(grey text, a grey watermark and black QR codes are mono; one blue line
makes the page colour).  A page that only says "This page is intentionally
blank." is a *blank back*: printed double-sided it is the back of a sheet (a
mono side), printed single-sided it is left out.

Prices come from ``content/print-costs.yaml``::

    currency: GBP
    paper: A4
    per_sheet: 0.012      # paper, per sheet
    per_page:             # printing ("clicks"), per printed side
      mono: 0.009
      colour: 0.055
    duplex: true

Arithmetic, per material (a letter material, a leaflet)::

    double-sided: sides  = pages + blank backs
                  sheets = ceil(sides / 2)
                  cost   = sheets × per_sheet + (mono pages + blank backs) × mono + colour pages × colour
    single-sided: sides  = pages;  sheets = pages
                  cost   = sheets × per_sheet + mono pages × mono + colour pages × colour

Each line's cost is rounded to the penny (half up) and the total is the sum
of the rounded lines, so the table adds up as printed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from pydantic import Field

from handle_docs.models import Problem, ProblemsError
from handle_docs.render.pages import COLOUR_DPI, COLOUR_TOLERANCE, PageFlags, page_flags
from handle_docs.util import atomic
from handle_docs.wording.content import validate_model
from handle_docs.wording.schema import Strict
from handle_docs.wording.yamlfile import load_yaml

PRICES_FILE = "print-costs.yaml"

CURRENCY_SIGNS = {"GBP": "£", "EUR": "€", "USD": "$"}
PENNY = Decimal("0.01")


# --- prices ------------------------------------------------------------------


class PerPage(Strict):
    mono: Decimal = Field(ge=0, description="one printed side in black and white")
    colour: Decimal = Field(ge=0, description="one printed side with any colour on it")


class Prices(Strict):
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    paper: str = Field(min_length=1)
    per_sheet: Decimal = Field(ge=0, description="one sheet of paper")
    per_page: PerPage
    duplex: bool = True


def load_prices(path: Path) -> Prices:
    """Read ``print-costs.yaml``; problems name file, line and key."""
    path = Path(path)
    if not path.is_file():
        raise ProblemsError([Problem(f"print cost file not found: {path}")])
    problems: list[Problem] = []
    prices = validate_model(load_yaml(path, display_name=str(path)), Prices, problems)
    if prices is None:
        raise ProblemsError(problems)
    return prices


def money(amount: Decimal, currency: str) -> str:
    """``£1.23`` (or ``CHF 1.23`` for a currency without a sign here)."""
    value = amount.quantize(PENNY, rounding=ROUND_HALF_UP)
    sign = CURRENCY_SIGNS.get(currency)
    return f"{sign}{value:,}" if sign else f"{currency} {value:,}"


def unit_price(amount: Decimal, currency: str) -> str:
    """A unit price as written in the price file, at least to the penny: ``£0.009``."""
    text = format(amount.normalize(), "f")
    whole, _, frac = text.partition(".")
    text = f"{whole}.{frac.ljust(2, '0')}"
    sign = CURRENCY_SIGNS.get(currency)
    return f"{sign}{text}" if sign else f"{currency} {text}"


# --- counting pages ------------------------------------------------------------


@dataclass(frozen=True)
class PageCounts:
    """Pages of one material (or a total): colour, mono and blank backs."""

    pages: int = 0  # pages with content
    colour_pages: int = 0  # of those, pages with any colour
    blank_backs: int = 0  # "intentionally blank" pages that pad a document to a fresh sheet

    @property
    def mono_pages(self) -> int:
        return self.pages - self.colour_pages

    def __add__(self, other: PageCounts) -> PageCounts:
        return PageCounts(
            self.pages + other.pages,
            self.colour_pages + other.colour_pages,
            self.blank_backs + other.blank_backs,
        )

    def as_dict(self) -> dict[str, int]:
        return {"pages": self.pages, "colour_pages": self.colour_pages, "blank_backs": self.blank_backs}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PageCounts:
        return cls(
            int(data.get("pages", 0)), int(data.get("colour_pages", 0)), int(data.get("blank_backs", 0))
        )


def count_pages(pdf: Path | bytes, *, dpi: int = COLOUR_DPI, tolerance: int = COLOUR_TOLERANCE) -> PageCounts:
    """Pages, colour pages and blank backs of one PDF (a path or its bytes)."""
    return _tally(page_flags(pdf, dpi=dpi, tolerance=tolerance))


def _tally(flags: Sequence[PageFlags]) -> PageCounts:
    return PageCounts(
        sum(1 for f in flags if not f.blank),
        sum(1 for f in flags if f.colour),
        sum(1 for f in flags if f.blank),
    )


def _load_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def batch_counts(run_dir: Path, flags: Sequence[PageFlags] | None = None) -> dict[str, PageCounts] | None:
    """Per material counts of a run's ``batch.pdf``, or None without one.

    The batch holds, for each letter in manifest order: its pages, a blank
    back if it has an odd number, then the leaflet printed after it (if any)
    with its own blank back.  If the pages do not add up that way (an older
    run), the whole batch is counted as one line, ``batch``.
    """
    run_dir = Path(run_dir)
    batch = run_dir / "batch.pdf"
    if not batch.is_file():
        return None
    if flags is None:
        flags = page_flags(batch)
    manifest = _load_json(run_dir / "manifest.json") or {}
    stats = _load_json(run_dir / "stats.json") or {}
    listed = manifest.get("letters")
    letters = listed if isinstance(listed, list) else []
    leaflet_total = int(stats.get("leaflet_pages") or 0)
    per_leaflet = leaflet_total // len(letters) if letters and leaflet_total % len(letters) == 0 else None
    used = {str(letter.get("material_id")) for letter in letters if isinstance(letter, dict)}
    others = sorted(m for m in (manifest.get("materials") or {}) if m not in used)
    leaflet_name = others[0] if len(others) == 1 else "leaflets"

    counts: dict[str, PageCounts] = {}
    position = 0
    ok = bool(letters) and per_leaflet is not None
    if ok:
        for letter in letters:
            material = str(letter.get("material_id") or "letters")
            pages = int(letter.get("pages") or 0)
            take = pages + (pages % 2)
            part = flags[position : position + take]
            if len(part) != take or any(f.blank for f in part[:pages]):
                ok = False
                break
            counts[material] = counts.get(material, PageCounts()) + _tally(part)
            position += take
            if per_leaflet:
                part = flags[position : position + per_leaflet]
                if len(part) != per_leaflet:
                    ok = False
                    break
                counts[leaflet_name] = counts.get(leaflet_name, PageCounts()) + _tally(part)
                position += per_leaflet
        ok = ok and position == len(flags)
    if not ok:
        return {"batch": _tally(flags)}
    return counts


def print_record(counts: Mapping[str, PageCounts]) -> dict[str, Any]:
    """JSON-able form of per-material counts (for stats.json: survives a purge)."""
    return {
        "dpi": COLOUR_DPI,
        "tolerance": COLOUR_TOLERANCE,
        "materials": {name: c.as_dict() for name, c in counts.items()},
    }


def run_counts(run_dir: Path) -> dict[str, PageCounts] | None:
    """Per material counts of a run: from ``stats.json``'s ``print`` record
    when the run kept one, else counted from ``batch.pdf``; None when neither
    is there (the PDFs were purged before the counts were kept)."""
    stats = _load_json(Path(run_dir) / "stats.json") or {}
    record = stats.get("print")
    if isinstance(record, dict) and isinstance(record.get("materials"), dict):
        return {
            name: PageCounts.from_dict(c) for name, c in record["materials"].items() if isinstance(c, dict)
        }
    return batch_counts(Path(run_dir))


# --- the table -------------------------------------------------------------------


@dataclass(frozen=True)
class CostLine:
    name: str
    counts: PageCounts
    duplex: bool
    sides: int  # printed sides
    sheets: int
    mono_sides: int  # charged at the mono page price (includes blank backs when double-sided)
    colour_sides: int
    paper_cost: Decimal
    print_cost: Decimal
    cost: Decimal  # rounded to the penny


@dataclass
class CostTable:
    prices: Prices
    duplex: bool
    lines: list[CostLine] = field(default_factory=list)
    total: CostLine | None = None

    def money(self, amount: Decimal) -> str:
        return money(amount, self.prices.currency)

    @property
    def sides_text(self) -> str:
        return "double-sided" if self.duplex else "single-sided"


def cost_line(name: str, counts: PageCounts, prices: Prices, duplex: bool) -> CostLine:
    if duplex:
        sides = counts.pages + counts.blank_backs
        sheets = math.ceil(sides / 2)
        mono = counts.mono_pages + counts.blank_backs
    else:
        sides = counts.pages
        sheets = counts.pages
        mono = counts.mono_pages
    colour = counts.colour_pages
    paper = prices.per_sheet * sheets
    clicks = prices.per_page.mono * mono + prices.per_page.colour * colour
    cost = (paper + clicks).quantize(PENNY, rounding=ROUND_HALF_UP)
    return CostLine(name, counts, duplex, sides, sheets, mono, colour, paper, clicks, cost)


def cost_table(
    counts_by_material: Mapping[str, PageCounts], prices: Prices, duplex: bool | None = None
) -> CostTable:
    """One line per material and a total (the sum of the rounded lines)."""
    duplex = prices.duplex if duplex is None else duplex
    table = CostTable(prices, duplex)
    for name, counts in counts_by_material.items():
        table.lines.append(cost_line(name, counts, prices, duplex))
    total_counts = sum((line.counts for line in table.lines), PageCounts())
    table.total = CostLine(
        "total",
        total_counts,
        duplex,
        sum(line.sides for line in table.lines),
        sum(line.sheets for line in table.lines),
        sum(line.mono_sides for line in table.lines),
        sum(line.colour_sides for line in table.lines),
        sum((line.paper_cost for line in table.lines), Decimal(0)),
        sum((line.print_cost for line in table.lines), Decimal(0)),
        sum((line.cost for line in table.lines), Decimal(0)),
    )
    return table


def _line_text(line: CostLine, table: CostTable) -> str:
    counts = line.counts
    text = f"{counts.pages} pages ({counts.colour_pages} colour, {counts.mono_pages} mono)"
    if line.duplex and counts.blank_backs:
        text += f" + {counts.blank_backs} blank backs"
    return f"{text}, {line.sheets} sheets: {table.money(line.cost)}"


def table_lines(table: CostTable) -> list[str]:
    assert table.total is not None
    lines = [f"print cost, {table.prices.paper} {table.sides_text}: {_line_text(table.total, table)}"]
    lines += [f"  {line.name}: {_line_text(line, table)}" for line in table.lines]
    return lines


def prices_text(prices: Prices) -> str:
    c = prices.currency
    return (
        f"{unit_price(prices.per_sheet, c)} a sheet of {prices.paper}, {unit_price(prices.per_page.mono, c)} a mono "
        f"page, {unit_price(prices.per_page.colour, c)} a colour page"
    )


def cost_lines(run_dir: Path, prices: Prices) -> list[str]:
    """Lines for ``summary.txt``: the cost as set in the price file (usually
    double-sided), the other way for comparison, and the prices used."""
    counts = run_counts(Path(run_dir))
    if counts is None:
        return ["print cost: not known (no batch.pdf and no print counts in stats.json)"]
    first = cost_table(counts, prices)
    second = cost_table(counts, prices, duplex=not first.duplex)
    assert second.total is not None
    return [
        *table_lines(first),
        f"print cost, {prices.paper} {second.sides_text}: {_line_text(second.total, second)}",
        f"print prices: {prices_text(prices)}",
    ]


def prices_for(content_root: Path) -> Prices | None:
    """The content folder's prices, or None when it has no price file
    (a price file with mistakes raises ProblemsError)."""
    path = Path(content_root) / PRICES_FILE
    return load_prices(path) if path.is_file() else None


def record_print_cost(
    run_dir: Path, prices: Prices | None, flags: Sequence[PageFlags] | None = None
) -> list[str]:
    """For the letters run, once ``batch.pdf``, ``manifest.json``,
    ``stats.json`` and ``summary.txt`` are in ``run_dir`` (the staging folder,
    before it is swapped into place): count the batch's pages, keep the counts
    in ``stats.json`` (``print``: so the cost can be reported after the PDFs
    are purged) and add the cost lines to ``summary.txt``.  Returns the lines.
    ``flags``: as for ``batch_counts``."""
    run_dir = Path(run_dir)
    counts = batch_counts(run_dir, flags)
    if counts is None:
        return []
    stats_path = run_dir / "stats.json"
    stats = _load_json(stats_path)
    if stats is not None:
        stats["print"] = print_record(counts)
        atomic.write_text(stats_path, json.dumps(stats, indent=2, sort_keys=True) + "\n")
    if prices is None:
        return []
    lines = cost_lines(run_dir, prices)
    summary = run_dir / "summary.txt"
    if summary.is_file():
        atomic.write_text(summary, summary.read_text(encoding="utf-8") + "\n".join(lines) + "\n")
    return lines


__all__ = [
    "PRICES_FILE",
    "CostLine",
    "CostTable",
    "PageCounts",
    "Prices",
    "batch_counts",
    "cost_line",
    "cost_lines",
    "cost_table",
    "count_pages",
    "load_prices",
    "money",
    "prices_for",
    "prices_text",
    "print_record",
    "record_print_cost",
    "run_counts",
    "table_lines",
]
