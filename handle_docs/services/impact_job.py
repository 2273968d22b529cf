"""A "did it work?" job: whether vehicle crime fell after a run's patrol, worked out by the worker process.

The same library calls as ``handle-docs impact`` (:func:`handle_docs.impact.evaluate.evaluate` on the crime
data the workspace keeps, :mod:`handle_docs.impact.kept`), for the patrol the run keeps
(services/run_patrol.py: its operation's month and area as ``content/operation.yaml`` gave them when the run
was made, or the patrolled street names when no area was written down), so a run is worked out again with
newer crime data after the force's settings have moved on and after its records are deleted. Only a run
that keeps nothing and whose records are gone is worked out from operation.yaml as it is now, and its page
says so. The job writes into the run's ``extras/impact/`` (services/impact_files.py): impact.pdf,
impact.csv and impact.json as the command writes them, the chart, and ``section.json``, the results page's
plain data, or why there is no finding (the area needs confirming, too few months, no crime data), with
which patrol it is about in words.

The streets the run keeps are matched, never logged: what is written here names police.uk's own (public)
streets and neighbourhoods, never a record. A fault is logged by its frames only (an exception's message
may quote a record).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
from pathlib import Path
from typing import Any, NamedTuple

from handle_docs.compose.context import long_date
from handle_docs.impact.area import fold, load_area_config, load_operation, match_streets
from handle_docs.impact.estimate import EstimateError
from handle_docs.impact.evaluate import Impact, evaluate
from handle_docs.impact.kept import CrimeStore
from handle_docs.impact.patrol import FROM_CHECKS, LATER, KeptPatrol
from handle_docs.impact.policeuk import Crimes
from handle_docs.impact.words import month_name
from handle_docs.models import Problem, ProblemsError
from handle_docs.outputs.impact import impact_context, write_impact
from handle_docs.run.batch import frames
from handle_docs.services import impact_files as files
from handle_docs.services import run_patrol
from handle_docs.services.impact_queue import DONE, FAILED, ImpactQueue
from handle_docs.services.workspace_jobs import Folders
from handle_docs.services.workspace_runs import RunRecord, RunStore
from handle_docs.util import atomic
from handle_docs.wording.schema import ImpactArea
from handle_docs.wording.yamlfile import YamlDoc

log = logging.getLogger(__name__)

#: How the three areas were chosen (evaluate's words), as the results page says it.
CHOSEN = {
    "operation.yaml": "as written down in the operation's settings",
    "street names": "found from the patrolled streets",
    "rest of the force": "the rest of the force",
}
_STYLESHEET = re.compile(r"\s*<style[^>]*>[^<]*</style>")
_MONTH = re.compile(r"\b(\d{4}-(?:0[1-9]|1[0-2]))\b")


def as_image(inline_svg: str) -> str:
    """The chart as a file an ``<img>`` draws under the workspace's Content-Security-Policy, which refuses
    inline style: matplotlib's one stylesheet rule becomes presentation attributes on the root (inherited)."""
    text = _STYLESHEET.sub("", inline_svg, count=1)
    return text.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)


def _chosen(how: str) -> str:
    if how.startswith("within "):
        return f"the neighbourhoods {how} of the area"
    return CHOSEN.get(how, how)


def _places(codes, crimes: Crimes) -> list[dict[str, str]]:
    return [{"code": code, "name": crimes.lsoa_names.get(code, "")} for code in codes]


def found(impact: Impact, crimes: Crimes, ctx: dict[str, Any]) -> dict[str, Any]:
    """section.json of a finding: what the page shows (no record, no path)."""
    return {
        "state": files.FOUND,
        "verdict": ctx["verdict"],
        "verdict_code": impact.verdict,
        "headline": ctx["headline"],
        "buffer_words": ctx["buffer_words"],
        "operation_month": ctx["operation_month"],
        "chart_alt": ctx["chart_alt"],
        "columns": ctx["columns"],
        "rows": ctx["rows"],
        "area": _places(impact.area.lsoa, crimes),
        "area_from": _chosen(impact.area.area_from),
        "buffer_count": len(impact.area.buffer),
        "buffer_from": _chosen(impact.area.buffer_from),
        "comparison_count": len(impact.area.comparison),
        "comparison_from": _chosen(impact.area.comparison_from),
        "min_count": ctx["min_count"],
    }


