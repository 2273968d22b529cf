"""Reviewers in a real browser (headless Chromium): two accounts sign in in
turn and approve a changed letter, the gate opens and ``handle-docs
letters`` runs; an approval twice by the same person leaves the Approve
button disabled saying why; an editor-and-reviewer cannot approve their own
edit; the sign-in and review pages are clean under axe-core.  One browser
and one workspace (with accounts, the demo workspace key) for the module,
started as make serve starts it (``handle-docs serve``, relative folders)."""

from __future__ import annotations

import pytest

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
from tests.signing import DEMO_KEYS
from tests.test_review_cli import letters, one_word
from tests.webaccounts import PASSWORD, add

pytestmark = needs_chromium()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("workspace")
    copy_sample(root)
    instance = root / "instance"
    add(instance, "priya-lang", "comms-lead")
    add(instance, "tom-okoro", "neighbourhood-sergeant", "editor")
    with started(root, "--key", str(DEMO_KEYS / "demo-workspace")) as url:
        yield url, root


def sign_in_as(driver, url: str, account: str) -> None:
    sign_in_page(driver, url, account, PASSWORD, landed=lambda d: d.title.startswith("Materials"))


def approve(driver, url: str, material_id: str, role: str, note: str = "") -> None:
    """Open the review page, read the proof (a reviewer decides on what they saw) and approve."""
    driver.get(f"{url}/materials/{material_id}/review")
    wait(driver, lambda d: by_css(d, "#proof-pages figure img"))
    if note:
        by_css(driver, f"#note-{role}")[0].send_keys(note)
    by_css(driver, f"#approve-{role}")[0].click()
    wait(driver, lambda d: by_css(d, ".notice"))


def state(driver) -> str:
    return by_css(driver, "#review-state")[0].text


def test_two_accounts_approve_a_changed_letter_in_turn_and_letters_runs(workspace, browser, tmp_path):
    url, root = workspace
    one_word(root / "content")
    browser.get(f"{url}/")
    assert browser.title.startswith("Sign in")
    assert_accessible(browser)

    sign_in_as(browser, url, "priya-lang")
    browser.get(f"{url}/materials/visit-letter/review")
    assert state(browser) == "Needs two more approvals: a comms lead must approve."
    assert "strolled" in by_css(browser, "#diff ins.added")[0].text
    wait(
        browser, lambda d: len(by_css(d, "#proof-pages img")) == 3
    )  # shared-back: 2 address pages + the shared page
    assert "marked DRAFT" in by_css(browser, "#proof-pages .caption")[0].text
    # each page holds its place before its image arrives: the Approve button below never jumps under a click
    for image in by_css(browser, "#proof-pages img"):
        wait(browser, lambda d, image=image: d.execute_script("return arguments[0].complete", image))
        natural = browser.execute_script(
            "return [arguments[0].naturalWidth, arguments[0].naturalHeight]", image
        )
        assert [int(image.get_dom_attribute("width")), int(image.get_dom_attribute("height"))] == natural
    assert_accessible(browser)
    approve(browser, url, "visit-letter", "comms-lead", "Reads well <script>alert(1)</script>")
    assert "Priya Lang approved version 2 as comms lead." in by_css(browser, ".notice")[0].text
    assert state(browser).startswith(
        "Needs one more approval: already approved by Priya Lang (comms lead) on "
    )
    assert "Reads well <script>alert(1)</script>" in by_css(browser, "#signoffs")[0].text
    by_css(browser, ".sign-out button")[0].click()
    wait(browser, lambda d: d.title.startswith("Sign in"))

    sign_in_as(browser, url, "tom-okoro")
    approve(browser, url, "visit-letter", "neighbourhood-sergeant")
    assert state(browser).endswith(": nothing more is needed.")
    signed = by_css(browser, "#signoffs")[0].text
    assert "Priya Lang" in signed and "Sgt Tom Okoro" in signed
    assert "via workspace key demo-workspace" in by_css(browser, "#signed-heading ~ details")[
        0
    ].get_attribute("textContent")
    assert console_errors(browser) == []
    assert_accessible(browser)
    assert letters(root / "content", tmp_path, "out").exit_code == 0


def test_the_same_account_approving_twice_does_not_open_the_gate(workspace, browser):
    url, root = workspace
    path = root / "content" / "leaflets" / "lock-it.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Lock it", "Lock it up", 1), encoding="utf-8")
    sign_in_as(browser, url, "priya-lang")
    approve(browser, url, "lock-it-leaflet", "comms-lead")
    button = by_css(browser, "#approve-comms-lead")[0]
    assert not button.is_enabled()
    assert "already approved this version" in by_css(browser, "#why-approve-comms-lead")[0].text
    assert state(browser).startswith("Needs one more approval")
    assert_accessible(browser)


def test_an_editor_cannot_approve_their_own_edit(workspace, browser):
    url, _ = workspace
    sign_in_as(browser, url, "tom-okoro")
    browser.get(f"{url}/materials/stay-connected-leaflet/edit")
    field = by_css(browser, "textarea")[0]
    field.send_keys(" Thank you.")
    # save once the preview and checks the typing started have come back
    wait(browser, lambda d: d.execute_script("return document.querySelector('.htmx-request') === null"))
    by_css(browser, "#editor button[type=submit]")[0].click()
    wait(browser, lambda d: by_css(d, ".notice"))
    browser.get(f"{url}/materials/stay-connected-leaflet/review")
    assert not by_css(browser, "#approve-neighbourhood-sergeant")[0].is_enabled()
    why = by_css(browser, "#why-approve-neighbourhood-sergeant")[0].text
    assert "Sgt Tom Okoro last edited “Stay connected with your community” and may not approve it" in why
    assert "stay-connected-leaflet" not in why and "last_edited_by" not in why  # only in Technical details
    assert by_css(browser, "#request-neighbourhood-sergeant")[0].is_enabled()
