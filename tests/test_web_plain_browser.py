"""Issue 28: the workspace in plain words, each user's first task end to end in a real browser (headless
Chromium), the workspace started as make serve starts it (``handle-docs serve``, relative folders, accounts).

- comms staff: sign in, land on the materials, edit the visit letter (sections, a placeholder inserted at the
  cursor by its button), a refused save that stays on the editor with the text, the last saved wording's
  preview and one plain message beside the box, every box named in plain words and Save within 5 Tab stops
  of every box (Tab pressed from each), then a save from the keyboard;
- reviewers: land on "Waiting for your approval", read what changed (a real diff, before the decision in the
  page, inline or side by side), the proof, approve; the state in one sentence, then "nothing more is needed";
- an officer (issue 32): upload police.uk's crime data, see where to patrol next, and whether crime fell after
  a patrol on its run's results page, the chart drawn;
- an officer: land on their runs, upload the Forms export, the check page in the form's own questions, every
  row with a problem in one form with the value found, one "Check again", make the letters, the results led
  by what to print, delete through a confirmation page;
- two editors saving the same letter: the second lands on the conflict page, in plain words, with their own
  words kept in the box, and may save them over the first's.

On every page: no hash, key fingerprint, file:line, YAML key, command or diff mark outside "Technical
details"; axe-core finds nothing at 100 % and at 200 % zoom, where nothing scrolls sideways."""

from __future__ import annotations

import math
import re

import pytest

from handle_docs.wording.content import load_content
from handle_docs.wording.edit import editable_fields
from tests.browser import (  # noqa: F401 (fixture)
    assert_plain_words,
    axe_violations,
    browser,
    by_css,
    check_page,
    console_errors,
    copy_sample,
    images_loaded,
    needs_chromium,
    scrolls_sideways,
    sign_in_page,
    started,
    tab_stops_to,
    wait,
    zoomed,
)
from tests.conftest import CONTENT, SAMPLE_XLSX, TEMPLATES, approve_all, edit
from tests.signing import DEMO_KEYS
from tests.synth import write_records
from tests.test_review_cli import one_word
from tests.test_web_impact import crimes_zip as sample_zip
from tests.webaccounts import PASSWORD, add

pytestmark = needs_chromium()

