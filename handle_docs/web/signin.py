"""Sign-in and sign-out: an account id and password checked against the
accounts file (Argon2id), throttled after repeated failures, and a signed,
expiring session cookie."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from handle_docs.web import accounts as accounts_lib
from handle_docs.web.identity import accounts, accounts_on, current_actor

bp = Blueprint("signin", __name__)

#: What a failed sign-in says, whatever was wrong (the id, the password, a disabled account).
WRONG = "That account and password do not match an active account."


def _throttle():
    return current_app.extensions["handle_docs"]["throttle"]


def _page(message: str | None = None, account_id: str = "", status: int = 200):
    return render_template("signin.html", title="Sign in", message=message, account_id=account_id), status


@bp.get("/sign-in")
def form():
    return _page()


@bp.post("/sign-in")
def sign_in():
    account_id = request.form.get("account", "").strip().lower()[:64]
    password = request.form.get("password", "")[:1024]
    keys = (f"account:{account_id}", f"address:{request.remote_addr}")
    wait = _throttle().wait_for(*keys)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        return _page(f"Too many failed sign-ins. Try again in about {minutes} minute{'s' if minutes != 1 else ''}.",
                     account_id, 429)
    account = accounts_lib.verify(accounts(), account_id, password)
    if account is None:
        _throttle().failed(*keys)
        return _page(WRONG, account_id, 401)
    _throttle().succeeded(*keys)
    session.clear()
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
    session["account"] = account.id
    session["stamp"] = account.stamp
    return redirect(url_for("materials.index"), code=303)


@bp.post("/sign-out")
def sign_out():
    session.clear()
    return redirect(url_for("signin.form"), code=303)


def require_session():
    """Before every request when the workspace has accounts: only the sign-in
    page and static files are open without a session."""
    if request.endpoint in ("signin.form", "signin.sign_in", "static", "favicon") or not accounts_on():
        return None
    if current_actor() is not None:
        return None
    if request.method in ("GET", "HEAD"):
        return redirect(url_for("signin.form"), code=303)
    return render_template("error.html", title="Not signed in",
                           message="Sign in first: nothing was changed."), 403
