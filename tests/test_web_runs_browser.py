"""An officer's letters run end to end in a real browser (headless Chromium):
upload the sample Forms export, see the rows with problems, correct one,
make the letters, watch the progress reach 100 % (through a reload), and
download batch.pdf and open it.  Works on copies of content/, templates/ and
review/ with every material approved; skipped, naming the packages, when
Chromium is not installed."""

from __future__ import annotations

import re
import shutil
import time

import pytest

from tests.browser import PACKAGES, axe_violations, browser_paths, chromium, console_errors, served
from tests.conftest import CONTENT, ROOT, SAMPLE_XLSX, TEMPLATES, approve_all
from tests.pdfsee import page_texts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(browser_paths() is None,
                       reason=f"Chromium is not installed: install the Debian packages {PACKAGES} (make test does)"),
]

WAIT = 120  # seconds: 125 letters on a busy two-core machine
CORRECTED = "7 Orchard Way, Eastmoor, Westmarch"


@pytest.fixture
def workspace(tmp_path):
    from handle_docs.services.supervisor import worker_running
    from handle_docs.web import Settings, create_app

    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    shutil.copytree(ROOT / "review", tmp_path / "review")
    approve_all(tmp_path / "content")
    (tmp_path / "content" / "workspace.yaml").write_text("retention_days: 7\njobs: 2\n", encoding="utf-8")
    settings = Settings(content=tmp_path / "content", instance=tmp_path / "instance")
    app = create_app(settings)
    with served(app) as url, worker_running(settings.instance, settings.content, settings.templates_dir,
                                            settings.review_dir):
        yield url, tmp_path
        app.extensions["handle_docs"]["run_queue"].wait_idle(WAIT)
    app.extensions["handle_docs"]["previewer"].close()


def wait(driver, condition, timeout: float = WAIT):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2,
                         ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def test_upload_check_correct_make_and_download_the_sample_patrol(workspace):
    from selenium.webdriver.common.by import By

    url, root = workspace
    downloads = root / "downloads"
    downloads.mkdir()
    with chromium() as driver:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        driver.get(f"{url}/runs/")
        assert driver.title == "Letters runs – Letters workspace"
        driver.find_element(By.ID, "records").send_keys(str(SAMPLE_XLSX))
        driver.find_element(By.CSS_SELECTOR, "form[enctype] button[type=submit]").click()

        wait(driver, lambda d: "/check" in d.current_url)
        assert driver.title == "Check the records – Letters workspace"
        assert re.fullmatch(r".*/runs/[A-Za-z0-9_-]{22}/check", driver.current_url)
        figures = driver.find_element(By.ID, "figures").text
        assert figures == ("2 rows need an answer before they get a letter; 125 rows will get their letters, 5 of "
                           "them with an answer assumed.")
        rows = [row.get_attribute("id") for row in driver.find_elements(By.CSS_SELECTOR, "fieldset.row-card")]
        assert rows == ["row-19", "row-44", "row-56", "row-71", "row-94", "row-104", "row-117"]
        assert axe_violations(driver) == []

        driver.find_element(By.ID, "fix-19-address").send_keys(CORRECTED)
        driver.find_element(By.ID, "check-again").click()
        wait(driver, lambda d: "Corrected for this run and now accepted: row 19." in d.find_element(By.TAG_NAME, "main").text)
        assert "1 row needs an answer before it gets a letter; 126 rows" in driver.find_element(By.ID, "figures").text

        driver.find_element(By.ID, "make-letters").click()
        wait(driver, lambda d: d.current_url.endswith("/progress"))
        progress_url = driver.current_url
        assert driver.title == "Making the letters – Letters workspace"
        time.sleep(1)
        driver.refresh()  # the run goes on, and the page finds it again
        assert driver.find_elements(By.ID, "run-progress")
        wait(driver, lambda d: d.current_url.endswith("/results"))
        assert console_errors(driver) == []

        driver.get(progress_url)
        assert re.search(r"(\d+) of \1 letters \(100 %\): done", driver.find_element(By.ID, "progress-text").text)
        assert driver.find_element(By.ID, "progress-bar").get_attribute("value") == "100"

        driver.get(progress_url.replace("/progress", "/results"))
        figures = driver.find_element(By.ID, "figures").text
        assert re.match(r"\d+ letters made from 127 rows: 126 rows in letters, 1 without a letter, 5 with an "
                        r"answer assumed\.", figures), figures
        assert "Corrected for this run: row 19." in figures
        assert axe_violations(driver) == []
        pages = int(re.search(r"batch\.pdf: (\d+) pages", driver.find_element(By.ID, "print-batch").text).group(1))
        driver.find_element(By.LINK_TEXT, "batch.pdf").click()
        wait(driver, lambda d: (downloads / "batch.pdf").is_file(), timeout=30)

    texts = page_texts(downloads / "batch.pdf")
    assert len(texts) == pages
    assert "Orchard Way" in " ".join(texts)
