"""One queue of leased jobs, one table of the instance database: what the letters runs' queue
(services/queue.py) and the "did it work?" jobs' queue (services/impact_queue.py) share, written once.

A table of jobs keyed by a run id, each queued, running, done or failed.  Every change runs in a ``BEGIN
IMMEDIATE`` transaction (util/instance_db.py), so two servers and their workers on one instance folder never
both decide to work one job:

* ``enqueue`` does nothing while the run's job is queued or running (``INSERT … ON CONFLICT``): a double click
  gives one job; a finished one is queued again only from the states its queue names;
* ``_take`` hands the oldest job waiting to one worker with a lease.  A running job is free again once its
  lease time (a heartbeat its worker renews, or the time it was started) is older than the lease, or when
  ``gone`` says its worker is dead: it is taken again;
* a job changes (``_change_held``, ``_end``) only for the worker holding it.

A queue keeps in its :class:`Table` only what is its own: the table (columns beyond the shared ones), its
lease, which column the lease counts from, and what it sets besides the shared columns.

No personal data: run ids, states, times and counts only.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from handle_docs.util.instance_db import ensure, immediate, opened

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


def alive(_worker: str) -> bool:
    """The ``gone`` of a queue that cannot tell whether a worker died: none is, until its lease runs out."""
    return False


@dataclass(frozen=True)
class Table:
    """What one queue keeps of its own.  The SQL pieces are ``SET`` assignments (``column = value, …``)
    that may use the parameter ``:now``."""

    name: str  # the table
    owner: str  # its name for instance_db.ensure
    lease: float  # seconds: a running job's lease runs out this long after its lease time
    lease_from: str  # the column the lease counts from
    again: tuple[str, ...]  # the finished states a job is queued again from
    columns: tuple[str, ...] = ()  # its own columns' definitions, after the shared ones
    requeued: str = ""  # set besides the shared columns when a finished job is queued again
    taken: str = ""  # set besides the shared columns when a worker takes a job
    ended: str = ""  # set besides the shared columns when a job is done or failed

    @property
    def ddl(self) -> str:
        """The table with the columns every leased queue has, then its own, and its index by state."""
        own = "".join(f",\n    {column}" for column in self.columns)
        return f"""
CREATE TABLE IF NOT EXISTS {self.name} (
    run_id      TEXT PRIMARY KEY,
    state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    queued_at   REAL NOT NULL,
    worker      TEXT,
    started_at  REAL,
    finished_at REAL{own}
);
CREATE INDEX IF NOT EXISTS {self.name}_by_state ON {self.name} (state, queued_at);
"""


class LeasedQueue:
    """The :attr:`TABLE` of ``instance``'s database; the lease (seconds) is the table's unless given."""

    TABLE: ClassVar[Table]

    def __init__(self, instance: Path, lease: float | None = None, clock: Callable[[], float] = time.time):
        self.instance, self.clock = Path(instance), clock
        self.lease = self.TABLE.lease if lease is None else lease
        with opened(self.instance) as conn:
            ensure(conn, self.TABLE.owner, self.TABLE.ddl)

    # --- the web server ---------------------------------------------------------------------

    def enqueue(self, run_id: str, before_commit: Callable[[], None] | None = None) -> bool:
        """Queue ``run_id``'s job: True if it is newly queued (or queued again from one of the table's
        ``again`` states), False if it was queued, running or finished already.  ``before_commit`` runs
        inside the transaction when it is queued (to save what the job needs), so no worker takes the job
        before that is saved."""
        t = self.TABLE
        again = ", ".join(f"'{state}'" for state in t.again)
        with opened(self.instance) as conn, immediate(conn):
            cursor = conn.execute(
                f"INSERT INTO {t.name} (run_id, state, queued_at) VALUES (:run_id, 'queued', :now) "
                "ON CONFLICT (run_id) DO UPDATE SET state = 'queued', queued_at = excluded.queued_at, "
                f"worker = NULL, started_at = NULL, finished_at = NULL{_more(t.requeued)} "
                f"WHERE {t.name}.state IN ({again})",
                {"run_id": run_id, "now": self.clock()},
            )
            queued = cursor.rowcount == 1
            if queued and before_commit is not None:
                before_commit()
        return queued

    def state(self, run_id: str) -> str | None:
        """queued, running, done or failed; None when the run's job was never queued."""
        with opened(self.instance) as conn:
            row = conn.execute(f"SELECT state FROM {self.TABLE.name} WHERE run_id = ?", (run_id,)).fetchone()
        return row["state"] if row else None

    def unfinished(self) -> int:
        """Jobs queued or being worked."""
        with opened(self.instance) as conn:
            return conn.execute(
                f"SELECT COUNT(*) FROM {self.TABLE.name} WHERE state IN ('queued', 'running')"
            ).fetchone()[0]

    def wait_idle(self, timeout: float, poll: float = 0.2) -> bool:
        """True once no job is queued or being worked (for tests and shutdown)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.unfinished():
                return True
            time.sleep(poll)
        return False

    # --- the workers ---------------------------------------------------------------------------

    def _free(self, row: sqlite3.Row, now: float, gone: Callable[[str], bool] = alive) -> bool:
        """The lease rule: a job may be taken when it is queued, or running with its lease run out (no
        lease time, or one older than the lease) or its worker ``gone``."""
        if row["state"] == QUEUED:
            return True
        held_since = row[self.TABLE.lease_from]
        return held_since is None or held_since < now - self.lease or gone(row["worker"] or "")

    def _take(self, worker: str, gone: Callable[[str], bool] = alive) -> sqlite3.Row | None:
        """The oldest job :meth:`_free` to take, now running and held by ``worker``: its row as it was
        before (``state`` running: another worker held it)."""
        t, now = self.TABLE, self.clock()
        unfinished = f"SELECT * FROM {t.name} WHERE state IN ('queued', 'running') ORDER BY queued_at, rowid"
        with opened(self.instance) as conn:
            if not any(self._free(row, now, gone) for row in conn.execute(unfinished)):
                return None  # nothing to do: no write lock taken (idle workers poll)
            with immediate(conn):  # look again holding the lock: another worker may have taken it
                row = next(
                    (row for row in conn.execute(unfinished).fetchall() if self._free(row, now, gone)), None
                )
                if row is None:
                    return None
                conn.execute(
                    f"UPDATE {t.name} SET state = 'running', worker = :worker, started_at = :now{_more(t.taken)} "
                    "WHERE run_id = :run_id",
                    {"worker": worker, "now": now, "run_id": row["run_id"]},
                )
        return row

    def _change_held(self, run_id: str, worker: str, assignments: str, **params: object) -> bool:
        """Set ``assignments`` on the job only while ``worker`` holds it; False (nothing changed) otherwise."""
        with opened(self.instance) as conn, immediate(conn):
            cursor = conn.execute(
                f"UPDATE {self.TABLE.name} SET {assignments} "
                "WHERE run_id = :run_id AND worker = :worker AND state = 'running'",
                {**params, "run_id": run_id, "worker": worker, "now": self.clock()},
            )
            return cursor.rowcount == 1

    def _end(self, run_id: str, worker: str, state: str, **params: object) -> bool:
        """Record the job done or failed; False (nothing changed) unless ``worker`` held it."""
        assert state in (DONE, FAILED)
        assignments = f"state = :state, finished_at = :now{_more(self.TABLE.ended)}"
        return self._change_held(run_id, worker, assignments, state=state, **params)


def _more(assignments: str) -> str:
    return f", {assignments}" if assignments else ""


__all__ = ["DONE", "FAILED", "QUEUED", "RUNNING", "LeasedQueue", "Table", "alive"]
