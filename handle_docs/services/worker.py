"""The worker: makes the workspace's queued letters runs, in a process of its own.

``handle-docs serve`` starts one (services/supervisor.py), ``handle-docs
worker`` starts one by hand; any number may share an instance folder.  Each
loops: claim a run from the queue (services/queue.py), make it through the
letters-run service with ``resume`` on (services/letters_run.py, with its own
process pool for the chunks when ``jobs`` in content/workspace.yaml is above
1), then record it done or failed.  Between runs it works out the "did it work?"
jobs (services/impact_job.py: vehicle crime before and after the patrol, from
police.uk data).  While a run is made a thread renews the
worker's lease every third of the lease; a worker that finds it no longer
holds the lease stops making the run at the next chunk and leaves it to the
worker that took it over.

A fault in a run (an exception, a killed pool process) fails that run, with
the reason in words for the officer and the traceback in the log (run ids
only: no addresses or registrations), and the worker goes on.  A worker told
to stop (SIGTERM, Ctrl-C) stops at the next chunk and gives its run back to
the queue, so the next worker carries it on from its journal; a worker that is
killed outright loses its lease when the heartbeats stop, with the same effect.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import secrets
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from handle_docs.models import ProblemsError
from handle_docs.run.batch import frames
from handle_docs.services import heartbeat, impact_job
from handle_docs.services import queue as q
from handle_docs.services.impact_queue import ImpactQueue
from handle_docs.services.letters_run import LettersRequest, RunStopped, make_letters
from handle_docs.services.workspace_jobs import Folders, ProgressFile, preview_pages
from handle_docs.services.workspace_runs import DONE, FAILED, QUEUED, RUNNING, RunRecord, RunStore
from handle_docs.wording.workspace_settings import load_config

log = logging.getLogger(__name__)

#: What the officer is told when handle-docs itself failed (the details are in the server's log).
FAULT_MESSAGE = (
    "the run stopped because of a fault in the letters workspace: whoever runs it can see why in its log"
)
CRASHED_MESSAGE = (
    f"the run was started {q.MAX_STARTS} times and its worker stopped each time, so it was not "
    "tried again: make it again, or ask whoever runs the workspace to look at the server log"
)


class Stopping(Exception):
    """The worker was told to stop: the run goes back to the queue."""


class LeaseLost(Exception):
    """Another worker took the run over (this one's heartbeats stopped for longer than the lease)."""


def make_run(
    store: RunStore, record: RunRecord, folders: Folders, jobs: int, check: Callable[[], None] = lambda: None
) -> list[str]:
    """Make one workspace run (resuming what a stopped one had done) and its extras;
    ``check`` runs as each chunk finishes and may raise to stop.  What could not be made, in words."""
    progress = ProgressFile(store.progress_path(record))

    def step(letters: int) -> None:
        progress.step(letters)
        check()

    request = LettersRequest(
        records=store.upload_path(record),
        out_dir=store.out_dir(record),
        content_dir=folders.content,
        templates=folders.templates,
        review=folders.review,
        leaflet=record.leaflet,
        leaflet_language=record.leaflet_language,
        docx=record.docx,
        draft=record.draft,
        jobs=jobs,
        resume=True,
        corrections=record.corrections_by_row(),
        extras=store.extras_dir(record),
    )
    outcome = make_letters(request, progress_start=progress.start, progress=step)
    try:
        preview_pages(store, record)  # made here so the web server only reads them
    except Exception as exc:  # the results page makes them when it is first opened instead
        log.warning("run %s: preview pages not made (%s)", record.id, type(exc).__name__)
    progress.write(finished=True)
    return outcome.notes


#: The file a worker holds an exclusive lock on while it makes the run in that folder.
LOCK_FILE = ".worker.lock"


@contextmanager
def run_folder_lock(folder: Path, check: Callable[[], None], every: float = 0.5) -> Iterator[None]:
    """Hold the run folder's lock: a second process never builds into the same staging folder, even
    when a worker whose lease expired (frozen, not dead) wakes up before it learns it lost the run.
    Waits while another process holds it, running ``check`` (which may raise to give up).

    A POSIX record lock (lockf), not flock: the pool processes forked while it is held do not
    inherit it, so a killed worker's orphaned pool processes cannot keep the run locked."""
    fd = os.open(Path(folder) / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EAGAIN):
                    raise
                check()
                time.sleep(every)
        yield  # the lock goes with the file's closing, or the process's end
    finally:
        os.close(fd)


class Lease:
    """A thread renewing a worker's hold on its run; ``lost`` is set when another worker has it."""

    def __init__(self, runs: q.RunQueue, run_id: str, worker: str):
        self.runs, self.run_id, self.worker = runs, run_id, worker
        self.lost = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="run-lease", daemon=True)

    def __enter__(self) -> Lease:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._done.wait(self.runs.lease / 3):
            try:
                if not self.runs.heartbeat(self.run_id, self.worker):
                    self.lost.set()
                    return
            except sqlite3.Error as exc:  # a busy or damaged database: try again at the next beat
                log.warning("run %s: heartbeat not recorded (%s)", self.run_id, type(exc).__name__)


