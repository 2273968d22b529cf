#!/usr/bin/env python3
"""Take the README's picture of the workspace editor with headless Chromium.

    .venv/bin/python scripts/workspace_screenshot.py

Serves the workspace over a copy of content/, templates/ and review/, opens
the visit letter's editor, types a sentence with a jargon word into the
opening paragraph (its section open, its placeholder buttons above it), waits for the preview and the advice, and writes
docs/img/workspace-editor.png.  Needs Debian's chromium and chromium-driver.
"""

from __future__ import annotations

import shutil
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
        root = Path(tmp)
        for name in ("content", "templates", "review"):
            shutil.copytree(ROOT / name, root / name)
        app = create_app(Settings(content=root / "content", instance=root / "instance"))
        with served(app) as base, chromium(width=1360, height=1000) as driver:
            driver.get(f"{base}/materials/visit-letter/edit")
            wait = WebDriverWait(driver, 120, poll_frequency=0.2)
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#preview-pages img")) >= 2)
            before = [
                i.get_attribute("src") for i in driver.find_elements(By.CSS_SELECTOR, "#preview-pages img")
            ]
            opening = driver.find_element(By.ID, "field-blocks-opening")
            driver.execute_script(
                "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -12);",
                driver.find_element(By.CSS_SELECTOR, "#section-3 summary"),
            )
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
            time.sleep(0.3)
            TARGET.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(TARGET))
        app.extensions["handle_docs"]["previewer"].close()
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
