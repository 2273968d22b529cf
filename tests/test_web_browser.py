"""The workspace end to end in a real browser (headless Chromium): typing
changes the preview and brings lint advice, a save writes the file keeping
its comments, the materials page then says "needs approval", a conflicting
save is refused with both versions, and axe-core finds no serious or critical
accessibility violation on any page.  Works on copies of content/, templates/
and review/, served by ``handle-docs serve`` started in their folder with
relative paths, as make serve starts it; skipped, naming the packages, when
Chromium is not installed."""

from __future__ import annotations

import re

import pytest

from tests.browser import (  # noqa: F401 (fixture)
    assert_accessible,
    axe_violations,
    browser,
    by_css,
    console_errors,
    copy_sample,
    images_loaded,
    needs_chromium,
    started,
    wait,
)

pytestmark = needs_chromium()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("workspace")
    copy_sample(root)
    with started(root) as url:
        yield url, root


def preview_srcs(driver) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#preview-pages img'), i => i.src)"
    )


def type_at_end(element, words: str) -> None:
    from selenium.webdriver.common.keys import Keys

    # in the middle of the window, as a person scrolls to the box they edit (the Save bar stays at its foot)
    element.parent.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
    element.send_keys(Keys.CONTROL, Keys.END)
    element.send_keys(words)


def test_typing_redraws_the_preview_and_brings_lint_advice_beside_the_block(workspace, browser):
    url, _ = workspace
    browser.get(f"{url}/materials/visit-letter/edit")
    assert browser.title == "Edit: Advice after our vehicle crime patrol – Letters workspace"
    # the default scenario (not locked, things on show) with the shared-back layout: two pages
    # about the address, then the shared page
    wait(browser, lambda d: len(preview_srcs(d)) == 3)
    before = preview_srcs(browser)
    assert by_css(browser, "#lint-field-blocks-opening")[0].text == ""
    assert_accessible(browser)

    type_at_end(by_css(browser, "#field-blocks-opening")[0], " A car was insecure.")
    wait(browser, lambda d: "Advice:" in by_css(d, "#lint-field-blocks-opening")[0].text)
    assert '"insecure"' in by_css(browser, "#lint-field-blocks-opening")[0].text
    wait(browser, lambda d: len(preview_srcs(d)) == 3 and preview_srcs(d) != before)
    wait(browser, lambda d: images_loaded(d, "#preview-pages img"))
    assert "Preview updated: 3 pages." in by_css(browser, "#preview-status")[0].get_attribute("textContent")
    assert console_errors(browser) == []  # nothing refused by the Content-Security-Policy, no failed request
    assert_accessible(browser)


def test_the_scenario_picker_redraws_the_preview(workspace, browser):
    from selenium.webdriver.support.ui import Select

    url, _ = workspace
    browser.get(f"{url}/materials/visit-letter/edit")
    wait(browser, lambda d: len(preview_srcs(d)) == 3)
    before = preview_srcs(browser)
    Select(by_css(browser, "#scenario")[0]).select_by_value("all-secure")
    wait(
        browser,
        lambda d: (
            "All secure (the thank-you)" in by_css(d, "#preview-pages .caption")[0].text
            if by_css(d, "#preview-pages .caption")
            else False
        ),
    )
    assert preview_srcs(browser) != before


@pytest.fixture(scope="module")
def workspace_in_languages(tmp_path_factory):
    """A workspace whose visit letter has Welsh and Arabic translations."""
    from tests.test_web_preview import GREETINGS, add_translation

    root = tmp_path_factory.mktemp("languages")
    copy_sample(root)
    for lang in ("cy", "ar"):
        add_translation(root / "content", lang, GREETINGS[lang])
    with started(root) as url:
        yield url


def test_the_picker_previews_the_letter_in_each_language_and_stays_accessible(
    workspace_in_languages, browser
):
    from selenium.webdriver.support.ui import Select

    browser.get(f"{workspace_in_languages}/materials/visit-letter/edit")
    wait(browser, lambda d: len(preview_srcs(d)) == 3)
    picker = Select(by_css(browser, "#scenario")[0])
    # the sample's five languages (Arabic and Welsh rewritten by the fixture), each named in English and in itself
    assert [o.text for o in picker.options][-5:] == [
        "Arabic (العربية)",
        "Welsh (Cymraeg)",
        "Polish (Polski)",
        "Romanian (Română)",
        "Urdu (اردو)",
    ]
    picker.select_by_value("lang-ar")
    wait(
        browser,
        lambda d: (
            "Arabic (العربية), DRAFT, not approved" in by_css(d, "#preview-pages .caption")[0].text
            if by_css(d, "#preview-pages .caption")
            else False
        ),
    )
    wait(browser, lambda d: images_loaded(d, "#preview-pages img"))
    assert console_errors(browser) == []
    assert_accessible(browser)