def new_worker_id() -> str:
    """This worker's id in the queue: machine, process and a random part (no personal data)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def gone(worker: str) -> bool:
    """Whether the worker with this id ran on this machine and its process is no longer there
    (killed outright: its run need not wait for the lease; the run folder's lock still guards it)."""
    parts = worker.rsplit(":", 2)  # host, process id, random part
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # there, but not ours to signal
        return False
    return False


class Worker:
    """Claims and makes queued runs of one instance folder until told to stop."""

    def __init__(
        self,
        instance: Path,
        folders: Folders,
        *,
        lease: float = q.LEASE_SECONDS,
        poll: float = 1.0,
        worker_id: str | None = None,
        crimes: Path | None = None,
    ):
        self.instance = Path(instance)
        self.store = RunStore(instance)
        self.runs = q.RunQueue(instance, lease)
        self.impact = ImpactQueue(instance)  # "did it work?" jobs, worked out between letters runs
        self.crimes = crimes  # police.uk data in this folder (serve --crimes); None: the data uploaded
        self.folders, self.poll = folders, poll
        self.id = worker_id or new_worker_id()
        self.stopping = threading.Event()

    def stop(self) -> None:
        """Stop at the next chunk (safe from a signal handler)."""
        self.stopping.set()

    def stop_with(self, pid: int) -> None:
        """Stop once process ``pid`` (the server that started this worker) is gone, however it ended."""

        def watch() -> None:
            while not self.stopping.wait(self.poll):
                if os.getppid() != pid:  # re-parented: the server died without stopping this worker
                    log.warning("worker %s: the server that started it has gone; stopping", self.id)
                    self.stop()

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()

    def jobs(self) -> int:
        try:
            return load_config(self.folders.content).jobs
        except ProblemsError:
            return 1

    def adopt(self) -> list[str]:
        """Queue the runs whose own record says queued or running but the database does not know."""
        return [r.id for r in self.store.all() if r.state in (QUEUED, RUNNING) and self.runs.adopt(r.id)]

    def run(self, until_idle: bool = False) -> None:
        """Make runs as they come; with ``until_idle``, return once none is queued or being made."""
        with heartbeat.beating(self.instance, self.id):  # for GET /healthz: this worker is alive
            self._loop(until_idle)

    def _loop(self, until_idle: bool) -> None:
        adopted = self.adopt()
        if adopted:
            log.info("worker %s: %d cut-off runs queued again", self.id, len(adopted))
        while not self.stopping.is_set():
            claim = self.runs.claim(self.id, gone)
            if claim is None:
                if impact_job.work_next(
                    self.impact, self.instance, self.store, self.folders, self.id, self.crimes
                ):
                    continue
                if until_idle and not self.runs.unfinished() and not self.impact.unfinished():
                    return
                self.stopping.wait(self.poll)
                continue
            self.make(claim)

    def make(self, claim: q.Claim) -> None:
        """Make one claimed run and record how it ended."""
        run_id = claim.run_id
        try:
            record = self.store.load(run_id)
        except KeyError:  # deleted while it waited
            self.runs.finish(run_id, self.id, q.FAILED, q.GONE)
            return
        if claim.starts > q.MAX_STARTS:
            log.error("run %s: started %d times without finishing; failed", run_id, claim.starts - 1)
            self._end(record, FAILED, CRASHED_MESSAGE, q.CRASHED)
            return
        log.info(
            "worker %s: making run %s%s",
            self.id,
            run_id,
            " (carried on)" if claim.resumed else "",
            extra={"run": run_id, "event": "resumed" if claim.resumed else "started"},
        )
        record.state, record.message = RUNNING, ""
        self.store.save(record)
        with Lease(self.runs, run_id, self.id) as lease:

            def check() -> None:
                if lease.lost.is_set():
                    raise LeaseLost(run_id)
                if self.stopping.is_set():
                    raise Stopping(run_id)

            try:
                with run_folder_lock(self.store.folder(run_id), check):
                    make_run(self.store, record, self.folders, self.jobs(), check)
            except Stopping:
                record.state = QUEUED
                self._save(record)
                self.runs.release(run_id, self.id)
                log.info(
                    "worker %s: stopped; run %s goes back to the queue",
                    self.id,
                    run_id,
                    extra={"run": run_id, "event": "released"},
                )
                return
            except LeaseLost:
                log.warning(
                    "worker %s: run %s was taken over by another worker",
                    self.id,
                    run_id,
                    extra={"run": run_id, "event": "taken-over"},
                )
                return
            except RunStopped as exc:
                self._end(record, FAILED, "; ".join(str(p) for p in exc.problems), q.REFUSED)
                return
            except OSError as exc:
                log.warning("run %s: could not write (%s)", run_id, exc.strerror or type(exc).__name__)
                self._end(
                    record,
                    FAILED,
                    f"could not write the run: {exc.strerror or type(exc).__name__}; make it again to carry on",
                    q.DISK,
                )
                return
            except Exception as exc:  # a bug, or a killed pool process: logged by its frames, without
                # the exception's message, which may quote a record
                log.error("run %s failed (%s):\n%s", run_id, type(exc).__name__, frames(exc))
                self._end(record, FAILED, FAULT_MESSAGE, q.FAULT)
                return
        self._end(record, DONE, "", "")
        try:  # with crime data kept: did it work? (worked out next, services/impact_job.py)
            impact_job.after_run(self.instance, run_id, self.crimes)
        except sqlite3.Error as exc:  # the officer can still ask for it on the results page
            log.warning("run %s: crime figures not queued (%s)", run_id, type(exc).__name__)

    def _save(self, record: RunRecord) -> None:
        """Save the run's record, keeping corrections made while it ran."""
        try:
            record.corrections = self.store.load(record.id).corrections
        except KeyError:
            return
        self.store.save(record)

    def _end(self, record: RunRecord, state: str, message: str, reason: str) -> None:
        log.info(
            "worker %s: run %s %s%s",
            self.id,
            record.id,
            state,
            f" ({reason})" if reason else "",
            extra={"run": record.id, "event": state},
        )
        record.state, record.message = state, message
        self._save(record)
        self.runs.finish(record.id, self.id, q.DONE if state == DONE else q.FAILED, reason)