def unsettled(
    problems: list[Problem],
    streets: list[str],
    crimes: Crimes,
    config: ImpactArea | None = None,
    unreadable: bool = False,
) -> dict[str, Any]:
    """section.json when the patrolled area is not settled: why (``reason``), the ambiguous streets by
    police.uk's own names (public), each with the neighbourhoods it is in, and what to write down."""
    matches = match_streets(streets, crimes)
    spelled: dict[str, str] = {}
    for _code, street in sorted(crimes.by_lsoa_street):
        spelled.setdefault(fold(street), street)
    ambiguous = [
        {"street": spelled.get(fold(street), street), "places": _places(codes, crimes)}
        for street, codes in matches.ambiguous.items()
    ]
    suggested = sorted(set(matches.matched.values()))
    written = list(config.lsoa) if config is not None and config.lsoa else []
    known = set(crimes.lsoa_names)
    missing = [code for code in written if code not in known]
    if unreadable:
        reason = "unreadable"
    elif missing:
        reason = "missing"  # written down, but not in the crime data
    elif written:
        reason = "other"  # the buffer or comparison: technical details say which
    elif ambiguous:
        reason = "ambiguous"
    elif streets:
        reason = "unmatched"
    else:
        reason = "not-written"  # and no records to find the streets in
    return {
        "state": files.AREA_UNSETTLED,
        "reason": reason,
        "missing": missing,
        "ambiguous": ambiguous,
        "matched": _places(suggested, crimes),
        "unmatched": len(matches.unmatched),
        "searched": bool(streets),
        "technical": [str(p) for p in problems],
        "suggested": f"area:\n  lsoa: [{', '.join(suggested)}]"
        + "".join(
            f"  # and whichever of {', '.join(codes)} was patrolled" for codes in matches.ambiguous.values()
        ),
    }


def no_estimate(message: str) -> dict[str, Any]:
    """section.json when the months do not allow an estimate, in words ('2026-11' said 'November 2026')."""
    words = _MONTH.sub(lambda m: month_name(m.group(1)), message)
    return {"state": files.NO_ESTIMATE, "words": words[:1].upper() + words[1:] + "."}


def patrol_words(patrol: KeptPatrol | None, now: dt.date | None = None) -> str:
    """Which patrol the finding is about and where that came from, in words for the officer."""
    if patrol is None:
        return (
            "This run was made before runs kept their patrol, and its records have been deleted, so the "
            "operation's settings as they are now were used"
            + (f" (a patrol on {long_date(now)})" if now is not None else "")
            + ": if they now describe a later operation, this is about that one, not this run's."
        )
    day = long_date(patrol.patrol_date)
    later = "the run was made before runs kept their patrol"
    if patrol.date_from == FROM_CHECKS:
        found = f", found when this was first worked out ({later})" if patrol.kept == LATER else ""
        return f"About the patrol on {day}, the day most of its checks were made{found}."
    if patrol.kept == LATER:
        return (
            f"About {patrol.operation_name}, the patrol on {day}, as the operation's settings gave it when "
            f"this was first worked out ({later})."
        )
    return f"About {patrol.operation_name}, the patrol on {day}, as this run kept it when it was made."


class Settings(NamedTuple):
    """What a run is worked out from, and what its page says of it."""

    area: ImpactArea | None
    month: str  # the operation's month, YYYY-MM
    streets: list[str]  # used only when the area's LSOAs are not written down
    doc: YamlDoc | None  # operation.yaml as read, when problems point at it
    words: str  # which patrol, in words (patrol_words)
    confirmable: bool  # whether writing the area in operation.yaml now settles this run's