def test_saving_writes_the_file_keeping_its_comments_and_the_material_then_needs_approval(workspace, browser):
    url, root = workspace
    path = root / "content" / "letters" / "visit.yaml"
    browser.get(f"{url}/materials/visit-letter/edit")
    type_at_end(by_css(browser, "#field-blocks-closing")[0], " We are here to help.")
    by_css(browser, "button[type=submit]")[0].click()
    wait(browser, lambda d: by_css(d, ".notice"))
    assert "needs approval before it can be printed" in by_css(browser, ".notice")[0].text
    saved = path.read_text(encoding="utf-8")
    assert "    {team} on {phone}. We are here to help.\n" in saved
    assert saved.startswith("# The letter every address visited on the patrol receives.\n")
    assert "# Placeholders in curly brackets are filled in for each letter:" in saved
    assert_accessible(browser)

    by_css(browser, ".notice a")[0].click()
    wait(browser, lambda d: d.title.startswith("Review: "))
    assert "We are here to help." in by_css(browser, "#diff ins.added")[0].text
    assert_accessible(browser)

    browser.get(url + "/")
    row = by_css(browser, "#material-visit-letter")[0].text
    assert "needs approval" in row and "approved by" not in row
    assert "approved" in by_css(browser, "#material-lock-it-leaflet")[0].text
    assert_accessible(browser)


def test_a_change_that_would_not_load_is_announced_beside_its_box_and_not_saved(workspace, browser):
    url, root = workspace
    path = root / "content" / "letters" / "visit.yaml"
    before = path.read_bytes()
    browser.get(f"{url}/materials/visit-letter/edit")
    field = by_css(browser, "#field-blocks-sign-off")[0]
    type_at_end(field, " {signature}")
    wait(
        browser,
        lambda d: (
            "{signature} is not something the letter can fill in"
            in by_css(d, "#error-field-blocks-sign-off")[0].text
        ),
    )
    assert "cannot be used yet" in by_css(browser, "#edit-problems")[0].text
    assert by_css(browser, "#edit-problems")[0].get_attribute("role") == "alert"
    by_css(browser, "button[type=submit]")[0].click()
    wait(browser, lambda d: by_css(d, "#save-problems"))
    assert "Not saved: 1 thing to change" in by_css(browser, "#save-problems")[0].text
    assert (
        by_css(browser, "#field-blocks-sign-off")[0].get_attribute("value") == "Yours sincerely, {signature}"
    )
    assert path.read_bytes() == before
    assert_accessible(browser)


def test_a_conflicting_save_is_refused_with_both_versions_shown(workspace, browser):
    url, root = workspace
    path = root / "content" / "letters" / "visit.yaml"
    browser.get(f"{url}/materials/visit-letter/edit")
    field = by_css(browser, "#field-blocks-greeting")[0]
    theirs = path.read_text(encoding="utf-8").replace(
        "greeting: Dear resident,", "greeting: Dear householder,"
    )
    path.write_text(theirs, encoding="utf-8")  # someone else saves first
    field.clear()
    field.send_keys("Dear neighbour,")
    by_css(browser, "button[type=submit]")[0].click()
    wait(browser, lambda d: d.title.startswith("Not saved"))
    page = by_css(browser, "main")[0].text
    assert "Nothing was written, and nothing you typed is lost" in page
    assert "Dear householder," in by_css(browser, ".version.theirs pre")[0].text
    assert by_css(browser, ".version.mine textarea")[0].get_attribute("value") == "Dear neighbour,"
    assert path.read_text(encoding="utf-8") == theirs
    assert_accessible(browser)


def test_the_workspace_works_from_the_keyboard_with_focus_visible(workspace, browser):
    from selenium.webdriver.common.keys import Keys

    url, _ = workspace
    browser.get(url + "/")
    body = by_css(browser, "body")[0]
    body.send_keys(Keys.TAB)
    active = browser.switch_to.active_element
    assert active.text == "Skip to main content"
    assert active.value_of_css_property("left") != "-9999px"
    for _ in range(
        5
    ):  # the workspace's name, "Materials", "Letters runs", "Where to patrol next", then the first
        # material's Edit link
        browser.switch_to.active_element.send_keys(Keys.TAB)
    active = browser.switch_to.active_element
    assert re.search(r"\d", active.value_of_css_property("box-shadow") or "")  # the yellow focus ring
    assert active.tag_name == "a"
    active.send_keys(Keys.ENTER)
    wait(browser, lambda d: d.title.startswith("Edit: "))
    assert_accessible(browser)


def test_a_page_that_does_not_exist_is_accessible_too(workspace, browser):
    url, _ = workspace
    browser.get(url + "/materials/..%2F..%2Fetc%2Fpasswd/edit")
    assert browser.title == "Not found – Letters workspace"
    assert_accessible(browser)


def test_the_accessibility_check_does_find_a_violation_when_there_is_one(workspace, browser):
    url, _ = workspace
    browser.get(url + "/")
    browser.execute_script(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')"
    )
    assert [v["id"] for v in axe_violations(browser)] == ["image-alt"]
