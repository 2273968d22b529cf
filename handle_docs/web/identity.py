"""Who is using the workspace, and what their roles let them do.

Without accounts (no ``accounts.json`` in the instance folder) whoever can
reach the workspace (it then listens on 127.0.0.1 only) is a local, unnamed
editor.  With accounts, the person is the signed-in account: from the
session cookie, or, when configured, from a trusted reverse proxy's header
(only from the listed proxy addresses).  Routes ask :func:`current_actor`,
never the session, and guard themselves with :func:`requires_role`.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, g, render_template, request, session

from handle_docs.web.accounts import EDITOR, OFFICER, Account, Accounts, load_accounts

__all__ = ["Actor", "EDITOR", "OFFICER", "LOCAL_EDITOR", "current_actor", "requires_role", "accounts_on"]


@dataclass(frozen=True)
class Actor:
    id: str | None  # the account id (a reviewer id for reviewers); None: the local editor
    name: str | None  # the name shown: the registry's name for a reviewer, else the id
    roles: tuple[str, ...]

    @property
    def display(self) -> str:
        return self.name or "local editor"

    def can(self, role: str) -> bool:
        return role in self.roles


#: Without accounts the workspace listens on 127.0.0.1 only, for one local person who edits and makes runs.
LOCAL_EDITOR = Actor(id=None, name=None, roles=(EDITOR, OFFICER))


class AccountsCache:
    """The accounts file, read again whenever it changes (a ``users disable``
    takes effect at the next request)."""

    def __init__(self, instance: Path):
        self.instance = Path(instance)
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._accounts: Accounts | None = None

    def get(self) -> Accounts:
        from handle_docs.web.accounts import accounts_path

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


def accounts() -> Accounts:
    return current_app.extensions["handle_docs"]["accounts"].get()


def accounts_on() -> bool:
    """Whether this workspace has accounts (then every page needs a sign-in)."""
    settings = current_app.extensions["handle_docs"]["settings"]
    return bool(accounts()) or bool(settings.trusted_header)


def _name_of(account_id: str) -> str:
    from handle_docs.web.common import loaded

    content = loaded().content
    if content is not None:
        from handle_docs.review import load_registry

        registry = load_registry(content.root).registry
        if registry is not None and registry.reviewer(account_id) is not None:
            return registry.display(account_id)
    return account_id


def _actor_for(account: Account | None) -> Actor | None:
    if account is None:
        return None
    return Actor(id=account.id, name=_name_of(account.id), roles=tuple(account.roles))


def signed_in_account() -> Account | None:
    """The enabled account this request comes from, or None."""
    settings = current_app.extensions["handle_docs"]["settings"]
    found = accounts()
    if settings.trusted_header:
        if request.remote_addr in settings.trusted_proxies:
            user = request.headers.get(settings.trusted_header, "").strip()
            return found.active(user) if user else None
        # from anywhere else the header means nothing: fall through to the session
    account_id = session.get("account")
    if not account_id:
        return None
    account = found.active(account_id)
    if account is None or session.get("stamp") != account.stamp:  # disabled, or the password changed
        return None
    return account


def current_actor() -> Actor | None:
    """The person making this request: the local editor when the workspace
    has no accounts, else the signed-in account (None when not signed in)."""
    if "actor" not in g:
        g.actor = _actor_for(signed_in_account()) if accounts_on() else LOCAL_EDITOR
    return g.actor


def forbidden(message: str):
    return render_template("error.html", title="Not allowed", message=message), 403


def requires_role(*roles: str):
    """Route decorator: 403 with a message unless the actor holds one of ``roles``."""

    def wrap(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            actor = current_actor()
            if actor is None:
                return forbidden("Sign in first.")
            if not any(actor.can(role) for role in roles):
                return forbidden(
                    f"{actor.display} may not do this: it needs the role {' or '.join(roles)}, and this account has "
                    f"{', '.join(actor.roles) or 'no role'}. Ask whoever runs the workspace to add the role."
                )
            return view(*args, **kwargs)

        return guarded

    return wrap
