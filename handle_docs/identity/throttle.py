"""Sign-in throttling, per account and per client address, kept in the
instance folder's database (so a restart does not clear it).

Every attempt is counted *before* its password is checked: :meth:`Throttle.reserve`
counts it as a failure in one ``BEGIN IMMEDIATE`` transaction, or refuses it
when the account or the address must wait.  Argon2 is slow, so checking first
and counting afterwards let parallel guesses through (24 at once got 9
checks); reserved first, at most ``FREE_FAILURES`` wrong passwords for one
account are ever checked before the waiting starts, however many arrive at
once.  A right password then takes its attempt back (:meth:`Throttle.succeeded`).

After the free failures every further attempt waits, right password or not:
30 s, doubling with each failure, up to an hour.  A counter is forgotten a
day after its last failure.

The address counter allows more (``ADDRESS_FREE_FAILURES``) than the account
counter: people behind one address (an office's proxy or network) should not
lock each other out with their typos, while guessing many accounts from one
address still soon waits.  A sign-in clears its account's counter but only
takes back its own attempt from the address's, so signing in to one's own
account does not buy more guesses at others.  Behind a reverse proxy the
address is the client's own, from the proxy's ``X-Forwarded-For``, only when
the proxy is listed with ``serve --trusted-proxy``.

Keys are stored as SHA-256 hashes: the table holds no address or typed id.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from handle_docs.util import instance_db

FREE_FAILURES = 5  # failures for one account before waiting starts
ADDRESS_FREE_FAILURES = 20  # failures from one client address before waiting starts
FIRST_WAIT = 30.0  # seconds after the last free failure; doubles with each failure after
LONGEST_WAIT = 3600.0
FORGET_AFTER = 24 * 3600.0  # a counter with no failure for this long starts again from nothing

TABLES = """
CREATE TABLE IF NOT EXISTS signin_throttle (
    key TEXT PRIMARY KEY,       -- sha256 of 'account:<id>' or 'address:<client address>'
    failures INTEGER NOT NULL,  -- attempts counted (each reserved before its check)
    last REAL NOT NULL          -- seconds since the epoch of the last one
);
"""


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def wait_after(failures: int, free: int) -> float:
    """Seconds to wait after the last of ``failures`` failures (0: none)."""
    if failures < free:
        return 0.0
    return min(FIRST_WAIT * 2 ** min(failures - free, 32), LONGEST_WAIT)


@dataclass
class Throttle:
    instance: Path
    clock: Callable[[], float] = time.time  # seconds since the epoch: the counters outlive the process

    def _keys(self, account_id: str, address: str) -> list[tuple[str, int]]:
        return [
            (_key("account", account_id), FREE_FAILURES),
            (_key("address", address or "?"), ADDRESS_FREE_FAILURES),
        ]

    def _conn(self) -> sqlite3.Connection:
        conn = instance_db.connect(self.instance)
        instance_db.ensure(conn, "identity.throttle", TABLES)
        return conn

    @staticmethod
    def _counted(conn: sqlite3.Connection, key: str, now: float) -> tuple[int, float]:
        row = conn.execute("SELECT failures, last FROM signin_throttle WHERE key = ?", (key,)).fetchone()
        if row is None or now - row["last"] >= FORGET_AFTER:
            return 0, 0.0
        return int(row["failures"]), float(row["last"])

    def reserve(self, account_id: str, address: str) -> float:
        """0 when this attempt may be checked, and it is counted as a failure
        now (until :meth:`succeeded`); else the seconds to wait, and nothing
        is counted."""
        now = self.clock()
        conn = self._conn()
        try:
            with instance_db.immediate(conn):
                keys = self._keys(account_id, address)
                counted = [(key, free, *self._counted(conn, key, now)) for key, free in keys]
                wait = max(last + wait_after(failures, free) - now for _, free, failures, last in counted)
                if wait > 0:
                    return wait
                for key, _, failures, _ in counted:
                    conn.execute(
                        "INSERT INTO signin_throttle (key, failures, last) VALUES (?, ?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last = excluded.last",
                        (key, failures + 1, now),
                    )
                return 0.0
        finally:
            conn.close()

    def succeeded(self, account_id: str, address: str) -> None:
        """The reserved attempt was right: the account starts again from
        nothing; the address gets back the one attempt."""
        (account_key, _), (address_key, _) = self._keys(account_id, address)
        conn = self._conn()
        try:
            with instance_db.immediate(conn):
                conn.execute("DELETE FROM signin_throttle WHERE key = ?", (account_key,))
                conn.execute(
                    "UPDATE signin_throttle SET failures = MAX(failures - 1, 0) WHERE key = ?", (address_key,)
                )
        finally:
            conn.close()

    def wait_for(self, account_id: str, address: str) -> float:
        """Seconds before an attempt for ``account_id`` from ``address`` may be checked (0: now)."""
        now = self.clock()
        conn = self._conn()
        try:
            counted = [
                (free, *self._counted(conn, key, now)) for key, free in self._keys(account_id, address)
            ]
        finally:
            conn.close()
        return max(0.0, *(last + wait_after(failures, free) - now for free, failures, last in counted))
