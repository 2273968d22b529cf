"""Sign-in to the workspace: accounts made by ``handle-docs users``, sessions,
throttling, sign-out, disabled accounts, the trusted proxy header, roles,
and CSRF — through Flask's test client."""

from __future__ import annotations

import os
import stat

import pytest
from click.testing import CliRunner

from handle_docs.cli import cli
from handle_docs.identity.throttle import ADDRESS_FREE_FAILURES, FREE_FAILURES, Throttle

from .test_web_routes import form_of
from .webaccounts import PASSWORD, add, app, csrf, folders, running, session_cookie, sign_in, text  # noqa: F401 (fixtures)

VISIT = "letters/visit.yaml"


@pytest.fixture
def client(app):
    return app.test_client()


# --- handle-docs users ------------------------------------------------------------


def users(*args, stdin: str | None = None):
    return CliRunner().invoke(cli, ["users", *map(str, args)], input=stdin)


def test_users_add_list_passwd_disable_through_the_command_line(tmp_path, content_copy):
    instance = tmp_path / "inst"
    added = users(
        "add",
        "tom-okoro",
        "--role",
        "neighbourhood-sergeant",
        "--content",
        content_copy,
        "--instance",
        instance,
        "--password-stdin",
        stdin="sergeant's password\n",
    )
    assert added.exit_code == 0, added.output
    asked = users(
        "add",
        "dana",
        "--role",
        "editor",
        "--content",
        content_copy,
        "--instance",
        instance,
        stdin="comms password!\ncomms password!\n",
    )
    assert asked.exit_code == 0 and "Password again" in asked.output
    path = instance / "accounts.json"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "sergeant's password" not in path.read_text() and "$argon2id$" in path.read_text()
    listed = users("list", "--instance", instance)
    assert (
        "tom-okoro" in listed.output
        and "neighbourhood-sergeant" in listed.output
        and "active" in listed.output
    )
    assert (
        users(
            "passwd", "dana", "--instance", instance, "--password-stdin", stdin="another long one\n"
        ).exit_code
        == 0
    )
    assert users("disable", "dana", "--instance", instance).exit_code == 0
    assert "disabled" in users("list", "--instance", instance).output


def test_users_add_refuses_an_unknown_role_a_short_password_and_a_second_account_of_the_same_id(
    tmp_path, content_copy
):
    instance = tmp_path / "inst"
    bad_role = users(
        "add",
        "x",
        "--role",
        "chief",
        "--content",
        content_copy,
        "--instance",
        instance,
        "--password-stdin",
        stdin="long enough password\n",
    )
    assert bad_role.exit_code == 2 and "unknown role chief" in bad_role.output
    short = users(
        "add",
        "x",
        "--role",
        "editor",
        "--content",
        content_copy,
        "--instance",
        instance,
        "--password-stdin",
        stdin="short\n",
    )
    assert short.exit_code == 2 and "at least 12 characters" in short.output
    assert (
        users(
            "add",
            "x",
            "--role",
            "editor",
            "--content",
            content_copy,
            "--instance",
            instance,
            "--password-stdin",
            stdin="long enough password\n",
        ).exit_code
        == 0
    )
    again = users(
        "add",
        "x",
        "--role",
        "editor",
        "--content",
        content_copy,
        "--instance",
        instance,
        "--password-stdin",
        stdin="long enough password\n",
    )
    assert again.exit_code == 2 and "already an account x" in again.output


# --- sign-in and sessions ------------------------------------------------------------


def test_with_accounts_every_page_but_sign_in_needs_a_session(client):
    for url in ("/", "/materials/visit-letter/edit", "/materials/visit-letter/review"):
        response = client.get(url)
        assert response.status_code == 303 and response.headers["Location"].endswith("/sign-in")
    assert client.get("/sign-in").status_code == 200
    assert client.get("/static/workspace.css").status_code == 200


