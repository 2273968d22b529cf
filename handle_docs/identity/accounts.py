"""Workspace accounts: who may sign in, with which roles, and their password
hashes (Argon2id), kept in one private file in the instance folder.

The command line (``handle-docs users …``) and the web sign-in share these
functions.  The file is written atomically and 0600; an account id that is a
reviewer id of the registry belongs to that reviewer.  Changing a password,
disabling or removing an account ends that account's sessions at once
(:func:`handle_docs.identity.sessions.end_for_account`).  An account made by
``serve --demo-accounts`` is marked ``demo`` (its password is published).
"""

from __future__ import annotations

import functools
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from handle_docs.identity import sessions
from handle_docs.util import atomic

ACCOUNTS_FILE = "accounts.json"
EDITOR = "editor"  # comms staff who may change wording
OFFICER = "officer"  # patrol officers who start runs (issue 19)
ADMIN = "admin"  # whoever runs the workspace: accounts and the sign-in audit in the browser (issue 30)
STAFF_ROLES = (EDITOR, OFFICER, ADMIN)
MIN_PASSWORD = 12
EMAIL_PATTERN = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")

_hasher = PasswordHasher()  # Argon2id with argon2-cffi's recommended parameters


@functools.cache
def _dummy_hash() -> str:
    """Checked when the account does not exist, so a wrong id costs the same
    time as a wrong password (made on first use, not at import)."""
    return _hasher.hash("not a password of anyone")


class AccountError(Exception):
    """A change to the accounts that cannot be made; the message says why."""


@dataclass
class Account:
    id: str
    roles: list[str]
    hash: str
    disabled: bool = False
    demo: bool = False  # made by serve --demo-accounts: its password is published
    name: str | None = None  # the name shown and written on the record (users add --name)
    email: str | None = None  # the address a change is credited to in the history (users add --email)

    def as_entry(self) -> dict:
        entry = {"roles": list(self.roles), "hash": self.hash, "disabled": self.disabled}
        if self.demo:
            entry["demo"] = True
        for key in ("name", "email"):
            if getattr(self, key):
                entry[key] = getattr(self, key)
        return entry


@dataclass
class Accounts:
    path: Path
    accounts: dict[str, Account] = field(default_factory=dict)

    def get(self, account_id: str) -> Account | None:
        return self.accounts.get(account_id)

    def active(self, account_id: str) -> Account | None:
        account = self.get(account_id)
        return account if account is not None and not account.disabled else None

    def __bool__(self) -> bool:
        return bool(self.accounts)

    def active_demo(self) -> list[str]:
        """The ids of the enabled demo accounts (published passwords)."""
        return sorted(a.id for a in self.accounts.values() if a.demo and not a.disabled)


def accounts_path(instance: Path) -> Path:
    return Path(instance) / ACCOUNTS_FILE


def load_accounts(instance: Path) -> Accounts:
    """The accounts in ``instance`` (none when there is no file yet)."""
    path = accounts_path(instance)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Accounts(path)
    except (OSError, ValueError) as exc:
        raise AccountError(f"{path}: cannot be read ({exc})") from None
    found = {}
    for account_id, entry in (data.get("accounts") or {}).items():
        found[account_id] = Account(
            id=account_id,
            roles=list(entry["roles"]),
            hash=entry["hash"],
            disabled=bool(entry.get("disabled", False)),
            demo=bool(entry.get("demo", False)),
            name=entry.get("name") or None,
            email=entry.get("email") or None,
        )
    return Accounts(path, found)


def save_accounts(accounts: Accounts) -> None:
    atomic.private_dir(accounts.path.parent)
    data = {"accounts": {a.id: a.as_entry() for a in sorted(accounts.accounts.values(), key=lambda a: a.id)}}
    atomic.write_text(accounts.path, json.dumps(data, indent=2) + "\n")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must be at least {MIN_PASSWORD} characters long")