RUN_WAIT = 600  # seconds: 127 rows of letters on a busy two-core machine shared with other work
INTERNAL_COLUMNS = {
    "submitted_at",
    "vrm",
    "vehicle_secure",
    "nws_interest",
    "items_on_display",
    "cms_interest",
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("plain")
    copy_sample(root)
    (root / "content" / "workspace.yaml").write_text("retention_days: 7\njobs: 2\n", encoding="utf-8")
    instance = root / "instance"
    add(instance, "dana", "editor")
    add(instance, "sam", "editor")
    add(instance, "priya-lang", "comms-lead")
    add(instance, "tom-okoro", "neighbourhood-sergeant")
    add(instance, "olu", "officer")
    add(instance, "ivo-admin", "admin")
    with started(root, "--key", str(DEMO_KEYS / "demo-workspace")) as url:
        yield url, root


def crimes_zip(folder) -> object:
    """The invented police.uk sample as the zip police.uk's download gives."""
    path = folder / "police-uk.zip"
    path.write_bytes(sample_zip())
    return path


def sign_in_as(driver, url: str, account: str) -> None:
    sign_in_page(driver, url, account, PASSWORD)


def nav_links(driver) -> list[str]:
    return [a.text for a in by_css(driver, ".site-header nav a")]


#: The boxes (CSS selector) that, once focused as Tab focuses them (scrolled into view), are covered at their
#: foot by something else (a sticky Save bar).
OBSCURED_WHEN_FOCUSED = """
const hidden = [];
for (const box of document.querySelectorAll(arguments[0])) {
  box.focus();
  const r = box.getBoundingClientRect();
  const seen = document.elementFromPoint(r.left + r.width / 2, Math.min(r.bottom, window.innerHeight) - 3);
  if (!box.contains(seen)) { hidden.push(box.id); }
}
return hidden;
"""


def preview_count(driver) -> int:
    return len(by_css(driver, "#preview-pages img"))


def test_comms_staff_edit_the_letter_in_plain_words(workspace, browser):
    url, root = workspace
    sample = load_content(CONTENT, TEMPLATES)
    path = root / "content" / "letters" / "visit.yaml"
    browser.delete_all_cookies()
    browser.get(f"{url}/")
    assert browser.title.startswith("Sign in")
    check_page(browser)
    sign_in_as(browser, url, "dana")
    assert browser.title.startswith("Materials")
    assert nav_links(browser) == ["Materials"]  # no "Letters runs": an editor may not follow it
    assert "Version 1, edited by Dana Whitlock" in by_css(browser, "#material-visit-letter")[0].text
    check_page(browser)

    by_css(browser, "#material-visit-letter .row-actions a")[0].click()
    wait(browser, lambda d: d.title.startswith("Edit: "))
    wait(browser, lambda d: preview_count(d) == 3)
    sections = by_css(browser, "details.section")
    names = [s.find_element("css selector", "summary").text for s in sections]
    assert names[:4] == [
        "Title",
        "Greeting",
        "Opening",
        "What we found › a car not locked",
    ]  # as a resident reads
    assert names[-2:] == ["Labels", "Item names"] and not sections[-1].get_attribute("open")  # collapsible
    assert (
        len(by_css(browser, "#markup-rules")) == 1 and browser.page_source.count("A blank line starts") == 1
    )
    check_page(browser)

    box = by_css(browser, "#field-blocks-closing")[0]
    original = box.get_attribute("value")
    browser.execute_script(
        "arguments[0].focus(); arguments[0].setSelectionRange(arguments[0].value.length,"
        " arguments[0].value.length)",
        box,
    )
    button = by_css(
        browser, '.placeholders[data-target="field-blocks-closing"] button[data-insert="{area}"]'
    )[0]
    assert button.get_attribute("title").startswith("the area patrolled")  # its meaning on hover
    assert "the area patrolled" in button.get_attribute("textContent")  # ... and to a screen reader
    button.click()
    assert box.get_attribute("value") == original + "{area}"
    box.send_keys(" {nonsense}")
    wait(
        browser,
        lambda d: (
            "{nonsense} is not something the letter can fill in"
            in by_css(d, "#error-field-blocks-closing")[0].text
        ),
    )

    by_css(browser, "#field-blocks-closing")[0].find_element(
        "xpath", "ancestor::details[1]//button[@type='submit']"
    ).click()
    wait(browser, lambda d: by_css(d, "#save-problems"))
    assert browser.current_url.endswith("/materials/visit-letter/edit")  # still the editor, not /save
    assert (
        by_css(browser, "#field-blocks-closing")[0].get_attribute("value") == original + "{area} {nonsense}"
    )
    message = (
        "{nonsense} is not something the letter can fill in. You can use: {area}, {operation}, "
        "{patrol_date}, {force}, {team}, {phone}, {non_emergency}, {emergency}, {signatory}, "
        "{signatory_role}."
    )
    wait(browser, lambda d: by_css(d, "#error-field-blocks-closing")[0].text == message)
    assert by_css(browser, "main")[0].text.count("is not something the letter can fill in") == 1
    wait(browser, lambda d: preview_count(d) == 3 and images_loaded(d, "#preview-pages img"))
    assert "last saved wording" in by_css(browser, "#preview-pages .caption")[0].text
    check_page(browser)

    for summary in by_css(browser, "details.section:not([open]) > summary"):
        summary.click()  # every section open, as a person opens them
    boxes = by_css(browser, "#editor input[type='text'], #editor textarea")
    assert len(boxes) == len(
        editable_fields(sample.material("visit-letter"), sample.docs["letters/visit.yaml"])
    )
    far = {b.get_attribute("id"): tab_stops_to(browser, b, "button.save") for b in boxes}
    assert [box for box, stops in far.items() if stops is None] == []  # Save within 5 Tab stops of every box
    hidden = browser.execute_script(OBSCURED_WHEN_FOCUSED, "#editor input[type='text'], #editor textarea")
    assert hidden == []  # no box is hidden by a sticky Save bar when focused (WCAG 2.4.11)
    labels = [label.text for label in by_css(browser, "#editor .field > label")]
    assert "Description of a QR code, read aloud by screen readers" in labels
    assert [label for label in labels if "_" in label or label.startswith("Label: ")] == []
    qr = by_css(browser, "#field-labels-qr-alt")[0]  # a QR code's description: its own two placeholders
    alt = qr.get_attribute("value")
    bar = '.placeholders[data-target="field-labels-qr-alt"] button'
    assert [b.get_attribute("data-insert") for b in by_css(browser, bar)] == ["{label}", "{short}"]
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus(); arguments[0].setSelectionRange(0, 0)",
        qr,
    )
    by_css(browser, bar)[0].click()
    assert qr.get_attribute("value") == "{label}" + alt
    browser.execute_script(
        "arguments[0].value = arguments[1];arguments[0].dispatchEvent(new Event('input', {bubbles: true}))",
        qr,
        alt,
    )
    box = by_css(browser, "#field-blocks-closing")[0]
    browser.execute_script(
        "arguments[0].value = arguments[1];arguments[0].dispatchEvent(new Event('input', {bubbles: true}))",
        box,
        original + " {area}",
    )
    stops = tab_stops_to(browser, box, "button.save")
    assert stops is not None and stops <= 5
    from selenium.webdriver.common.keys import Keys

    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait(browser, lambda d: by_css(d, ".notice"))
    assert "Saved 1 change. This new version needs approval" in by_css(browser, ".notice")[0].text
    assert "{area}" in path.read_text(encoding="utf-8")
    assert browser.current_url.endswith("/materials/visit-letter/edit")
    assert "Version 2, edited by dana" in by_css(browser, ".facts")[0].text
    check_page(browser)


