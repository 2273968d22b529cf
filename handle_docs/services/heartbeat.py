"""Each worker's heartbeat, in the instance database: a worker that is running
writes the time every ``EVERY`` seconds, whether it is making a run or waiting
for one, so ``GET /healthz`` can say whether a worker is alive and when it last
said so (services/worker.py beats; web/health.py reads).

A run's own heartbeat (its lease, services/queue.py) is written only while a
run is made; this one says the worker is there at all.  No personal data: the
worker's id (machine, process, random part) and times.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from handle_docs.util.instance_db import ensure, opened

log = logging.getLogger(__name__)

#: Seconds between a worker's heartbeats.
EVERY = 5.0
#: A worker whose last heartbeat is older than this counts as gone.
ALIVE_WITHIN = 3 * EVERY

DDL = """
CREATE TABLE IF NOT EXISTS worker_heartbeats (
    worker  TEXT PRIMARY KEY,   -- the worker's id (machine:process:random)
    started REAL NOT NULL,      -- seconds since the epoch
    beat    REAL NOT NULL       -- the last heartbeat
);
"""


@dataclass(frozen=True)
class Latest:
    """The most recent heartbeat of any worker of an instance folder."""

    worker: str
    beat: float

    def alive(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) - self.beat <= ALIVE_WITHIN


def beat(instance: Path, worker: str, started: float, now: float | None = None) -> None:
    """Record that ``worker`` is alive now."""
    now = time.time() if now is None else now
    with opened(instance) as conn:
        ensure(conn, "worker-heartbeats", DDL)
        conn.execute(
            "INSERT INTO worker_heartbeats (worker, started, beat) VALUES (?, ?, ?) "
            "ON CONFLICT (worker) DO UPDATE SET beat = excluded.beat",
            (worker, started, now),
        )


def forget(instance: Path, worker: str) -> None:
    """A worker that stops cleanly takes its row away."""
    with opened(instance) as conn:
        ensure(conn, "worker-heartbeats", DDL)
        conn.execute("DELETE FROM worker_heartbeats WHERE worker = ?", (worker,))


def forget_all(instance: Path) -> None:
    """Forget every worker's heartbeat (a restored workspace: none of them works on it)."""
    with opened(instance) as conn:
        ensure(conn, "worker-heartbeats", DDL)
        conn.execute("DELETE FROM worker_heartbeats")


def latest(instance: Path) -> Latest | None:
    """The newest heartbeat of the instance's workers, or None when no worker has beaten."""
    with opened(instance) as conn:
        ensure(conn, "worker-heartbeats", DDL)
        row = conn.execute("SELECT worker, beat FROM worker_heartbeats ORDER BY beat DESC LIMIT 1").fetchone()
    return Latest(row["worker"], row["beat"]) if row else None


@contextmanager
def beating(instance: Path, worker: str, every: float = EVERY) -> Iterator[None]:
    """A thread writing ``worker``'s heartbeat every ``every`` seconds while the block runs."""
    started = time.time()
    done = threading.Event()

    def loop() -> None:
        while True:
            try:
                beat(instance, worker, started)
            except sqlite3.Error as exc:  # busy or damaged: try again at the next beat
                log.warning("worker %s: heartbeat not recorded (%s)", worker, type(exc).__name__)
            if done.wait(every):
                return

    thread = threading.Thread(target=loop, name="worker-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=5)
        with suppress(sqlite3.Error):
            forget(instance, worker)
