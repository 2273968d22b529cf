"""Single sign-on's two pages: ``/sign-in/sso`` sends the browser to the
force's provider, ``/sign-in/sso/callback`` takes it back, has every check
made (:mod:`handle_docs.identity.oidc`) and starts a session for
``sso:<sub>`` with the roles the token maps to.  Someone whose token maps
to no role gets a page saying so, and no session.  What went wrong is said
in plain words; the protocol's reason only under "Technical details"."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, session

from handle_docs.identity import audit, oidc
from handle_docs.web.identity import session_token, sessions, sso
from handle_docs.web.signin import signed_in

bp = Blueprint("sso", __name__)

#: The browser's own copy of the sign-in it started (Flask's signed cookie): a state sent to another browser is
#: refused there.
BOUND = "sso_state"


def provider() -> oidc.Provider:
    return current_app.extensions["handle_docs"]["sso_provider"]


def _instance():
    return current_app.extensions["handle_docs"]["settings"].instance


def _refused(title: str, message: str, reason: str | None, status: int):
    return render_template("sso_refused.html", title=title, message=message, reason=reason), status


@bp.get("/sign-in/sso")
def start():
    if sso() is None:
        abort(404)
    try:
        url, state = provider().start(_instance())
    except oidc.SsoError as exc:
        return _refused(
            "Sign-in is not available",
            "Your organisation's sign-in service could not be reached. "
            "Try again in a few minutes; if it keeps happening, tell whoever runs the workspace.",
            exc.reason,
            502,
        )
    session[BOUND] = state
    return redirect(url, code=303)


@bp.get("/sign-in/sso/callback")
def callback():
    if sso() is None:
        abort(404)
    bound = session.pop(BOUND, None)
    address = request.remote_addr or ""
    if request.args.get("error"):
        audit.record(_instance(), audit.SSO_REFUSED, None, address)
        return _refused(
            "Not signed in",
            "Your organisation's sign-in did not sign you in. Try again.",
            f"the provider answered error={request.args.get('error')[:100]}",
            401,
        )
    try:
        claims = provider().finish(
            _instance(),
            state=request.args.get("state", ""),
            code=request.args.get("code", ""),
            bound_state=bound,
            iss=request.args.get("iss"),
        )
        subject = sso().subject_of(claims)
    except oidc.SsoError as exc:
        audit.record(_instance(), audit.SSO_REFUSED, None, address)
        return _refused(
            "Not signed in",
            "This sign-in could not be accepted, so you are not signed in. Start "
            "again from the sign-in page.",
            exc.reason,
            401,
        )
    roles = sso().roles_for(claims)
    person = oidc.remember(_instance(), subject, claims, roles)
    if not roles:
        audit.record(_instance(), audit.NO_ROLE, person.account, address)
        return render_template("sso_no_role.html", title="No access to this workspace", name=person.name), 403
    sessions().end(session_token())  # a session this browser had before is not carried over
    token, ends = sessions().start(person.account)
    return signed_in(person.account, person.roles, token, ends)
