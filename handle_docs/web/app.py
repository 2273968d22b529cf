"""The Flask app factory: folders, security settings, blueprints, error pages.

Security from the start: every POST carries a CSRF token (Flask-WTF, kept
in Flask's signed cookie, signed with a secret kept in the instance folder,
0600); who is signed in is kept on the server (the session cookie holds only
a random id); both cookies are HttpOnly, SameSite=Lax, and Secure with an
``__Host-`` name when the public address is https; every response has a
Content-Security-Policy without inline script or style; request bodies are limited; material ids in
URLs are looked up in the loaded content, never joined into paths.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect

from handle_docs.identity.accounts import AccountsCache
from handle_docs.identity.oidc import Provider, Sso
from handle_docs.identity.public_url import is_https
from handle_docs.identity.sessions import DEFAULT_HOURS, DEFAULT_IDLE_MINUTES, Lifetimes, Sessions
from handle_docs.identity.throttle import Throttle
from handle_docs.review import review_dir_for
from handle_docs.services.previews import Previewer
from handle_docs.util import atomic
from handle_docs.util.paths import absolute
from handle_docs.web import (
    admin,
    crimes,
    editor,
    health,
    history,
    impact,
    limits,
    materials,
    preview,
    request_log,
    review,
    runs,
    signin,
    sso,
    where_next,
)
from handle_docs.web.identity import current_actor
from handle_docs.web.signin import require_session
from handle_docs.web.state import ContentCache, StatusCache
from handle_docs.web.workspace_key import KEY_FILE, ensure_key

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

SECRET_FILE = "secret_key"


@dataclass(frozen=True)
class Settings:
    """The folders a workspace works on, made absolute when the settings are made: a relative folder would
    otherwise be read against whatever folder a library resolves it in (Flask's ``send_file`` uses the
    package's own)."""

    content: Path = Path("content")
    templates: Path | None = None  # default: 'templates' beside the content folder
    review: Path | None = None  # default: 'review' beside the content folder
    instance: Path = Path("instance")  # secrets and caches; not in git, 0700
    preview_wait: float = 5.0  # seconds a preview request waits before the page polls
    key: Path | None = None  # the workspace's SSH key; default: instance/workspace_key, made on first start
    trusted_header: str | None = None  # a reverse proxy's header naming the signed-in account (off: None)
    trusted_proxies: tuple[
        str, ...
    ] = ()  # reverse proxies whose X-Forwarded-For (and trusted_header) is believed
    public_url: str | None = None  # the address people open (serve --public-url); https: Secure cookies
    session_hours: float = DEFAULT_HOURS  # a session ends this long after sign-in, however busy
    idle_minutes: float = DEFAULT_IDLE_MINUTES  # ... or after this long without a request
    sso: Sso | None = None  # single sign-on (instance/sso.yaml, read by serve); None: off
    crimes: Path | None = None  # police.uk crime data read from this folder (serve --crimes); None: uploaded

    def __post_init__(self) -> None:
        for name in ("content", "templates", "review", "instance", "key", "crimes"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, absolute(getattr(self, name)))

    @property
    def key_path(self) -> Path:
        return Path(self.key) if self.key is not None else Path(self.instance) / KEY_FILE

    @property
    def templates_dir(self) -> Path:
        return Path(self.templates) if self.templates is not None else Path(self.content).parent / "templates"

    @property
    def review_dir(self) -> Path:
        return Path(self.review) if self.review is not None else review_dir_for(Path(self.content))


def instance_folder(path: Path) -> Path:
    """The instance folder, created private (0700)."""
    return atomic.private_dir(Path(path))


def secret_key(instance: Path) -> bytes:
    """The session-signing secret, made once and kept 0600 in the instance folder."""
    path = Path(instance) / SECRET_FILE
    if not path.is_file():
        atomic.write_text(path, secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip().encode("ascii")


def _security_headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def cookie_config(settings: Settings) -> dict:
    """The cookies' settings: Flask's own (the CSRF token and the next page's
    notice, never who is signed in) and the session id's."""
    secure = is_https(settings.public_url)
    prefix = "__Host-" if secure else ""  # the browser then insists on Secure, Path=/ and no Domain
    return {
        "SESSION_COOKIE_NAME": f"{prefix}handle_docs_csrf",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_PATH": "/",
        "HANDLE_DOCS_SESSION_COOKIE": f"{prefix}handle_docs_session",
        # Flask-WTF's extra check on https requests wants a same-host Referer, which these pages never send
        # (Referrer-Policy: no-referrer): behind an https proxy every form would fail. The token, its cookie
        # (__Host- on https, so no other host can plant one) and SameSite=Lax stay.
        "WTF_CSRF_SSL_STRICT": False,
    }


def create_app(settings: Settings) -> Flask:
    instance = instance_folder(settings.instance)
    app = Flask(__name__, instance_path=str(instance.resolve()), instance_relative_config=False)
    app.config.update(
        SECRET_KEY=secret_key(instance),
        **cookie_config(settings),
        MAX_CONTENT_LENGTH=limits.MAX_BODY,
        WTF_CSRF_TIME_LIMIT=int(settings.session_hours * 3600),  # a form lasts as long as a session
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.jinja_env.autoescape = True
    request_log.setup(app)  # one log line per request (no query string, form value or address)
    app.before_request(limits.apply)  # first: CSRFProtect's before-request reads the body
    CSRFProtect(app)
    app.extensions["handle_docs"] = {
        "settings": settings,
        "content": ContentCache(settings.content, settings.templates_dir),
        "previewer": Previewer(instance / "cache" / "preview"),
        "statuses": StatusCache(settings.review_dir),
        "accounts": AccountsCache(instance),
        "sessions": Sessions(instance, Lifetimes(settings.session_hours, settings.idle_minutes)),
        "throttle": Throttle(instance),
        "key": ensure_key(settings.key_path),
        "sso_provider": Provider(settings.sso) if settings.sso is not None else None,
    }
    app.before_request(require_session)

    @app.context_processor
    def _actor():
        return {"actor": current_actor()}

    app.after_request(_security_headers)

    @app.errorhandler(404)
    def _not_found(_exc):
        return render_template(
            "error.html", title="Not found", message="There is no such page or material."
        ), 404

    @app.errorhandler(413)
    def _too_large(_exc):
        return limits.too_large()

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return render_template(
            "error.html",
            title="Page expired",
            message="The form was too old or not sent from this workspace, so nothing was "
            "saved. Go back, reload the page and try again.",
        ), 403

    @app.get("/favicon.ico", endpoint="favicon")
    def _favicon():  # browsers ask for it whatever the page says
        return app.send_static_file("favicon.svg")

    app.register_blueprint(materials.bp)
    app.register_blueprint(editor.bp)
    app.register_blueprint(preview.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(signin.bp)
    app.register_blueprint(sso.bp)
    app.register_blueprint(runs.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(history.bp)
    app.register_blueprint(crimes.bp)
    app.register_blueprint(impact.bp)
    app.register_blueprint(where_next.bp)
    runs.setup(app, instance)
    history.setup(app, Path(settings.content))
    return app