def _settings(store: RunStore, record: RunRecord, content: Path) -> Settings:
    """The area, the operation's month and the patrolled streets as the run keeps them
    (services/run_patrol.py); operation.yaml as it is now only for a run that keeps nothing and whose
    records are gone. :class:`ProblemsError` when that file cannot be read."""
    patrol = run_patrol.settle(store, record, content)
    if patrol is not None:
        try:
            operation, doc = load_operation(content)
        except ProblemsError:
            operation, doc = None, None
        mine = operation is not None and patrol.same_operation(operation)  # then problems point at its lines
        return Settings(
            patrol.config(),
            patrol.month,
            list(patrol.streets),
            doc if mine else None,
            patrol_words(patrol),
            mine,
        )
    config, patrol_date, doc = load_area_config(content)
    return Settings(config, patrol_date.strftime("%Y-%m"), [], doc, patrol_words(None, patrol_date), True)


def _evaluate(
    store: RunStore, record: RunRecord, where: Folders, crimes: Crimes, out: Path
) -> dict[str, Any]:
    for name in (
        *files.DOWNLOADS,
        files.CHART,
    ):  # a finding from older data must not stay beside a new answer
        (out / name).unlink(missing_ok=True)
    try:
        kept = _settings(store, record, where.content)
    except ProblemsError as exc:
        return unsettled(exc.problems, [], crimes, unreadable=True)
    try:
        impact = evaluate(crimes, kept.area, kept.month, kept.streets, doc=kept.doc)
    except ProblemsError as exc:
        found_not = unsettled(exc.problems, kept.streets, crimes, kept.area)
        return {**found_not, "patrol": kept.words, "confirmable": kept.confirmable}
    except EstimateError as exc:
        return {**no_estimate(str(exc)), "patrol": kept.words}
    ctx = impact_context(impact)
    write_impact(impact, out, where.templates, ctx)
    atomic.write_text(out / files.CHART, as_image(str(ctx["chart_svg"])))
    return {**found(impact, crimes, ctx), "patrol": kept.words}


def work_out(
    instance: Path, store: RunStore, record: RunRecord, where: Folders, crimes_folder: Path | None = None
) -> dict[str, Any]:
    """Work out the run's finding and write its files; section.json's data. The crime data is the one
    uploaded to the workspace, or ``crimes_folder`` when it was started with one (``serve --crimes``)."""
    out = atomic.private_dir(files.folder(store, record))
    kept = CrimeStore(instance, crimes_folder).load()
    if kept is None:
        result: dict[str, Any] = {"state": files.NO_DATA}
    else:
        summary, crimes = kept
        result = _evaluate(store, record, where, crimes, out)
        result["crime_data"] = {"words": summary.words, "version": summary.version}
    result["worked_out"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    atomic.write_text(out / files.SECTION, json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


def work_next(
    queue: ImpactQueue,
    instance: Path,
    store: RunStore,
    where: Folders,
    worker: str,
    crimes_folder: Path | None = None,
) -> bool:
    """Claim and work out one queued job; False when none was waiting."""
    run_id = queue.claim(worker)
    if run_id is None:
        return False
    try:
        record = store.load(run_id)
    except KeyError:  # the run went while its job waited
        queue.finish(run_id, worker, FAILED)
        return True
    try:
        result = work_out(instance, store, record, where, crimes_folder)
    except Exception as exc:  # logged by its frames, without the message
        log.error("run %s: crime figures failed (%s):\n%s", run_id, type(exc).__name__, frames(exc))
        with contextlib.suppress(OSError):  # the run's folder gone: nothing to say the fault in
            atomic.write_text(
                files.folder(store, record) / files.SECTION, json.dumps({"state": files.FAULT}) + "\n"
            )
        queue.finish(run_id, worker, FAILED)
        return True
    log.info("run %s: crime figures worked out (%s)", run_id, result["state"], extra={"run": run_id})
    queue.finish(run_id, worker, DONE)
    return True


def after_run(instance: Path, run_id: str, crimes_folder: Path | None = None) -> bool:
    """Queue the job for a run just made when the workspace keeps crime data; whether it was queued."""
    if CrimeStore(instance, crimes_folder).summary() is None:
        return False
    return ImpactQueue(instance).enqueue(run_id)


__all__ = ["after_run", "work_next", "work_out"]
