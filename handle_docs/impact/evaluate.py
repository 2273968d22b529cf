"""One call from crime data and the patrol's area to the whole finding: what the ``impact`` command, the
operation report's section and the workspace's results page all show.

:func:`evaluate` takes the counted police.uk data (:func:`handle_docs.impact.policeuk.load_crimes`), the
``area`` of ``operation.yaml`` (or None), the operation's month and the patrolled streets (from the records;
used only when ``area.lsoa`` is not given) and returns an :class:`Impact`: plain data, nothing written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from handle_docs.impact import words
from handle_docs.impact.area import Area, StreetMatches, match_streets, resolve_area
from handle_docs.impact.estimate import MIN_COUNT, Estimate, estimate
from handle_docs.impact.policeuk import Crimes
from handle_docs.wording.schema import ImpactArea
from handle_docs.wording.yamlfile import YamlDoc

AREA, BUFFER, COMPARISON = "area", "buffer", "comparison"
#: How the three series are named to a reader (chart panels, table headings).
SERIES_NAMES = {
    AREA: "The patrolled area",
    BUFFER: "The streets around it (buffer)",
    COMPARISON: "The comparison area",
}


@dataclass(frozen=True)
class Impact:
    operation_month: str
    area: Area
    matches: StreetMatches
    series: dict[str, dict[str, int]]  # "area" / "buffer" / "comparison" -> month -> vehicle crimes
    estimate: Estimate
    headline: str
    buffer_words: str
    comparison_words: str  # "the rest of the force" or "the comparison area"
    no_location: int  # vehicle crimes in the data with no location (in no LSOA)

    @property
    def verdict(self) -> str:
        return self.estimate.area.verdict


def evaluate(
    crimes: Crimes,
    config: ImpactArea | None,
    operation_month: str,
    streets: Iterable[str] = (),
    *,
    min_count: int = MIN_COUNT,
    doc: YamlDoc | None = None,
) -> Impact:
    """The finding; :class:`~handle_docs.models.ProblemsError` when the area is not settled,
    :class:`~handle_docs.impact.estimate.EstimateError` when the months do not allow an estimate; problems
    point at ``doc`` (operation.yaml as read, :func:`~handle_docs.impact.area.load_area_config`)."""
    matches = match_streets(streets, crimes)
    area = resolve_area(config, matches, crimes, doc)
    series = {
        AREA: crimes.series(frozenset(area.lsoa)),
        BUFFER: crimes.series(frozenset(area.buffer)),
        COMPARISON: crimes.series(frozenset(area.comparison)),
    }
    est = estimate(series[AREA], series[BUFFER], series[COMPARISON], operation_month, min_count=min_count)
    comparison = (
        "the rest of the force" if area.comparison_from == "rest of the force" else "the comparison area"
    )
    return Impact(
        operation_month,
        area,
        matches,
        series,
        est,
        words.headline(est, comparison),
        words.buffer_words(est),
        comparison,
        crimes.no_location,
    )


__all__ = ["AREA", "BUFFER", "COMPARISON", "SERIES_NAMES", "Impact", "evaluate"]
