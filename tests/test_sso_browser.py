"""Single sign-on in a real browser with a real OpenID provider (panva's oidc-provider, tests/oidc/): the
workspace started as a person starts it (``handle-docs serve`` with relative folders, ``--public-url``, the
settings in ``instance/sso.yaml`` naming the client secret's file beside the instance folder).  People sign in on
the provider's own login form: an officer lands as an officer; a reviewer whose registry entry names their
subject approves a changed letter, signed by the workspace key; someone holding the reviewer role at the
provider but not named in the approved registry cannot; someone with no mapped role gets a page saying so and
no session; a role taken away at the provider is gone at the next sign-in."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser import (  # noqa: F401 (fixture)
    assert_accessible,
    browser,
    by_css,
    console_errors,
    copy_sample,
    needs_chromium,
    started,
    wait,
)
from tests.oidc_provider import free_port, needs_node, provider
from tests.signing import DEMO_KEYS, approve_registry
from tests.test_review_cli import one_word
from tests.test_sso import name_subject

pytestmark = [*needs_chromium(), *needs_node()]

CLIENT = "handle-docs-workspace"
SECRET = "the test client secret"
USERS = {
    "priya": {
        "sub": "sub-priya-7f3c",
        "name": "Priya Lang",
        "email": "priya@example.test",
        "roles": ["HD.CommsLead"],
    },
    "olu": {
        "sub": "sub-olu-19ab",
        "name": "Olu Adeyemi",
        "email": "olu@example.test",
        "roles": ["HD.Officer"],
    },
    "eve": {
        "sub": "sub-eve-0000",
        "name": "Eve Someone",
        "email": "eve@example.test",
        "roles": ["HD.CommsLead"],
    },
    "nobody": {
        "sub": "sub-nobody-1",
        "name": "Noah Body",
        "email": "noah@example.test",
        "roles": ["Other.App"],
    },
}
SETTINGS = """\
# single sign-on: the force's provider
issuer: {issuer}
client_id: {client}
client_secret_file: ../client-secret   # beside the instance folder, never in the content folder
roles_claim: roles
roles:
  HD.Officer: officer
  HD.Editor: editor
  HD.CommsLead: [comms-lead]
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("sso")
    content = copy_sample(root)
    name_subject(content, "priya-lang", USERS["priya"]["sub"])
    approve_registry(
        content, dt.date.today()
    )  # approved by the reviewers of the version before: now it counts
    one_word(content)  # a letter that needs approval
    (root / "client-secret").write_text(SECRET + "\n", encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with provider(
        root, USERS, client_id=CLIENT, client_secret=SECRET, redirect_uri=f"{url}/sign-in/sso/callback"
    ) as idp:
        (root / "instance").mkdir(mode=0o700)
        (root / "instance" / "sso.yaml").write_text(
            SETTINGS.format(issuer=idp.issuer, client=CLIENT), encoding="utf-8"
        )
        with started(
            root, "--key", str(DEMO_KEYS / "demo-workspace"), "--port", str(port), "--public-url", url
        ) as address:
            assert address == url
            yield url, idp


def sso_sign_in(driver, url: str, login: str | None, *, fresh: bool = True) -> None:
    """Press the single sign-on button; on the provider's login form (shown unless the provider remembers the
    browser) sign in as ``login``."""
    if fresh:
        driver.delete_all_cookies()  # the workspace's and the provider's (both on 127.0.0.1)
    driver.get(f"{url}/sign-in")
    by_css(driver, "#sign-in-sso")[0].click()
    if login is not None:
        shown(driver, lambda d: by_css(d, "input[name=login]"))
        console_errors(driver)  # the test provider's own page asks for a web font: not the workspace's
        by_css(driver, "input[name=login]")[0].send_keys(USERS[login]["sub"])  # the provider's account id
        by_css(driver, "input[name=password]")[0].send_keys("any password: the provider's test login form")
        by_css(driver, "button.login-submit")[0].click()
    shown(
        driver,
        lambda d: (
            d.current_url.startswith(url)
            and d.current_url.split("?")[0] not in (f"{url}/sign-in", f"{url}/sign-in/sso")
            and by_css(d, "h1")
        ),
    )


def shown(driver, condition, timeout: float = 30):
    """``wait``, saying where the browser is when it does not come."""
    from selenium.common.exceptions import TimeoutException

    try:
        return wait(driver, condition, timeout)
    except TimeoutException:
        raise AssertionError(f"at {driver.current_url}: {driver.page_source[:2000]}") from None


def working_as(driver) -> str:
    found = by_css(driver, ".actor")
    return found[0].text if found else ""


def sign_out(driver) -> None:
    by_css(driver, ".sign-out button")[0].click()
    wait(driver, lambda d: d.title.startswith("Sign in"))


def test_an_officer_signs_in_through_the_provider_and_lands_as_an_officer(workspace, browser):
    url, _ = workspace
    browser.get(f"{url}/")
    assert browser.title.startswith("Sign in")
    assert_accessible(browser)
    sso_sign_in(browser, url, "olu")
    assert browser.title.startswith("Letters runs")  # an officer lands on the letters runs, their work
    assert working_as(browser) == "Signed in as Olu Adeyemi"
    assert [
        e for e in console_errors(browser) if e.startswith(f"{url}/") or "Content Security Policy" in e
    ] == []
    browser.get(f"{url}/materials/visit-letter/edit")
    assert "may not do this" in browser.page_source  # an officer does not edit


def test_a_reviewer_named_by_subject_in_the_registry_approves(workspace, browser):
    url, _ = workspace
    sso_sign_in(browser, url, "priya")
    assert browser.title.startswith("Materials")  # a reviewer lands on the materials
    assert working_as(browser) == "Signed in as Priya Lang"
    browser.get(f"{url}/materials/visit-letter/review")
    assert by_css(browser, "#review-state")[0].text.startswith("Needs two more approvals")
    assert by_css(browser, "#approve-comms-lead"), browser.find_element("css selector", "main").text
    by_css(browser, "#approve-comms-lead")[0].click()
    wait(browser, lambda d: by_css(d, ".notice"))
    notice = by_css(browser, ".notice")[0].text
    assert "Priya Lang approved version" in notice and "as comms lead" in notice  # in words, no key or hash
    assert "Priya Lang" in by_css(browser, "#signoffs")[0].text


def test_the_reviewer_role_at_the_provider_is_not_enough_without_the_registry(workspace, browser):
    url, _ = workspace
    sso_sign_in(browser, url, "eve")
    assert working_as(browser) == "Signed in as Eve Someone"
    browser.get(f"{url}/materials/visit-letter/review")
    assert by_css(browser, "#approve-comms-lead") == []
    assert "not named in the approved reviewer registry" in browser.page_source


def test_no_mapped_role_gets_a_page_saying_so_and_no_session(workspace, browser):
    url, _ = workspace
    sso_sign_in(browser, url, "nobody")
    assert browser.title.startswith("No access to this workspace")
    assert "does not give you access to this workspace" in by_css(browser, "#no-role")[0].text
    assert working_as(browser) == ""
    assert_accessible(browser)
    browser.get(f"{url}/")
    assert browser.title.startswith("Sign in")


def test_a_role_taken_away_at_the_provider_is_gone_at_the_next_sign_in(workspace, browser):
    url, idp = workspace
    sso_sign_in(browser, url, "priya")
    assert working_as(browser) == "Signed in as Priya Lang"
    idp.set_users({**USERS, "priya": {**USERS["priya"], "roles": ["HD.Officer"]}})
    try:
        sign_out(
            browser
        )  # out of the workspace; the provider still knows the browser: no login form this time
        sso_sign_in(browser, url, None, fresh=False)
        assert working_as(browser) == "Signed in as Priya Lang"
        assert browser.title.startswith("Letters runs")  # an officer now: lands on the letters runs
        browser.get(f"{url}/materials/visit-letter/review")
        assert by_css(browser, "#approve-comms-lead") == []
    finally:
        idp.set_users(USERS)


def test_a_callback_replayed_from_the_real_provider_is_refused(workspace):
    """The provider's answer (code and state) used a second time, as someone who copied the address would: the
    first use signs in, the second is refused and starts no session. Driven like a browser, with a cookie jar."""
    import requests

    url, _ = workspace
    with requests.Session() as agent:
        agent.trust_env = False
        sent = agent.get(f"{url}/sign-in/sso", allow_redirects=True)  # to the provider's login form
        action = re.search(r'<form[^>]*action="([^"]+)"', sent.text).group(1)
        answer = agent.post(
            requests.compat.urljoin(sent.url, action),
            allow_redirects=False,
            data={"prompt": "login", "login": USERS["olu"]["sub"], "password": "any"},
        )
        callback = None
        while answer.status_code in (
            302,
            303,
        ):  # follow the provider's redirects up to the workspace's callback
            location = requests.compat.urljoin(answer.url, answer.headers["Location"])
            if location.startswith(f"{url}/sign-in/sso/callback"):
                callback = location
                break
            answer = agent.get(location, allow_redirects=False)
        assert callback is not None, answer.text[:500]
        first = agent.get(callback, allow_redirects=False)
        assert first.status_code == 303 and "handle_docs_session" in first.headers.get("Set-Cookie", "")
        assert "Signed in as Olu Adeyemi" in agent.get(f"{url}/").text
        agent.post(
            f"{url}/sign-out",
            data={
                "csrf_token": re.search(
                    r'name="csrf_token" value="([^"]+)"', agent.get(f"{url}/").text
                ).group(1)
            },
        )
        again = agent.get(callback, allow_redirects=False)
        assert again.status_code == 401 and "could not be accepted" in again.text
        assert "used already" in again.text.split('<details class="details technical">', 1)[1]
        assert agent.get(f"{url}/", allow_redirects=False).status_code == 303
