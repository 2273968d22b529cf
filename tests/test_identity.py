"""Who is signed in, trustworthy out of the box (issue 26): sessions kept on
the server and ended by sign-out, ``users passwd``, ``users disable`` and
their lifetimes; a cookie with nothing of the password in it; a throttle
that checks at most five of many parallel guesses and survives a restart;
forwarded addresses believed only from ``--trusted-proxy``; Secure cookies
with an https ``--public-url``; no other ``--host`` while a demo account
exists; and ``handle-docs users`` without Flask.

The served tests start ``handle-docs serve`` as a person does (relative
paths, in the folder holding content/) and talk HTTP to it."""

from __future__ import annotations

import base64
import http.client
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner

from handle_docs.cli import cli
from handle_docs.util import instance_db

from .browser import served
from .signing import DEMO_KEYS
from .webaccounts import PASSWORD, add, app, csrf, folders, running, sign_in, text  # noqa: F401 (fixtures)

WORKSPACE_KEY = DEMO_KEYS / "demo-workspace"
SIGNED_IN_PAGE = "/"  # any signed-in account may see the materials


def users(*args, stdin: str | None = None):
    return CliRunner().invoke(cli, ["users", *map(str, args)], input=stdin)


def cookies_of(client) -> dict[str, str]:
    """Every cookie the test client holds, by name (all of them: whichever carries the session)."""
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def replayed(app, cookies: dict[str, str]):
    """A new test client sending ``cookies``: a copy of an old cookie, kept by someone."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def signed_in(client) -> bool:
    response = client.get(SIGNED_IN_PAGE)
    assert response.status_code in (200, 303), response.status_code
    return response.status_code == 200


# --- sessions end on the server -------------------------------------------------------------------------


def test_a_cookie_saved_before_sign_out_does_not_work_afterwards(app):
    client = app.test_client()
    assert sign_in(client, "dana").status_code == 303 and signed_in(client)
    saved = cookies_of(client)
    assert client.post("/sign-out", data={"csrf_token": csrf(client, "/")}).status_code == 303
    assert not signed_in(replayed(app, saved))


def test_signing_in_works_again_after_the_database_was_deleted_under_the_running_server(app, folders):
    """An administrator deletes the instance's database to end every session at once: the server makes
    its tables again instead of failing every request."""
    client = app.test_client()
    assert sign_in(client, "dana").status_code == 303 and signed_in(client)
    database = instance_db.db_path(folders[1])
    for path in database.parent.glob(database.name + "*"):
        path.unlink()
    assert not signed_in(client)
    assert sign_in(client, "dana").status_code == 303 and signed_in(client)


def test_users_passwd_ends_the_sessions_even_if_the_old_accounts_file_comes_back(app, folders):
    """The command line deletes the sessions: restoring the accounts file
    from a backup (the old password hash) does not bring them back."""
    _, instance = folders
    client = app.test_client()
    sign_in(client, "dana")
    saved = cookies_of(client)
    backup = (instance / "accounts.json").read_bytes()
    result = users(
        "passwd", "dana", "--instance", instance, "--password-stdin", stdin="a brand new password\n"
    )
    assert result.exit_code == 0
    assert not signed_in(replayed(app, saved))
    (instance / "accounts.json").write_bytes(backup)
    assert not signed_in(replayed(app, saved))
    assert "sessions have ended" in result.output


def test_users_disable_ends_the_sessions_even_if_the_account_is_enabled_again(app, folders):
    _, instance = folders
    client = app.test_client()
    sign_in(client, "priya-lang")
    other = app.test_client()
    sign_in(other, "dana")
    saved = cookies_of(client)
    assert users("disable", "priya-lang", "--instance", instance).exit_code == 0
    assert not signed_in(replayed(app, saved))
    data = json.loads((instance / "accounts.json").read_text())
    data["accounts"]["priya-lang"]["disabled"] = False  # enabled again by hand
    (instance / "accounts.json").write_text(json.dumps(data))
    assert not signed_in(replayed(app, saved))
    assert signed_in(other)  # another account's session goes on


def test_the_cookie_holds_nothing_of_the_password_hash(app, folders):
    _, instance = folders
    client = app.test_client()
    sign_in(client, "dana")
    assert signed_in(client)
    digest = json.loads((instance / "accounts.json").read_text())["accounts"]["dana"]["hash"].rsplit("$", 1)[
        1
    ]
    pieces = {digest[i : i + 8] for i in range(len(digest) - 7)}
    for value in cookies_of(client).values():
        seen = value + "\n" + flask_payload(value)
        assert not any(piece in seen for piece in pieces), "a cookie carries part of the password hash"


def flask_payload(value: str) -> str:
    """What a Flask (itsdangerous) cookie's payload reads as, else ''."""
    compressed = value.startswith(".")
    body = value.lstrip(".").split(".", 1)[0]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return (zlib.decompress(raw) if compressed else raw).decode("utf-8", "replace")
    except (ValueError, zlib.error):
        return ""


