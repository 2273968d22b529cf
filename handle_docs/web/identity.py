"""Who is using the workspace, and what their roles let them do.

Without accounts (no ``accounts.json`` in the instance folder) whoever can
reach the workspace (it then listens on 127.0.0.1 only) is a local, unnamed
editor.  With accounts, the person is the signed-in account: from the
session kept on the server (:mod:`handle_docs.identity.sessions`; the cookie
holds only its random id), or, when configured, from a trusted reverse
proxy's header (only on connections from the listed proxy addresses), or
signed in by the force's single sign-on provider (``sso:<sub>``, with the
roles of their last sign-in: :mod:`handle_docs.identity.oidc`).
Routes ask :func:`current_actor`, never the cookie, and guard themselves
with :func:`requires_role`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import current_app, g, render_template, request

from handle_docs.identity import oidc
from handle_docs.identity.accounts import EDITOR, OFFICER, Account, Accounts
from handle_docs.identity.sessions import Sessions
from handle_docs.review import Policy, load_policy, load_registry
from handle_docs.web.proxies import peer_address
from handle_docs.web.state import loaded

__all__ = ["EDITOR", "LOCAL_EDITOR", "OFFICER", "Actor", "accounts_on", "current_actor", "requires_role"]


@dataclass(frozen=True)
class Actor:
    id: str | None  # the account id (a reviewer id for reviewers); None: the local editor
    name: str | None  # the name shown: the registry's name for a reviewer, else the id
    roles: tuple[str, ...]
    subject: str | None = None  # signed in by single sign-on: the provider's subject (sub)

    @property
    def display(self) -> str:
        return self.name or "local editor"

    def can(self, role: str) -> bool:
        return role in self.roles


#: Without accounts the workspace listens on 127.0.0.1 only, for one local person who edits and makes runs.
LOCAL_EDITOR = Actor(id=None, name=None, roles=(EDITOR, OFFICER))


def accounts() -> Accounts:
    return current_app.extensions["handle_docs"]["accounts"].get()


def sessions() -> Sessions:
    return current_app.extensions["handle_docs"]["sessions"]


def session_cookie() -> str:
    """The name of the cookie holding the session id."""
    return current_app.config["HANDLE_DOCS_SESSION_COOKIE"]


def session_token() -> str | None:
    """The session id this request carries, if any."""
    return request.cookies.get(session_cookie())


def sso() -> oidc.Sso | None:
    """The single sign-on settings (None: off)."""
    return current_app.extensions["handle_docs"]["settings"].sso


def local_accounts_on() -> bool:
    """Whether the accounts file's accounts may sign in (single sign-on's settings may switch them off)."""
    found = sso()
    return found is None or found.settings.local_accounts


def accounts_on() -> bool:
    """Whether this workspace has accounts (then every page needs a sign-in)."""
    settings = current_app.extensions["handle_docs"]["settings"]
    return bool(accounts()) or bool(settings.trusted_header) or settings.sso is not None


def _name_of(account_id: str) -> str:
    content = loaded().content
    if content is not None:
        registry = load_registry(content.root).registry
        if registry is not None and registry.reviewer(account_id) is not None:
            return registry.display(account_id)
    return account_id


def _actor_for(account: Account | None) -> Actor | None:
    if account is None:
        return None
    name = _name_of(account.id)
    return Actor(
        id=account.id,
        name=account.name if name == account.id and account.name else name,
        roles=tuple(account.roles),
    )


def signed_in_account() -> Account | None:
    """The enabled account this request comes from, or None."""
    settings = current_app.extensions["handle_docs"]["settings"]
    found = accounts()
    if settings.trusted_header and peer_address(request.environ) in settings.trusted_proxies:
        user = request.headers.get(settings.trusted_header, "").strip()
        return found.active(user) if user else None
        # from anywhere else the header means nothing: fall through to the session
    account_id = sessions().account_of(session_token())
    if not account_id or oidc.is_sso_account(account_id) or not local_accounts_on():
        return None
    return found.active(account_id)  # None when disabled or removed since


def _sso_actor() -> Actor | None:
    """The person signed in by the provider, with the roles of their last sign-in (none: not signed in)."""
    if sso() is None:
        return None
    account_id = sessions().account_of(session_token())
    if not oidc.is_sso_account(account_id):
        return None
    person = oidc.person(current_app.extensions["handle_docs"]["settings"].instance, account_id)
    if person is None or not person.roles:
        return None
    return Actor(
        id=person.account,
        name=person.name or "signed in by single sign-on",
        roles=person.roles,
        subject=person.subject,
    )


def current_actor() -> Actor | None:
    """The person making this request: the local editor when the workspace
    has no accounts, else the signed-in account (None when not signed in)."""
    if "actor" not in g:
        g.actor = (_actor_for(signed_in_account()) or _sso_actor()) if accounts_on() else LOCAL_EDITOR
    return g.actor


def role_words(roles, joiner: str = ", ") -> str:
    """Roles as people say them ("comms lead, editor"): by the names review-policy.yaml gives them, else the
    built-in rule (Policy.role_name)."""
    state = loaded()
    policy = load_policy(state.content.root)[0] if state.content is not None else Policy()
    return joiner.join(policy.role_name(role) for role in roles)


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
                    f"{actor.display} may not do this: it needs the role {role_words(roles, ' or ')}, and this "
                    f"account has {'the role ' + role_words(actor.roles) if actor.roles else 'no role'}. "
                    "Ask whoever runs the workspace to add the role."
                )
            return view(*args, **kwargs)

        return guarded

    return wrap
