"""What each commit of the force folder's history holds, read once ever and kept on disk.

Reading a commit (exporting its content and templates, loading them, fingerprinting every material:
log.py's ``_read_materials``) takes about half a second, and a commit never changes, so what it holds is
kept by commit id, for every process that reads the history: the workspace, its worker and the command line.

**Where**: ``<git directory>/handle-docs/history.sqlite3`` (``git rev-parse --git-common-dir``), beside the
repository's objects: found from any folder of the repository, never part of the force's content (git does
not track its own folder), never pushed off-site, and gone with the repository.

**Format** (:data:`FORMAT`): SQLite in WAL mode, opened as util/instance_db.py opens the instance database.

- ``meta(key, value)``: ``format`` is :data:`FORMAT`; ``program`` a digest of the handle-docs program that
  wrote the rows (every file of the package, fonts included: a new fingerprint recipe or a new way of
  reading the resident text is a new program, whose rows are read afresh).
- ``commits(id, loaded)``: a commit that was read; ``loaded`` is 0 when its content did not load (then it
  holds no material).
- ``materials(commit_id, material, fingerprint, text_sha, last_edited_by)``: each material at a commit: its
  fingerprint (``sha256:`` and 64 hex), the SHA-256 of its resident text, and the registry id its file's
  ``last_edited_by`` names.
- ``texts(sha, words)``: each resident text once, by the SHA-256 of its words (not by fingerprint: the
  patrol's date and area fill placeholders in the text but are not part of a fingerprint).

Only the content's wording is kept: never a record, an address or a registration.

**Trust**: the history is read by the commit ids ``git log`` gives, so a row of a commit the repository does
not hold is never used.  A file that is not an SQLite database is replaced; a database of another format or
program (foreign, or written by another version) is emptied; a row that does not pass its checks (a
fingerprint's form, a text's digest) raises :class:`Damaged` and the reader empties the cache and reads again.
Two processes may read and write at once: a commit's rows are written in one ``BEGIN IMMEDIATE`` transaction
and read in one transaction, each checking ``program`` again, so no process reads rows another program wrote.
When the cache cannot be opened at all (a read-only folder, a lock held too long) the history is read
without it, as slowly as before, and the log says why.  Two versions of handle-docs using one repository at
once empty each other's cache (each reads every commit again): correct, only slow.  Nothing is ever taken
out of the cache but by emptying it; deleting the file is always safe.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from handle_docs.review.fingerprints import FINGERPRINT_RE
from handle_docs.util import atomic, instance_db

from .repo import ForceRepo, HistoryError, git

log = logging.getLogger(__name__)

#: Bumped when the tables change: a cache of another format is emptied.
FORMAT = 1
FOLDER = "handle-docs"
FILE = "history.sqlite3"
LOCK = "history.lock"

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE commits (id TEXT PRIMARY KEY, loaded INTEGER NOT NULL);
CREATE TABLE materials (
    commit_id TEXT NOT NULL, material TEXT NOT NULL, fingerprint TEXT NOT NULL, text_sha TEXT NOT NULL,
    last_edited_by TEXT, PRIMARY KEY (commit_id, material)
);
CREATE TABLE texts (sha TEXT PRIMARY KEY, words TEXT NOT NULL);
"""

_SHA = re.compile(r"[0-9a-f]{64}")

#: A material at a commit as read: (fingerprint, resident text, last_edited_by).
Read = tuple[str, str, str | None]


class Damaged(Exception):
    """A row of the cache does not pass its checks: the cache is emptied and the history read again."""


@dataclass(frozen=True)
class Held:
    """A material at a commit, as the cache keeps it."""

    fingerprint: str
    text_sha: str
    last_edited_by: str | None


def text_sha(words: str) -> str:
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


@functools.cache
def program() -> str:
    """A digest of the handle-docs program reading the history: every file of the package, by its path."""
    package = Path(__file__).resolve().parent.parent  # handle_docs/
    digest = hashlib.sha256(f"history cache {FORMAT}\0".encode())
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_path(repo: ForceRepo) -> Path:
    """Where the repository's cache is: in its git directory (shared by its worktrees)."""
    return _cache_path(str(repo.root))


@functools.lru_cache(maxsize=16)
def _cache_path(root: str) -> Path:
    out = git(Path(root), "rev-parse", "--path-format=absolute", "--git-common-dir").stdout
    return Path(out.decode().strip()) / FOLDER / FILE