def test_sign_in_gives_an_httponly_samesite_expiring_cookie_and_names_the_person(client):
    response = sign_in(client, "priya-lang")
    assert response.status_code == 303
    cookie = session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert "Signed in as Priya Lang" in text(client.get("/"))


def test_a_wrong_password_or_unknown_account_is_refused_with_the_same_words(client):
    wrong = sign_in(client, "priya-lang", "not the password")
    nobody = sign_in(client, "nobody", "not the password")
    assert wrong.status_code == nobody.status_code == 401
    assert "do not match an active account" in text(wrong) and "do not match an active account" in text(
        nobody
    )
    assert client.get("/").status_code == 303


def test_sign_out_ends_the_session(client):
    sign_in(client, "priya-lang")
    token = csrf(client, "/")
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 303


def test_throttling_holds_after_ten_wrong_passwords_even_for_the_right_one(client):
    for _ in range(10):
        sign_in(client, "priya-lang", "guessing wrong")
    right = sign_in(client, "priya-lang")
    assert right.status_code == 429 and "Too many failed sign-ins" in text(right)
    assert client.get("/").status_code == 303


def test_throttling_counts_per_client_address_across_accounts(app):
    client = app.test_client()
    for n in range(ADDRESS_FREE_FAILURES):
        assert sign_in(client, f"someone-{n}", "guessing wrong").status_code == 401
    assert sign_in(client, "dana").status_code == 429


def test_the_wait_grows_with_each_failure_and_ends(tmp_path):
    now = [1000.0]
    throttle = Throttle(tmp_path / "instance", clock=lambda: now[0])
    for _ in range(FREE_FAILURES):
        assert throttle.reserve("k", "10.0.0.1") == 0
    first = throttle.wait_for("k", "10.0.0.1")
    assert first > 0 and throttle.reserve("k", "10.0.0.1") == first  # refused, and not counted
    now[0] += first
    assert throttle.reserve("k", "10.0.0.1") == 0
    assert throttle.wait_for("k", "10.0.0.1") > first
    now[0] += 10_000
    assert throttle.wait_for("k", "10.0.0.1") == 0


def test_a_disabled_accounts_session_stops_at_once_and_its_posts_are_403(client, folders):
    content_dir, instance = folders
    sign_in(client, "dana")
    form = form_of(client, "visit-letter")
    before = (content_dir / VISIT).read_bytes()
    assert users("disable", "dana", "--instance", instance).exit_code == 0
    response = client.post("/materials/visit-letter/save", data={**form, "blocks.greeting": "Hello,"})
    assert response.status_code == 403
    assert (content_dir / VISIT).read_bytes() == before
    assert client.get("/").status_code == 303


def test_a_new_password_ends_the_sessions_made_with_the_old_one(client, folders):
    _, instance = folders
    sign_in(client, "dana")
    assert client.get("/").status_code == 200
    users("passwd", "dana", "--instance", instance, "--password-stdin", stdin="a brand new password\n")
    assert client.get("/").status_code == 303


def test_a_post_without_a_session_is_403_and_changes_nothing(client, folders):
    content_dir, _ = folders
    before = (content_dir / VISIT).read_bytes()
    token = csrf(client)
    for url in ("/materials/visit-letter/save", "/materials/visit-letter/review"):
        response = client.post(
            url,
            data={"csrf_token": token, "blocks.greeting": "Hi", "decision": "approved", "role": "comms-lead"},
        )
        assert response.status_code == 403 and "Sign in first" in text(response)
    assert (content_dir / VISIT).read_bytes() == before
    assert not (content_dir.parent / "review" / "visit-letter.yaml").read_text().count("via:")


def test_a_sign_in_without_a_csrf_token_is_403(client):
    response = client.post("/sign-in", data={"account": "priya-lang", "password": PASSWORD})
    assert response.status_code == 403 and client.get("/").status_code == 303


# --- roles ----------------------------------------------------------------------------


