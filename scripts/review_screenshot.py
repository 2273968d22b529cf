#!/usr/bin/env python3
"""Take the README's picture of the review page with headless Chromium.

    .venv/bin/python scripts/review_screenshot.py

Makes a force folder as ``make serve`` does (``handle-docs init
--sample-approvals``: its own git repository, so the page shows version
labels from its history), changes one word of the visit letter there as
Dana Whitlock (a commit in her name, as the workspace's editor makes one),
serves the workspace over it (with the demo workspace key and an account for
Priya Lang, a comms lead), signs in as Priya Lang, approves it with a note,
waits for the proof and writes docs/img/workspace-review.png.  Run it from
the checkout after ``make venv``; needs Debian's chromium and
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

from handle_docs.history.repo import ForceRepo, Person  # noqa: E402
from handle_docs.identity import accounts  # noqa: E402
from handle_docs.web import Settings, create_app  # noqa: E402
from tests.browser import chromium, images_loaded, served, wait  # noqa: E402

TARGET = ROOT / "docs" / "img" / "workspace-review.png"
PASSWORD = "screenshot password"


def main() -> None:
    from selenium.webdriver.common.by import By

    with tempfile.TemporaryDirectory(prefix="handle-docs-screenshot-") as tmp:
        root = Path(tmp) / "force"
        subprocess.run(
            [str(Path(sys.executable).parent / "handle-docs"), "init", "--sample-approvals", str(root)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        letter = root / "content" / "letters" / "visit.yaml"
        letter.write_text(
            letter.read_text(encoding="utf-8").replace("walked around", "strolled around"), encoding="utf-8"
        )
        dana = Person.for_id("dana-whitlock", "Dana Whitlock")
        ForceRepo.of(root / "content").commit(
            ["content/letters/visit.yaml"], "Visit letter: opening changed", dana, dana
        )
        accounts.add_account(
            Path(tmp) / "instance", "priya-lang", ["comms-lead"], PASSWORD, allowed=["comms-lead"]
        )
        app = create_app(
            Settings(
                content=root / "content",
                instance=Path(tmp) / "instance",
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