def test_the_session_cookie_is_a_random_id_and_the_database_keeps_only_its_hash(app, folders):
    import hashlib
    import sqlite3

    _, instance = folders
    client = app.test_client()
    sign_in(client, "dana")
    token = client.get_cookie("handle_docs_session").value
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    with sqlite3.connect(instance / "workspace.sqlite3") as db:
        rows = db.execute("SELECT id_hash, account FROM signin_sessions").fetchall()
    assert rows == [(hashlib.sha256(token.encode()).hexdigest(), "dana")]


@contextmanager
def clocked(app) -> Iterator[list[float]]:
    """The app's sessions on a clock the test moves (seconds since the epoch)."""
    now = [time.time()]
    sessions = app.extensions["handle_docs"]["sessions"]
    sessions.clock = lambda: now[0]
    yield now


def test_a_session_ends_at_its_hard_lifetime_however_busy(folders):
    with running(*folders, session_hours=8, idle_minutes=60) as app, clocked(app) as now:
        client = app.test_client()
        start = now[0]
        sign_in(client, "dana")
        while now[0] < start + 8 * 3600 - 60:
            assert signed_in(client), f"ended after {(now[0] - start) / 3600:.1f} h"
            now[0] += 25 * 60  # a click every 25 minutes, all day
        now[0] = start + 8 * 3600 + 1
        assert not signed_in(client)


def test_a_session_ends_after_the_idle_limit(folders):
    with running(*folders, idle_minutes=30) as app, clocked(app) as now:
        client = app.test_client()
        sign_in(client, "dana")
        now[0] += 29 * 60
        assert signed_in(client)
        now[0] += 29 * 60  # 58 minutes after sign-in, 29 after the last click
        assert signed_in(client)
        now[0] += 30 * 60 + 1
        assert not signed_in(client)
        sign_in(client, "dana")  # signing in again starts a new one
        assert signed_in(client)


def test_signing_in_again_ends_the_browsers_earlier_session(app):
    client = app.test_client()
    sign_in(client, "dana")
    before = cookies_of(client)
    sign_in(client, "dana")
    assert signed_in(client) and not signed_in(replayed(app, before))


# --- the throttle ----------------------------------------------------------------------------------------


