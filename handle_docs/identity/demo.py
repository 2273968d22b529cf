"""The demo's accounts (``make serve``): one for each invented reviewer of the
bundled sample, an editor and an officer, with published passwords.  DEMO
ONLY: anyone who reads this file knows them; the workspace that uses them
listens on 127.0.0.1 only."""

from __future__ import annotations

from pathlib import Path

from handle_docs.web import accounts as accounts_lib

#: (account id, roles, password) — the reviewers' roles are those of content/reviewers.yaml.
DEMO_ACCOUNTS = (
    ("priya-lang", ("comms-lead",), "demo-only-priya"),
    ("tom-okoro", ("neighbourhood-sergeant",), "demo-only-tom"),
    ("demo-editor", (accounts_lib.EDITOR,), "demo-only-editor"),
    ("demo-officer", (accounts_lib.OFFICER,), "demo-only-officer"),
)


def ensure_demo_accounts(instance: Path, allowed_roles: list[str]) -> list[tuple[str, tuple[str, ...], str]]:
    """Add the demo accounts that are not there yet; all of them, to print."""
    have = accounts_lib.load_accounts(instance)
    for account_id, roles, password in DEMO_ACCOUNTS:
        if have.get(account_id) is None:
            accounts_lib.add_account(instance, account_id, list(roles), password, allowed=allowed_roles)
    return list(DEMO_ACCOUNTS)