def check_roles(roles: list[str], allowed: list[str]) -> list[str]:
    """The roles, each known: a reviewer role of the policy, or editor / officer / admin."""
    if not roles:
        raise AccountError("give at least one --role")
    known = list(allowed) + [r for r in STAFF_ROLES if r not in allowed]
    unknown = [r for r in roles if r not in known]
    if unknown:
        raise AccountError(f"unknown role {', '.join(unknown)} (known: {', '.join(known)})")
    return list(dict.fromkeys(roles))


def check_new(instance: Path, account_id: str, roles: list[str], allowed: list[str]) -> Accounts:
    """The accounts, when ``account_id`` with ``roles`` could be added to them."""
    if not ID_PATTERN.match(account_id):
        raise AccountError(
            f"account id {account_id!r}: use lower-case letters, digits and '-' (like a reviewer id)"
        )
    accounts = load_accounts(instance)
    if account_id in accounts.accounts:
        raise AccountError(
            f"there is already an account {account_id} (change its password: users passwd {account_id})"
        )
    check_roles(roles, allowed)
    return accounts


def check_name_and_email(name: str | None, email: str | None) -> tuple[str | None, str | None]:
    """A person's name (one line, at most 100 characters) and e-mail address (one address, at most 254)."""
    name = " ".join(name.split()) if name else None
    if name is not None and len(name) > 100:
        raise AccountError("the name must be at most 100 characters long")
    email = email.strip() if email else None
    if email is not None and (len(email) > 254 or not EMAIL_PATTERN.match(email)):
        raise AccountError(f"{email!r} is not an e-mail address (like priya.lang@westmarch.police.example)")
    return name, email


def add_account(
    instance: Path,
    account_id: str,
    roles: list[str],
    password: str,
    *,
    allowed: list[str],
    demo: bool = False,
    name: str | None = None,
    email: str | None = None,
) -> Account:
    accounts = check_new(instance, account_id, roles, allowed)
    check_password(password)
    name, email = check_name_and_email(name, email)
    account = Account(
        account_id, check_roles(roles, allowed), _hasher.hash(password), demo=demo, name=name, email=email
    )
    accounts.accounts[account_id] = account
    save_accounts(accounts)
    return account


def _existing(accounts: Accounts, account_id: str) -> Account:
    account = accounts.get(account_id)
    if account is None:
        raise AccountError(f"there is no account {account_id} (see: handle-docs users list)")
    return account


def set_password(instance: Path, account_id: str, password: str) -> Account:
    accounts = load_accounts(instance)
    account = _existing(accounts, account_id)
    check_password(password)
    account.hash = _hasher.hash(password)
    account.demo = False  # no longer the published password
    save_accounts(accounts)
    sessions.end_for_account(instance, account_id)  # after the save: no session survives the old password
    return account


def disable_account(instance: Path, account_id: str) -> Account:
    accounts = load_accounts(instance)
    account = _existing(accounts, account_id)
    account.disabled = True
    save_accounts(accounts)
    sessions.end_for_account(instance, account_id)
    return account


def remove_account(instance: Path, account_id: str) -> Account:
    """Delete the account ``account_id`` (and end its sessions)."""
    accounts = load_accounts(instance)
    account = _existing(accounts, account_id)
    del accounts.accounts[account_id]
    save_accounts(accounts)
    sessions.end_for_account(instance, account_id)
    return account


def verify(accounts: Accounts, account_id: str, password: str) -> Account | None:
    """The account when the id and password match an enabled account, else None."""
    account = accounts.get(account_id)
    try:
        _hasher.verify(account.hash if account is not None else _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if account is None or account.disabled:
        return None
    return account


class AccountsCache:
    """The accounts file, read again whenever it changes (a ``users disable``
    takes effect at the next request)."""

    def __init__(self, instance: Path):
        self.instance = Path(instance)
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._accounts: Accounts | None = None

    def get(self) -> Accounts:
        try:
            info = accounts_path(self.instance).stat()
            stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if self._accounts is None or stamp != self._stamp:
                self._accounts = load_accounts(self.instance)
                self._stamp = stamp
            return self._accounts
