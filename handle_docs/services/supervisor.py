"""The worker as a child of ``handle-docs serve``: started with it, started again
if it dies, stopped with it.

The web server never makes a run itself (no thread, no process pool in the
server): it queues runs in the instance database, and this child process
(``python -m handle_docs worker`` with the same folders, as absolute paths)
makes them.  A worker that dies (killed, out of memory) is reported in the
server's log and started again after a pause that grows while it keeps dying;
its run carries on once its lease expires (services/queue.py).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

#: Seconds the worker has to stop at its next chunk before it is killed (its run resumes later).
STOP_TIMEOUT = 15.0
#: Pauses before starting a dead worker again: doubling from the first to the last.
FIRST_PAUSE, LAST_PAUSE = 1.0, 60.0


def worker_command(
    instance: Path, content: Path, templates: Path, review: Path, crimes: Path | None = None
) -> list[str]:
    """The command line of a worker for these folders (absolute, whatever the server's working folder)."""
    level = logging.getLevelName(logging.getLogger().getEffectiveLevel())
    return [
        sys.executable,
        "-m",
        "handle_docs",
        "--log-level",
        level if isinstance(level, str) else "WARNING",
        "worker",
        "--instance",
        str(Path(instance).resolve()),
        "--content",
        str(Path(content).resolve()),
        "--templates",
        str(Path(templates).resolve()),
        "--review-dir",
        str(Path(review).resolve()),
        *(["--crimes", str(Path(crimes).resolve())] if crimes is not None else []),
        "--stop-with",
        str(os.getpid()),
    ]


class WorkerProcess:
    """One worker child process, watched by a thread that starts it again when it dies."""

    def __init__(self, command: list[str]):
        self.command = command
        self.starts = 0
        self._process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watcher = threading.Thread(target=self._watch, name="worker-watch", daemon=True)

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._process.pid if self._process is not None else None

    def start(self) -> WorkerProcess:
        self._spawn()
        self._watcher.start()
        return self

    def _spawn(self) -> None:
        with self._lock:
            if self._stopping.is_set():
                return
            # Ctrl-C at the terminal reaches the whole process group; the worker stops on it too
            self._process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL)
            self.starts += 1

    def _watch(self) -> None:
        pause = FIRST_PAUSE
        while not self._stopping.is_set():
            with self._lock:
                process = self._process
            if process is None:
                return
            code = process.wait()
            if self._stopping.is_set():
                return
            log.warning(
                "the letters worker (process %d) stopped with exit status %s; starting it again in %.0f s",
                process.pid,
                code,
                pause,
            )
            if self._stopping.wait(pause):
                return
            pause = min(pause * 2, LAST_PAUSE)
            self._spawn()

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Ask the worker to stop (SIGTERM: it gives its run back to the queue), then kill it if it does not."""
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning(
                    "the letters worker did not stop within %.0f s: killed (its run carries on later)",
                    timeout,
                )
                process.kill()
                process.wait()
        if self._watcher.is_alive():
            self._watcher.join(timeout=5)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


@contextmanager
def worker_running(
    instance: Path, content: Path, templates: Path, review: Path, crimes: Path | None = None
) -> Iterator[WorkerProcess]:
    """A worker for these folders while the block runs (what serve does around its server).

    In the main thread SIGTERM then stops the block as Ctrl-C does, so the worker is
    stopped with the server however the server is stopped (a worker whose server was
    killed outright stops by itself: ``--stop-with``)."""
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main else None
    worker = WorkerProcess(worker_command(instance, content, templates, review, crimes)).start()
    try:
        yield worker
    finally:
        worker.stop()
        if main:
            signal.signal(signal.SIGTERM, previous)
