"""The results page's "Did it work?" section: whether vehicle crime fell after the run's patrol.

Worked out by the worker, never here (services/impact_job.py; its chart is drawn by matplotlib): after the
run when the workspace keeps crime data, or when the officer presses "Work out whether crime fell", which
queues a job; the section then polls, as the run's progress does, until the finding is there. The section
reads what the job wrote (services/impact_files.py): the chart, the finding in words, the monthly numbers,
and impact.pdf, impact.csv and impact.json to download. A run's section is its owner's, as the run is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, send_file, url_for

from handle_docs.services import impact_files as files
from handle_docs.services.impact_queue import QUEUED, RUNNING, ImpactQueue
from handle_docs.services.workspace_runs import DONE, PURGED, RunRecord
from handle_docs.web.crimes import crime_store
from handle_docs.web.identity import OFFICER, requires_role
from handle_docs.web.runs import mine_or_404, store

bp = Blueprint("impact", __name__, url_prefix="/runs")

#: One line on each download, in the officer's words.
DESCRIPTIONS = {
    "impact.pdf": "Did it work? The chart and every figure in words, to print and share.",
    "impact.csv": "Vehicle crimes a month in the area, the streets around it and the comparison (a spreadsheet).",
    "impact.json": "The same figures, for computers.",
}


def impact_queue() -> ImpactQueue:
    state = current_app.extensions["handle_docs"]
    if "impact_queue" not in state:
        state["impact_queue"] = ImpactQueue(Path(current_app.instance_path))
    return state["impact_queue"]


def section_of(record: RunRecord) -> dict[str, Any]:
    """What the section shows: nothing (no crime data and no finding), working, or the job's result."""
    summary = crime_store().summary()
    result = files.section(store(), record)
    working = impact_queue().state(record.id) in (QUEUED, RUNNING)
    downloads = [name for name in files.DOWNLOADS if files.file(store(), record, name)]
    return {
        "shown": summary is not None or result is not None or working,
        "summary": summary,
        "working": working,
        "result": result,
        "stale": result is not None and summary is not None and not files.current(summary, result),
        "chart": files.file(store(), record, files.CHART) is not None,
        "downloads": downloads,
        "describe": DESCRIPTIONS,
        "may_ask": summary is not None and not working and record.state in (DONE, PURGED),
    }


@bp.app_context_processor
def _section():
    """``impact_section(run)`` for run_results.html's include."""
    return {"impact_section": section_of}


@bp.post("/<run_id>/impact")
@requires_role(OFFICER)
def ask(run_id: str):
    record = mine_or_404(run_id)
    if record.state not in (DONE, PURGED) or crime_store().summary() is None:
        abort(409)
    impact_queue().enqueue(record.id)  # a second click finds it queued and changes nothing
    return redirect(url_for("runs.results", run_id=record.id, _anchor="did-it-work"), code=303)


@bp.get("/<run_id>/impact")
@requires_role(OFFICER)
def section(run_id: str):
    """The section alone: what the page polls while the job is worked out."""
    record = mine_or_404(run_id)
    return render_template("_impact.html", run=record)


@bp.get("/<run_id>/impact/<name>")
@requires_role(OFFICER)
def download(run_id: str, name: str):
    record = mine_or_404(run_id)
    path = files.file(store(), record, name)
    if path is None:
        abort(404)
    if name == files.CHART:
        return send_file(path, mimetype="image/svg+xml", conditional=False, etag=False)
    return send_file(
        path,
        mimetype=files.DOWNLOADS[name],
        as_attachment=True,
        download_name=name,
        conditional=False,
        etag=False,
    )


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response
