"""Where to patrol next: the force's LSOAs ranked by vehicle crime over the last 3 and 12 months.

The trend sets the last 3 months against the same 3 months a year earlier (the same season), with the
same Poisson rule as the estimate: "up" or "down" only when the change is larger than chance alone would
usually give, "steady" when it is not, "too few to tell" below the stated count, and "no data a year
earlier" when the data do not reach back that far. LSOAs patrolled
before are marked with the patrol's date (``content/operation.yaml``: this operation's ``area.lsoa`` and
``area.earlier``). The busiest police.uk locations ("On or near ...", public and anonymised) within the top
LSOAs are listed too, ranked as the LSOAs are: the last 3 months, then the last 12.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from handle_docs.impact.estimate import FELL, ROSE, TOO_FEW, add_months, year_on_year
from handle_docs.impact.policeuk import Crimes

#: Fewer crimes than this in the two 3-month periods together and the trend is "too few to tell".
TREND_MIN_COUNT = 10
STREETS_FOR_TOP = 5  # the LSOAs whose busiest streets are listed
STREETS_EACH = 3

UP, DOWN, SAME = "up", "down", "steady"
NO_YEAR_BEFORE = "no data a year earlier"  # the data do not reach back to the same 3 months a year earlier
CSV_COLUMNS = (
    "rank",
    "lsoa_code",
    "lsoa_name",
    "crimes_last_3_months",
    "crimes_last_12_months",
    "trend",
    "last_patrolled",
)


@dataclass(frozen=True)
class Hotspot:
    rank: int
    lsoa_code: str
    lsoa_name: str
    last_3: int
    last_12: int
    trend: str
    last_patrolled: dt.date | None
    # busiest police.uk locations (top LSOAs only): (street, crimes in the last 3 months, in the last 12),
    # ranked as the LSOAs are
    streets: tuple[tuple[str, int, int], ...]

    def row(self) -> list[str]:
        return [
            str(self.rank),
            self.lsoa_code,
            self.lsoa_name,
            str(self.last_3),
            str(self.last_12),
            self.trend,
            self.last_patrolled.isoformat() if self.last_patrolled else "",
        ]


@dataclass(frozen=True)
class Hotspots:
    last_month: str
    months_3: tuple[str, ...]
    months_12: tuple[str, ...]
    rows: tuple[Hotspot, ...]


def trend(now: int, year_before: int | None) -> str:
    if year_before is None:
        return NO_YEAR_BEFORE
    change = year_on_year(year_before, now, min_count=TREND_MIN_COUNT)
    return {ROSE: UP, FELL: DOWN, TOO_FEW: TOO_FEW}.get(change.verdict, SAME)


def rank(
    crimes: Crimes, patrols: Iterable[tuple[dt.date, Iterable[str]]] = (), force: str | None = None
) -> Hotspots:
    """Every LSOA of the data (or of ``force``: police.uk's "Falls within"), busiest first (last 3 months,
    then 12, then code); ``patrols`` are (date, LSOA codes) of patrols so far, the latest date kept for each."""
    months = sorted(crimes.months)
    if not months:
        return Hotspots("", (), (), ())
    last = months[-1]
    m3 = tuple(add_months(last, -i) for i in range(2, -1, -1))
    m12 = tuple(add_months(last, -i) for i in range(11, -1, -1))
    have_year_before = all(add_months(m, -12) in crimes.months for m in m3)
    patrolled: dict[str, dt.date] = {}
    for day, codes in patrols:
        for code in codes:
            if code not in patrolled or patrolled[code] < day:
                patrolled[code] = day
    per: dict[str, dict[str, int]] = {}
    for (month, code), n in crimes.by_month_lsoa.items():
        per.setdefault(code, {})[month] = per.get(code, {}).get(month, 0) + n
    scored = []
    for code in crimes.lsoas:
        if force is not None and crimes.lsoa_force.get(code) != force:
            continue
        counts = per.get(code, {})
        n3 = sum(counts.get(m, 0) for m in m3)
        n12 = sum(counts.get(m, 0) for m in m12)
        before = sum(counts.get(add_months(m, -12), 0) for m in m3) if have_year_before else None
        scored.append((-n3, -n12, code, n3, n12, trend(n3, before)))
    scored.sort()
    busiest = busiest_streets(crimes, {code for _a, _b, code, *_ in scored[:STREETS_FOR_TOP]}, m3, m12)
    rows = [
        Hotspot(
            i, code, crimes.lsoa_names.get(code, ""), n3, n12, tr, patrolled.get(code), busiest.get(code, ())
        )
        for i, (_a, _b, code, n3, n12, tr) in enumerate(scored, start=1)
    ]
    return Hotspots(last, m3, m12, tuple(rows))


def busiest_streets(
    crimes: Crimes, codes: set[str], m3: tuple[str, ...], m12: tuple[str, ...]
) -> dict[str, tuple[tuple[str, int, int], ...]]:
    """The busiest streets of each LSOA of ``codes``, ranked as the LSOAs are (the last 3 months, then the
    last 12, then name): (street, last 3, last 12), streets with a vehicle crime in the last 12 months only."""
    counts: dict[str, dict[str, list[int]]] = {}
    recent, year = set(m3), set(m12)
    for (month, code, street), n in crimes.by_month_lsoa_street.items():
        if code in codes and month in year:
            both = counts.setdefault(code, {}).setdefault(street, [0, 0])
            both[1] += n
            if month in recent:
                both[0] += n
    return {
        code: tuple(
            (s, n3, n12) for s, (n3, n12) in sorted(streets.items(), key=lambda i: (-i[1][0], -i[1][1], i[0]))
        )[:STREETS_EACH]
        for code, streets in counts.items()
    }


__all__ = ["CSV_COLUMNS", "TREND_MIN_COUNT", "Hotspot", "Hotspots", "busiest_streets", "rank", "trend"]
