"""The off-site copy: after each commit the force folder's history is pushed to ``history.push_to``
(content/workspace.yaml) by a background thread, so a save never waits for the network.  A push that
fails is kept as :attr:`Pusher.problem` (shown on the workspace's History tab and logged) and tried
again every ``retry`` seconds until it works; the next commit also tries at once."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from .repo import ForceRepo, HistoryError, git

log = logging.getLogger(__name__)

#: The branch every commit is on, and the one the remote receives.
BRANCH = "main"
RETRY_SECONDS = 60.0


@dataclass(frozen=True)
class PushProblem:
    since: dt.datetime  # the first failed push of this run of failures
    said: str  # git's words (technical details: may hold the remote's address)


class Pusher:
    """Pushes ``repo`` to ``remote`` in a thread of its own, whenever :meth:`kick` is called."""

    def __init__(self, repo: ForceRepo, remote: str, *, retry: float = RETRY_SECONDS):
        self.repo, self.remote, self.retry = repo, remote, retry
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.problem: PushProblem | None = None
        self.pushed: str | None = None  # the last commit the remote has from us
        self._thread = threading.Thread(target=self._run, name="history-push", daemon=True)
        self._thread.start()
        self.kick()  # whatever the command line committed since the last push

    def kick(self) -> None:
        """Push soon (never waits)."""
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(10)

    def push_now(self) -> bool:
        """One push, in the caller's thread; whether it worked."""
        head = self.repo.head()
        if head is None or head == self.pushed:
            return True
        try:
            git(self.repo.root, "push", "--quiet", "--", self.remote, f"HEAD:refs/heads/{BRANCH}")
        except HistoryError as exc:
            with self._lock:
                since = self.problem.since if self.problem else dt.datetime.now(dt.UTC)
                self.problem = PushProblem(since, str(exc))
            log.warning(
                "the off-site copy of the history could not be updated; trying again in %g s: %s",
                self.retry,
                exc,
            )
            return False
        with self._lock:
            self.problem, self.pushed = None, head
        return True

    def _run(self) -> None:
        while not self._stop.is_set():
            woken = self._wake.wait(self.retry if self.problem else None)
            self._wake.clear()
            if self._stop.is_set():
                return
            if woken or self.problem:
                self.push_now()


def pusher_for(folder: Path, push_to: str | None, *, retry: float = RETRY_SECONDS) -> Pusher | None:
    """A pusher for the repository holding ``folder`` when ``push_to`` is set (a path relative to the
    force folder, or a git URL), else None."""
    if not push_to:
        return None
    try:
        repo = ForceRepo.of(folder)
    except HistoryError:
        return None
    if repo is None:
        return None
    remote = push_to
    if "://" not in push_to and not push_to.startswith("git@") and not Path(push_to).is_absolute():
        remote = str(repo.root / push_to)
    return Pusher(repo, remote, retry=retry)
