"""The force folder as a git repository: one commit per save or sign-off.

Why the git command line and not Dulwich (or GitPython): ``git`` is on every
Debian machine a force runs this on, it takes the repository's own lock
(``index.lock``) and runs the repository's hooks as any other commit would, and
it is what a force's IT staff already know how to inspect, back up and repair
(``git log``, ``git show``).  Dulwich would avoid a subprocess per commit, but it
re-implements git (its index, locks and hooks are a subset of git's) and would
be one more thing to trust with the record; GitPython keeps long-lived
``git cat-file`` processes and is never used inside the server.

Every commit names the person as *author* (name, and an e-mail made from their
account id) and the workspace or the command line as *committer*.  Changes are
serialised by :func:`locked` (``flock`` on the force folder itself, so one lock
for the workspace's threads, the worker and the command line), and
:func:`record` makes "write the files, then commit" one step: if the commit
fails, the files are put back as they were and the result says so.

Nothing here commits into the handle-docs source checkout: a repository whose
top folder holds handle-docs' own ``pyproject.toml`` is refused
(:data:`SOURCE_CHECKOUT`), so trying the workspace on the project's own
``content/`` never writes into the project's history.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from handle_docs.util import atomic

T = TypeVar("T")

#: Said when the folder is the handle-docs source itself (its own content/).
SOURCE_CHECKOUT = (
    "This folder is handle-docs' own source, not a force folder, so changes here are not put on "
    "the record. Make a force folder with 'handle-docs init DIR' (make serve does)."
)
#: What ``init`` keeps out of the record: run outputs and the workspace's instance folder (personal data).
GITIGNORE = (
    "# Never on the record: letters runs (personal data) and the workspace's instance folder.\n"
    "/out/\n/instance/\n"
)
_GIT_TIMEOUT = 60
_thread_lock = threading.RLock()  # flock is per open file; this keeps one process's threads in order too


class HistoryError(Exception):
    """A git operation failed, or the folder may not be committed into; the message says why, in words."""


@dataclass(frozen=True)
class Person:
    """Who made a change: a commit's author (or committer)."""

    name: str
    email: str

    @classmethod
    def for_id(cls, person_id: str | None, name: str | None = None) -> Person:
        """A person of the workspace or the registry: their name, and an address made from their id (local
        accounts and the registry hold no e-mail addresses; ``.invalid`` never reaches anyone; someone signed
        in through the force's provider is credited with the address it gave: web/history.signed_person)."""
        ident = re.sub(r"[^A-Za-z0-9._-]", "-", person_id or "local-editor") or "local-editor"
        return cls(name or person_id or "local editor", f"{ident}@handle-docs.invalid")


#: Who commits: the workspace, or the command line.
WORKSPACE = Person("handle-docs workspace", "workspace@handle-docs.invalid")
COMMAND_LINE = Person("handle-docs command line", "command-line@handle-docs.invalid")


