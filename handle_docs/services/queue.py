"""The workspace's queue of letters runs: one table in the instance database.

The web server only adds runs (:meth:`RunQueue.enqueue`) and reads where they
stand; worker processes (services/worker.py) claim them.  The steps every
leased-job queue shares (util/leased_queue.py) run in ``BEGIN IMMEDIATE``
transactions, so two servers and their workers on one instance folder never
both decide to make one run:

* ``enqueue`` is idempotent per run id: a double click on Make gives one entry
  (``INSERT … ON CONFLICT``; a failed run may be queued again);
* ``claim`` hands the oldest queued run to one worker with a lease: the
  worker's id and a heartbeat time it refreshes while it works.  A running
  run whose heartbeat is older than the lease is the run of a worker that was
  killed or stopped: it is claimed again and carries on from its journal (at
  once when its worker ran on this machine and is no longer there);
* ``finish`` records done or failed only for the worker holding the lease.

What is this queue's own: the heartbeat that renews a lease, the count of
starts (a run whose worker died :data:`MAX_STARTS` times fails), the reason a
run failed, giving a run back (``release``, ``requeue_running``), adopting a
run from before the queue was kept here, and how many runs are ``ahead_of`` one.

No personal data: run ids, states, times, counts and a reason code only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handle_docs.util.instance_db import immediate, opened
from handle_docs.util.leased_queue import DONE, FAILED, QUEUED, RUNNING, LeasedQueue, Table, alive

#: Seconds without a heartbeat after which a run's worker counts as gone.
LEASE_SECONDS = 30.0
#: A run started this many times without finishing (its worker died each time) is failed, not tried again.
MAX_STARTS = 3
#: Why a run failed, as kept in the database (the officer's words are in the run's own record).
REFUSED, DISK, FAULT, CRASHED, GONE = "refused", "disk", "fault", "crashed", "gone"

RUNS = Table(
    name="runs",
    owner="run-queue",
    lease=LEASE_SECONDS,
    lease_from="heartbeat",
    again=(FAILED,),  # a run made is not made again by Make; a failed one may be
    columns=(
        "heartbeat   REAL",
        "starts      INTEGER NOT NULL DEFAULT 0",
        "reason      TEXT NOT NULL DEFAULT ''",
    ),
    requeued="heartbeat = NULL, starts = 0, reason = ''",
    taken="heartbeat = :now, starts = starts + 1",
    ended="reason = :reason, heartbeat = NULL",
)
#: A run given back to the queue: its worker forgotten, this start not counted.
GIVEN_BACK = "state = 'queued', worker = NULL, heartbeat = NULL, starts = MAX(starts - 1, 0)"


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


class RunQueue(LeasedQueue):
    """The ``runs`` table of ``instance``'s database."""

    TABLE = RUNS

    # --- the web server ---------------------------------------------------------------------

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

    # --- the workers ---------------------------------------------------------------------------

    def claim(self, worker: str, gone: Callable[[str], bool] = alive) -> Claim | None:
        """The oldest run waiting, or one whose worker's lease has expired or whose worker ``gone``
        says is dead (a worker on this machine that was killed), now held by ``worker``."""
        row = self._take(worker, gone)
        if row is None:
            return None
        return Claim(row["run_id"], row["starts"] + 1, resumed=row["state"] == RUNNING)

    def heartbeat(self, run_id: str, worker: str) -> bool:
        """Renew ``worker``'s lease of the run; False when it no longer holds it."""
        return self._change_held(run_id, worker, "heartbeat = :now")

    def finish(self, run_id: str, worker: str, state: str, reason: str = "") -> bool:
        """Record the run done or failed; False (nothing changed) unless ``worker`` held it."""
        return self._end(run_id, worker, state, reason=reason)

    def release(self, run_id: str, worker: str) -> bool:
        """Give a run back to the queue (a worker told to stop): the next worker carries it on."""
        return self._change_held(run_id, worker, GIVEN_BACK)

    def requeue_running(self) -> int:
        """Put every run being made back in the queue, its worker forgotten (a restored workspace, whose
        workers are not the ones that held the runs); how many."""
        with opened(self.instance) as conn, immediate(conn):
            return conn.execute(f"UPDATE runs SET {GIVEN_BACK} WHERE state = 'running'").rowcount

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


__all__ = [
    "CRASHED",
    "DISK",
    "DONE",
    "FAILED",
    "FAULT",
    "GONE",
    "LEASE_SECONDS",
    "MAX_STARTS",
    "QUEUED",
    "REFUSED",
    "RUNNING",
    "Claim",
    "Entry",
    "RunQueue",
]
