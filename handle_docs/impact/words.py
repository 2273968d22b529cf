"""Each figure of the estimate in words a non-analyst reads without help.

No figure is claimed beyond what the data carry: an interval that spans no change is said to be "within
what chance alone could give", and below the stated count the words say the numbers are too small to tell.
"""

from __future__ import annotations

import datetime as dt

from handle_docs.impact.estimate import FELL, ROSE, TOO_FEW, Change, Estimate

WHAT = "vehicle crimes"  # police.uk's "Vehicle crime": thefts of and from vehicles, and interfering with them


def month_name(month: str) -> str:
    """'2026-12' -> 'December 2026'."""
    return dt.date(int(month[:4]), int(month[5:7]), 1).strftime("%B %Y")


def span(months: tuple[str, ...]) -> str:
    """'December 2026 to May 2027', or one month's name."""
    if not months:
        return ""
    if len(months) == 1:
        return month_name(months[0])
    return f"{month_name(months[0])} to {month_name(months[-1])}"


def _n(count: int, one: str = "vehicle crime", many: str = WHAT) -> str:
    return f"{count} {one if count == 1 else many}"


def _recorded(count: int) -> str:
    """'1 vehicle crime was recorded', '22 vehicle crimes were recorded'."""
    return f"{_n(count)} {'was' if count == 1 else 'were'} recorded"


def _than_expected(percent: float, what: str = f" {WHAT}") -> str:
    """'50 % fewer vehicle crimes than expected', 'about as many vehicle crimes as expected'."""
    if round(percent) == 0:
        return f"about as many{what} as expected"
    return f"{_pct(percent)} {'fewer' if percent < 0 else 'more'}{what} than expected"


def _pct(value: float) -> str:
    return f"{abs(round(value))} %"


def moved(change: Change) -> str:
    """'fell by 8 %', 'rose by 12 %', 'stayed the same'."""
    if change.percent is None:
        return "cannot be compared (none a year earlier)"
    if round(change.percent) == 0:
        return "stayed about the same"
    return f"{'fell' if change.percent < 0 else 'rose'} by {_pct(change.percent)}"


def amount(x: float) -> str:
    """'52 % fewer', '4 % more', 'no change'."""
    if round(x) == 0:
        return "no change"
    return f"{_pct(x)} {'fewer' if x < 0 else 'more'}"


def interval(change: Change) -> str:
    """'between 52 % fewer and 4 % more'."""
    assert change.low is not None and change.high is not None, "no interval when there are too few crimes"
    return f"between {amount(change.low)} and {amount(change.high)}"


def verdict_words(change: Change, min_count: int) -> str:
    if change.verdict == TOO_FEW:
        return (
            f"The numbers are too small to tell: it takes at least {min_count} {WHAT} in the area, before "
            "and after together, and some in every period, to say anything."
        )
    if change.verdict == FELL:
        return "The fall is larger than chance alone would usually give."
    if change.verdict == ROSE:
        return "The rise is larger than chance alone would usually give."
    return "The difference is within what chance alone could give."


def headline(est: Estimate, comparison: str = "the rest of the force") -> str:
    """The whole finding in a few sentences (also the chart's alt text); ``comparison`` names the
    comparison area ("the rest of the force", "the comparison area")."""
    p = est.periods
    n = len(p.after)
    months = "month" if n == 1 else f"{n} months"
    a = est.area_yoy
    text = (
        f"In the {months} after the patrol ({span(p.after)}), {_recorded(a.after)} in the area "
        f"against {a.before} in the same months a year earlier. "
    )
    text += f"{comparison[:1].upper()}{comparison[1:]} {moved(est.comparison_yoy)} over the same time. "
    if est.area.verdict == TOO_FEW:
        return text + verdict_words(est.area, est.min_count)
    assert est.area.percent is not None  # worked out whenever there are enough crimes
    text += f"Allowing for that, the area had {_than_expected(est.area.percent)} ({interval(est.area)}). "
    return text + verdict_words(est.area, est.min_count)


def buffer_words(est: Estimate) -> str:
    """The buffer's change: where displacement (crime moving next door) would show."""
    b = est.buffer_yoy
    if b.before == 0 and b.after == 0:
        return "No vehicle crime was recorded in the streets around the area, before or after."
    text = f"In the streets around the area (the buffer), {_recorded(b.after)} against {b.before} a year earlier. "
    if est.buffer.verdict == TOO_FEW:
        return text + "Too few to tell whether crime moved there."
    assert est.buffer.percent is not None  # worked out whenever there are enough crimes
    text += f"Allowing for the comparison, that is {_than_expected(est.buffer.percent, '')} ({interval(est.buffer)}). "
    if est.buffer.verdict == ROSE:
        return text + "A rise larger than chance: crime may have moved there from the area."
    if est.buffer.verdict == FELL:
        return (
            text + "A fall larger than chance: the patrol's effect may have spread to the streets around it."
        )
    return text + "Within what chance alone could give: no sign that crime moved there."


VERDICT_SHORT = {
    "fell": "Vehicle crime fell",
    "rose": "Vehicle crime rose",
    "no clear change": "No clear change",
    "too few to tell": "Too few to tell",
}


__all__ = [
    "VERDICT_SHORT",
    "amount",
    "buffer_words",
    "headline",
    "interval",
    "month_name",
    "moved",
    "span",
    "verdict_words",
]