def _env(author: Person | None, committer: Person | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(LC_ALL="C", GIT_TERMINAL_PROMPT="0")
    for role, who in (("AUTHOR", author), ("COMMITTER", committer)):
        if who is not None:
            env[f"GIT_{role}_NAME"] = who.name
            env[f"GIT_{role}_EMAIL"] = who.email
    return env


def git(
    root: Path,
    *args: str,
    author: Person | None = None,
    committer: Person | None = None,
    check: bool = True,
    feed: bytes | None = None,
) -> subprocess.CompletedProcess:
    """Run ``git`` in ``root`` (output as bytes; ``feed`` its input); a failure raises HistoryError with git's
    last line."""
    try:
        done = subprocess.run(
            ["git", "-c", "commit.gpgsign=false", "-c", "core.quotepath=off", *args],
            cwd=root,
            env=_env(author, committer or author),
            capture_output=True,
            timeout=_GIT_TIMEOUT,
            input=feed,
            umask=0o077,
            # no input: git must not wait on the server's standard input
            stdin=None if feed is not None else subprocess.DEVNULL,
        )
    except FileNotFoundError as exc:
        raise HistoryError("git is not installed on this machine (Debian: apt-get install git)") from exc
    except subprocess.TimeoutExpired as exc:
        raise HistoryError(f"git {args[0]} took longer than {_GIT_TIMEOUT} seconds") from exc
    if check and done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        main = [line for line in said if line.startswith(("fatal:", "error:"))] or said[-1:]
        raise HistoryError(
            f"git {args[0]} failed: {' '.join(main) if main else 'exit status ' + str(done.returncode)}"
        )
    return done


def is_source_checkout(root: Path) -> bool:
    """Whether ``root`` is the handle-docs source checkout (its ``pyproject.toml`` names handle-docs)."""
    try:
        text = (Path(root) / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return False
    return re.search(r'(?m)^name\s*=\s*"handle-docs"\s*$', text) is not None


def find_root(folder: Path) -> Path | None:
    """The top of the git repository holding ``folder``, or None when it is in none."""
    folder = Path(folder).absolute()
    if not folder.is_dir():
        return None
    done = git(folder, "rev-parse", "--show-toplevel", check=False)
    if done.returncode != 0:
        return None
    return Path(done.stdout.decode().strip())


@dataclass(frozen=True)
class ForceRepo:
    """A force folder that is a git repository."""

    root: Path

    @classmethod
    def of(cls, folder: Path) -> ForceRepo | None:
        """The repository holding ``folder`` (a force folder or its ``content/``), None when there is
        none.  Raises HistoryError for the handle-docs source checkout (:data:`SOURCE_CHECKOUT`)."""
        root = find_root(folder)
        if root is None:
            return None
        if is_source_checkout(root):
            raise HistoryError(SOURCE_CHECKOUT)
        return cls(root)

    @classmethod
    def init(cls, root: Path, message: str, author: Person, committer: Person) -> ForceRepo:
        """Make ``root`` a repository and commit everything in it (``init``'s starter) as one commit."""
        root = Path(root).absolute()
        if is_source_checkout(root):
            raise HistoryError(SOURCE_CHECKOUT)
        git(root, "init", "-q", "--template=")  # no sample hooks; private (umask 077), as the folder is
        git(root, "symbolic-ref", "HEAD", "refs/heads/main")
        atomic.write_text(root / ".gitignore", GITIGNORE)
        repo = cls(root)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", message, author=author, committer=committer)
        return repo

    def rel(self, path: Path) -> str:
        """``path`` as the repository names it (relative, with /)."""
        return Path(os.path.realpath(path)).relative_to(self.root).as_posix()

    def holds(self, path: Path) -> bool:
        """Whether ``path`` is inside the repository's folder (a review folder given elsewhere is not)."""
        return Path(os.path.realpath(path)).is_relative_to(self.root)

    def head(self) -> str | None:
        done = git(self.root, "rev-parse", "--verify", "-q", "HEAD", check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def resolve(self, revision: str) -> str | None:
        """The full commit id of ``revision``, None when the repository has no such commit."""
        if not re.fullmatch(r"[0-9a-fA-F]{4,64}|HEAD(~\d+)?", revision or ""):
            return None
        done = git(self.root, "rev-parse", "--verify", "-q", f"{revision}^{{commit}}", check=False)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def show(self, commit: str, path: str) -> bytes:
        """A file's bytes as they were at ``commit``, from the repository's objects."""
        return git(self.root, "show", f"{commit}:{path}").stdout

    def has(self, commit: str, path: str) -> bool:
        return git(self.root, "cat-file", "-e", f"{commit}:{path}", check=False).returncode == 0

    def export(self, commit: str, folders: list[str], target: Path) -> Path:
        """The ``folders`` of ``commit`` written into ``target`` (a new private folder), from the objects:
        the working files are never read or touched."""
        atomic.private_dir(target)
        listing = git(self.root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *folders).stdout
        blobs: list[tuple[str, str]] = []
        for entry in listing.decode("utf-8", "surrogateescape").split("\0"):
            if not entry:
                continue
            meta, path = entry.split("\t", 1)
            _mode, kind, obj = meta.split()
            if kind == "blob":
                blobs.append((path, obj))
        if not blobs:
            return target
        # every blob through one git process (one per file made the materials page's first visit seconds long)
        out = git(
            self.root, "cat-file", "--batch", feed="".join(f"{obj}\n" for _path, obj in blobs).encode()
        ).stdout
        at = 0
        for path, obj in blobs:
            header_end = out.index(b"\n", at)
            oid, kind, size = out[at:header_end].decode().split()
            if oid != obj or kind != "blob":
                raise HistoryError(f"git cat-file gave {oid} {kind} for {obj}")
            start = header_end + 1
            data = out[start : start + int(size)]
            at = start + int(size) + 1  # the newline after the contents
            file = target / path
            file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            atomic.write_bytes(file, data)
        return target

    def changed_files(self) -> list[str]:
        """Files changed, added or removed in the working tree since the last commit (ignored ones not)."""
        out = git(self.root, "status", "--porcelain=v1", "-z", "--untracked-files=all").stdout
        names = []
        parts = out.decode("utf-8", "surrogateescape").split("\0")
        i = 0
        while i < len(parts):
            entry = parts[i]
            if len(entry) > 3:
                names.append(entry[3:])
                if entry[0] in "RC":
                    i += 1  # a rename's old name follows
            i += 1
        return sorted(set(names))

    def commit(self, paths: list[str], message: str, author: Person, committer: Person) -> str:
        """Commit exactly ``paths`` (added, changed or removed files) with ``message``; the new commit."""
        try:
            git(self.root, "add", "-A", "--", *paths)
            git(self.root, "commit", "-q", "-m", message, "--", *paths, author=author, committer=committer)
        except HistoryError:
            git(self.root, "reset", "-q", "--", *paths, check=False)  # nothing left staged
            raise
        head = self.head()
        if head is None:
            raise HistoryError("git commit made no commit")
        return head


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the force folder's lock: saves and sign-offs one at a time, across threads and processes."""
    with _thread_lock:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the flock


def _files_under(paths: list[Path]) -> dict[Path, bytes | None]:
    """Every file under ``paths`` (files or folders) with its bytes now; a missing path as None."""
    found: dict[Path, bytes | None] = {}
    for path in paths:
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                if sub.is_file():
                    found[sub] = sub.read_bytes()
        elif path.is_file():
            found[path] = path.read_bytes()
        else:
            found[path] = None
    return found


def _restore(before: dict[Path, bytes | None], after: dict[Path, bytes | None]) -> None:
    for path, data in after.items():
        old = before.get(path)
        if old == data:
            continue
        if old is None:
            path.unlink(missing_ok=True)
        else:
            atomic.write_bytes(path, old)
    for path, old in before.items():
        if old is not None and path not in after:
            atomic.write_bytes(path, old)


#: What a person is told, in the workspace's words (the details go to the log and the command line).
NOT_A_REPOSITORY = (
    "Saved, but not kept in the history: this workspace's folder is not set up to keep one. "
    "Tell whoever runs the workspace."
)
NOT_IN_SOURCE = (
    "Saved, but not kept in the history: this is the handle-docs program's own folder, not a "
    "force's folder. Tell whoever runs the workspace."
)
UNDONE = (
    "The change could not be kept in the history, so it was undone and nothing changed. Try again, or "
    "tell whoever runs the workspace."
)


@dataclass
class Recorded(Generic[T]):
    """What :func:`record` did: the action's result, the commit made (if any), and why not."""

    value: T
    commit: str | None = None
    not_recorded: str | None = (
        None  # the files are as the action left them, but not on the record: why (words)
    )
    failed: str | None = None  # the commit failed and the files were put back as they were (words)
    details: str | None = (
        None  # the technical reason (git's message, the folder), for the log and command line
    )

    @property
    def ok(self) -> bool:
        return self.failed is None


def record(
    folder: Path,
    watch: list[Path],
    action: Callable[[], T],
    describe: Callable[[T], str | None],
    author: Person,
    committer: Person,
) -> Recorded[T]:
    """Run ``action`` (which writes files under ``watch``) under the force folder's lock, then commit
    the files it changed with the message ``describe(result)`` (None: nothing to record).

    When the commit fails the files are put back as they were before ``action`` and ``failed`` says
    so.  A folder that is no repository, or the handle-docs source checkout, is changed but not
    committed (``not_recorded`` says so)."""
    folder = Path(folder).absolute()
    try:
        repo = ForceRepo.of(folder)
    except HistoryError as exc:
        with locked(folder):
            return Recorded(action(), not_recorded=NOT_IN_SOURCE, details=str(exc))
    if repo is None:
        with locked(folder):
            return Recorded(
                action(),
                not_recorded=NOT_A_REPOSITORY,
                details=f"{folder} is in no git repository ('handle-docs init DIR' makes a force folder "
                "that is one)",
            )
    with locked(repo.root):
        before = _files_under(watch)
        try:
            value = action()
        except BaseException:
            _restore(before, _files_under(watch))  # half a change is never left behind
            raise
        message = describe(value)
        if message is None:
            return Recorded(value)
        after = _files_under(watch)
        changed = sorted(
            {repo.rel(p) for p in set(before) | set(after) if before.get(p) != after.get(p) and repo.holds(p)}
        )
        if not changed:
            return Recorded(value)
        try:
            return Recorded(value, commit=repo.commit(changed, message, author, committer))
        except HistoryError as exc:
            _restore(before, after)
            return Recorded(value, failed=UNDONE, details=f"{exc} (in {repo.root}; the files were put back)")
