"""Single sign-on with OpenID Connect: the settings in the instance folder,
the provider's discovery document and keys, and the authorization code flow
with PKCE (S256), ``state`` and ``nonce``.

The protocol lives here, below the web edge (:mod:`handle_docs.web.sso` has
only the routes).  What is checked, and refused when it does not hold:

- the discovery document's ``issuer`` is the configured issuer, exactly (a
  multi-tenant address such as Entra's ``/common`` is refused in the
  settings: it names a per-tenant issuer, and accepting any would let every
  tenant's people in);
- ``state`` was made by this workspace for this browser, less than
  ``FLOW_MINUTES`` ago, and is used once (it is deleted as it is read);
- the ID token's signature verifies with a key from the provider's JWKS
  (kept in memory; fetched again once when a token names a key not in it);
  its ``iss`` is the issuer, its ``aud`` the client id (``azp`` too when there
  are several audiences), its ``nonce`` the flow's, and ``exp`` / ``iat``
  within ``LEEWAY`` seconds of now.

A person signed in this way is ``sso:<sub>``; their name, e-mail and the
handle-docs roles their token's roles claim maps to are kept in the instance
database at each sign-in (:func:`remember`), so a role taken away at the
provider is gone at their next sign-in, and a sign-in that maps to no role
ends every session they still have.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from pydantic import Field, field_validator, model_validator

from handle_docs.identity import sessions
from handle_docs.identity.accounts import STAFF_ROLES
from handle_docs.identity.public_url import LOOPBACK_NAMES
from handle_docs.models import Problem
from handle_docs.util import instance_db
from handle_docs.wording.content import validate_model
from handle_docs.wording.schema import Strict
from handle_docs.wording.yamlfile import load_yaml

SSO_FILE = "sso.yaml"
CALLBACK_PATH = "/sign-in/sso/callback"
PREFIX = "sso:"  # an SSO person's account id: sso:<sub> (':' is never in a local account or reviewer id)
ADMIN = "admin"
FLOW_MINUTES = 10  # a sign-in started longer ago than this is refused at the callback
LEEWAY = 60  # seconds of clock difference allowed for exp / iat
TIMEOUT = 10  # seconds for each request to the provider
REFETCH = 60  # seconds: the provider's keys are fetched again at most this often
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
#: Issuers that stand for many tenants: the settings must name one tenant's issuer.
MULTI_TENANT = re.compile(r"/(common|organizations|consumers)(/|$)|\{tenantid\}", re.IGNORECASE)


class SsoError(Exception):
    """A sign-in that cannot go on. ``reason`` is for the Technical details (never personal data)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- settings -----------------------------------------------------------------------------------------------