def test_a_reviewer_cannot_edit_wording(client, folders):
    _content_dir, _ = folders
    sign_in(client, "priya-lang")
    page = client.get("/materials/visit-letter/edit")
    assert (
        page.status_code == 403
        and "needs the role editor, and this account has the role comms lead" in text(page)
    )
    token = csrf(client, "/")
    saved = client.post("/materials/visit-letter/save", data={"csrf_token": token, "blocks.greeting": "Hi"})
    assert saved.status_code == 403
    assert client.post("/materials/visit-letter/preview", data={"csrf_token": token}).status_code == 403


def test_an_editors_save_records_them_as_last_edited_by(client, folders):
    content_dir, _ = folders
    sign_in(client, "dana")
    form = form_of(client, "visit-letter")
    assert (
        client.post("/materials/visit-letter/save", data={**form, "blocks.greeting": "Hello,"}).status_code
        == 303
    )
    saved = (content_dir / VISIT).read_text(encoding="utf-8")
    assert "last_edited_by: dana" in saved and "Hello," in saved


# --- the trusted proxy header ----------------------------------------------------------


def test_the_trusted_header_signs_in_only_from_a_listed_proxy(folders):
    with running(*folders, trusted_header="X-Remote-User", trusted_proxies=("10.0.0.5",)) as app:
        client = app.test_client()
        via_proxy = client.get(
            "/", headers={"X-Remote-User": "priya-lang"}, environ_base={"REMOTE_ADDR": "10.0.0.5"}
        )
        assert via_proxy.status_code == 200 and "Signed in as Priya Lang" in text(via_proxy)
        elsewhere = client.get(
            "/", headers={"X-Remote-User": "priya-lang"}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
        )
        assert elsewhere.status_code == 303
        unknown = client.get(
            "/", headers={"X-Remote-User": "mallory"}, environ_base={"REMOTE_ADDR": "10.0.0.5"}
        )
        assert unknown.status_code == 303


# --- serve ----------------------------------------------------------------------------------


def test_serve_needs_a_proxy_address_for_the_trusted_header(tmp_path, content_copy):
    result = CliRunner().invoke(
        cli,
        [
            "serve",
            "--content",
            str(content_copy),
            "--instance",
            str(tmp_path / "i"),
            "--trusted-header",
            "X-Remote-User",
        ],
    )
    assert result.exit_code == 2 and "--trusted-proxy" in result.output


def test_the_demo_accounts_sign_in_with_their_published_passwords_and_reviewer_roles(content_copy, tmp_path):
    from handle_docs.identity import accounts as accounts_lib
    from handle_docs.identity.demo import DEMO_ACCOUNTS, ensure_demo_accounts
    from handle_docs.review import load_registry

    instance = tmp_path / "demo"
    ensure_demo_accounts(instance, ["comms-lead", "neighbourhood-sergeant"])
    ensure_demo_accounts(instance, ["comms-lead", "neighbourhood-sergeant"])  # a second start keeps them
    found = accounts_lib.load_accounts(instance)
    registry = load_registry(content_copy).registry
    for account_id, roles, password in DEMO_ACCOUNTS:
        assert accounts_lib.verify(found, account_id, password).roles == list(roles)
        entry = registry.reviewer(account_id)
        if entry is not None:
            assert list(roles) == list(entry.roles)
    assert {a for a, _, _ in DEMO_ACCOUNTS} >= {"priya-lang", "tom-okoro"}
    assert (found.get("demo-editor").name, found.get("demo-officer").name) == (
        "Dana Whitlock",
        "PC Sam Ashdown",
    )
    found.get("demo-editor").name = None  # a demo account made before the demo's people had names
    accounts_lib.save_accounts(found)
    ensure_demo_accounts(instance, ["comms-lead", "neighbourhood-sergeant"])
    assert accounts_lib.load_accounts(instance).get("demo-editor").name == "Dana Whitlock"