def test_reviewers_read_what_changed_then_the_proof_then_approve(workspace, browser):
    url, root = workspace
    one_word(root / "content")  # walked -> strolled
    sign_in_as(browser, url, "priya-lang")
    assert by_css(browser, "h1")[0].text == "Waiting for your approval"
    assert nav_links(browser) == ["Materials"] and not by_css(browser, "a[href$='/edit']")
    waiting = by_css(browser, "#waiting")[0].text
    assert "Advice after our vehicle crime patrol" in waiting and "a comms lead must approve" in waiting
    check_page(browser)

    browser.find_element("link text", "Advice after our vehicle crime patrol").click()
    wait(browser, lambda d: d.title.startswith("Review: "))
    assert browser.execute_script(  # what changed, then the proof, then the decision, in the page's order
        "const d = document.getElementById('diff'), p = document.getElementById('proof-pages'),"
        " f = document.querySelector('form.decision');"
        "return !!(d.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING)"
        " && !!(p.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    removed = [e.get_attribute("textContent") for e in by_css(browser, "#diff del.removed")]
    added = [e.get_attribute("textContent") for e in by_css(browser, "#diff ins.added")]
    assert "[removed: walked]" in removed and "[added: strolled]" in added
    assert (
        by_css(browser, "#diff del.removed")[0].value_of_css_property("text-decoration-line")
        == "line-through"
    )
    assert by_css(browser, "#review-state")[0].text == "Needs two more approvals: a comms lead must approve."
    assert (
        by_css(browser, "form.decision input[name=fingerprint]")[0]
        .get_attribute("value")
        .startswith("sha256:")
    )
    wait(browser, lambda d: len(by_css(d, "#proof-pages img")) == 3 and images_loaded(d, "#proof-pages img"))
    check_page(browser)

    browser.find_element("link text", "Before and after, side by side").click()
    wait(browser, lambda d: by_css(d, ".diff-sides"))
    assert "walked" in by_css(browser, ".diff-sides > div")[0].text
    assert "strolled" in by_css(browser, ".diff-sides > div")[1].text
    wait(browser, lambda d: len(by_css(d, "#proof-pages img")) == 3)
    check_page(browser)

    by_css(browser, "#note-comms-lead")[0].send_keys("Reads well.")
    by_css(browser, "#approve-comms-lead")[0].click()
    wait(browser, lambda d: by_css(d, ".notice"))
    assert by_css(browser, "#review-state")[0].text.startswith(
        "Needs one more approval: already approved by Priya Lang (comms lead) on "
    )
    check_page(browser)

    sign_in_as(browser, url, "tom-okoro")
    browser.find_element("link text", "Advice after our vehicle crime patrol").click()
    wait(browser, lambda d: d.title.startswith("Review: "))
    wait(browser, lambda d: len(by_css(d, "#proof-pages img")) == 3)  # he reads the proof, then decides
    by_css(browser, "#approve-neighbourhood-sergeant")[0].click()
    wait(browser, lambda d: by_css(d, ".notice"))
    state = by_css(browser, "#review-state")[0].text
    assert re.fullmatch(
        r"Approved by Priya Lang \(comms lead\) and Sgt Tom Okoro \(neighbourhood sergeant\) on "
        r"\d{1,2} \w+ \d{4}: nothing more is needed\.",
        state,
    ), state
    assert not by_css(browser, "#approve-neighbourhood-sergeant")[0].is_enabled()
    assert "must approve" not in by_css(browser, "#decide")[0].text
    wait(browser, lambda d: len(by_css(d, "#proof-pages img")) == 3)
    check_page(browser)
    browser.get(url + "/")
    assert (
        "Advice after our vehicle crime patrol"
        not in (by_css(browser, "#waiting") or by_css(browser, "main"))[0].text.split("All materials")[0]
    )

    browser.get(f"{url}/materials/visit-letter/history")  # the History tab of a folder that keeps none
    assert "There is no history to show" in by_css(browser, "main")[0].text  # with one: test_make_serve.py
    check_page(browser)
    browser.get(f"{url}/runs/")  # a reviewer is not an officer: Not allowed, said with the roles' names
    assert browser.title.startswith("Not allowed")
    assert (
        "it needs the role officer, and this account has the role neighbourhood sergeant"
        in by_css(browser, "main")[0].text
    )
    check_page(browser)
    browser.get(f"{url}/materials/no-such-letter/review")
    assert browser.title.startswith("Not found")
    check_page(browser)

    sign_in_as(browser, url, "ivo-admin")  # whoever runs the workspace: the accounts and the sign-in record
    browser.get(f"{url}/admin/")
    assert by_css(browser, "#account-olu")[0].text.startswith("olu")
    check_page(browser)
    browser.get(f"{url}/admin/audit")
    check_page(browser)


def test_an_officer_checks_corrects_makes_and_prints_the_letters(workspace, browser):
    url, root = workspace
    approve_all(root / "content")
    console_errors(browser)  # the browser is shared: what earlier tests left in its log is theirs
    sign_in_as(browser, url, "olu")
    assert browser.title.startswith("Letters runs")  # an officer lands on their runs
    assert nav_links(browser) == ["Letters runs", "Where to patrol next"]
    assert not by_css(browser, "a[href^='/materials']")
    check_page(browser)

    by_css(browser, "#records")[0].send_keys(str(SAMPLE_XLSX))
    by_css(browser, "form[enctype] button[type=submit]")[0].click()
    wait(browser, lambda d: d.current_url.endswith("/check"))
    assert by_css(browser, ".caption-l")[0].text == "Operation Larkspur, Eastmoor, 14 November 2026"
    assert by_css(browser, "#figures")[0].text == (
        "2 rows need an answer before they get a letter; 125 rows "
        "will get their letters, 5 of them with an answer assumed."
    )
    labels = [label.text for label in by_css(browser, "#corrections label")]
    assert "Address where the vehicle was parked (flat, house number and street, town)" in labels
    assert not INTERNAL_COLUMNS & set(labels)
    assert not INTERNAL_COLUMNS & set(re.findall(r"[a-z]+_[a-z_]+|\bvrm\b", by_css(browser, "main")[0].text))
    rows = [f.get_attribute("id") for f in by_css(browser, "#corrections fieldset.row-card")]
    assert rows == ["row-19", "row-44", "row-56", "row-71", "row-94", "row-104", "row-117"]  # warnings too
    warned = by_css(browser, "#row-44 input[type=text]")
    assert warned and all(i.get_attribute("value") for i in warned)  # the value found, filled in
    assert len(by_css(browser, "#corrections button[type=submit]")) == 1
    assert by_css(browser, "#leaflet-lock-it-leaflet")[0].is_selected()
    assert "in each resident's language" in by_css(browser, "label[for=leaflet-lock-it-leaflet]")[0].text
    check_page(browser)

    by_css(browser, "#fix-19-address")[0].send_keys("7 Orchard Way, Eastmoor, Westmarch")
    by_css(browser, "#check-again")[0].click()
    wait(browser, lambda d: "1 row needs an answer" in by_css(d, "#figures")[0].text)
    assert "Corrected for this run and now accepted: row 19." in by_css(browser, "main")[0].text
    check_page(browser)

    by_css(browser, "#make-letters")[0].click()
    wait(browser, lambda d: d.current_url.endswith("/progress"))
    check_page(browser)  # while the letters are made (127 rows: longer than the page's checks take)
    progress_url = browser.current_url
    browser.refresh()  # the run goes on, and the page finds it again
    assert by_css(browser, "#run-progress")
    wait(browser, lambda d: d.current_url.endswith("/results"), timeout=RUN_WAIT)
    assert console_errors(browser) == []
    figures = by_css(browser, "#figures")[0].text
    assert re.match(
        r"\d+ letters made from 127 rows: 126 rows in letters, 1 without a letter, 5 with an "
        r"answer assumed\.",
        figures,
    ), figures
    assert "Corrected for this run: row 19." in figures
    said = by_css(browser, "#print-batch")[0].text
    match = re.fullmatch(r"Print batch\.pdf: (\d+) pages, double-sided on (\d+) sheets of A4\.", said)
    assert match and int(match.group(2)) == math.ceil(int(match.group(1)) / 2), said
    assert by_css(browser, "#take-round-sheet")[0].text == "Take round-sheet.pdf on the round."
    assert browser.execute_script(
        "const a = document.getElementById('print-list'), b = document.getElementById('keep-list'),"
        " c = document.getElementById('all-files');"
        "return !!(a.compareDocumentPosition(b) & 4) && !!(b.compareDocumentPosition(c) & 4)"
    )
    assert all(hint.text for hint in by_css(browser, ".file-list .hint"))
    check_page(browser)

    browser.get(progress_url)
    assert re.search(r"(\d+) of \1 letters \(100 %\): done", by_css(browser, "#progress-text")[0].text)
    assert by_css(browser, "#progress-bar")[0].get_attribute("value") == "100"
    browser.get(progress_url.replace("/progress", "/results"))

    by_css(browser, "#delete-run")[0].click()
    wait(browser, lambda d: d.title.startswith("Delete this run"))
    assert "the letters and the print batch" in by_css(browser, "#deleted")[0].text
    check_page(browser)
    by_css(browser, "#confirm-delete")[0].click()
    wait(browser, lambda d: d.title.startswith("Letters runs"))
    assert "Personal data deleted" in by_css(browser, "#runs")[0].text
    check_page(browser)


def test_an_officer_uploads_crime_data_sees_where_to_patrol_next_and_whether_crime_fell(
    workspace, browser, tmp_path
):
    url, root = workspace
    approve_all(root / "content")
    sign_in_as(browser, url, "olu")
    by_css(browser, ".site-header nav a[href='/where-next/']")[0].click()
    wait(browser, lambda d: d.title.startswith("Where to patrol next"))
    by_css(browser, "#no-crime-data a")[0].click()
    wait(browser, lambda d: d.title.startswith("Crime data"))
    by_css(browser, "#crimes")[0].send_keys(str(crimes_zip(tmp_path)))
    by_css(browser, "form[enctype] button[type=submit]")[0].click()
    wait(
        browser,
        lambda d: (
            "Crime data: January 2025 to May 2027, 1 force." in by_css(d, "#crime-data-summary")[0].text
        ),
    )
    check_page(browser)
    by_css(browser, ".site-header nav a[href='/where-next/']")[0].click()
    wait(browser, lambda d: by_css(d, "#hotspots caption"))
    assert by_css(browser, "#hotspots tbody th[scope=row]")[0].text == "Westmarch 029E"
    check_page(browser)

    by_css(browser, ".site-header nav a[href='/runs/']")[0].click()
    wait(browser, lambda d: d.title.startswith("Letters runs"))
    by_css(browser, "#records")[0].send_keys(str(write_records(tmp_path / "patrol.csv", 6)))
    by_css(browser, "form[enctype] button[type=submit]")[0].click()
    wait(browser, lambda d: d.current_url.endswith("/check"))
    console_errors(browser)  # those so far
    by_css(browser, "#make-letters")[0].click()
    wait(browser, lambda d: d.current_url.endswith("/results"), timeout=RUN_WAIT)
    wait(
        browser, lambda d: by_css(d, "#impact-verdict"), timeout=60
    )  # worked out after the run; the page polls
    assert by_css(browser, "#impact-verdict strong")[0].text == "Vehicle crime fell."
    wait(browser, lambda d: images_loaded(d, "#impact-chart"))
    finding = by_css(browser, "#impact-verdict")[0].text.split(". ", 1)[1]
    assert finding in by_css(browser, "#impact-chart")[0].get_attribute(
        "alt"
    )  # the alt text states the finding
    assert console_errors(browser) == []  # the chart drawn under the workspace's CSP, the polling allowed
    check_page(browser)

    # the area left to the records' streets: Millbrook Close is in two neighbourhoods, listed in plain words
    operation = root / "content" / "operation.yaml"
    kept = operation.read_text(encoding="utf-8")
    edit(operation, "area:\n  lsoa: [Z01000018, Z01000019]", "")
    try:
        by_css(browser, "#work-out-impact")[0].click()
        wait(browser, lambda d: by_css(d, "#impact-ambiguous"), timeout=60)
        assert "Millbrook Close is in 2 neighbourhoods" in by_css(browser, "#impact-ambiguous")[0].text
        check_page(browser)
    finally:
        operation.write_text(kept, encoding="utf-8")


def test_two_editors_save_the_same_letter_and_the_second_keeps_their_words_in_plain_words(workspace, browser):
    url, root = workspace
    sign_in_as(browser, url, "dana")
    browser.get(f"{url}/materials/visit-letter/edit")
    wait(browser, lambda d: d.title.startswith("Edit: "))
    dana = browser.get_cookies()  # her session, as her editor page left it (its form's token with it)
    first_tab = browser.current_window_handle

    browser.switch_to.new_window("tab")  # a second editor, at another desk, saves first
    browser.get(f"{url}/sign-in")  # on the workspace's address, so that her cookies go (not signed out)
    sign_in_as(browser, url, "sam")
    browser.get(f"{url}/materials/visit-letter/edit")
    wait(browser, lambda d: d.title.startswith("Edit: "))
    box = by_css(browser, "#field-blocks-closing")[0]
    box.send_keys(" Sam was here.")
    box.find_element("xpath", "ancestor::details[1]//button[@type='submit']").click()
    wait(browser, lambda d: by_css(d, ".notice"))
    browser.close()

    browser.switch_to.window(first_tab)
    browser.delete_all_cookies()
    for cookie in dana:
        browser.add_cookie(cookie)
    box = by_css(browser, "#field-blocks-closing")[0]
    box.send_keys(" Dana's own words.")
    mine = box.get_attribute("value")
    box.find_element("xpath", "ancestor::details[1]//button[@type='submit']").click()
    wait(browser, lambda d: d.title.startswith("Not saved"))
    assert by_css(browser, "h1")[0].text == "Not saved: someone else changed this material"
    assert re.search(
        r"after you opened it \(Version \d+, edited by sam on \d{1,2} \w+ \d{4} at \d\d:\d\d\)",
        by_css(browser, "main")[0].text,
    ), "who saved first, and when"
    assert by_css(browser, "#mine-blocks-closing")[0].get_attribute("value") == mine  # nothing typed is lost
    theirs = by_css(browser, "#mine-blocks-closing")[0].find_element(
        "xpath", "ancestor::div[@class='compare']"
    )
    assert "Sam was here." in theirs.text and "Closing" in theirs.find_element("tag name", "h2").text
    check_page(browser)

    by_css(browser, "button.save-over")[0].click()
    wait(browser, lambda d: by_css(d, ".notice"))
    assert "Dana's own words." in (root / "content" / "letters" / "visit.yaml").read_text(encoding="utf-8")
