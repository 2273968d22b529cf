"""Sign-in sessions kept on the server, in the instance folder's database.

A session is a random id (``secrets.token_urlsafe(32)``) that the browser
holds in a cookie; the database keeps only its SHA-256, the account and two
times.  Nothing in the cookie comes from the account or its password, and a
cookie copied from the database's hashes is of no use.

A session ends when any of these happens:

- sign-out (its row is deleted);
- ``handle-docs users passwd``, ``disable`` or ``remove`` (every row of that
  account is deleted: :func:`end_for_account`);
- the hard lifetime since sign-in passes (8 hours by default), however busy
  the person is;
- nothing was asked of the workspace for the idle limit (60 minutes by
  default).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from handle_docs.util import instance_db

DEFAULT_HOURS = 8.0  # hard lifetime from sign-in
DEFAULT_IDLE_MINUTES = 60  # ends after this long without a request
#: The last-seen time is written at most this often (seconds), not on every request.
SEEN_EVERY = 30.0

TABLES = """
CREATE TABLE IF NOT EXISTS signin_sessions (
    id_hash TEXT PRIMARY KEY,   -- sha256 of the cookie's random id
    account TEXT NOT NULL,
    created REAL NOT NULL,      -- seconds since the epoch, at sign-in
    seen REAL NOT NULL          -- the last request (to SEEN_EVERY)
);
CREATE INDEX IF NOT EXISTS signin_sessions_account ON signin_sessions (account);
"""


@dataclass(frozen=True)
class Lifetimes:
    """How long a session lasts: ``hours`` from sign-in at most, and
    ``idle_minutes`` without a request."""

    hours: float = DEFAULT_HOURS
    idle_minutes: float = DEFAULT_IDLE_MINUTES

    @property
    def hard(self) -> float:
        return self.hours * 3600.0

    @property
    def idle(self) -> float:
        return self.idle_minutes * 60.0


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _tables(conn: sqlite3.Connection) -> sqlite3.Connection:
    instance_db.ensure(conn, "identity.sessions", TABLES)
    return conn


def end_for_account(instance: Path, account_id: str) -> int:
    """End every session of ``account_id`` now; how many there were."""
    with instance_db.opened(instance) as conn:
        return _tables(conn).execute("DELETE FROM signin_sessions WHERE account = ?", (account_id,)).rowcount


def end_all(instance: Path) -> int:
    """End every session now (a restored workspace: everyone signs in again); how many there were."""
    with instance_db.opened(instance) as conn:
        return _tables(conn).execute("DELETE FROM signin_sessions").rowcount


@dataclass
class Sessions:
    """The sessions of one instance folder, with the workspace's lifetimes
    (``clock``: seconds since the epoch; tests pass their own)."""

    instance: Path
    lifetimes: Lifetimes = Lifetimes()
    clock: Callable[[], float] = time.time

    def start(self, account_id: str) -> tuple[str, float]:
        """A new session for ``account_id``: the id for the cookie, and when
        it ends at the latest (seconds since the epoch)."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with instance_db.opened(self.instance) as conn:
            _tables(conn)
            with instance_db.immediate(conn):
                self._prune(conn, now)
                conn.execute(
                    "INSERT INTO signin_sessions (id_hash, account, created, seen) VALUES (?, ?, ?, ?)",
                    (_hash(token), account_id, now, now),
                )
        return token, now + self.lifetimes.hard

    def account_of(self, token: str | None) -> str | None:
        """The account whose live session ``token`` is, or None (and an
        expired session is deleted)."""
        if not token or len(token) > 256:
            return None
        key = _hash(token)
        now = self.clock()
        with instance_db.opened(self.instance) as conn:
            row = (
                _tables(conn)
                .execute("SELECT account, created, seen FROM signin_sessions WHERE id_hash = ?", (key,))
                .fetchone()
            )
            if row is None:
                return None
            if now >= row["created"] + self.lifetimes.hard or now >= row["seen"] + self.lifetimes.idle:
                conn.execute("DELETE FROM signin_sessions WHERE id_hash = ?", (key,))
                return None
            if now - row["seen"] >= SEEN_EVERY:
                conn.execute(
                    "UPDATE signin_sessions SET seen = ? WHERE id_hash = ? AND seen < ?", (now, key, now)
                )
            return row["account"]

    def end(self, token: str | None) -> None:
        """Sign-out: the session ``token`` no longer exists."""
        if not token:
            return
        with instance_db.opened(self.instance) as conn:
            _tables(conn).execute("DELETE FROM signin_sessions WHERE id_hash = ?", (_hash(token),))

    def live_by_account(self) -> dict[str, int]:
        """How many live sessions each account has."""
        now = self.clock()
        with instance_db.opened(self.instance) as conn:
            rows = (
                _tables(conn)
                .execute(
                    "SELECT account, COUNT(*) AS n FROM signin_sessions "
                    "WHERE created > ? AND seen > ? GROUP BY account",
                    (now - self.lifetimes.hard, now - self.lifetimes.idle),
                )
                .fetchall()
            )
        return {row["account"]: row["n"] for row in rows}

    def _prune(self, conn: sqlite3.Connection, now: float) -> None:
        conn.execute(
            "DELETE FROM signin_sessions WHERE created <= ? OR seen <= ?",
            (now - self.lifetimes.hard, now - self.lifetimes.idle),
        )
