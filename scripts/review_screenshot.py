#!/usr/bin/env python3
"""Take the README's picture of the review page with headless Chromium.

    .venv/bin/python scripts/review_screenshot.py

Serves the workspace (with the demo workspace key and a demo account for
Priya Lang) over a copy of content/, templates/ and review/, changes one
word of the visit letter, signs in as Priya Lang, approves it with a note,
waits for the proof and writes docs/img/workspace-review.png.  Needs
Debian's chromium and chromium-driver.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handle_docs.identity import accounts  # noqa: E402 - after sys.path has the checkout
from handle_docs.web import Settings, create_app  # noqa: E402 - after sys.path has the checkout
from tests.browser import chromium, copy_sample, images_loaded, served, wait  # noqa: E402 - after sys.path has the checkout

TARGET = ROOT / "docs" / "img" / "workspace-review.png"
PASSWORD = "screenshot password"


def main() -> None:
    from selenium.webdriver.common.by import By

    with tempfile.TemporaryDirectory(prefix="handle-docs-screenshot-") as tmp:
        root = Path(tmp)
        copy_sample(root)
        letter = root / "content" / "letters" / "visit.yaml"
        letter.write_text(
            letter.read_text(encoding="utf-8").replace("walked around", "strolled around"), encoding="utf-8"
        )
        accounts.add_account(
            root / "instance", "priya-lang", ["comms-lead"], PASSWORD, allowed=["comms-lead"]
        )
        app = create_app(
            Settings(
                content=root / "content",
                instance=root / "instance",
                key=ROOT / "examples" / "demo-keys" / "demo-workspace",
            )
        )
        with served(app) as base, chromium(width=1360, height=1500) as driver:
            driver.get(f"{base}/sign-in")
            driver.find_element(By.ID, "account").send_keys("priya-lang")
            driver.find_element(By.ID, "password").send_keys(PASSWORD)
            driver.find_element(By.CSS_SELECTOR, "form.signin button").click()
            wait(driver, lambda d: d.title.startswith("Materials"))
            driver.get(f"{base}/materials/visit-letter/review")
            driver.find_element(By.ID, "note-comms-lead").send_keys("Reads well; the new verb is friendlier.")
            driver.find_element(By.ID, "approve-comms-lead").click()
            wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".notice"))
            wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#proof-pages img")) >= 2)
            wait(driver, lambda d: images_loaded(d, "#proof-pages img"))
            time.sleep(0.3)
            TARGET.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(TARGET))
        app.extensions["handle_docs"]["previewer"].close()
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
