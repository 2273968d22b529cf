"""The workspace's queue of "did it work?" jobs: one table in the instance database, beside the letters runs'.

A job works out whether vehicle crime fell after a run's patrol (services/impact_job.py), in the worker
process, never in the web server (the chart is drawn by matplotlib, whose settings are global to a
process). The web server queues a job when an officer asks (or the worker does, when a run is made and the
workspace holds crime data); a worker claims it, works it out in seconds and records it finished. A job
whose worker died is claimed again once :data:`LEASE_SECONDS` have passed since it was started.

No personal data: run ids, states and times only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from handle_docs.util.instance_db import ensure, immediate, opened

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
#: A job started this long ago and not finished belongs to a worker that died: it is claimed again.
LEASE_SECONDS = 300.0

DDL = """
CREATE TABLE IF NOT EXISTS impact_jobs (
    run_id      TEXT PRIMARY KEY,
    state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    queued_at   REAL NOT NULL,
    worker      TEXT,
    started_at  REAL,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS impact_jobs_by_state ON impact_jobs (state, queued_at);
"""


class ImpactQueue:
    """The ``impact_jobs`` table of ``instance``'s database."""

    def __init__(self, instance: Path, lease: float = LEASE_SECONDS, clock: Callable[[], float] = time.time):
        self.instance, self.lease, self.clock = Path(instance), lease, clock
        with opened(self.instance) as conn:
            ensure(conn, "impact-jobs", DDL)

    def enqueue(self, run_id: str) -> bool:
        """Queue a job for ``run_id``: True if newly queued (also again after one finished), False if one is
        queued or being worked out already (a second click changes nothing)."""
        with opened(self.instance) as conn, immediate(conn):
            cursor = conn.execute(
                "INSERT INTO impact_jobs (run_id, state, queued_at) VALUES (?, 'queued', ?) "
                "ON CONFLICT (run_id) DO UPDATE SET state = 'queued', queued_at = excluded.queued_at, "
                "worker = NULL, started_at = NULL, finished_at = NULL "
                "WHERE impact_jobs.state IN ('done', 'failed')",
                (run_id, self.clock()),
            )
            return cursor.rowcount == 1

    def state(self, run_id: str) -> str | None:
        """queued, running, done or failed; None when no job was ever queued for the run."""
        with opened(self.instance) as conn:
            row = conn.execute("SELECT state FROM impact_jobs WHERE run_id = ?", (run_id,)).fetchone()
        return row["state"] if row else None

    def unfinished(self) -> int:
        with opened(self.instance) as conn:
            return conn.execute(
                "SELECT COUNT(*) FROM impact_jobs WHERE state IN ('queued', 'running')"
            ).fetchone()[0]

    def claim(self, worker: str) -> str | None:
        """The oldest job waiting (or one whose worker died), now held by ``worker``; None when there is none."""
        now = self.clock()
        free = (
            "SELECT run_id FROM impact_jobs WHERE state = 'queued' OR (state = 'running' AND started_at < ?) "
            "ORDER BY queued_at, rowid LIMIT 1"
        )
        with opened(self.instance) as conn:
            if conn.execute(free, (now - self.lease,)).fetchone() is None:
                return None  # nothing to do: no write lock taken (idle workers poll)
            with immediate(conn):
                row = conn.execute(free, (now - self.lease,)).fetchone()
                if row is None:
                    return None
                conn.execute(
                    "UPDATE impact_jobs SET state = 'running', worker = ?, started_at = ? WHERE run_id = ?",
                    (worker, now, row["run_id"]),
                )
        return row["run_id"]

    def finish(self, run_id: str, worker: str, state: str) -> bool:
        """Record the job done or failed; False (nothing changed) unless ``worker`` held it."""
        assert state in (DONE, FAILED)
        with opened(self.instance) as conn, immediate(conn):
            cursor = conn.execute(
                "UPDATE impact_jobs SET state = ?, finished_at = ? "
                "WHERE run_id = ? AND worker = ? AND state = 'running'",
                (state, self.clock(), run_id, worker),
            )
            return cursor.rowcount == 1

    def wait_idle(self, timeout: float, poll: float = 0.2) -> bool:
        """True once no job is queued or being worked out (for tests)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.unfinished():
                return True
            time.sleep(poll)
        return False


__all__ = ["DONE", "FAILED", "LEASE_SECONDS", "QUEUED", "RUNNING", "ImpactQueue"]
