"""The workspace's queue of letters runs: one table in the instance database.

The web server only adds runs (:meth:`RunQueue.enqueue`) and reads where they
stand; worker processes (services/worker.py) claim them.  Every change runs in
a ``BEGIN IMMEDIATE`` transaction (util/instance_db.py), so two servers and
their workers on one instance folder never both decide to make one run:

* ``enqueue`` is idempotent per run id: a double click on Make gives one entry
  (``INSERT … ON CONFLICT``; a failed run may be queued again);
* ``claim`` hands the oldest queued run to one worker with a lease: the
  worker's id and a heartbeat time it refreshes while it works.  A running
  run whose heartbeat is older than the lease is the run of a worker that was
  killed or stopped: it is claimed again and carries on from its journal (at
  once when its worker ran on this machine and is no longer there);
* ``finish`` records done or failed only for the worker holding the lease.

No personal data: run ids, states, times, counts and a reason code only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from handle_docs.util.instance_db import ensure, immediate, opened

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
#: Seconds without a heartbeat after which a run's worker counts as gone.
LEASE_SECONDS = 30.0
#: A run started this many times without finishing (its worker died each time) is failed, not tried again.
MAX_STARTS = 3
#: Why a run failed, as kept in the database (the officer's words are in the run's own record).
REFUSED, DISK, FAULT, CRASHED, GONE = "refused", "disk", "fault", "crashed", "gone"

DDL = """
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT PRIMARY KEY,
    state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    queued_at   REAL NOT NULL,
    worker      TEXT,
    heartbeat   REAL,
    started_at  REAL,
    finished_at REAL,
    starts      INTEGER NOT NULL DEFAULT 0,
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS runs_by_state ON runs (state, queued_at);
"""


@dataclass(frozen=True)
class Entry:
    """One run's row."""

    run_id: str
    state: str
    queued_at: float
    worker: str | None
    heartbeat: float | None
    starts: int
    reason: str


@dataclass(frozen=True)
class Claim:
    """A run a worker now holds; ``starts`` counts this start."""

    run_id: str
    starts: int
    resumed: bool  # another worker had it before (its lease expired)


