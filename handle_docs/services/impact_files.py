"""Where a run's "did it work?" files are (``INSTANCE/runs/<id>/extras/impact/``) and what the results page
reads of them: ``section.json`` (the finding as plain data, or why there is none) and ``chart.svg``, beside
the downloads impact.pdf, impact.csv and impact.json.

Written only by the worker (services/impact_job.py); read by the web server. They hold counts per
neighbourhood (LSOA) and month, and police.uk's own public names: nothing from the records. They are kept
with the run's counts and reports when its personal data is deleted, as is ``patrol.json`` beside them, the
patrol the run keeps to be worked out from (services/run_patrol.py: written as the run is made, or by the
web server just before it deletes the personal data of a run made before runs kept it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from handle_docs.impact.kept import Summary
from handle_docs.services.workspace_runs import RunRecord, RunStore, read_json

FOLDER = "impact"
SECTION = "section.json"
CHART = "chart.svg"
#: The downloads, by the name in the URL: type.
DOWNLOADS = {
    "impact.pdf": "application/pdf",
    "impact.csv": "text/csv",
    "impact.json": "application/json",
}
#: section.json's ``state``: the finding is there; the area needs confirming; the months do not allow an
#: estimate; no crime data is kept; a fault in handle-docs.
FOUND, AREA_UNSETTLED, NO_ESTIMATE, NO_DATA, FAULT = "found", "area", "months", "no-data", "fault"


def folder(store: RunStore, record: RunRecord) -> Path:
    return store.extras_dir(record) / FOLDER


def section(store: RunStore, record: RunRecord) -> dict[str, Any] | None:
    """What the last job found for this run; None when none has finished."""
    return read_json(folder(store, record) / SECTION)


def file(store: RunStore, record: RunRecord, name: str) -> Path | None:
    """A download or the chart, looked up by name (never joined from a URL unchecked); None when not there."""
    if name not in DOWNLOADS and name != CHART:
        return None
    path = folder(store, record) / name
    return path if path.is_file() else None


def current(summary: Summary | None, result: dict[str, Any] | None) -> bool:
    """Whether ``result`` was worked out from the crime data kept now (False: newer data was uploaded since)."""
    if result is None or summary is None:
        return False
    return (result.get("crime_data") or {}).get("version") == summary.version


__all__ = [
    "AREA_UNSETTLED",
    "CHART",
    "DOWNLOADS",
    "FAULT",
    "FOUND",
    "NO_DATA",
    "NO_ESTIMATE",
    "current",
    "file",
    "folder",
    "section",
]
