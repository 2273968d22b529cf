"""Before and after: the year-on-year change and a difference-in-differences estimate, for Poisson counts.

The months after the operation are compared with the same calendar months a year earlier (so the season
is the same). The area's change is set against the comparison's change over the same months: the ratio of
the two rate ratios, ``(area_after / area_before) / (comparison_after / comparison_before)``. For Poisson
counts the variance of its logarithm is about the sum of ``1 / count`` over the four counts, which gives the
95 % interval. The buffer is estimated the same way, to show displacement (crime moved next door).

It never claims more than the data carry: with fewer than :data:`MIN_COUNT` crimes in the area (before and
after together), or a count of zero anywhere, the verdict is ``too few to tell``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

#: Fewer area crimes than this, before and after together, and no verdict is given.
MIN_COUNT = 20
#: 95 % two-sided normal quantile.
Z95 = 1.959964

FELL = "fell"
ROSE = "rose"
NO_CLEAR_CHANGE = "no clear change"
TOO_FEW = "too few to tell"
VERDICTS = (FELL, ROSE, NO_CLEAR_CHANGE, TOO_FEW)


class EstimateError(ValueError):
    """The data cannot give an estimate at all (e.g. no month after the operation); the message says why."""


@dataclass(frozen=True)
class Change:
    """A percentage change with its 95 % interval (``None`` when it cannot be worked out) and a verdict."""

    before: int
    after: int
    percent: float | None
    low: float | None
    high: float | None
    verdict: str

    def as_dict(self) -> dict:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 1)

        return {
            "before": self.before,
            "after": self.after,
            "percent": r(self.percent),
            "low": r(self.low),
            "high": r(self.high),
            "verdict": self.verdict,
        }


def add_months(month: str, n: int) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    index = year * 12 + (mon - 1) + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class Periods:
    """The months after the operation and the same months a year earlier."""

    operation: str
    after: tuple[str, ...]
    before: tuple[str, ...]


def periods(months: list[str], operation: str) -> Periods:
    """Every month in the data after ``operation`` whose month a year earlier is also in the data."""
    have = set(months)
    after = tuple(m for m in sorted(have) if m > operation and add_months(m, -12) in have)
    if not any(m > operation for m in have):
        raise EstimateError(
            f"the crime data has no month after the operation month {operation}: "
            "download the months since the patrol from police.uk"
        )
    if not after:
        raise EstimateError(
            f"the crime data has no months a year before the months after {operation}: "
            "download at least 12 months before the patrol as well"
        )
    return Periods(operation, after, tuple(add_months(m, -12) for m in after))


def _total(series: Mapping[str, int], months: tuple[str, ...]) -> int:
    return sum(int(series.get(m, 0)) for m in months)


def _verdict(low: float, high: float) -> str:
    if high < 0:
        return FELL
    if low > 0:
        return ROSE
    return NO_CLEAR_CHANGE


def _interval(log_ratio: float, variance: float) -> tuple[float, float, float]:
    half = Z95 * math.sqrt(variance)

    def pct(x: float) -> float:
        return 100 * (math.exp(x) - 1)

    return pct(log_ratio), pct(log_ratio - half), pct(log_ratio + half)


def year_on_year(before: int, after: int, *, min_count: int = MIN_COUNT) -> Change:
    """``after`` against ``before`` (same months a year earlier): rate ratio with its Poisson interval."""
    if before == 0 or after == 0 or before + after < min_count:
        pct = None if before == 0 else 100 * (after / before - 1)
        return Change(before, after, pct, None, None, TOO_FEW)
    pct, low, high = _interval(math.log(after / before), 1 / after + 1 / before)
    return Change(before, after, pct, low, high, _verdict(low, high))


def diff_in_diff(
    before: int, after: int, comp_before: int, comp_after: int, *, min_count: int = MIN_COUNT
) -> Change:
    """The change in an area beyond the comparison's change over the same months (ratio of rate ratios)."""
    counts = (before, after, comp_before, comp_after)
    if min(counts) == 0 or before + after < min_count:
        pct = None
        if before and comp_before and comp_after:
            pct = 100 * ((after / before) / (comp_after / comp_before) - 1)
        return Change(before, after, pct, None, None, TOO_FEW)
    log_ratio = math.log(after / before) - math.log(comp_after / comp_before)
    pct, low, high = _interval(log_ratio, sum(1 / n for n in counts))
    return Change(before, after, pct, low, high, _verdict(low, high))


@dataclass(frozen=True)
class Estimate:
    periods: Periods
    area_yoy: Change  # the area, after against a year earlier
    comparison_yoy: Change
    buffer_yoy: Change
    area: Change  # difference in differences against the comparison: the headline
    buffer: Change  # the buffer's, against the comparison (displacement shows here)
    min_count: int


def estimate(
    area: Mapping[str, int],
    buffer: Mapping[str, int],
    comparison: Mapping[str, int],
    operation: str,
    *,
    min_count: int = MIN_COUNT,
) -> Estimate:
    """The whole estimate from three monthly series (month -> vehicle crimes) and the operation month."""
    p = periods(sorted(set(area) | set(comparison) | set(buffer)), operation)
    a0, a1 = _total(area, p.before), _total(area, p.after)
    b0, b1 = _total(buffer, p.before), _total(buffer, p.after)
    c0, c1 = _total(comparison, p.before), _total(comparison, p.after)
    return Estimate(
        periods=p,
        area_yoy=year_on_year(a0, a1, min_count=min_count),
        comparison_yoy=year_on_year(c0, c1, min_count=min_count),
        buffer_yoy=year_on_year(b0, b1, min_count=min_count),
        area=diff_in_diff(a0, a1, c0, c1, min_count=min_count),
        buffer=diff_in_diff(b0, b1, c0, c1, min_count=min_count),
        min_count=min_count,
    )


__all__ = [
    "FELL",
    "MIN_COUNT",
    "NO_CLEAR_CHANGE",
    "ROSE",
    "TOO_FEW",
    "VERDICTS",
    "Change",
    "Estimate",
    "EstimateError",
    "Periods",
    "add_months",
    "diff_in_diff",
    "estimate",
    "periods",
    "year_on_year",
]
