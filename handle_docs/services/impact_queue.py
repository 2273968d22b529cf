"""The workspace's queue of "did it work?" jobs: one table in the instance database, beside the letters runs'.

A job works out whether vehicle crime fell after a run's patrol (services/impact_job.py), in the worker
process, never in the web server (the chart is drawn by matplotlib, whose settings are global to a
process). The web server queues a job when an officer asks (or the worker does, when a run is made and the
workspace holds crime data); a worker claims it, works it out in seconds and records it finished. A job
whose worker died is claimed again once :data:`LEASE_SECONDS` have passed since it was started.

No personal data: run ids, states and times only.
"""

from __future__ import annotations

from handle_docs.util.leased_queue import DONE, FAILED, QUEUED, RUNNING, LeasedQueue, Table

#: A job started this long ago and not finished belongs to a worker that died: it is claimed again.
LEASE_SECONDS = 300.0

IMPACT_JOBS = Table(
    name="impact_jobs",
    owner="impact-jobs",
    lease=LEASE_SECONDS,
    lease_from="started_at",  # no heartbeat: a job takes seconds
    again=(DONE, FAILED),  # asked again after it was worked out (new crime data), it is worked out again
)


class ImpactQueue(LeasedQueue):
    """The ``impact_jobs`` table of ``instance``'s database: its ``enqueue``, ``state``, ``unfinished``
    and ``wait_idle`` are every leased queue's (util/leased_queue.py)."""

    TABLE = IMPACT_JOBS

    def claim(self, worker: str) -> str | None:
        """The oldest job waiting (or one whose worker died), now held by ``worker``; None when there is none."""
        row = self._take(worker)
        return None if row is None else row["run_id"]

    def finish(self, run_id: str, worker: str, state: str) -> bool:
        """Record the job done or failed; False (nothing changed) unless ``worker`` held it."""
        return self._end(run_id, worker, state)


__all__ = ["DONE", "FAILED", "LEASE_SECONDS", "QUEUED", "RUNNING", "ImpactQueue"]