class SsoSettings(Strict):
    """``instance/sso.yaml``."""

    issuer: str = Field(description="the tenant's issuer, exactly as its discovery document names it")
    client_id: str = Field(min_length=1, max_length=256)
    client_secret_file: Path | None = None
    client_secret_env: str | None = None
    roles_claim: str = Field(default="roles", min_length=1, max_length=128)
    #: The claim naming the person, which a reviewer's registry entry gives as ``subject``: ``sub`` (default), or
    #: Entra's ``oid`` (the object id the admin centre shows; the same for every application of the tenant).
    subject_claim: str = Field(default="sub", min_length=1, max_length=128)
    roles: dict[str, list[str]] = Field(min_length=1, description="a roles-claim value → handle-docs roles")
    local_accounts: bool = True
    button: str = Field(default="Sign in with your organisation's account", min_length=1, max_length=80)

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("the issuer is an address starting https://")
        if parts.scheme == "http" and parts.hostname not in LOOPBACK_NAMES:
            raise ValueError(
                "the issuer must start https:// (plain http only for a provider on this computer)"
            )
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError("the issuer may not have a query, a '#' part, a user name or a password")
        if MULTI_TENANT.search(parts.path):
            raise ValueError(
                "this issuer stands for many tenants: give your tenant's own issuer, e.g. "
                "https://login.microsoftonline.com/<tenant id>/v2.0"
            )
        return value

    @field_validator("client_secret_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
            raise ValueError(
                "give the name of an environment variable (letters, digits and '_'), not the secret"
            )
        return value

    @field_validator("roles", mode="before")
    @classmethod
    def _listed(cls, value: object) -> object:
        if isinstance(value, dict):  # one role may be given without a list
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _one_secret(self) -> SsoSettings:
        if (self.client_secret_file is None) == (self.client_secret_env is None):
            raise ValueError(
                "give exactly one of client_secret_file (a file holding the secret) or "
                "client_secret_env (the environment variable holding it)"
            )
        return self


@dataclass(frozen=True)
class Sso:
    """Checked settings, with the client secret read and the redirect address made."""

    settings: SsoSettings
    client_secret: str = field(repr=False)  # never in a log line or traceback's repr
    redirect_uri: str = ""
    source: str = ""  # the settings file, for messages

    @property
    def issuer(self) -> str:
        return self.settings.issuer

    def subject_of(self, claims: dict) -> str:
        """The person's subject: the settings' subject claim of a checked ID token (SsoError without one)."""
        value = claims.get(self.settings.subject_claim)
        if (
            not isinstance(value, str)
            or not value
            or len(value) > 255
            or not value.isprintable()
            or " " in value
        ):
            raise SsoError(f"the ID token has no usable {self.settings.subject_claim}")
        return value

    def roles_for(self, claims: dict) -> list[str]:
        """The handle-docs roles the ID token's roles claim maps to (in the map's order, each once)."""
        value = claims.get(self.settings.roles_claim)
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        found: list[str] = []
        for provider_role, roles in self.settings.roles.items():
            if provider_role in values:
                found += [r for r in roles if r not in found]
        return found


def settings_path(instance: Path) -> Path:
    return Path(instance) / SSO_FILE


def known_roles(reviewer_roles: list[str]) -> list[str]:
    """The handle-docs roles a provider's role may map to."""
    return list(dict.fromkeys([*STAFF_ROLES, *reviewer_roles, ADMIN]))


def load_settings(
    instance: Path, *, content: Path, public_url: str | None, reviewer_roles: list[str]
) -> tuple[Sso | None, list[Problem]]:
    """The single sign-on settings of ``instance`` (None, no problems: single sign-on is off), or the problems
    (file:line:key) that stop them. ``public_url``: where people open the workspace (the redirect address is made
    from it); ``content``: the content folder, where no secret may be kept."""
    path = settings_path(instance)
    if not path.exists():
        return None, []
    doc = load_yaml(path, display_name=str(path))
    problems: list[Problem] = []
    settings = validate_model(doc, SsoSettings, problems)
    if settings is None:
        return None, problems
    allowed = known_roles(reviewer_roles)
    for provider_role, roles in settings.roles.items():
        for role in roles:
            if role not in allowed:
                problems.append(
                    doc.problem(
                        f"roles.{provider_role}", f"unknown role {role!r} (known: {', '.join(allowed)})"
                    )
                )
    secret = _secret(settings, doc, Path(content), problems)
    if public_url is None:
        problems.append(
            Problem(
                "single sign-on needs serve --public-url: the address people open, from which the "
                "redirect address registered at the provider is made",
                str(path),
                doc.line_of(""),
            )
        )
    if problems or public_url is None:
        return None, problems
    return Sso(settings, secret, public_url + CALLBACK_PATH, str(path)), []


def _secret(settings: SsoSettings, doc, content: Path, problems: list[Problem]) -> str:
    if settings.client_secret_env is not None:
        value = os.environ.get(settings.client_secret_env, "").strip()
        if not value:
            problems.append(
                doc.problem(
                    "client_secret_env", f"the environment variable {settings.client_secret_env} is not set"
                )
            )
        return value
    file = settings.client_secret_file
    assert file is not None  # SsoSettings asks for the secret's variable or its file
    if not file.is_absolute():
        file = Path(doc.path).parent / file
    file = Path(os.path.abspath(file))
    content = Path(os.path.abspath(content))
    if file == content or content in file.parents or content.resolve() in file.resolve().parents:
        problems.append(
            doc.problem(
                "client_secret_file",
                "the client secret may not be kept in the content folder (it is shared in git)",
            )
        )
        return ""
    try:
        value = file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        problems.append(doc.problem("client_secret_file", f"cannot be read ({exc.strerror or exc})"))
        return ""
    if not value:
        problems.append(doc.problem("client_secret_file", "the file is empty"))
    return value


# --- the provider: discovery and keys -----------------------------------------------------------------------


@dataclass
class Provider:
    """The provider of one issuer: its discovery document and keys, fetched when first needed and kept in memory."""

    sso: Sso
    _meta: dict | None = None
    _keys: KeySet | None = None
    _keys_at: float = 0.0  # time.monotonic() of the last fetch
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _session(self, **kwargs) -> OAuth2Session:
        return OAuth2Session(
            self.sso.settings.client_id,
            self.sso.client_secret,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic",
            **kwargs,
        )

    def _get(self, url: str) -> dict:
        try:
            with self._session() as http:
                response = http.get(url, timeout=TIMEOUT, allow_redirects=False, withhold_token=True)
            response.raise_for_status()
            data = response.json()
        except (requests.RequestException, AuthlibBaseError, ValueError) as exc:
            raise SsoError(f"{url}: {type(exc).__name__}: {exc}") from None
        if not isinstance(data, dict):
            raise SsoError(f"{url}: not a JSON object")
        return data

    def metadata(self) -> dict:
        with self._lock:
            if self._meta is None:
                url = self.sso.issuer.rstrip("/") + "/.well-known/openid-configuration"
                meta = self._get(url)
                if meta.get("issuer") != self.sso.issuer:
                    raise SsoError(
                        f"the discovery document names the issuer {meta.get('issuer')!r}, not the "
                        f"configured {self.sso.issuer!r}: refused"
                    )
                for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                    endpoint = meta.get(name)
                    if not isinstance(endpoint, str) or not _safe_url(endpoint, self.sso.issuer):
                        raise SsoError(f"the discovery document's {name} is missing or not https")
                self._meta = meta
            return self._meta

    def keys(self, *, fresh: bool = False) -> KeySet:
        """The provider's keys; ``fresh``: fetched again (a token named a key not in them), at most once a
        ``REFETCH`` seconds, so tokens naming made-up keys cannot make the server fetch them at will."""
        meta = self.metadata()
        with self._lock:
            if self._keys is None or (fresh and time.monotonic() - self._keys_at >= REFETCH):
                try:
                    # the provider's document as it sent it: import_key_set checks it (the errors below)
                    self._keys = KeySet.import_key_set(self._get(meta["jwks_uri"]))  # type: ignore[arg-type]
                except (JoseError, ValueError, KeyError, TypeError) as exc:
                    raise SsoError(f"the provider's keys cannot be read: {exc}") from None
                self._keys_at = time.monotonic()
            return self._keys

    # --- the flow ---

    def start(self, instance: Path) -> tuple[str, str]:
        """A new sign-in: (the provider's address to send the browser to, the state to bind to this browser)."""
        state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
        meta = self.metadata()
        with self._session(redirect_uri=self.sso.redirect_uri, scope="openid profile email") as client:
            url, _ = client.create_authorization_url(
                meta["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
            )
        if f"code_challenge={create_s256_code_challenge(verifier)}" not in url:  # PKCE S256, never plain
            raise SsoError("the sign-in address has no S256 code challenge")
        Flows(instance).add(state, nonce, verifier)
        return url, state

    def finish(
        self,
        instance: Path,
        *,
        state: str,
        code: str,
        bound_state: str | None,
        iss: str | None = None,
        now: Callable[[], float] = time.time,
    ) -> dict:
        """The callback: the ID token's claims, every check passed; else SsoError. ``iss``: the authorization
        response's issuer (RFC 9207), when the provider sends one."""
        flow = Flows(instance).take(state, now=now())  # single use: gone whatever happens next
        if flow is None:
            raise SsoError(f"the state is unknown, was used already or is older than {FLOW_MINUTES} minutes")
        if not bound_state or not _same(bound_state, state):
            raise SsoError("the state was not started in this browser")
        if iss is not None and iss != self.sso.issuer:
            raise SsoError(f"the answer came from the issuer {iss[:200]!r}, not {self.sso.issuer!r}")
        if not code:
            raise SsoError("the provider sent no code")
        meta = self.metadata()
        try:
            with self._session(redirect_uri=self.sso.redirect_uri) as client:
                token = client.fetch_token(
                    meta["token_endpoint"],
                    code=code,
                    code_verifier=flow.verifier,
                    grant_type="authorization_code",
                    timeout=TIMEOUT,
                )
        except (requests.RequestException, AuthlibBaseError, ValueError) as exc:
            raise SsoError(f"the code could not be exchanged: {type(exc).__name__}: {exc}") from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise SsoError("the provider sent no ID token")
        return self.verify(id_token, nonce=flow.nonce, now=now())

    def verify(self, id_token: str, *, nonce: str, now: float) -> dict:
        """The ID token's claims when its signature, issuer, audience, nonce and times are right."""
        try:
            try:
                decoded = _decode(id_token, self.keys())
            except InvalidKeyIdError:  # the provider may have rolled its keys: fetch them once more
                decoded = _decode(id_token, self.keys(fresh=True))
        except (JoseError, ValueError) as exc:
            raise SsoError(f"the ID token is refused: {type(exc).__name__}: {exc}") from None
        claims = dict(decoded.claims)
        check_claims(
            claims, issuer=self.sso.issuer, client_id=self.sso.settings.client_id, nonce=nonce, now=now
        )
        return claims


def _same(a: str, b: str) -> bool:
    """Whether two texts are equal, compared in constant time (any characters)."""
    return secrets.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def _decode(id_token: str, keys: KeySet):
    return jwt.decode(id_token, keys, algorithms=ALGORITHMS)


def _safe_url(url: str, issuer: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and urlsplit(issuer).scheme == "http" and parts.hostname in LOOPBACK_NAMES


def check_claims(claims: dict, *, issuer: str, client_id: str, nonce: str, now: float) -> None:
    """Refuse (SsoError) an ID token's claims from another issuer, for another client, for another sign-in, expired
    or issued in the future."""
    if claims.get("iss") != issuer:
        raise SsoError(f"the ID token's issuer {claims.get('iss')!r} is not {issuer!r}")
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience if isinstance(audience, list) else []
    if client_id not in audiences:
        raise SsoError("the ID token is for another client (aud)")
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise SsoError("the ID token has several audiences and its azp is not this client")
    if not isinstance(claims.get("nonce"), str) or not _same(claims["nonce"], nonce):
        raise SsoError("the ID token's nonce is not this sign-in's")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, (int, float)) or not isinstance(iat, (int, float)):
        raise SsoError("the ID token has no exp or iat")
    if now > exp + LEEWAY:
        raise SsoError("the ID token has expired")
    if iat > now + LEEWAY:
        raise SsoError("the ID token was issued in the future")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 255 or not sub.isprintable():
        raise SsoError("the ID token has no usable sub")


# --- flows in progress: state, nonce, PKCE verifier, single use ---------------------------------------------

FLOW_TABLES = """
CREATE TABLE IF NOT EXISTS sso_flows (
    state_hash TEXT PRIMARY KEY,  -- sha256 of the state sent to the provider
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,       -- the PKCE code verifier
    created REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Flow:
    nonce: str
    verifier: str


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Flows:
    instance: Path

    def add(self, state: str, nonce: str, verifier: str, *, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with instance_db.opened(self.instance) as conn:
            instance_db.ensure(conn, "identity.oidc.flows", FLOW_TABLES)
            with instance_db.immediate(conn):
                conn.execute("DELETE FROM sso_flows WHERE created < ?", (now - FLOW_MINUTES * 60,))
                conn.execute(
                    "INSERT INTO sso_flows (state_hash, nonce, verifier, created) VALUES (?, ?, ?, ?)",
                    (_hash(state), nonce, verifier, now),
                )

    def take(self, state: str, *, now: float) -> Flow | None:
        """The flow of ``state``, deleted as it is read (a second callback with it finds nothing)."""
        if not state or len(state) > 256:
            return None
        with instance_db.opened(self.instance) as conn:
            instance_db.ensure(conn, "identity.oidc.flows", FLOW_TABLES)
            with instance_db.immediate(conn):
                row = conn.execute(
                    "DELETE FROM sso_flows WHERE state_hash = ? RETURNING nonce, verifier, created",
                    (_hash(state),),
                ).fetchone()
        if row is None or row["created"] < now - FLOW_MINUTES * 60:
            return None
        return Flow(row["nonce"], row["verifier"])


# --- people signed in by the provider -----------------------------------------------------------------------

PEOPLE_TABLES = """
CREATE TABLE IF NOT EXISTS sso_people (
    account TEXT PRIMARY KEY,     -- sso:<sub>
    name TEXT,
    email TEXT,
    roles TEXT NOT NULL,          -- JSON list of handle-docs roles, from the last sign-in
    last_signin REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Person:
    account: str  # sso:<sub>
    name: str | None
    email: str | None
    roles: tuple[str, ...]
    last_signin: float

    @property
    def subject(self) -> str:
        return self.account[len(PREFIX) :]


def account_id(sub: str) -> str:
    return PREFIX + sub


def is_sso_account(account: str | None) -> TypeGuard[str]:
    return account is not None and account.startswith(PREFIX)


def _text(value: Any, limit: int = 200) -> str | None:
    return " ".join(value.split())[:limit] if isinstance(value, str) and value.strip() else None


def remember(
    instance: Path, subject: str, claims: dict, roles: list[str], *, now: float | None = None
) -> Person:
    """Keep who signed in (``subject``: :meth:`Sso.subject_of`) and the roles their token gave now (replacing the
    last sign-in's). With no role, every session they still have ends."""
    now = time.time() if now is None else now
    person = Person(
        account_id(subject), _text(claims.get("name")), _text(claims.get("email")), tuple(roles), now
    )
    with instance_db.opened(instance) as conn:
        instance_db.ensure(conn, "identity.oidc.people", PEOPLE_TABLES)
        conn.execute(
            "INSERT INTO sso_people (account, name, email, roles, last_signin) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(account) DO UPDATE SET name = excluded.name, email = excluded.email, "
            "roles = excluded.roles, last_signin = excluded.last_signin",
            (person.account, person.name, person.email, json.dumps(list(roles)), now),
        )
    if not roles:
        sessions.end_for_account(instance, person.account)
    return person


def person(instance: Path, account: str) -> Person | None:
    """The person signed in by the provider as ``account`` (sso:<sub>), with the roles of their last sign-in."""
    with instance_db.opened(instance) as conn:
        instance_db.ensure(conn, "identity.oidc.people", PEOPLE_TABLES)
        row = conn.execute(
            "SELECT account, name, email, roles, last_signin FROM sso_people WHERE account = ?", (account,)
        ).fetchone()
    if row is None:
        return None
    return Person(
        row["account"], row["name"], row["email"], tuple(json.loads(row["roles"])), row["last_signin"]
    )


def people(instance: Path) -> list[Person]:
    """Everyone who has signed in by the provider (for the administration pages)."""
    with instance_db.opened(instance) as conn:
        instance_db.ensure(conn, "identity.oidc.people", PEOPLE_TABLES)
        rows = conn.execute(
            "SELECT account, name, email, roles, last_signin FROM sso_people ORDER BY account"
        )
        return [
            Person(r["account"], r["name"], r["email"], tuple(json.loads(r["roles"])), r["last_signin"])
            for r in rows.fetchall()
        ]
