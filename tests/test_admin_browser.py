"""Administration in a real browser, the workspace started as make serve starts it: an admin sees the
accounts with their roles, last sign-in and live sessions, ends an account's sessions, disables an account,
and reads the sign-in record (success and failure, with the address). Nobody else may open these pages or
post to them; every post needs the CSRF token. Skipped, naming the packages, when Chromium is not installed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from handle_docs.review.labels import long_date
from tests.browser import (  # noqa: F401 (fixture)
    assert_accessible,
    browser,
    by_css,
    console_errors,
    copy_sample,
    needs_chromium,
    sign_in_page,
    started,
    wait,
)
from tests.deployment import PASSWORD, add_accounts, client, csrf, sign_in

pytestmark = needs_chromium()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("admin")
    content = copy_sample(root)
    settings = content / "workspace.yaml"  # a zone other than London, so the times shown can be told apart
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "time_zone: Europe/London", "time_zone: America/New_York"
        ),
        encoding="utf-8",
    )
    add_accounts(
        root, **{"ada-admin": "admin", "officer-olu": "officer", "dana": "editor", "eve": "equality-lead"}
    )
    with started(root) as url:
        yield url, root


def sign_in_browser(driver, url: str, account: str) -> None:
    sign_in_page(driver, url, account, PASSWORD)


def row(driver, account: str):
    return by_css(driver, f"#account-{account}")[0]


def test_only_an_admin_may_open_or_post_to_the_admin_pages(workspace):
    url, _root = workspace
    editor = client()
    assert sign_in(editor, url, "dana").status_code == 303
    for page in ("/admin/", "/admin/audit"):
        response = editor.get(f"{url}{page}", allow_redirects=False, timeout=60)
        assert response.status_code == 403 and "needs the role admin" in response.text
    token = csrf(editor, f"{url}/")
    refused = editor.post(f"{url}/admin/accounts/officer-olu/disable", data={"csrf_token": token}, timeout=60)
    assert refused.status_code == 403
    nobody = client()
    assert (
        nobody.get(f"{url}/admin/", allow_redirects=False, timeout=60)
        .headers["Location"]
        .endswith("/sign-in")
    )
    admin = client()
    assert sign_in(admin, url, "ada-admin").status_code == 303
    page = admin.get(f"{url}/admin/", timeout=60)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    no_token = admin.post(f"{url}/admin/accounts/officer-olu/disable", data={}, timeout=60)
    assert no_token.status_code == 403 and "Page expired" in no_token.text
    assert "Active" in admin.get(f"{url}/admin/", timeout=60).text.split('id="account-officer-olu"')[1][:400]
    eve = page.text.split('id="account-eve"')[1].split("</tr>")[0]
    assert (
        "equality and inclusion lead" in eve and "equality-lead" not in eve
    )  # the policy's name for the role


def test_an_admin_ends_sessions_disables_an_account_and_reads_the_sign_in_record(workspace, browser):
    url, _root = workspace
    officer = client()
    assert sign_in(officer, url, "officer-olu").status_code == 303
    assert officer.get(f"{url}/runs/", allow_redirects=False, timeout=60).status_code == 200
    assert sign_in(client(), url, "dana", "not dana's password").status_code == 401

    sign_in_browser(browser, url, "ada-admin")
    browser.find_element("link text", "Accounts").click()
    wait(browser, lambda d: d.title.startswith("Accounts"))
    assert_accessible(browser)
    text = row(browser, "officer-olu").text
    assert "officer" in text and "Active" in text and "never" not in text, text
    assert by_css(browser, "#account-officer-olu .sessions")[0].text == "1"
    assert by_css(browser, "#account-ada-admin .disable") == [], (
        "an admin cannot disable their own account here"
    )
    page = browser.page_source
    assert (
        "argon2" not in page and "accounts.json" not in page and "handle-docs" not in page.split("<main")[1]
    )

    by_css(browser, "#account-officer-olu .end-sessions")[0].click()
    wait(browser, lambda d: "session of officer-olu ended" in d.find_element("css selector", ".notice").text)
    assert by_css(browser, "#account-officer-olu .sessions")[0].text == "0"
    assert (
        officer.get(f"{url}/runs/", allow_redirects=False, timeout=60)
        .headers["Location"]
        .endswith("/sign-in")
    )

    by_css(browser, "#account-dana .disable")[0].click()
    wait(browser, lambda d: "Account dana is disabled" in d.find_element("css selector", ".notice").text)
    assert "Disabled" in by_css(browser, "#account-dana .state")[0].text
    assert sign_in(client(), url, "dana").status_code == 401

    browser.find_element("link text", "See the sign-in record").click()
    wait(browser, lambda d: d.title.startswith("Sign-in record"))
    assert_accessible(browser)
    rows = [r.text for r in by_css(browser, "#audit tbody tr")]
    assert any("Signed in" in r and "ada-admin" in r and "127.0.0.1" in r for r in rows), rows
    assert any(
        "Sign-in refused: wrong account or password" in r and "dana" in r and "127.0.0.1" in r for r in rows
    ), rows
    # when, in the force's time zone and in words ("6 December 2026 at 17:48"), the newest first
    moments = [dt.datetime.now(ZoneInfo("America/New_York")) - dt.timedelta(minutes=m) for m in range(3)]
    assert any(f"{long_date(m.date())} at {m:%H:%M}" in rows[0] for m in moments), rows[0]
    assert "UTC" not in browser.find_element("tag name", "main").text
    assert console_errors(browser) == []
