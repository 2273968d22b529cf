"""Sign-in and sign-out: an account id and password checked against the
accounts file (Argon2id), each attempt counted by the throttle before it is
checked, every outcome in the audit, and a session kept on the server whose
random id is the cookie (:mod:`handle_docs.identity`)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from handle_docs.identity import accounts as accounts_lib
from handle_docs.identity import audit
from handle_docs.identity.throttle import Throttle
from handle_docs.web.identity import (
    accounts,
    accounts_on,
    current_actor,
    local_accounts_on,
    session_cookie,
    session_token,
    sessions,
    sso,
)

bp = Blueprint("signin", __name__)

#: What a failed sign-in says, whatever was wrong (the id, the password, a disabled account).
WRONG = "That account and password do not match an active account."


def _throttle() -> Throttle:
    return current_app.extensions["handle_docs"]["throttle"]


def _instance():
    return current_app.extensions["handle_docs"]["settings"].instance


def _page(message: str | None = None, account_id: str = "", status: int = 200):
    found = sso()
    return render_template(
        "signin.html",
        title="Sign in",
        message=message,
        account_id=account_id,
        sso_button=found.settings.button if found is not None else None,
        local=local_accounts_on(),
    ), status


def _known(account_id: str) -> str | None:
    """``account_id`` when it is an account's id (the audit never keeps what else was typed)."""
    return account_id if accounts().get(account_id) is not None else None


def _unchanged(account: accounts_lib.Account) -> bool:
    """Whether ``account`` still has the password just checked and is enabled."""
    now = accounts().active(account.id)
    return now is not None and now.hash == account.hash


@bp.get("/sign-in")
def form():
    return _page()


@bp.post("/sign-in")
def sign_in():
    if not local_accounts_on():
        return _page(
            "Sign in with your organisation's account: this workspace's own accounts are switched off.",
            status=403,
        )
    account_id = request.form.get("account", "").strip().lower()[:64]
    password = request.form.get("password", "")[:1024]
    address = request.remote_addr or ""  # the client's, behind a --trusted-proxy
    wait = _throttle().reserve(account_id, address)
    if wait > 0:
        audit.record(_instance(), audit.THROTTLED, _known(account_id), address)
        minutes = max(1, round(wait / 60))
        return _page(
            f"Too many failed sign-ins. Try again in about {minutes} minute{'s' if minutes != 1 else ''}.",
            account_id,
            429,
        )
    account = accounts_lib.verify(accounts(), account_id, password)
    if account is None:
        audit.record(_instance(), audit.WRONG, _known(account_id), address)
        return _page(WRONG, account_id, 401)
    _throttle().succeeded(account_id, address)
    sessions().end(session_token())  # a session this browser had before is not carried over
    token, ends = sessions().start(account.id)
    if not _unchanged(
        account
    ):  # users passwd / disable while checking: it ended the sessions before this one
        sessions().end(token)
        audit.record(_instance(), audit.WRONG, account_id, address)
        return _page(WRONG, account_id, 401)
    return signed_in(account.id, account.roles, token, ends)


def landing(roles) -> str:
    """Where a person lands after signing in: an officer (and nothing else) on the letters runs, their work;
    everyone else on the materials."""
    return url_for("runs.index") if list(roles) == [accounts_lib.OFFICER] else url_for("materials.index")


def signed_in(account_id: str, roles, token: str, ends: float):
    """After a sign-in (password or single sign-on): the audit, a new CSRF token, the session cookie, the
    page of their role (:func:`landing`)."""
    audit.record(_instance(), audit.SIGNED_IN, account_id, request.remote_addr or "")
    session.clear()  # a new CSRF token with the new session
    response = redirect(landing(roles), code=303)
    response.set_cookie(
        session_cookie(),
        token,
        expires=ends,
        path="/",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite="Lax",
    )
    return response


@bp.post("/sign-out")
def sign_out():
    actor = current_actor()
    sessions().end(session_token())
    if actor is not None and actor.id is not None:
        audit.record(_instance(), audit.SIGNED_OUT, actor.id, request.remote_addr)
    session.clear()
    response = redirect(url_for("signin.form"), code=303)
    response.delete_cookie(
        session_cookie(),
        path="/",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite="Lax",
    )
    return response


#: The pages open without a session: sign-in (by password and by single sign-on) and static files.
OPEN = ("signin.form", "signin.sign_in", "sso.start", "sso.callback", "static", "favicon", "health.healthz")


def require_session():
    """Before every request when the workspace has accounts: only the sign-in
    page, single sign-on's pages, static files and the health check are open without a session."""
    if request.endpoint in OPEN or not accounts_on():
        return None
    if current_actor() is not None:
        return None
    if request.method in ("GET", "HEAD"):
        return redirect(url_for("signin.form"), code=303)
    return render_template(
        "error.html", title="Not signed in", message="Sign in first: nothing was changed."
    ), 403
