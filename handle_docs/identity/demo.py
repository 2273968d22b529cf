"""The demo's accounts (``make serve``): one for each invented reviewer of the
bundled sample, an editor and an officer, with published passwords.  DEMO
ONLY: anyone who reads this file knows them.  They are marked ``demo`` in the
accounts file, and while one of them is enabled ``serve`` listens on
127.0.0.1 only (:func:`published`); ``handle-docs users remove ID`` (or
``disable``, or ``passwd``) lifts that."""

from __future__ import annotations

from pathlib import Path

from handle_docs.identity import accounts as accounts_lib

#: (account id, roles, password) — the reviewers' roles are those of content/reviewers.yaml.
DEMO_ACCOUNTS = (
    ("priya-lang", ("comms-lead",), "demo-only-priya"),
    ("tom-okoro", ("neighbourhood-sergeant",), "demo-only-tom"),
    ("demo-editor", (accounts_lib.EDITOR,), "demo-only-editor"),
    ("demo-officer", (accounts_lib.OFFICER,), "demo-only-officer"),
)
#: The names the demo's editor and officer are shown and credited by ("edited by Dana Whitlock", the sample's
#: editor), invented as the sample's reviewers are: no real person. The reviewers' names are the registry's.
DEMO_NAMES = {"demo-editor": "Dana Whitlock", "demo-officer": "PC Sam Ashdown"}


def ensure_demo_accounts(instance: Path, allowed_roles: list[str]) -> list[tuple[str, tuple[str, ...], str]]:
    """Add the demo accounts that are not there yet (marked demo), with their invented names; a demo account
    made before they had names gets its name. All of them, to print."""
    have = accounts_lib.load_accounts(instance)
    for account_id, roles, password in DEMO_ACCOUNTS:
        if have.get(account_id) is None:
            accounts_lib.add_account(
                instance,
                account_id,
                list(roles),
                password,
                allowed=allowed_roles,
                demo=True,
                name=DEMO_NAMES.get(account_id),
            )
    have = accounts_lib.load_accounts(instance)
    unnamed = [a for a in have.accounts.values() if a.demo and a.name is None and a.id in DEMO_NAMES]
    for account in unnamed:
        account.name = DEMO_NAMES[account.id]
    if unnamed:
        accounts_lib.save_accounts(have)
    return list(DEMO_ACCOUNTS)


def published(found: accounts_lib.Accounts) -> list[str]:
    """The enabled accounts anyone could sign in to with a published password:
    those marked demo, and a demo id still holding its demo password (an
    instance made before accounts were marked)."""
    ids = set(found.active_demo())
    for account_id, _, password in DEMO_ACCOUNTS:
        account = found.active(account_id)
        if account is not None and account_id not in ids and accounts_lib.verify(found, account_id, password):
            ids.add(account_id)
    return sorted(ids)
