"""Test helpers for the workspace with accounts: an app on a content copy
signing with the demo workspace key, accounts made in its instance folder,
and signing in through the test client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from handle_docs.identity import accounts as accounts_lib
from handle_docs.web import Settings, create_app

from .signing import DEMO_KEYS

PASSWORD = "a long test password"
REVIEWER_ROLES = [
    "comms-lead",
    "comms-officer",
    "neighbourhood-sergeant",
    "inspector",
    "equality-lead",
    "translator-cy",
]


def make_app(content_dir: Path, instance: Path, **settings):
    settings.setdefault("key", DEMO_KEYS / "demo-workspace")
    app = create_app(Settings(content=content_dir, instance=instance, **settings))
    app.config["TESTING"] = True
    return app


@contextmanager
def running(content_dir: Path, instance: Path, **settings) -> Iterator:
    """:func:`make_app`, its preview workers stopped afterwards."""
    app = make_app(content_dir, instance, **settings)
    try:
        yield app
    finally:
        app.extensions["handle_docs"]["previewer"].close()


def add(instance: Path, account_id: str, *roles: str, password: str = PASSWORD) -> None:
    accounts_lib.add_account(instance, account_id, list(roles), password, allowed=REVIEWER_ROLES)


def csrf(client, url: str = "/sign-in") -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, account_id: str, password: str = PASSWORD):
    return client.post(
        "/sign-in", data={"csrf_token": csrf(client), "account": account_id, "password": password}
    )


def session_cookie(response) -> str:
    """The Set-Cookie header of the session id's cookie in ``response``."""
    found = [
        h
        for h in response.headers.getlist("Set-Cookie")
        if h.split("=", 1)[0].endswith("handle_docs_session")
    ]
    assert len(found) == 1, response.headers.getlist("Set-Cookie")
    return found[0]


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def folders(content_copy, tmp_path, monkeypatch):
    """A content copy and an instance folder with accounts for the two demo
    reviewers and an editor, dana."""
    monkeypatch.setenv("HANDLE_DOCS_TODAY", "2027-01-15")
    instance = tmp_path / "instance"
    add(instance, "priya-lang", "comms-lead")
    add(instance, "tom-okoro", "neighbourhood-sergeant")
    add(instance, "dana", "editor")
    return content_copy, instance


@pytest.fixture
def app(folders):
    with running(*folders) as app:
        yield app