class RunQueue:
    """The ``runs`` table of ``instance``'s database."""

    def __init__(self, instance: Path, lease: float = LEASE_SECONDS, clock: Callable[[], float] = time.time):
        self.instance, self.lease, self.clock = Path(instance), lease, clock
        with opened(self.instance) as conn:
            ensure(conn, "run-queue", DDL)

    # --- the web server ---------------------------------------------------------------------

    def enqueue(self, run_id: str, before_commit: Callable[[], None] | None = None) -> bool:
        """Queue ``run_id``: True if it is newly queued (also a failed run queued again), False if it
        was queued, running or done already.  ``before_commit`` runs inside the transaction when it
        is queued (to save the run's options), so a worker never claims it before they are saved."""
        with opened(self.instance) as conn, immediate(conn):
            cursor = conn.execute(
                "INSERT INTO runs (run_id, state, queued_at) VALUES (?, 'queued', ?) "
                "ON CONFLICT (run_id) DO UPDATE SET state = 'queued', queued_at = excluded.queued_at, "
                "worker = NULL, heartbeat = NULL, started_at = NULL, finished_at = NULL, starts = 0, reason = '' "
                "WHERE runs.state = 'failed'",
                (run_id, self.clock()),
            )
            queued = cursor.rowcount == 1
            if queued and before_commit is not None:
                before_commit()
        return queued

    def entry(self, run_id: str) -> Entry | None:
        with opened(self.instance) as conn:
            row = conn.execute(
                "SELECT run_id, state, queued_at, worker, heartbeat, starts, reason FROM runs "
                "WHERE run_id = ?",
                (run_id,),
            ).fetchone()
        return Entry(**dict(row)) if row else None

    def ahead_of(self, run_id: str) -> int:
        """How many runs will be made before this one (0: it is being made, or next)."""
        with opened(self.instance) as conn:
            row = conn.execute(
                "SELECT state, queued_at, rowid FROM runs WHERE run_id = ?", (run_id,)
            ).fetchone()
            if row is None or row["state"] != QUEUED:
                return 0
            waiting = conn.execute(
                "SELECT COUNT(*) FROM runs WHERE state = 'queued' AND (queued_at < ? OR (queued_at = ? AND rowid < ?))",
                (row["queued_at"], row["queued_at"], row["rowid"]),
            ).fetchone()[0]
            running = conn.execute("SELECT COUNT(*) FROM runs WHERE state = 'running'").fetchone()[0]
        return waiting + min(running, 1)

    def unfinished(self) -> int:
        """Runs queued or being made."""
        with opened(self.instance) as conn:
            return conn.execute("SELECT COUNT(*) FROM runs WHERE state IN ('queued', 'running')").fetchone()[
                0
            ]

    def wait_idle(self, timeout: float, poll: float = 0.2) -> bool:
        """True once no run is queued or being made (for tests and shutdown)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.unfinished():
                return True
            time.sleep(poll)
        return False

    # --- the workers ---------------------------------------------------------------------------

    def claim(self, worker: str, gone: Callable[[str], bool] = lambda _worker: False) -> Claim | None:
        """The oldest run waiting, or one whose worker's lease has expired or whose worker ``gone``
        says is dead (a worker on this machine that was killed), now held by ``worker``."""
        now = self.clock()
        unfinished = (
            "SELECT run_id, state, starts, worker, heartbeat FROM runs WHERE state IN ('queued', 'running') "
            "ORDER BY queued_at, rowid"
        )

        def free(row) -> bool:
            if row["state"] == QUEUED:
                return True
            return (
                row["heartbeat"] is None or row["heartbeat"] < now - self.lease or gone(row["worker"] or "")
            )

        with opened(self.instance) as conn:
            if not any(free(row) for row in conn.execute(unfinished)):
                return None  # nothing to do: no write lock taken (idle workers poll)
            with immediate(conn):  # look again holding the lock: another worker may have taken it
                row = next((row for row in conn.execute(unfinished).fetchall() if free(row)), None)
                if row is None:
                    return None
                conn.execute(
                    "UPDATE runs SET state = 'running', worker = ?, heartbeat = ?, started_at = ?, starts = starts + 1 "
                    "WHERE run_id = ?",
                    (worker, now, now, row["run_id"]),
                )
        return Claim(row["run_id"], row["starts"] + 1, resumed=row["state"] == RUNNING)

    def heartbeat(self, run_id: str, worker: str) -> bool:
        """Renew ``worker``'s lease of the run; False when it no longer holds it."""
        with opened(self.instance) as conn, immediate(conn):
            cursor = conn.execute(
                "UPDATE runs SET heartbeat = ? WHERE run_id = ? AND worker = ? AND state = 'running'",
                (self.clock(), run_id, worker),
            )
            return cursor.rowcount == 1

    def finish(self, run_id: str, worker: str, state: str, reason: str = "") -> bool:
        """Record the run done or failed; False (nothing changed) unless ``worker`` held it."""
        assert state in (DONE, FAILED)
        with opened(self.instance) as conn, immediate(conn):
            cursor = conn.execute(
                "UPDATE runs SET state = ?, reason = ?, finished_at = ?, heartbeat = NULL "
                "WHERE run_id = ? AND worker = ? AND state = 'running'",
                (state, reason, self.clock(), run_id, worker),
            )
            return cursor.rowcount == 1

    def release(self, run_id: str, worker: str) -> bool:
        """Give a run back to the queue (a worker told to stop): the next worker carries it on."""
        with opened(self.instance) as conn, immediate(conn):
            cursor = conn.execute(
                "UPDATE runs SET state = 'queued', worker = NULL, heartbeat = NULL, starts = MAX(starts - 1, 0) "
                "WHERE run_id = ? AND worker = ? AND state = 'running'",
                (run_id, worker),
            )
            return cursor.rowcount == 1

    def requeue_running(self) -> int:
        """Put every run being made back in the queue, its worker forgotten (a restored workspace, whose
        workers are not the ones that held the runs); how many."""
        with opened(self.instance) as conn, immediate(conn):
            return conn.execute(
                "UPDATE runs SET state = 'queued', worker = NULL, heartbeat = NULL, "
                "starts = MAX(starts - 1, 0) WHERE state = 'running'"
            ).rowcount

    def adopt(self, run_id: str) -> bool:
        """Queue a run its own record says is queued or running but the database does not know
        (a run from before the queue was kept here); True if it was added."""
        with opened(self.instance) as conn, immediate(conn):
            cursor = conn.execute(
                "INSERT INTO runs (run_id, state, queued_at) VALUES (?, 'queued', ?) "
                "ON CONFLICT (run_id) DO NOTHING",
                (run_id, self.clock()),
            )
            return cursor.rowcount == 1
