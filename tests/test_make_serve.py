"""The workspace started exactly as ``make serve`` starts it, and each of its users' flows in a real browser.

The command lines are the Makefile's own (``make -n serve PORT=0``: ``handle-docs init`` of the demo force
folder demo-force/ when there is none, then serve on it with relative paths, the demo accounts, the demo
workspace key), run by ``/bin/sh`` as make runs a recipe, from a scratch folder laid out like the repository
root: the repository's examples/ and the virtual environment running these tests as .venv/.  So the demo force
folder (a git repository of its own, which the flows commit into) and the instance folder it makes are the
scratch folder's, never the checkout's.  The server is a process of its own, stopped (its whole process group) at the end.

An officer uploads the sample Forms export, checks it, makes the letters and downloads batch.pdf and a page
image; the comms editor edits with a preview and saves; a reviewer opens the review page and sees the proof's
pages.  Every image and download is fetched with the browser's cookies, as the browser fetches it.
Skipped, naming the packages, when Chromium is not installed.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pypdfium2
import pytest

from tests.browser import (  # noqa: F401 (fixture)
    Served,
    assert_accessible,
    browser,
    by_css,
    check_page,
    console_errors,
    images_loaded,
    needs_chromium,
    sign_in_page,
    wait,
)
from tests.conftest import ROOT, SAMPLE_XLSX

pytestmark = needs_chromium()

RUN = 600  # seconds for the sample's 125 letters with the bundled workspace.yaml's one job, on a busy machine
PNG = b"\x89PNG\r\n\x1a\n"
DEMO = "demo-force"  # make serve's force folder, made by init on first use


def serve_command(port: str | None = "0") -> str:
    """The command ``make serve PORT=port`` runs (plain ``make serve`` for None), as make prints it."""
    env = {name: value for name, value in os.environ.items() if name != "PORT"}
    shown = subprocess.run(
        ["make", "-n", "--no-print-directory", "serve", *([f"PORT={port}"] if port else [])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    lines = shown.splitlines()
    commands = [i for i, line in enumerate(lines) if re.search(r"handle-docs serve\b", line)]
    assert len(commands) == 1, shown
    assert "--instance instance" in lines[commands[0]], "make serve gives a relative instance folder"
    made = [line for line in lines[: commands[0]] if re.search(r"handle-docs init\b", line)]
    assert made == [f"test -d {DEMO} || .venv/bin/handle-docs init --sample-approvals {DEMO}"], shown
    assert f"--content {DEMO}/content" in lines[commands[0]], "make serve serves the demo force folder"
    return " && ".join([*made, lines[commands[0]]])


def scratch_root(root: Path) -> Path:
    """``root`` laid out like the repository for make serve's command line (no demo-force/ yet: make serve makes it)."""
    (root / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    (root / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    assert (root / ".venv" / "bin" / "handle-docs").is_file(), (
        "the tests run in the virtual environment (make venv)"
    )
    return root


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = scratch_root(tmp_path_factory.mktemp("make-serve"))
    had_instance = (ROOT / "instance").exists()  # a person's own make serve may have made one
    had_demo = (ROOT / DEMO).exists()
    served = Served(serve_command(), root)
    try:
        url = served.address()
        assert (root / "instance" / "secret_key").is_file(), "the instance folder is the one beside content/"
        yield url, served.accounts(), root
    finally:
        served.stop()
    assert (ROOT / "instance").exists() == had_instance, "the test made an instance folder in the checkout"
    assert (ROOT / DEMO).exists() == had_demo, "the test made a demo force folder in the checkout"
    demo_head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root / DEMO, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert subprocess.run(["git", "cat-file", "-e", f"{demo_head}^{{commit}}"], cwd=ROOT).returncode != 0, (
        "trying the demo committed into this project's own repository"
    )


def sign_in_as(driver, url: str, account: str, accounts: dict[str, str]) -> None:
    assert account in accounts, f"make serve printed the demo accounts {sorted(accounts)}"
    sign_in_page(driver, url, account, accounts[account])


def fetch(driver, url: str) -> tuple[str, bytes]:
    """GET ``url`` with the browser's cookies: its content type and body; an error status fails, naming it."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers={"Cookie": cookies}), timeout=120
        ) as got:
            return got.headers.get_content_type(), got.read()
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"{url}: HTTP {exc.code} {exc.reason}") from None


def image_srcs(driver, selector: str) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]), i => i.src)", selector
    )


def shown_images(driver, selector: str) -> list[str]:
    """The images ``selector`` finds, once there and each loaded or failed: each fetched as the browser
    fetched it and checked to be a PNG, then checked to be drawn; their addresses."""
    wait(
        driver,
        lambda d: (
            image_srcs(d, selector)
            and d.execute_script(
                "return Array.from(document.querySelectorAll(arguments[0])).every(i => i.complete)", selector
            )
        ),
    )
    srcs = image_srcs(driver, selector)
    for src in srcs:
        kind, body = fetch(driver, src)
        assert kind == "image/png" and body.startswith(PNG), (src, kind, body[:80])
    wait(driver, lambda d: images_loaded(d, selector))
    return srcs


def test_the_makefile_serves_on_the_port_it_is_given_and_8000_by_default():
    assert serve_command().endswith("--port 0")
    assert serve_command("8080").endswith("--port 8080")
    assert serve_command(None).endswith("--port 8000")


def test_an_officer_uploads_checks_makes_and_downloads_the_batch_and_a_page_image(workspace, browser):
    from selenium.webdriver.common.by import By

    url, accounts, _ = workspace
    sign_in_as(browser, url, "demo-officer", accounts)
    browser.get(f"{url}/runs/")
    assert browser.title == "Letters runs – Letters workspace"
    by_css(browser, "#records")[0].send_keys(str(SAMPLE_XLSX))
    by_css(browser, "form[enctype] button[type=submit]")[0].click()
    wait(browser, lambda d: d.current_url.endswith("/check"))
    assert by_css(browser, "#figures")[0].text.startswith(
        "2 rows need an answer before they get a letter; 125 rows"
    )

    by_css(browser, "#make-letters")[0].click()
    wait(browser, lambda d: d.current_url.endswith("/results"), timeout=RUN)
    figures = by_css(browser, "#figures")[0].text
    assert re.match(r"\d+ letters made from 127 rows: 125 rows in letters, 2 without a letter", figures), (
        figures
    )
    pages = int(re.search(r"batch\.pdf: (\d+) pages", by_css(browser, "#print-batch")[0].text).group(1))
    href = browser.find_element(By.LINK_TEXT, "batch.pdf").get_attribute("href")
    kind, body = fetch(browser, href)
    assert kind == "application/pdf" and body.startswith(b"%PDF-"), (kind, body[:80])
    document = pypdfium2.PdfDocument(io.BytesIO(body))
    try:
        assert len(document) == pages
    finally:
        document.close()
    assert shown_images(browser, ".previews img"), "the results page shows the batch's first pages"
    assert console_errors(browser) == []


def test_the_comms_editor_edits_with_a_preview_and_saves(workspace, browser):
    url, accounts, root = workspace
    sign_in_as(browser, url, "demo-editor", accounts)
    browser.get(f"{url}/materials/lock-it-leaflet/edit")
    assert browser.title.startswith("Edit: ")
    assert shown_images(browser, "#preview-pages img")

    path = root / DEMO / "content" / "leaflets" / "lock-it.yaml"
    before = path.read_text(encoding="utf-8")
    field = by_css(browser, "textarea")[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
    field.click()
    field.send_keys(" Thank you.")
    wait(browser, lambda d: d.execute_script("return document.querySelector('.htmx-request') === null"))
    by_css(browser, "#editor button[type=submit]")[0].click()
    wait(browser, lambda d: by_css(d, ".notice"))
    assert "needs approval before it can be printed" in by_css(browser, ".notice")[0].text
    assert path.read_text(encoding="utf-8") != before and "Thank you." in path.read_text(encoding="utf-8")
    last = subprocess.run(
        ["git", "log", "-1", "--format=%an|%cn|%s", "--name-only"],
        cwd=root / DEMO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert last.splitlines()[0].startswith("Dana Whitlock|handle-docs workspace|Lock it leaflet: "), last
    assert "content/leaflets/lock-it.yaml" in last.splitlines(), (
        "the save is one commit in the demo force folder"
    )
    assert console_errors(browser) == []

    # a second save: the editor, the review page, the History tab and handle-docs history say the same version
    field = by_css(browser, "textarea")[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
    field.click()
    field.send_keys(" Thank you again.")
    by_css(browser, "#editor button[type=submit]")[0].click()
    wait(browser, lambda d: by_css(d, ".notice") and "again" in path.read_text(encoding="utf-8"))
    said = re.compile(r"Version (\d+), edited by (.+?) on (\d{1,2} \w+ \d{4}) at (\d\d:\d\d)")
    in_editor = said.search(by_css(browser, ".facts")[0].text).groups()
    browser.get(f"{url}/materials/lock-it-leaflet/review")
    in_review = said.search(by_css(browser, "#state-heading")[0].text).groups()
    browser.get(f"{url}/materials/lock-it-leaflet/history")
    in_tab = said.search(by_css(browser, ".version-label")[0].text).groups()  # newest first
    check_page(browser)  # the History tab: plain words, accessible at 100 % and 200 % zoom
    assert in_editor == in_review == in_tab and in_editor[:2] == (
        "3",
        "Dana Whitlock",
    ), (  # the demo editor's invented name
        in_editor,
        in_review,
        in_tab,
    )
    shown = subprocess.run(
        [".venv/bin/handle-docs", "history", "lock-it-leaflet", "--folder", DEMO],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("lock-it-leaflet: 3 versions")
    assert (
        f"edited by Dana Whitlock on {in_editor[2]} at {in_editor[3]}"
        in shown.stdout[shown.stdout.index("version 3 ") :]
    )


def test_a_reviewer_opens_the_review_page_and_sees_the_proofs_pages(workspace, browser):
    url, accounts, _ = workspace
    sign_in_as(browser, url, "priya-lang", accounts)
    browser.get(f"{url}/materials/visit-letter/review")
    assert browser.title.startswith("Review")
    assert (
        len(shown_images(browser, "#proof-pages img")) == 3
    )  # shared-back: two about the address, the shared one
    assert console_errors(browser) == []
    assert_accessible(browser)
