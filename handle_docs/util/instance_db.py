"""The instance folder's one SQLite database: sessions, the sign-in throttle
and audit, and the queue of letters runs with its locks.

Standard library ``sqlite3`` in WAL mode, so the web server's threads, the
worker process and a second server on the same instance folder can all read
while one writes.  Each subsystem owns its tables and creates them with
:func:`ensure` (``CREATE TABLE IF NOT EXISTS …``), so no central list of
tables has to know every user of the database.

Every connection is in autocommit mode; a change that must be atomic runs in
:func:`immediate`, which takes the write lock at ``BEGIN`` (``BEGIN
IMMEDIATE``) so two processes never both read, decide and then write.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from handle_docs.util import atomic

DB_FILE = "workspace.sqlite3"
#: How long a writer waits for another's lock before giving up (milliseconds).
BUSY_TIMEOUT_MS = 30_000

#: (database file, owner) → the tables its DDL makes, for the ones made by this process.
_ensured: dict[tuple[str, str], tuple[str, ...]] = {}
_ensured_lock = threading.Lock()
_TABLE = re.compile(r"CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+(\w+)", re.IGNORECASE)


def db_path(instance: Path) -> Path:
    return Path(instance) / DB_FILE


def connect(instance: Path) -> sqlite3.Connection:
    """A new connection to ``instance``'s database (made 0600 on first use).

    Connections are cheap; open one per request or task and close it, rather
    than sharing one across threads."""
    return connect_file(db_path(atomic.private_dir(Path(instance))))


def connect_file(path: Path) -> sqlite3.Connection:
    """A new connection to the SQLite database ``path`` (made 0600 on first use; its folder must exist), set
    up as :func:`connect`'s: for a database kept elsewhere than the instance folder (history/cache.py)."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, atomic.FILE_MODE)
        os.close(fd)
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error:  # a file that is not a database: not left open
        conn.close()
        raise
    for suffix in ("-wal", "-shm"):  # SQLite makes these with the umask's mode
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.chmod(side, atomic.FILE_MODE)
    return conn


@contextmanager
def opened(instance: Path) -> Iterator[sqlite3.Connection]:
    """``connect`` as a context manager that closes the connection."""
    conn = connect(instance)
    try:
        yield conn
    finally:
        conn.close()


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that holds the database's write lock from its start:
    committed when the block ends, rolled back if it raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def ensure(conn: sqlite3.Connection, name: str, ddl: str) -> None:
    """Run ``ddl`` (``CREATE TABLE IF NOT EXISTS …`` statements) for ``name``'s tables unless this process
    has made them in this database and they are all still there (one look at the schema, so a database
    deleted under a running server is made again)."""
    key = (str(conn.execute("PRAGMA database_list").fetchone()["file"]), name)
    with _ensured_lock:
        tables = _ensured.get(key)
    if tables is not None:
        marks = ",".join("?" * len(tables))
        found = conn.execute(
            f"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ({marks})", tables
        ).fetchone()[0]
        if found == len(tables):
            return
    conn.executescript(ddl)
    with _ensured_lock:
        _ensured[key] = tuple(_TABLE.findall(ddl))
