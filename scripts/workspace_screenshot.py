#!/usr/bin/env python3
"""Take the README's picture of the workspace editor with headless Chromium.

    .venv/bin/python scripts/workspace_screenshot.py

Makes a force folder as ``make serve`` does (``handle-docs init
--sample-approvals``: its own git repository, so the page's version label
comes from its history), serves the workspace over it, opens the visit
letter's editor, types a sentence with a jargon word into the opening
paragraph (its section open, its placeholder buttons above it), waits for
the preview and the advice, and writes docs/img/workspace-editor.png from
the top of the page (the title and "Version 1, edited by … on … at …").
Run it from the checkout after ``make venv``; needs Debian's chromium and
chromium-driver (``make browser-deps``).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handle_docs.web import Settings, create_app  # noqa: E402 - after sys.path has the checkout
from tests.browser import chromium, served  # noqa: E402 - after sys.path has the checkout

TARGET = ROOT / "docs" / "img" / "workspace-editor.png"


def main() -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    with tempfile.TemporaryDirectory(prefix="handle-docs-screenshot-") as tmp:
        root = Path(tmp) / "force"
        subprocess.run(
            [str(Path(sys.executable).parent / "handle-docs"), "init", "--sample-approvals", str(root)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        app = create_app(Settings(content=root / "content", instance=Path(tmp) / "instance"))
        with served(app) as base, chromium(width=1360, height=1250) as driver:
            driver.get(f"{base}/materials/visit-letter/edit")
            wait = WebDriverWait(driver, 120, poll_frequency=0.2)
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#preview-pages img")) >= 2)
            before = [
                i.get_attribute("src") for i in driver.find_elements(By.CSS_SELECTOR, "#preview-pages img")
            ]
            for done in ("#section-1 summary", "#section-2 summary"):  # the title and greeting, closed
                driver.find_element(By.CSS_SELECTOR, done).click()
            opening = driver.find_element(By.ID, "field-blocks-opening")
            opening.click()
            opening.send_keys(Keys.CONTROL, Keys.END)
            opening.send_keys(" We found an insecure car.")
            wait.until(lambda d: "Advice:" in d.find_element(By.ID, "lint-field-blocks-opening").text)
            wait.until(
                lambda d: (
                    [i.get_attribute("src") for i in d.find_elements(By.CSS_SELECTOR, "#preview-pages img")]
                    not in ([], before)
                )
            )
            wait.until(
                lambda d: all(
                    d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", i)
                    for i in d.find_elements(By.CSS_SELECTOR, "#preview-pages img")
                )
            )
            driver.execute_script("window.scrollTo(0, 0);")
            time.sleep(0.3)
            TARGET.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(TARGET))
        app.extensions["handle_docs"]["previewer"].close()
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
