"""Single sign-on refusals driven at the callback (the happy path and the role change go through a real
provider in a browser: test_sso_browser.py).  Here the test is the provider: it serves a discovery document, a
JWKS with its own key and a token endpoint on 127.0.0.1, and signs each ID token itself, so one claim can be
wrong at a time: another issuer, another audience, expired, another nonce, a key not in the JWKS; a state used
twice or sent from another browser; a discovery document naming another issuer. Also: the settings' problems
carry file:line: key, a multi-tenant issuer and a secret in the content folder are refused, a token granting no
mapped role gives a page saying so and no session, local accounts can be switched off, and a registry entry's
subject is inside the registry's fingerprint without changing the fingerprint of entries that have none."""

from __future__ import annotations

import base64
import functools
import html
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from handle_docs.identity import audit, oidc
from handle_docs.identity.sessions import Sessions
from handle_docs.review import registry as registry_lib
from handle_docs.wording.yamlfile import parse_yaml

from .signing import approve_registry
from .test_web_review import MID, decide, edit_then_fail_to_approve, status
from .webaccounts import PASSWORD, REVIEWER_ROLES, add, csrf, running, sign_in, text

CLIENT = "handle-docs-test"
SECRET = "a test client secret"


@functools.cache
def provider_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "test-key"})