def test_24_parallel_wrong_passwords_for_one_account_check_at_most_5(app, monkeypatch):
    checks = []
    real_verify = PasswordHasher.verify

    def counting(self, hash_, password):
        checks.append(1)
        return real_verify(self, hash_, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    with served(app) as base:
        browsers = [Browser(base) for _ in range(24)]
        for browser in browsers:
            browser.get("/sign-in")
        start = threading.Barrier(len(browsers))
        statuses = []

        def guess(browser):
            start.wait()
            statuses.append(browser.sign_in("priya-lang", "a wrong guess at it"))

        threads = [threading.Thread(target=guess, args=(b,)) for b in browsers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    assert sorted(set(statuses)) == [401, 429] and len(statuses) == 24
    assert len(checks) <= 5 and statuses.count(401) == len(checks)


def test_the_throttle_survives_a_restart(folders):
    with running(*folders) as first:
        client = first.test_client()
        for _ in range(5):
            assert sign_in(client, "priya-lang", "guessing wrong").status_code == 401
    with running(*folders) as again:  # a new app on the same instance folder
        refused = sign_in(again.test_client(), "priya-lang")
        assert refused.status_code == 429 and "Too many failed sign-ins" in text(refused)


def test_a_right_password_counts_once_and_clears_its_account(app):
    client = app.test_client()
    for _ in range(4):
        sign_in(client, "dana", "guessing wrong")
    assert sign_in(client, "dana").status_code == 303
    for _ in range(4):  # counted from nothing again
        assert sign_in(client, "dana", "guessing wrong").status_code == 401
    assert sign_in(client, "dana").status_code == 303


def test_the_audit_keeps_sign_ins_failures_and_sign_outs_but_never_a_typed_unknown_id(app, folders):
    from handle_docs.identity import audit

    _, instance = folders
    client = app.test_client()
    sign_in(client, "dana", "guessing wrong")
    sign_in(client, "my-secret-password-typed-as-id", "x")
    sign_in(client, "dana")
    client.post("/sign-out", data={"csrf_token": csrf(client, "/")})
    found = [(e.event, e.account, e.address) for e in audit.entries(instance)]
    assert found == [
        (audit.WRONG, "dana", "127.0.0.1"),
        (audit.WRONG, None, "127.0.0.1"),
        (audit.SIGNED_IN, "dana", "127.0.0.1"),
        (audit.SIGNED_OUT, "dana", "127.0.0.1"),
    ]
    assert b"my-secret-password" not in (instance / "workspace.sqlite3").read_bytes()


def test_users_audit_shows_the_sign_ins(app, folders):
    _, instance = folders
    client = app.test_client()
    sign_in(client, "dana", "guessing wrong")
    sign_in(client, "dana")
    shown = users("audit", "--instance", instance)
    assert shown.exit_code == 0
    lines = shown.output.splitlines()
    assert lines[0].split() == ["WHEN", "(UTC)", "WHAT", "ACCOUNT", "ADDRESS"]
    assert [line.split()[2:] for line in lines[1:]] == [
        ["wrong-password", "dana", "127.0.0.1"],
        ["signed-in", "dana", "127.0.0.1"],
    ]


def test_the_audit_forgets_entries_after_90_days(tmp_path):
    from handle_docs.identity import audit

    now = time.time()
    audit.record(tmp_path, audit.SIGNED_IN, "dana", "10.0.0.1", now=now - 91 * 86400)
    audit.record(tmp_path, audit.SIGNED_IN, "dana", "10.0.0.1", now=now - 89 * 86400)
    audit.record(tmp_path, audit.WRONG, None, "10.0.0.2", now=now)
    assert [round((now - e.at) / 86400) for e in audit.entries(tmp_path)] == [89, 0]


# --- handle-docs serve, as a person starts it ---------------------------------------------------------------


class Browser:
    """Just enough of a browser: keeps every cookie it is given (Secure or not,
    as a browser does for an https address), sends them back, no redirects."""

    def __init__(self, base: str, headers: dict[str, str] | None = None):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.headers = dict(headers or {})
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []
        self.token = ""

    def request(
        self, method: str, path: str, form: dict | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        page = response.read().decode("utf-8", "replace")
        for header in response.msg.get_all("Set-Cookie") or []:
            self.set_cookies.append(header)
            name, value = header.split(";", 1)[0].split("=", 1)
            if "Max-Age=0" in header or "1970" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        conn.close()
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        if found:
            self.token = found.group(1)
        return response.status, page

    def get(self, path: str, **kwargs) -> int:
        return self.request("GET", path, **kwargs)[0]

    def sign_in(self, account: str, password: str = PASSWORD, **kwargs) -> int:
        if not self.token:
            self.get("/sign-in", **kwargs)
        return self.request(
            "POST", "/sign-in", {"csrf_token": self.token, "account": account, "password": password}, **kwargs
        )[0]


def _serve_command(*args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "handle_docs",
        "serve",
        "--content",
        "content",
        "--instance",
        "instance",
        "--key",
        str(WORKSPACE_KEY),
        "--port",
        "0",
        *args,
    ]


@contextmanager
def serving(folder: Path, *args: str) -> Iterator[str]:
    """``handle-docs serve ARGS`` started in ``folder`` (content/ and instance/
    there); yields the address it prints, stops it afterwards."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        _serve_command(*args),
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    seen = []
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"serve did not start: {''.join(seen)}") from None
            seen.append(line)
            found = re.search(r"The workspace is at (http://[^/\s]+)/", line)
            if found:
                _host, port = found.group(1).rsplit(":", 1)
                yield f"http://127.0.0.1:{port}"
                break
            if proc.poll() is not None and lines.empty():
                raise AssertionError(f"serve stopped: {''.join(seen)}")
    finally:
        proc.terminate()
        proc.wait(30)


@pytest.fixture
def place(folders) -> Path:
    """The folder a person works in: content/ (and templates/, review/) and instance/ with accounts."""
    content_dir, instance = folders
    assert instance.parent == content_dir.parent
    return content_dir.parent


def test_a_forged_x_forwarded_for_is_ignored_and_only_a_listed_proxys_is_believed(place):
    from handle_docs.identity import audit
    from handle_docs.identity.throttle import ADDRESS_FREE_FAILURES

    # 127.0.0.1 is not a listed proxy: whatever X-Forwarded-For it sends, its guesses count for 127.0.0.1
    with serving(place, "--trusted-proxy", "10.9.9.9") as base:
        for n in range(ADDRESS_FREE_FAILURES):
            forged = {"X-Forwarded-For": f"203.0.113.{n + 1}"}
            assert Browser(base, forged).sign_in(f"nobody-{n}", "guessing") == 401
        assert Browser(base, {"X-Forwarded-For": "198.51.100.77"}).sign_in("dana") == 429
    assert {e.address for e in audit.entries(place / "instance")} == {"127.0.0.1"}


def test_a_listed_proxys_x_forwarded_for_is_the_address_the_throttle_sees(place):
    from handle_docs.identity import audit
    from handle_docs.identity.throttle import ADDRESS_FREE_FAILURES

    # two proxies listed (waitress itself trusts only one): 127.0.0.1, where the test connects from, is one
    with serving(place, "--trusted-proxy", "10.9.9.9", "--trusted-proxy", "127.0.0.1") as base:
        typist = {"X-Forwarded-For": "203.0.113.7"}
        for n in range(ADDRESS_FREE_FAILURES):
            assert Browser(base, typist).sign_in(f"nobody-{n}", "guessing") == 401
        assert Browser(base, typist).sign_in("dana") == 429  # that client waits
        colleague = Browser(base, {"X-Forwarded-For": "198.51.100.2"})
        assert colleague.sign_in("dana") == 303  # another client behind the same proxy does not
        assert colleague.get(SIGNED_IN_PAGE) == 200
        # a client's own X-Forwarded-For, passed on by the proxy, is not believed: only the last hop is
        chained = Browser(base, {"X-Forwarded-For": "192.0.2.50, 203.0.113.7"})
        assert chained.sign_in("tom-okoro") == 429
    addresses = {e.address for e in audit.entries(place / "instance")}
    assert addresses == {"203.0.113.7", "198.51.100.2"}


def test_the_trusted_header_is_believed_from_the_proxy_whatever_x_forwarded_for_says(place):
    with serving(place, "--trusted-proxy", "127.0.0.1", "--trusted-header", "X-Remote-User") as base:
        proxied = Browser(base, {"X-Forwarded-For": "203.0.113.7", "X-Remote-User": "dana"})
        assert proxied.get(SIGNED_IN_PAGE) == 200
    with serving(place, "--trusted-proxy", "10.9.9.9", "--trusted-header", "X-Remote-User") as base:
        forged = Browser(base, {"X-Forwarded-For": "10.9.9.9", "X-Remote-User": "dana"})
        assert forged.get(SIGNED_IN_PAGE) == 303


def test_an_https_public_url_makes_secure_host_cookies(place):
    with serving(place, "--public-url", "https://workspace.example.police.uk/") as base:
        browser = Browser(base, {"X-Forwarded-Proto": "https"})
        assert browser.sign_in("dana") == 303
        assert browser.get(SIGNED_IN_PAGE) == 200
    names = {header.split("=", 1)[0] for header in browser.set_cookies}
    assert names == {"__Host-handle_docs_csrf", "__Host-handle_docs_session"}
    for header in browser.set_cookies:
        attributes = [a.strip().lower() for a in header.split(";")[1:]]
        assert "secure" in attributes and "httponly" in attributes and "path=/" in attributes
        assert not any(a.startswith("domain=") for a in attributes)


def test_behind_a_trusted_https_proxy_forms_work_without_a_referer(place):
    """The proxy says https (believed from it), and the pages send no Referer
    (Referrer-Policy: no-referrer): a sign-in and a sign-out still work."""
    with serving(
        place, "--trusted-proxy", "127.0.0.1", "--public-url", "https://workspace.example.police.uk"
    ) as base:
        browser = Browser(
            base,
            {
                "X-Forwarded-For": "203.0.113.7",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Host": "workspace.example.police.uk",
            },
        )
        assert browser.sign_in("dana") == 303
        assert browser.get(SIGNED_IN_PAGE) == 200
        assert browser.request("POST", "/sign-out", {"csrf_token": browser.token})[0] == 303
        assert browser.get(SIGNED_IN_PAGE) == 303


def test_without_a_public_url_the_cookies_are_not_secure(app):
    client = app.test_client()
    response = sign_in(client, "dana")
    assert "Secure" not in response.headers["Set-Cookie"]
    assert client.get_cookie("handle_docs_session") is not None


def test_serve_refuses_another_host_while_a_demo_account_exists(content_copy):
    place = content_copy.parent
    with serving(place, "--demo-accounts"):  # make serve, once
        pass
    elsewhere = ["--host", "0.0.0.0", "--public-url", "https://workspace.example.police.uk"]
    refused = subprocess.run(
        _serve_command(*elsewhere), cwd=place, capture_output=True, text=True, timeout=120
    )
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "demo accounts demo-editor, demo-officer, priya-lang, tom-okoro" in refused.stderr
    assert f"handle-docs users remove ID --instance {place / 'instance'}" in refused.stderr  # made absolute
    for account in ("demo-editor", "demo-officer", "priya-lang", "tom-okoro"):
        assert users("remove", account, "--instance", place / "instance").exit_code == 0
    users(
        "add",
        "dana",
        "--role",
        "editor",
        "--content",
        content_copy,
        "--instance",
        place / "instance",
        "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )
    with serving(place, *elsewhere) as base:  # with no demo account left it starts
        assert Browser(base).sign_in("dana") == 303


def test_an_old_instances_unmarked_demo_accounts_count_as_demo(tmp_path):
    from handle_docs.identity import accounts as accounts_lib
    from handle_docs.identity.demo import DEMO_ACCOUNTS, published

    instance = tmp_path / "instance"
    for account_id, roles, password in DEMO_ACCOUNTS[:2]:
        accounts_lib.add_account(
            instance, account_id, list(roles), password, allowed=list(roles)
        )  # not marked
    add(instance, "dana", "editor")
    assert published(accounts_lib.load_accounts(instance)) == ["priya-lang", "tom-okoro"]
    accounts_lib.set_password(instance, "priya-lang", "no longer the published one")
    accounts_lib.disable_account(instance, "tom-okoro")
    assert published(accounts_lib.load_accounts(instance)) == []


def test_serve_beyond_this_computer_needs_a_public_url(tmp_path, content_copy, folders):
    _, instance = folders
    result = CliRunner().invoke(
        cli, ["serve", "--content", str(content_copy), "--instance", str(instance), "--host", "0.0.0.0"]
    )
    assert result.exit_code == 2 and "--host 0.0.0.0 needs --public-url" in result.output
    for bad in ("ftp://workspace", "https://", "https://user:pw@workspace", "workspace.example"):
        result = CliRunner().invoke(
            cli, ["serve", "--content", str(content_copy), "--instance", str(instance), "--public-url", bad]
        )
        assert result.exit_code == 2 and "--public-url" in result.output, (bad, result.output)
    result = CliRunner().invoke(
        cli,
        [
            "serve",
            "--content",
            str(content_copy),
            "--instance",
            str(instance),
            "--trusted-proxy",
            "proxy.example",
        ],
    )
    assert result.exit_code == 2 and "not an IP address" in result.output


# --- the command line stays light ---------------------------------------------------------------------------


def test_handle_docs_users_help_imports_no_flask_and_hashes_no_password():
    probe = (
        "import sys, argon2\n"
        "hashed = []\n"
        "real = argon2.PasswordHasher.hash\n"
        "argon2.PasswordHasher.hash = lambda self, *a, **k: hashed.append(1) or real(self, *a, **k)\n"
        "from handle_docs.cli import cli\n"
        "try:\n"
        "    cli(['users', '--help'], prog_name='handle-docs')\n"
        "except SystemExit:\n"
        "    pass\n"
        "web = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'flask_wtf', 'waitress')\n"
        "             or m.startswith(('handle_docs.web', 'handle_docs.services.previews', 'handle_docs.services.proofs')))\n"
        "print('LOADED', web, 'HASHED', len(hashed))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "LOADED [] HASHED 0" in result.stdout, result.stdout[-500:]