@dataclass
class Store:
    """The cache, open for one reading of the history (one connection; None: the history is read without
    it).  Texts read while there is no connection are kept here until the reading ends."""

    conn: sqlite3.Connection | None
    path: Path | None = None
    _unkept: dict[str, str] = field(default_factory=dict)

    def get(self, commit: str) -> dict[str, Held] | None:
        """Every material at ``commit``, None when the commit has not been read."""
        with self._guard() as conn:
            if conn is None:
                return None
            with _reading(conn):
                if not _ours(conn):
                    return None  # emptied by another program since it was opened
                if conn.execute("SELECT 1 FROM commits WHERE id = ?", (commit,)).fetchone() is None:
                    return None
                rows = conn.execute(
                    "SELECT material, fingerprint, text_sha, last_edited_by FROM materials WHERE commit_id = ?",
                    (commit,),
                ).fetchall()
        found = {}
        for material, fp, sha, by in rows:
            if not (FINGERPRINT_RE.match(str(fp)) and _SHA.fullmatch(str(sha))):
                raise Damaged(f"commit {commit}: {material} is not as the cache writes it")
            found[str(material)] = Held(fp, sha, by if by is None else str(by))
        return found

    def put(self, commit: str, read: dict[str, Read]) -> dict[str, Held]:
        """Keep what ``commit`` holds (``read``: log.py's reading of it); the same as :meth:`get` gives."""
        held = {mid: Held(fp, text_sha(words), by) for mid, (fp, words, by) in read.items()}
        texts = {held[mid].text_sha: words for mid, (_fp, words, _by) in read.items()}
        with self._guard() as conn:
            if conn is None:
                self._unkept.update(texts)
                return held
            with instance_db.immediate(conn):
                if not _ours(conn):
                    self._unkept.update(texts)  # another program's cache now: not written with ours
                    return held
                conn.executemany("INSERT OR IGNORE INTO texts (sha, words) VALUES (?, ?)", texts.items())
                conn.execute("DELETE FROM materials WHERE commit_id = ?", (commit,))
                conn.executemany(
                    "INSERT INTO materials VALUES (?, ?, ?, ?, ?)",
                    [(commit, mid, h.fingerprint, h.text_sha, h.last_edited_by) for mid, h in held.items()],
                )
                conn.execute(
                    "INSERT OR REPLACE INTO commits (id, loaded) VALUES (?, ?)", (commit, int(bool(read)))
                )
        return held

    def text(self, sha: str) -> str:
        """The resident text whose SHA-256 is ``sha``."""
        if sha in self._unkept:
            return self._unkept[sha]
        row = None
        with self._guard() as conn:
            if conn is not None:
                row = conn.execute("SELECT words FROM texts WHERE sha = ?", (sha,)).fetchone()
        if row is None or text_sha(str(row[0])) != sha:
            raise Damaged(f"the resident text {sha[:12]} is missing or not its words")
        return str(row[0])

    def empty(self) -> None:
        """Empty a damaged cache (every commit is read again)."""
        self._unkept.clear()
        if self.conn is None or self.path is None:
            return
        log.warning("the history's cache was damaged and is emptied: every commit is read again")
        try:
            _reset(self.conn)
            return
        except sqlite3.OperationalError as exc:
            self.let_go(exc)
            return
        except sqlite3.DatabaseError:
            self.conn.close()
            self.conn = None
        try:
            _replace(self.path)
            self.conn = _open(self.path)
        except (OSError, sqlite3.Error) as exc:
            self.let_go(exc)

    @contextlib.contextmanager
    def _guard(self) -> Iterator[sqlite3.Connection | None]:
        """The connection, for one step; a database that is locked too long or cannot be written is let go
        (the rest of this reading goes without it), a damaged one raises :class:`Damaged`."""
        try:
            yield self.conn
        except sqlite3.OperationalError as exc:
            self.let_go(exc)
            raise Damaged("the cache went away during the reading") from exc
        except sqlite3.DatabaseError as exc:
            raise Damaged(str(exc)) from exc

    def let_go(self, exc: Exception) -> None:
        """Go on without the cache for the rest of this reading (``exc`` says why, in the log)."""
        log.warning("the history's cache cannot be used, so the history is read without it: %s", exc)
        if self.conn is not None:
            self.conn.close()
        self.conn = None


@contextlib.contextmanager
def opened(repo: ForceRepo) -> Iterator[Store]:
    """The repository's cache, open for one reading of the history; a :class:`Store` without a connection
    when it cannot be opened (the reason is logged)."""
    try:
        path = cache_path(repo)
        conn = _open(path)
    except (OSError, sqlite3.Error, HistoryError) as exc:
        log.warning("the history's cache cannot be used, so the history is read without it: %s", exc)
        yield Store(None)
        return
    store = Store(conn, path)
    try:
        yield store
    finally:
        if store.conn is not None:  # the one it was opened with, or the one made again when damaged
            store.conn.close()


def _open(path: Path) -> sqlite3.Connection:
    """A connection to the cache at ``path``, made (or made again) when it is missing, not a database, or of
    another format or program."""
    atomic.private_dir(path.parent)
    for attempt in (1, 2):
        try:
            conn = instance_db.connect_file(path)
        except sqlite3.OperationalError:
            raise  # locked, read-only, no room: not the file's fault, so it is kept
        except sqlite3.DatabaseError:
            if attempt == 2:
                raise
            _replace(path)
            continue
        try:
            if not _ours(conn):
                _reset(conn, unless_ours=True)
            return conn
        except sqlite3.OperationalError:
            conn.close()
            raise
        except sqlite3.DatabaseError:
            conn.close()
            if attempt == 2:
                raise
            _replace(path)
    raise AssertionError("not reached")


def _ours(conn: sqlite3.Connection) -> bool:
    """Whether the database is a cache of this format, written by this program."""
    try:
        rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('format', 'program')").fetchall())
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc) or "no such column" in str(exc):
            return False
        raise
    return rows.get("format") == str(FORMAT) and rows.get("program") == program()


def _reset(conn: sqlite3.Connection, *, unless_ours: bool = False) -> None:
    """Empty the database and make the cache's tables, stamped with this format and program (``unless_ours``:
    not when another process has just done so)."""
    with instance_db.immediate(conn):
        if unless_ours and _ours(conn):
            return
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            if not table.startswith("sqlite_"):
                conn.execute(f'DROP TABLE "{table}"')
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)", [("format", str(FORMAT)), ("program", program())]
        )


def _replace(path: Path) -> None:
    """Take away a cache file that is not an SQLite database (and its WAL files), under the cache's lock so
    that two processes finding it so do not take away each other's new one."""
    log.warning("the history's cache %s is not a database: it is made again", path.name)
    fd = os.open(path.parent / LOCK, os.O_RDWR | os.O_CREAT, atomic.FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            instance_db.connect_file(path).close()
            return  # another process made it again meanwhile
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError:
            pass
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _reading(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction: what a writer commits meanwhile is seen whole or not at all."""
    conn.execute("BEGIN")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
