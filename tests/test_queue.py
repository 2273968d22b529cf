"""The two leased-job queues of the instance database, the letters runs' and the "did it work?" jobs', share
their steps (util/leased_queue.py): each rule of those steps holds for both.  The letters queue's own rules
(heartbeats, starts, release, a worker gone) are pinned in tests/test_worker.py."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from handle_docs.services.impact_queue import ImpactQueue
from handle_docs.services.queue import RunQueue
from handle_docs.util.instance_db import opened

QUEUES = pytest.mark.parametrize("kind", [RunQueue, ImpactQueue], ids=["runs", "impact"])
A, B, C = "a" * 22, "b" * 22, "c" * 22


@QUEUES
def test_the_oldest_job_is_handed_out_first_and_a_job_waiting_or_held_is_not_queued_twice(tmp_path, kind):
    queue = kind(tmp_path / "instance", clock=lambda: 1000.0)  # one time: the order they came in decides
    assert queue.enqueue(B) and queue.enqueue(A) and queue.enqueue(C)
    assert not queue.enqueue(A)  # waiting
    assert queue.unfinished() == 3 and queue.state(A) == "queued" and queue.state("d" * 22) is None
    first = queue.claim("w1")
    assert (first if kind is ImpactQueue else first.run_id) == B
    assert not queue.enqueue(B) and queue.state(B) == "running"  # held
    assert not queue.finish(B, "w2", "done")  # only the worker holding it records it finished
    assert queue.finish(B, "w1", "done") and queue.state(B) == "done" and queue.unfinished() == 2
    held = [queue.claim("w1"), queue.claim("w1")]
    assert [h if kind is ImpactQueue else h.run_id for h in held] == [A, C]
    assert queue.claim("w1") is None and not queue.wait_idle(0.1)
    assert queue.finish(A, "w1", "failed") and queue.finish(C, "w1", "done") and queue.wait_idle(1)


def test_many_asking_at_once_queue_one_did_it_work_job_and_save_what_it_needs_once(tmp_path):
    """As the letters runs' (tests/test_worker.py: test_enqueue_is_idempotent_when_many_ask_at_once)."""
    ImpactQueue(tmp_path / "instance")
    saved = []
    barrier = threading.Barrier(8)

    def press() -> bool:
        barrier.wait()
        return ImpactQueue(tmp_path / "instance").enqueue(A, lambda: saved.append(1))

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: press(), range(8)))
    assert results.count(True) == 1 and saved == [1]


def test_a_did_it_work_job_is_taken_again_once_its_lease_from_its_start_runs_out_and_asked_again_when_done(
    tmp_path,
):
    now = [1000.0]
    queue = ImpactQueue(tmp_path / "instance", lease=300, clock=lambda: now[0])
    queue.enqueue(A)
    assert queue.claim("w1") == A
    now[0] += 300
    assert queue.claim("w2") is None  # held: not yet run out
    now[0] += 1
    assert queue.claim("w2") == A  # w1 died: w2 works it out
    assert not queue.finish(A, "w1", "done")
    assert queue.finish(A, "w2", "done") and queue.state(A) == "done"
    assert queue.enqueue(A) and queue.state(A) == "queued"  # worked out again (new crime data)
    assert queue.claim("w1") == A and queue.finish(A, "w1", "failed") and queue.enqueue(A)


#: The runs table as releases before util/leased_queue.py made it (its heartbeat beside its worker; the queue
#: now makes it with the shared columns first): an instance folder from then keeps it.
RUNS_BEFORE = """
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    queued_at REAL NOT NULL, worker TEXT, heartbeat REAL, started_at REAL, finished_at REAL,
    starts INTEGER NOT NULL DEFAULT 0, reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_by_state ON runs (state, queued_at);
"""


def test_an_instance_folder_from_before_the_queues_shared_their_steps_keeps_its_jobs(tmp_path):
    instance = tmp_path / "instance"
    with opened(instance) as conn:
        conn.executescript(RUNS_BEFORE)
        conn.execute(
            "INSERT INTO runs (run_id, state, queued_at, worker, heartbeat, started_at, starts, reason) VALUES "
            "(?, 'running', 1, 'old', 5, 5, 1, ''), (?, 'queued', 2, NULL, NULL, NULL, 0, ''), "
            "(?, 'failed', 3, 'old', NULL, 6, 2, 'fault')",
            (A, B, C),
        )
    runs, jobs = RunQueue(instance, clock=lambda: 1000.0), ImpactQueue(instance, clock=lambda: 1000.0)
    with opened(instance) as conn:
        conn.execute(
            "INSERT INTO impact_jobs (run_id, state, queued_at, worker, started_at) "
            "VALUES (?, 'running', 1, 'old', 5), (?, 'done', 2, 'old', 6)",
            (A, B),
        )
    assert runs.ahead_of(B) == 1 and runs.unfinished() == 2
    claim = runs.claim("new")  # its worker's heartbeat long gone
    assert (claim.run_id, claim.starts, claim.resumed) == (A, 2, True)
    assert runs.heartbeat(A, "new") and runs.release(A, "new") and runs.entry(A).starts == 1
    assert runs.enqueue(C) and (runs.entry(C).starts, runs.entry(C).reason) == (0, "")
    assert runs.claim("new").run_id == A and runs.requeue_running() == 1
    assert runs.claim("new").run_id == A and runs.finish(A, "new", "failed", "disk")
    assert (runs.entry(A).state, runs.entry(A).reason, runs.entry(A).heartbeat) == ("failed", "disk", None)
    assert jobs.state(B) == "done" and jobs.claim("new") == A and jobs.finish(A, "new", "done")
