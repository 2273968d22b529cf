"""Administration in the browser, for accounts holding the ``admin`` role:
the accounts with their roles, last sign-in and live sessions, with a button
to disable an account and one to end all its sessions; the people signed in
by the force's provider (single sign-on: their roles are those of their last
sign-in, and who may sign in is decided at the provider, so they can have
their sessions ended here but are stopped there); and the sign-in audit
(every sign-in, failed sign-in, throttled attempt and sign-out with the
client address, kept 90 days: :mod:`handle_docs.identity.audit`).

Thin: each route calls :mod:`handle_docs.identity`.  Every POST carries the
CSRF token (the app's CSRFProtect); every page is ``no-store`` (the app's
default); an admin cannot disable their own account here (that would lock
the last admin out; ``handle-docs users disable`` still can).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from handle_docs.identity import accounts as accounts_lib
from handle_docs.identity import audit, oidc
from handle_docs.identity.accounts import ADMIN
from handle_docs.identity.sessions import end_for_account
from handle_docs.web.common import role_words, settings, shown_time
from handle_docs.web.identity import accounts, current_actor, requires_role, sessions

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: The audit's events in plain words.
EVENT_WORDS = {
    audit.SIGNED_IN: "Signed in",
    audit.WRONG: "Sign-in refused: wrong account or password",
    audit.THROTTLED: "Sign-in refused: too many failed attempts",
    audit.SIGNED_OUT: "Signed out",
    audit.SSO_REFUSED: "Sign-in through the force's accounts refused: the answer failed a check",
    audit.NO_ROLE: "Sign-in through the force's accounts refused: no role in this workspace",
}


def _account_or_404(account_id: str) -> accounts_lib.Account:
    account = accounts().get(account_id)
    if account is None:
        abort(404)
    return account


def _signed_in_by_provider(instance, last: dict, live: dict, me: str | None) -> list[dict]:
    """The people who signed in through the force's provider, as rows of the accounts page."""
    return [
        {
            "id": p.account,
            "name": p.name or p.subject,
            "roles": role_words(p.roles) or "none (refused)",
            "last": shown_time(last.get(p.account, p.last_signin)),
            "sessions": live.get(p.account, 0),
            "self": p.account == me,
        }
        for p in oidc.people(instance)
    ]


@bp.get("/")
@requires_role(ADMIN)
def index():
    instance = settings().instance
    last = audit.last_sign_ins(instance)
    live = sessions().live_by_account()
    rows = [
        {
            "id": a.id,
            "roles": role_words(a.roles),
            "disabled": a.disabled,
            "demo": a.demo,
            "last": shown_time(last.get(a.id)),
            "sessions": live.get(a.id, 0),
            "self": a.id == current_actor().id,
        }
        for a in sorted(accounts().accounts.values(), key=lambda a: a.id)
    ]
    people = _signed_in_by_provider(instance, last, live, current_actor().id)
    return render_template("admin_accounts.html", title="Accounts", rows=rows, people=people)


@bp.post("/accounts/<account_id>/disable")
@requires_role(ADMIN)
def disable(account_id: str):
    account = _account_or_404(account_id)
    actor = current_actor()
    assert actor is not None  # requires_role lets only a signed-in admin in
    if account.id == actor.id:
        flash("You cannot disable your own account here: ask another admin.")
        return redirect(url_for("admin.index"), code=303)
    accounts_lib.disable_account(settings().instance, account.id)  # ends its sessions too
    flash(f"Account {account.id} is disabled and its sessions have ended. It can no longer sign in.")
    return redirect(url_for("admin.index"), code=303)


@bp.post("/accounts/<account_id>/end-sessions")
@requires_role(ADMIN)
def end_sessions(account_id: str):
    instance = settings().instance
    person = oidc.person(instance, account_id) if oidc.is_sso_account(account_id) else None
    account_id = person.account if person is not None else _account_or_404(account_id).id
    name = (person.name or person.subject) if person is not None else account_id
    ended = end_for_account(instance, account_id)
    flash(f"{ended} session{'s' if ended != 1 else ''} of {name} ended: they must sign in again.")
    return redirect(url_for("admin.index"), code=303)


@bp.get("/audit")
@requires_role(ADMIN)
def audit_page():
    instance = settings().instance
    found = audit.entries(instance)
    names = {p.account: p.name or p.subject for p in oidc.people(instance)}  # a person, not sso:<subject>
    rows = [
        {
            "at": shown_time(e.at),
            "event": EVENT_WORDS.get(e.event, e.event),
            "account": names.get(e.account, e.account) if e.account else "(no such account)",
            "address": e.address or "unknown",
        }
        for e in reversed(found)
    ]
    return render_template("admin_audit.html", title="Sign-in record", rows=rows, keep_days=audit.KEEP_DAYS)