class FakeProvider:
    """Discovery, JWKS and a token endpoint answering with the ID token the test chose."""

    def __init__(self):
        self.key = provider_key()
        self.claims_override: dict = {}
        self.sign_with = self.key
        self.discovery_issuer: str | None = None
        self.last_auth: dict = {}
        self.token_requests: list[dict] = []
        self.jwks_fetches = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, data, status=200):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    return self._json(
                        {
                            "issuer": provider.discovery_issuer or provider.issuer,
                            "authorization_endpoint": provider.issuer + "/auth",
                            "token_endpoint": provider.issuer + "/token",
                            "jwks_uri": provider.issuer + "/jwks",
                        }
                    )
                if self.path == "/jwks":
                    provider.jwks_fetches += 1
                    return self._json({"keys": [provider.key.as_dict(private=False)]})
                self._json({}, 404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                basic = base64.b64decode(self.headers.get("Authorization", "Basic ").split()[1]).decode()
                provider.token_requests.append({**form, "basic": basic})
                if basic != f"{CLIENT}:{SECRET}":
                    return self._json({"error": "invalid_client"}, 401)
                now = int(time.time())
                claims = {
                    "iss": provider.issuer,
                    "aud": CLIENT,
                    "sub": "sub-ada",
                    "name": "Ada Officer",
                    "email": "ada@example.test",
                    "roles": ["HD.Officer"],
                    "iat": now,
                    "exp": now + 300,
                    "nonce": provider.last_auth.get("nonce"),
                }
                claims.update(provider.claims_override)
                claims = {k: v for k, v in claims.items() if v is not None}
                kid = provider.sign_with.kid or "test-key"
                token = jwt.encode({"alg": "RS256", "kid": kid}, claims, provider.sign_with)
                self._json(
                    {"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": token}
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider():
    found = FakeProvider()
    yield found
    found.close()


def write_settings(instance: Path, issuer: str, secret_file: Path, **extra) -> None:
    instance.mkdir(parents=True, exist_ok=True)
    if not secret_file.exists():
        secret_file.write_text(SECRET + "\n", encoding="utf-8")
    lines = [
        f"issuer: {issuer}",
        f"client_id: {CLIENT}",
        f"client_secret_file: {secret_file}",
        "roles:",
        "  HD.Officer: officer",
        "  HD.Editor: [editor]",
        "  HD.CommsLead: comms-lead",
    ]
    lines += [f"{k}: {json.dumps(v)}" for k, v in extra.items()]
    (instance / "sso.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def load(instance: Path, content: Path, public_url: str | None = "http://127.0.0.1:8000"):
    return oidc.load_settings(instance, content=content, public_url=public_url, reviewer_roles=REVIEWER_ROLES)


@pytest.fixture
def workspace(content_copy, tmp_path, provider):
    instance = tmp_path / "instance"
    write_settings(instance, provider.issuer, tmp_path / "client-secret")
    sso, problems = load(instance, content_copy)
    assert problems == [] and sso.redirect_uri == "http://127.0.0.1:8000/sign-in/sso/callback"
    with running(content_copy, instance, sso=sso, public_url="http://127.0.0.1:8000") as app:
        yield app, instance


def begin(client, provider) -> str:
    """Press the button: the state of the sign-in the browser was sent off with."""
    response = client.get("/sign-in/sso")
    assert response.status_code == 303
    sent = urlsplit(response.headers["Location"])
    query = {k: v[0] for k, v in parse_qs(sent.query).items()}
    assert f"{sent.scheme}://{sent.netloc}{sent.path}" == provider.issuer + "/auth"
    assert query["code_challenge_method"] == "S256" and query["code_challenge"]
    assert query["response_type"] == "code" and query["client_id"] == CLIENT and "openid" in query["scope"]
    assert query["redirect_uri"] == "http://127.0.0.1:8000/sign-in/sso/callback"
    provider.last_auth = query
    return query["state"]


def back(client, state: str, code: str = "a-code", **extra):
    return client.get("/sign-in/sso/callback", query_string={"code": code, "state": state, **extra})


def signed_in_as(client) -> str:
    """The page a signed-in person lands on (its header says who is signed in)."""
    return text(client.get("/", follow_redirects=True))


EDITOR_PAGE = "/materials/visit-letter/edit"


def test_a_good_token_signs_in_with_the_mapped_role_and_the_verifier_went_to_the_token_endpoint(
    workspace, provider
):
    app, instance = workspace
    client = app.test_client()
    assert client.get("/").status_code == 303  # sign in first
    page = text(client.get("/sign-in"))
    assert 'id="sign-in-sso"' in page and 'id="password"' in page
    state = begin(client, provider)
    response = back(client, state)
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/runs/"
    )  # an officer's work
    assert "Signed in as Ada Officer" in signed_in_as(client)
    assert client.get(EDITOR_PAGE).status_code == 403  # an officer, and nothing else
    sent = provider.token_requests[-1]
    assert (
        sent["grant_type"] == "authorization_code"
        and sent["code"] == "a-code"
        and len(sent["code_verifier"]) >= 43
    )
    person = oidc.person(instance, "sso:sub-ada")
    assert person.roles == ("officer",) and person.email == "ada@example.test"
    assert [(e.event, e.account, e.address) for e in audit.entries(instance)] == [
        (audit.SIGNED_IN, "sso:sub-ada", "127.0.0.1")
    ]


@pytest.mark.parametrize(
    "override, reason",
    [
        ({"iss": "http://127.0.0.1:1/other-tenant"}, "issuer"),
        ({"aud": "another-client"}, "another client"),
        ({"aud": [CLIENT, "another-client"]}, "azp"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "expired"),
        ({"iat": int(time.time()) + 3600, "exp": int(time.time()) + 7200}, "future"),
        ({"nonce": "another sign-in's nonce"}, "nonce"),
        ({"sub": None}, "sub"),
    ],
)
def test_a_token_with_one_wrong_claim_is_refused_and_no_session_starts(workspace, provider, override, reason):
    app, instance = workspace
    client = app.test_client()
    provider.claims_override = override
    state = begin(client, provider)
    response = back(client, state)
    assert response.status_code == 401
    page = text(response)
    assert "Not signed in" in page and "could not be accepted" in page
    technical = page.split('<details class="details technical">', 1)[1]
    assert reason in technical
    assert "handle_docs_session" not in " ".join(response.headers.getlist("Set-Cookie"))
    assert client.get("/").status_code == 303
    assert oidc.person(instance, "sso:sub-ada") is None
    assert [(e.event, e.account) for e in audit.entries(instance)] == [(audit.SSO_REFUSED, None)]


def test_a_token_signed_with_a_key_not_in_the_providers_jwks_is_refused(workspace, provider):
    app, _ = workspace
    client = app.test_client()
    provider.sign_with = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
    response = back(client, begin(client, provider))
    assert response.status_code == 401 and "BadSignature" in text(response)
    assert client.get("/").status_code == 303


def test_a_state_is_used_once_and_only_in_the_browser_that_started_it(workspace, provider):
    app, _ = workspace
    client = app.test_client()
    state = begin(client, provider)
    assert back(client, state).status_code == 303
    client.post("/sign-out", data={"csrf_token": csrf(client, "/runs/")})
    assert client.get("/").status_code == 303
    replayed = back(client, state)
    assert replayed.status_code == 401 and "used already" in text(replayed)
    assert client.get("/").status_code == 303

    other = app.test_client()  # a state started in one browser, brought to another (login CSRF)
    state = begin(client, provider)
    response = back(other, state)
    assert response.status_code == 401 and "not started in this browser" in text(response)
    assert back(client, state).status_code == 401  # and it is spent


def test_a_sign_in_older_than_the_flow_limit_is_refused(workspace, provider):
    app, instance = workspace
    client = app.test_client()
    state = begin(client, provider)
    with app.app_context():
        flow = oidc.Flows(instance).take(state, now=time.time() + oidc.FLOW_MINUTES * 60 + 1)
    assert flow is None


def test_a_discovery_document_naming_another_issuer_is_refused(workspace, provider):
    app, _ = workspace
    provider.discovery_issuer = "https://login.microsoftonline.com/another-tenant/v2.0"
    response = app.test_client().get("/sign-in/sso")
    assert response.status_code == 502
    page = text(response)
    assert (
        "could not be reached" in page
        and "another-tenant" in page.split('<details class="details technical">', 1)[1]
    )


def test_no_mapped_role_gives_a_page_saying_so_and_no_session(workspace, provider):
    app, instance = workspace
    client = app.test_client()
    provider.claims_override = {"roles": ["Some.Other.App"]}
    response = back(client, begin(client, provider))
    assert response.status_code == 403
    page = text(response)
    assert "does not give you access to this workspace" in page and "Ada Officer" in page
    # the workspace by the name its people know
    assert "a role for the\nletters workspace" in page and "handle-docs" not in page
    assert "handle_docs_session" not in " ".join(response.headers.getlist("Set-Cookie"))
    assert client.get("/").status_code == 303
    assert [(e.event, e.account) for e in audit.entries(instance)] == [(audit.NO_ROLE, "sso:sub-ada")]


def test_a_role_taken_away_counts_at_the_next_sign_in_and_no_role_ends_the_sessions(workspace, provider):
    app, _instance = workspace
    first, second = app.test_client(), app.test_client()
    provider.claims_override = {"roles": ["HD.Officer", "HD.Editor"]}
    back(first, begin(first, provider))
    assert "Signed in as Ada Officer" in signed_in_as(first) and first.get(EDITOR_PAGE).status_code == 200
    provider.claims_override = {"roles": ["HD.Officer"]}
    back(second, begin(second, provider))
    assert "Signed in as Ada Officer" in signed_in_as(second) and second.get(EDITOR_PAGE).status_code == 403
    assert first.get(EDITOR_PAGE).status_code == 403  # the same person: the roles of today
    provider.claims_override = {"roles": []}
    assert back(second, begin(second, provider)).status_code == 403
    assert first.get("/").status_code == 303  # every session of theirs ended


def test_sso_sessions_end_at_the_hard_lifetime(workspace, provider):
    app, instance = workspace
    client = app.test_client()
    back(client, begin(client, provider))
    token = next(c for c in client._cookies.values() if c.key.endswith("handle_docs_session")).value
    later = Sessions(
        instance,
        app.extensions["handle_docs"]["sessions"].lifetimes,
        clock=lambda: time.time() + 8 * 3600 + 1,
    )
    assert later.account_of(token) is None


def test_local_accounts_can_be_switched_off(content_copy, tmp_path, provider):
    instance = tmp_path / "instance"
    add(instance, "dana", "editor")
    write_settings(instance, provider.issuer, tmp_path / "client-secret", local_accounts=False)
    sso, problems = load(instance, content_copy)
    assert problems == []
    with running(content_copy, instance, sso=sso, public_url="http://127.0.0.1:8000") as app:
        client = app.test_client()
        page = text(client.get("/sign-in"))
        assert 'id="sign-in-sso"' in page and 'id="password"' not in page
        app.config["WTF_CSRF_ENABLED"] = (
            False  # the page has no form, so no token: what a posted password gets
        )
        response = client.post("/sign-in", data={"account": "dana", "password": PASSWORD})
        assert response.status_code == 403 and "switched off" in text(response)
        assert client.get("/").status_code == 303
    with running(
        content_copy, instance, public_url="http://127.0.0.1:8000"
    ) as app:  # without sso.yaml: as before
        client = app.test_client()
        assert sign_in(client, "dana").status_code == 303


def test_settings_problems_name_file_line_and_key(content_copy, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "sso.yaml").write_text(
        "issuer: https://login.microsoftonline.com/common/v2.0\n"
        "client_id: x\n"
        "client_secret: written here\n"
        "roles:\n  HD.Boss: [chief]\n",
        encoding="utf-8",
    )
    sso, problems = load(instance, content_copy)
    shown = "\n".join(str(p) for p in problems)
    assert sso is None
    assert re.search(r"sso\.yaml:1: issuer: .*many tenants", shown), shown
    assert re.search(r"sso\.yaml:3: client_secret: .*unknown key", shown), shown

    (instance / "sso.yaml").write_text(
        "issuer: https://login.microsoftonline.com/0000-tenant/v2.0\n"
        "client_id: x\n"
        f"client_secret_file: {content_copy / 'secret'}\n"
        "roles:\n  HD.Boss: [chief]\n",
        encoding="utf-8",
    )
    (content_copy / "secret").write_text("s", encoding="utf-8")
    sso, problems = load(instance, content_copy)
    shown = "\n".join(str(p) for p in problems)
    assert re.search(r"sso\.yaml:5: roles\.HD\.Boss: error: unknown role 'chief'", shown), shown
    assert re.search(r"sso\.yaml:3: client_secret_file: .*content folder", shown), shown

    (instance / "sso.yaml").write_text(
        "issuer: http://idp.example.org/tenant\nclient_id: x\nclient_secret_env: HD_NOT_SET_ANYWHERE\n"
        "roles:\n  A: officer\n",
        encoding="utf-8",
    )
    sso, problems = load(instance, content_copy, public_url=None)
    shown = "\n".join(str(p) for p in problems)
    assert "sso.yaml:1: issuer: error: the issuer must start https://" in shown
    (instance / "sso.yaml").write_text(
        "issuer: https://idp.example.org/tenant\nclient_id: x\nclient_secret_env: HD_NOT_SET_ANYWHERE\n"
        "roles:\n  A: officer\n",
        encoding="utf-8",
    )
    sso, problems = load(instance, content_copy, public_url=None)
    shown = "\n".join(str(p) for p in problems)
    assert (
        "sso.yaml:3: client_secret_env: error: the environment variable HD_NOT_SET_ANYWHERE is not set"
        in shown
    )
    assert "--public-url" in shown


def test_serve_refuses_to_start_on_broken_settings_saying_where(content_copy, tmp_path):
    from click.testing import CliRunner

    from handle_docs.cli import cli as main

    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "sso.yaml").write_text(
        "issuer: https://idp.example.org/t\nclient_id: x\n"
        "client_secret_env: HD_NOT_SET_ANYWHERE\nroles:\n  A: officer\n"
    )
    result = CliRunner().invoke(
        main,
        [
            "serve",
            "--content",
            str(content_copy),
            "--instance",
            str(instance),
            "--public-url",
            "http://127.0.0.1:8000",
            "--port",
            "0",
        ],
    )
    assert result.exit_code == 2
    assert (
        "sso.yaml:3: client_secret_env: error: the environment variable HD_NOT_SET_ANYWHERE is not set"
        in result.output
    )


def test_a_registry_subject_is_inside_the_fingerprint_and_absent_ones_change_nothing():
    base = (
        "reviewers:\n  ada:\n    name: Ada\n    roles: [comms-lead]\n    keys:\n"
        "    - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEyKL4WFa4XoWEd0O3YO3clWiQ/e1Q8c9yTTTXCn6+9o ada\n"
    )
    before, _ = registry_lib.check_registry(parse_yaml(base, "reviewers.yaml"))
    data = registry_lib.RegistryData.model_validate(
        {
            "reviewers": {
                "ada": {
                    "name": "Ada",
                    "roles": ["comms-lead"],
                    "keys": [before.data.reviewers["ada"].keys[0]],
                }
            }
        }
    )
    import hashlib

    from handle_docs.review.fingerprints import PREFIX, canonical_json

    old_recipe = (
        PREFIX
        + hashlib.sha256(
            canonical_json(
                {
                    "format": registry_lib.FORMAT,
                    "registry": {
                        "reviewers": {
                            "ada": {
                                "name": "Ada",
                                "roles": ["comms-lead"],
                                "keys": data.reviewers["ada"].keys,
                                "removed": None,
                                "demo_only": False,
                            }
                        },
                        "workspace_keys": {},
                    },
                }
            ).encode()
        ).hexdigest()
    )
    assert (
        before.fingerprint == old_recipe
    )  # registries approved before subjects existed keep their fingerprint
    with_subject, problems = registry_lib.check_registry(
        parse_yaml(base + "    subject: sub-ada\n", "reviewers.yaml")
    )
    assert problems == [] and with_subject.fingerprint != before.fingerprint
    assert (
        with_subject.reviewer_with_subject("sub-ada") == "ada"
        and with_subject.reviewer_with_subject("x") is None
    )
    other, _ = registry_lib.check_registry(parse_yaml(base + "    subject: sub-eve\n", "reviewers.yaml"))
    assert other.fingerprint != with_subject.fingerprint
    twice = (
        base + "    subject: sub-ada\n  bob:\n    name: Bob\n    roles: [comms-lead]\n    subject: sub-ada\n"
        "    keys:\n    - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJTYqCsQGSAf/ilx6JX5SO00KBsy8WE+mCNpbNZXRoNT bob\n"
    )
    _, problems = registry_lib.check_registry(parse_yaml(twice, "reviewers.yaml"))
    assert [p.key for p in problems] == ["reviewers.bob.subject"]


def test_the_subject_may_be_entras_object_id(content_copy, tmp_path, provider):
    instance = tmp_path / "instance"
    write_settings(instance, provider.issuer, tmp_path / "client-secret", subject_claim="oid")
    sso, problems = load(instance, content_copy)
    assert problems == []
    with running(content_copy, instance, sso=sso, public_url="http://127.0.0.1:8000") as app:
        client = app.test_client()
        provider.claims_override = {"oid": "0f1e2d3c-oid-of-ada"}
        assert back(client, begin(client, provider)).status_code == 303
        assert oidc.person(instance, "sso:0f1e2d3c-oid-of-ada").name == "Ada Officer"
        provider.claims_override = {}  # no oid in the token: refused, not the sub instead
        response = back(client, begin(client, provider))
        assert response.status_code == 401 and "no usable oid" in text(response)


def test_a_wrong_client_secret_is_refused_at_the_token_endpoint(content_copy, tmp_path, provider):
    instance = tmp_path / "instance"
    write_settings(instance, provider.issuer, tmp_path / "client-secret")
    (tmp_path / "client-secret").write_text("not the secret\n", encoding="utf-8")
    sso, _problems = load(instance, content_copy)
    with running(content_copy, instance, sso=sso, public_url="http://127.0.0.1:8000") as app:
        client = app.test_client()
        response = back(client, begin(client, provider))
        assert response.status_code == 401 and "could not be exchanged" in text(response)
        assert client.get("/").status_code == 303


def test_keys_rolled_by_the_provider_are_fetched_again_but_not_at_a_tokens_bidding(
    workspace, provider, monkeypatch
):
    app, _ = workspace
    client = app.test_client()
    assert back(client, begin(client, provider)).status_code == 303 and provider.jwks_fetches == 1
    rolled = RSAKey.generate_key(2048, parameters={"kid": "rolled-key"})
    provider.key = provider.sign_with = rolled  # the provider publishes a new key and signs with it
    monkeypatch.setattr(oidc, "REFETCH", 0)
    other = app.test_client()
    assert back(other, begin(other, provider)).status_code == 303 and provider.jwks_fetches == 2
    monkeypatch.setattr(oidc, "REFETCH", 60)
    provider.sign_with = RSAKey.generate_key(2048, parameters={"kid": "made-up"})  # a key nobody published
    third = app.test_client()
    response = back(third, begin(third, provider))
    assert response.status_code == 401 and "InvalidKeyId" in text(response)
    assert provider.jwks_fetches == 2  # not fetched again within REFETCH seconds


def name_subject(content: Path, reviewer: str, subject: str) -> None:
    """The registry entry of ``reviewer`` names their subject at the provider (a registry change to approve)."""
    path = content / "reviewers.yaml"
    changed, count = re.subn(
        rf"(\n  {reviewer}:\n    name: [^\n]+\n)",
        rf"\1    subject: {subject}\n",
        path.read_text(encoding="utf-8"),
    )
    assert count == 1
    path.write_text(changed, encoding="utf-8")


def test_a_reviewer_by_subject_who_edited_a_version_cannot_approve_it(
    content_copy, tmp_path, provider, monkeypatch
):
    monkeypatch.setenv("HANDLE_DOCS_TODAY", "2027-01-15")
    name_subject(content_copy, "priya-lang", "sub-priya")
    approve_registry(content_copy)
    instance = tmp_path / "instance"
    write_settings(instance, provider.issuer, tmp_path / "client-secret")
    sso, _ = load(instance, content_copy)
    with running(content_copy, instance, sso=sso, public_url="http://127.0.0.1:8000") as app:
        priya = app.test_client()
        provider.claims_override = {
            "sub": "sub-priya",
            "name": "P. Lang",
            "roles": ["HD.CommsLead", "HD.Editor"],
        }
        assert back(priya, begin(priya, provider)).status_code == 303
        edit_then_fail_to_approve(priya, content_copy)  # signed in by subject, she is still the editor

        other = app.test_client()  # the same role at the provider, another subject: not a reviewer at all
        provider.claims_override = {"sub": "sub-someone-else", "roles": ["HD.CommsLead"]}
        assert back(other, begin(other, provider)).status_code == 303
        assert "not named in the approved reviewer registry" in text(other.get(f"/materials/{MID}/review"))
        assert decide(other, "approved", "comms-lead").status_code == 403
        assert status(content_copy).tally.approvers == []


def test_reviewers_set_subject_names_the_subject_as_a_change_to_approve(content_copy, monkeypatch):
    from .test_reviewers_cli import registry, reviewers

    monkeypatch.setenv("HANDLE_DOCS_TODAY", "2027-01-15")
    before = registry_lib.load_registry(content_copy).registry.fingerprint
    done = reviewers(content_copy, "set-subject", "priya-lang", "7f3cK2x9-sub")
    assert done.exit_code == 0, done.output
    assert "priya-lang (Priya Lang) now has subject 7f3cK2x9-sub" in done.output
    assert "handle-docs review approve reviewers" in done.output  # counts only once approved
    assert registry(content_copy)["reviewers"]["priya-lang"]["subject"] == "7f3cK2x9-sub"
    assert registry_lib.load_registry(content_copy).registry.fingerprint != before
    listed = reviewers(content_copy, "list").output
    assert "sign-on subject 7f3cK2x9-sub (not approved yet)" in listed
    approve_registry(content_copy)
    assert "sign-on subject 7f3cK2x9-sub (not approved yet)" not in reviewers(content_copy, "list").output
    assert "sign-on subject 7f3cK2x9-sub" in reviewers(content_copy, "list").output
    taken = reviewers(content_copy, "set-subject", "tom-okoro", "7f3cK2x9-sub")
    assert taken.exit_code == 2 and "already reviewer priya-lang's" in taken.output
    spaced = reviewers(content_copy, "set-subject", "tom-okoro", "two words")
    assert spaced.exit_code == 2 and "one word" in spaced.output
    cleared = reviewers(content_copy, "set-subject", "priya-lang", "--clear")
    assert cleared.exit_code == 0 and "now has no subject" in cleared.output
    assert "subject" not in registry(content_copy)["reviewers"]["priya-lang"]
    assert registry_lib.load_registry(content_copy).registry.fingerprint == before  # as it was before


def test_an_answer_naming_another_issuer_is_refused(workspace, provider):
    """RFC 9207: an authorization response whose iss is not the configured issuer (a mix-up with another
    provider) is refused before its code is used; a nonce in other characters is no crash."""
    app, _ = workspace
    client = app.test_client()
    response = back(client, begin(client, provider), iss="https://login.microsoftonline.com/other/v2.0")
    assert response.status_code == 401 and "the answer came from the issuer" in text(response)
    assert provider.token_requests == []
    provider.claims_override = {"nonce": "nonce ünïcode"}
    assert back(client, begin(client, provider), iss=provider.issuer).status_code == 401


def test_an_admin_sees_who_signed_in_with_the_forces_accounts_and_can_end_their_sessions(workspace, provider):
    app, instance = workspace
    person = app.test_client()
    assert back(person, begin(person, provider)).status_code == 303
    assert person.get("/runs/").status_code == 200
    add(instance, "ivo-admin", "admin")
    admin = app.test_client()
    assert sign_in(admin, "ivo-admin").status_code == 303
    page = text(admin.get("/admin/"))
    listed = re.sub(r"<[^>]+>", " ", page[page.index('id="provider-people"') :])  # what the page shows
    assert "Ada Officer" in listed and "officer" in listed and "sso:" not in listed  # a name, not an id
    ended = admin.post(
        "/admin/accounts/sso:sub-ada/end-sessions", data={"csrf_token": csrf(admin, "/admin/")}
    )
    assert ended.status_code == 303
    assert "1 session of Ada Officer ended" in text(admin.get("/admin/"))
    assert person.get("/runs/").status_code == 303  # signed out: back to sign-in
    assert (
        admin.post(
            "/admin/accounts/sso:nobody/end-sessions", data={"csrf_token": csrf(admin, "/admin/")}
        ).status_code
        == 404
    )


def test_the_sign_in_record_words_the_providers_refusals(workspace, provider):
    app, instance = workspace
    person = app.test_client()
    provider.claims_override = {"roles": ["Some.Other.App"]}
    assert back(person, begin(person, provider)).status_code == 403
    add(instance, "ivo-admin", "admin")
    admin = app.test_client()
    sign_in(admin, "ivo-admin")
    record = html.unescape(re.sub(r"<[^>]+>", " ", text(admin.get("/admin/audit"))))
    assert "Sign-in through the force's accounts refused: no role in this workspace" in record
    assert "Ada Officer" in record and "sso:" not in record


def test_a_change_by_someone_signed_in_with_the_forces_accounts_is_credited_to_their_address(
    workspace, provider
):
    from handle_docs.web.history import signed_person
    from handle_docs.web.identity import Actor

    app, _instance = workspace
    person = app.test_client()
    assert back(person, begin(person, provider)).status_code == 303
    with app.test_request_context("/"):
        credited = signed_person(
            Actor(id="sso:sub-ada", name="Ada Officer", roles=("officer",), subject="sub-ada")
        )
        local = signed_person(Actor(id="dana", name="dana", roles=("editor",)))
    assert (credited.name, credited.email) == ("Ada Officer", "ada@example.test")
    assert local.email == "dana@handle-docs.invalid"  # local accounts hold no address
