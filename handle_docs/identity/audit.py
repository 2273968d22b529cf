"""The sign-in audit: every sign-in, failed sign-in, throttled attempt,
refused single sign-on and sign-out, with its time, the account and the client address, kept in the
instance folder's database for ``KEEP_DAYS`` days (older entries are deleted
whenever one is added).

A failed sign-in names the account only when it exists: what someone typed
as an account id (a mistyped password, now and then) is never kept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from handle_docs.util import instance_db

KEEP_DAYS = 90

SIGNED_IN = "signed-in"
WRONG = "wrong-password"  # also: an unknown or disabled account
THROTTLED = "throttled"  # refused without checking the password
SIGNED_OUT = "signed-out"
SSO_REFUSED = "sso-refused"  # single sign-on: the provider's answer failed a check (account: NULL)
NO_ROLE = "no-role"  # single sign-on: a good token that maps to no role of the workspace
EVENTS = (SIGNED_IN, WRONG, THROTTLED, SIGNED_OUT, SSO_REFUSED, NO_ROLE)

TABLES = """
CREATE TABLE IF NOT EXISTS signin_audit (
    at REAL NOT NULL,       -- seconds since the epoch
    event TEXT NOT NULL,    -- one of EVENTS
    account TEXT,           -- an existing account's id, else NULL
    address TEXT            -- the client address (behind a trusted proxy: the proxy's X-Forwarded-For)
);
CREATE INDEX IF NOT EXISTS signin_audit_at ON signin_audit (at);
"""


@dataclass(frozen=True)
class Entry:
    at: float
    event: str
    account: str | None
    address: str | None


def record(
    instance: Path, event: str, account: str | None, address: str | None, *, now: float | None = None
) -> None:
    """Add one entry and delete those older than ``KEEP_DAYS``."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    now = time.time() if now is None else now
    with instance_db.opened(instance) as conn:
        instance_db.ensure(conn, "identity.audit", TABLES)
        with instance_db.immediate(conn):
            conn.execute("DELETE FROM signin_audit WHERE at < ?", (now - KEEP_DAYS * 86400.0,))
            conn.execute(
                "INSERT INTO signin_audit (at, event, account, address) VALUES (?, ?, ?, ?)",
                (now, event, account, address),
            )


def entries(instance: Path, *, since: float = 0.0) -> list[Entry]:
    """The entries since ``since`` (seconds since the epoch), oldest first."""
    with instance_db.opened(instance) as conn:
        instance_db.ensure(conn, "identity.audit", TABLES)
        rows = conn.execute(
            "SELECT at, event, account, address FROM signin_audit WHERE at >= ? ORDER BY at, rowid", (since,)
        ).fetchall()
    return [Entry(row["at"], row["event"], row["account"], row["address"]) for row in rows]


def last_sign_ins(instance: Path) -> dict[str, float]:
    """Each account's last sign-in within the kept days (seconds since the epoch), by account id."""
    with instance_db.opened(instance) as conn:
        instance_db.ensure(conn, "identity.audit", TABLES)
        rows = conn.execute(
            "SELECT account, MAX(at) AS at FROM signin_audit WHERE event = ? AND account IS NOT NULL "
            "GROUP BY account",
            (SIGNED_IN,),
        ).fetchall()
    return {row["account"]: row["at"] for row in rows}
