"""Where and when a workspace run keeps its patrol (:mod:`handle_docs.impact.patrol`: the operation, the
patrol's date, the area as operation.yaml gave it, or the patrolled street names only), so "Did it work?"
can be worked out again with crime data published months later, after the operation's settings have moved
on to the next operation and after the run's personal data is deleted.

``INSTANCE/runs/<id>/extras/impact/patrol.json``, beside the impact files (services/impact_files.py), kept
when the run's personal data is deleted (:meth:`RunStore.purge` deletes the upload, letters and previews,
never this), gone with the run when its retention period ends.

When: as the run is made (services/letters_run.py, from the records it has just read and the operation's
settings it was made with). A run made before runs kept it keeps it the first time its records are read
again, while they are still there: when "Did it work?" is worked out (services/impact_job.py) or, at the
latest, just before its personal data is deleted (:func:`purge`). While operation.yaml still describes the
same operation (the same id and patrol date), what it says of the area is taken as a correction and kept;
once it describes another operation, the run's own is used.

Nothing here is logged: street names are read from the records and kept in the file only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable
from pathlib import Path

from handle_docs.impact.area import load_operation
from handle_docs.impact.patrol import AT_MAKE, LATER, KeptPatrol, keep_patrol, patrolled
from handle_docs.impact.policeuk import Crimes
from handle_docs.models import ProblemsError, VisitRecord
from handle_docs.records.read import read_records
from handle_docs.services.impact_files import FOLDER
from handle_docs.services.workspace_runs import RunRecord, RunStore, Swept, read_json
from handle_docs.util import atomic
from handle_docs.wording.schema import Operation

log = logging.getLogger(__name__)

PATROL = "patrol.json"


def path(extras: Path) -> Path:
    """The run's patrol.json, from its extras folder."""
    return Path(extras) / FOLDER / PATROL


def read(extras: Path) -> KeptPatrol | None:
    """What the run keeps; None when it keeps nothing (or the file is damaged)."""
    data = read_json(path(extras))
    return KeptPatrol.of(data) if data is not None else None


def write(extras: Path, patrol: KeptPatrol) -> None:
    folder = atomic.private_dir(atomic.private_dir(Path(extras)) / FOLDER)
    atomic.write_text(folder / PATROL, json.dumps(patrol.to_json(), indent=2, ensure_ascii=False) + "\n")


def _operation(content: Path) -> Operation | None:
    try:
        return load_operation(content)[0]
    except ProblemsError:
        return None


def keep_at_make(extras: Path, content: Path, records: Iterable[VisitRecord]) -> KeptPatrol | None:
    """Keep the patrol of a run just made from ``records`` with the content of ``content``."""
    rows = list(records)
    patrol = keep_patrol(
        _operation(content), [r.address for r in rows], [r.submitted_at for r in rows], AT_MAKE
    )
    if patrol is not None:
        write(extras, patrol)
    return patrol


def _records(store: RunStore, record: RunRecord, content: Path) -> list[VisitRecord] | None:
    """The run's records as it was made from them; None once its personal data is deleted."""
    upload = store.upload_path(record)
    if not upload.is_file():
        return None
    columns = Path(content) / "forms-columns.yaml"
    try:
        return read_records(
            upload, columns if columns.exists() else None, record.corrections_by_row()
        ).records
    except ProblemsError:
        return None


def settle(store: RunStore, record: RunRecord, content: Path) -> KeptPatrol | None:
    """The run's patrol: as it keeps it (with operation.yaml's corrections while it describes the same
    operation), or kept now from its records; None when it keeps nothing and its records are gone."""
    extras = store.extras_dir(record)
    kept = read(extras)
    operation = _operation(content)
    rows = None
    if kept is None:
        rows = _records(store, record, content)
        if rows is None:
            return None
        patrol = keep_patrol(operation, [r.address for r in rows], [r.submitted_at for r in rows], LATER)
    else:
        patrol = kept.refreshed(operation) if operation is not None else kept
    if patrol is not None and patrol.needs_streets and not patrol.streets:
        rows = rows if rows is not None else _records(store, record, content)
        if rows is None and kept is not None and not kept.needs_streets:
            patrol = kept  # a correction that drops the area is not taken once the streets are gone
        else:
            patrol = patrol.with_streets(r.address for r in rows or ())
    if patrol is not None and patrol != kept:
        write(extras, patrol)
    return patrol


def purge(store: RunStore, record: RunRecord, content: Path) -> RunRecord:
    """Delete the run's personal data (:meth:`RunStore.purge`), keeping its patrol first when it was made
    before runs kept it. A patrol that cannot be written does not stop the deletion."""
    try:
        settle(store, record, content)
    except OSError as exc:
        log.warning(
            "run %s: its patrol could not be kept (%s)", record.id, exc.strerror or type(exc).__name__
        )
    return store.purge(record)


def sweep(store: RunStore, content: Path, now: dt.datetime | None = None) -> Swept:
    """The retention sweep (:meth:`RunStore.sweep`), each run's patrol kept before its personal data goes."""
    return store.sweep(now, purge=lambda record: purge(store, record, content))


def patrols(store: RunStore, crimes: Crimes) -> list[tuple[dt.date, list[str]]]:
    """(patrol date, LSOA codes) of every run of the workspace that keeps its patrol, for Where to patrol
    next (a run's streets placed where they are in one LSOA only); a run goes, with its patrol, at the end
    of the time its counts are kept (``keep_counts_days``)."""
    kept = (read(store.extras_dir(record)) for record in store.all())
    return patrolled([patrol for patrol in kept if patrol is not None], crimes)


__all__ = ["PATROL", "keep_at_make", "patrols", "purge", "read", "settle", "sweep"]
