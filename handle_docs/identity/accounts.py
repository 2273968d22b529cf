"""Workspace accounts: who may sign in, with which roles, and their password
hashes (Argon2id), kept in one private file in the instance folder.

The command line (``handle-docs users …``) and the web sign-in share these
functions.  The file is written atomically and 0600; an account id that is a
reviewer id of the registry belongs to that reviewer.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from handle_docs.util import atomic

ACCOUNTS_FILE = "accounts.json"
EDITOR = "editor"  # comms staff who may change wording
OFFICER = "officer"  # patrol officers who start runs (issue 19)
STAFF_ROLES = (EDITOR, OFFICER)
MIN_PASSWORD = 12
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")

_hasher = PasswordHasher()  # Argon2id with argon2-cffi's recommended parameters
#: Checked when the account does not exist, so a wrong id costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AccountError(Exception):
    """A change to the accounts that cannot be made; the message says why."""


@dataclass
class Account:
    id: str
    roles: list[str]
    hash: str
    disabled: bool = False

    @property
    def stamp(self) -> str:
        """Changes when the password does: a session made with an older password stops working."""
        return self.hash[-16:]


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
        found[account_id] = Account(id=account_id, roles=list(entry["roles"]), hash=entry["hash"],
                                    disabled=bool(entry.get("disabled", False)))
    return Accounts(path, found)


def save_accounts(accounts: Accounts) -> None:
    atomic.private_dir(accounts.path.parent)
    data = {"accounts": {a.id: {k: v for k, v in asdict(a).items() if k != "id"}
                         for a in sorted(accounts.accounts.values(), key=lambda a: a.id)}}
    atomic.write_text(accounts.path, json.dumps(data, indent=2) + "\n")


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must be at least {MIN_PASSWORD} characters long")


def check_roles(roles: list[str], allowed: list[str]) -> list[str]:
    """The roles, each known: a reviewer role of the policy, or editor / officer."""
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
        raise AccountError(f"account id {account_id!r}: use lower-case letters, digits and '-' (like a reviewer id)")
    accounts = load_accounts(instance)
    if account_id in accounts.accounts:
        raise AccountError(f"there is already an account {account_id} (change its password: users passwd {account_id})")
    check_roles(roles, allowed)
    return accounts


def add_account(instance: Path, account_id: str, roles: list[str], password: str, *, allowed: list[str]) -> Account:
    accounts = check_new(instance, account_id, roles, allowed)
    check_password(password)
    account = Account(account_id, check_roles(roles, allowed), _hasher.hash(password))
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
    save_accounts(accounts)
    return account


def disable_account(instance: Path, account_id: str) -> Account:
    accounts = load_accounts(instance)
    account = _existing(accounts, account_id)
    account.disabled = True
    save_accounts(accounts)
    return account


def verify(accounts: Accounts, account_id: str, password: str) -> Account | None:
    """The account when the id and password match an enabled account, else None."""
    account = accounts.get(account_id)
    try:
        _hasher.verify(account.hash if account is not None else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if account is None or account.disabled:
        return None
    return account
