"""Headless Chromium for the workspace's end-to-end tests (and the README's
screenshot): Debian's chromium and chromium-driver driven by Selenium 4, and
the workspace started as a person starts it (``handle-docs serve`` with
relative folders, from the folder holding them, as ``make serve`` does: a
process of its own, on a free loopback port), or, for the screenshot scripts
and benchmarks, an app served by waitress in a thread."""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PACKAGES = "chromium chromium-driver"
WAIT = 90  # seconds: a preview on a busy two-core machine can take a few
START = 120  # seconds for the workspace to print its address on a busy two-core machine
ADDRESS = re.compile(r"The workspace is at (http://\S+?)/?\s")
ACCOUNT = re.compile(r"^\s+(\S+)\s+password (\S+)\s+\((.*)\)$")
AXE = Path(__file__).resolve().parent / "assets" / "axe-core" / "axe.min.js"


def browser_paths() -> tuple[str, str] | None:
    """(chromium, chromedriver) when both are installed, else None."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


@contextmanager
def chromium(width: int = 1400, height: int = 1000) -> Iterator[object]:
    """A headless Chromium with a fresh profile, quit on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    paths = browser_paths()
    if paths is None:
        raise RuntimeError(f"Chromium is not installed (Debian packages: {PACKAGES})")
    profile = tempfile.mkdtemp(prefix="handle-docs-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--lang=en-GB",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # to see any CSP refusal
    driver = webdriver.Chrome(service=Service(executable_path=paths[1]), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class Served:
    """The workspace's process, started by ``/bin/sh -c command`` in ``cwd`` as make runs a recipe, in a process
    group of its own: the address it printed, the demo accounts it printed, everything it printed."""

    def __init__(self, command: str, cwd: Path):
        env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1794693600")}
        env.pop("PORT", None)
        self.log = cwd / "serve.log"
        self.lines: list[str] = []
        self._stderr = self.log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            ["/bin/sh", "-c", command],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def printed(self) -> str:
        return "\n".join(self.lines) + "\n" + self.log.read_text(encoding="utf-8", errors="replace")

    def address(self) -> str:
        deadline = time.monotonic() + START
        while time.monotonic() < deadline:
            found = [m.group(1) for m in map(ADDRESS.search, (line + " " for line in self.lines)) if m]
            if found:
                return found[0]
            assert self.process.poll() is None, f"the workspace stopped:\n{self.printed()}"
            time.sleep(0.2)
        raise AssertionError(f"the workspace printed no address in {START} s:\n{self.printed()}")

    def accounts(self) -> dict[str, str]:
        return {m.group(1): m.group(2) for m in map(ACCOUNT.match, self.lines) if m}

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # anything it started that outlived it
        self._stderr.close()


@contextmanager
def started(root: Path, *options: str) -> Iterator[str]:
    """``handle-docs serve --content content --instance instance`` with ``options``, on a free port, started in
    ``root`` as make serve starts it (the command of the virtual environment running the tests); yields the
    base URL and stops the server's whole process group on exit.  ``root`` holds copies of the sample that are
    no git repository, so saves are not committed (make serve itself serves demo-force/, a force folder made
    by ``handle-docs init``: tests/test_make_serve.py)."""
    program = Path(sys.executable).parent / "handle-docs"
    command = " ".join(
        shlex.quote(str(part))
        for part in (
            program,
            "serve",
            "--content",
            "content",
            "--instance",
            "instance",
            "--port",
            "0",
            *options,
        )
    )
    server = Served(command, root)
    try:
        yield server.address()
    finally:
        server.stop()


@contextmanager
def served(app) -> Iterator[str]:
    """Serve ``app`` with waitress on 127.0.0.1 and a free port in a thread; yields the base URL (the
    screenshot scripts and benchmarks; the tests start the workspace with :func:`started`)."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:  # the listening socket closed under the loop: stopping
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, name="workspace", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        stopping.set()
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)  # let requests in hand finish
        server.close()
        thread.join(timeout=5)


def copy_sample(root: Path) -> Path:
    """Copies of the bundled content/, templates/ and review/ under ``root``; the content folder."""
    source = Path(__file__).resolve().parent.parent
    for name in ("content", "templates", "review"):
        shutil.copytree(source / name, root / name)
    return root / "content"


def console_errors(driver) -> list[str]:
    """The browser console's error messages since the last call (a blocked
    inline script or style, a failed request)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def axe_violations(driver, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core on the page in the browser; violations of those impacts."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    found = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']})
          .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                 nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))
          .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));
        """
    )
    return [v for v in found if v["impact"] in impacts]


def wait(driver, condition, timeout: float = WAIT):
    """``condition(driver)`` once truthy; htmx swaps parts of the page while we look, so an element may go stale,
    and while the next page loads the element looked for is not there yet (``by_css(...)[0]``: IndexError)."""
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(
            driver,
            timeout,
            poll_frequency=0.2,
            ignored_exceptions=(StaleElementReferenceException, IndexError),
        ).until(condition)
    except TimeoutException as exc:
        raise TimeoutException(f"waited {timeout} s; the browser showed: {showing(driver)}") from exc


def showing(driver) -> str:
    """What the page says (address, title, the start of its text, the console's errors): a timeout in CI then
    tells what the browser was looking at."""
    try:
        text = " ".join(driver.find_element("css selector", "body").text.split())[:1500]
        return f"{driver.current_url} | {driver.title!r} | {text!r} | console: {console_errors(driver)}"
    except Exception as exc:  # the browser itself may be gone
        return f"(could not read the page: {exc!r})"


def sign_in_page(driver, url: str, account: str, password: str, landed=None) -> None:
    """Sign in on the workspace's own sign-in page, as a person does (a fresh browser: no cookies), and wait
    until the page it lands on (``landed``, a driver condition; default: any page but sign-in) is there."""
    driver.delete_all_cookies()
    driver.get(f"{url}/sign-in")
    by_css(driver, "#account")[0].send_keys(account)
    by_css(driver, "#password")[0].send_keys(password)
    by_css(driver, "form.signin button")[0].click()
    wait(driver, landed or (lambda d: not d.title.startswith("Sign in")))


def by_css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def assert_accessible(driver):
    violations = axe_violations(driver)
    assert violations == [], f"axe-core on {driver.title!r}: {violations}"


def images_loaded(driver, selector: str) -> bool:
    """Every image matching ``selector`` has loaded and drawn."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).every(i => i.complete && i.naturalWidth > 0)",
        selector,
    )


def needs_chromium() -> list:
    """A browser test module's marks: ``browser``, and skipped, naming the packages, without Chromium."""
    return [
        pytest.mark.browser,
        pytest.mark.skipif(
            browser_paths() is None,
            reason=f"Chromium is not installed: install the Debian packages {PACKAGES} (make test does)",
        ),
    ]


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for a test module."""
    with chromium() as driver:
        yield driver


#: What a person must never meet outside a "Technical details" disclosure: a fingerprint, a key
#: fingerprint, a file:line, a YAML key, a command, the command line's diff marks.
DEVELOPER_WORDS = re.compile(r"sha256:|SHA256:|\.yaml:|blocks\.|handle-docs |\[-.*?-\]|\{\+.*?\+\}", re.S)


def words_outside_technical_details(driver) -> str:
    """Every word of the page a person may meet (its title, its text, hidden for screen readers or not, the
    words of titles, labels, alt text and placeholders), except inside ``<details class="technical">``."""
    return driver.execute_script(
        """
        const out = [document.title];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (!n.parentElement.closest('details.technical, script, style, noscript')) out.push(n.nodeValue);
        }
        for (const el of document.querySelectorAll('[title], [aria-label], [alt], [placeholder]')) {
          if (el.closest('details.technical')) continue;
          for (const a of ['title', 'aria-label', 'alt', 'placeholder']) {
            if (el.hasAttribute(a)) out.push(el.getAttribute(a));
          }
        }
        return out.join('\\n');
        """
    )


def assert_plain_words(driver) -> None:
    """No hash, key fingerprint, file:line, YAML key, command or diff mark outside "Technical details"."""
    text = words_outside_technical_details(driver)
    found = [text[max(0, m.start() - 60) : m.end() + 20] for m in DEVELOPER_WORDS.finditer(text)]
    assert found == [], f"{driver.current_url}: {found[:5]}"


@contextmanager
def zoomed(driver, percent: int = 200, width: int = 1280, height: int = 1000) -> Iterator[None]:
    """The page as a ``width`` x ``height`` window shows it at ``percent`` zoom (the CSS viewport shrinks and
    every CSS pixel is drawn larger, as the browser's zoom does)."""
    scale = percent / 100
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": int(width / scale),
            "height": int(height / scale),
            "deviceScaleFactor": scale,
            "mobile": False,
        },
    )
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def scrolls_sideways(driver) -> list[str]:
    """What makes the page wider than its window, if anything (WCAG 1.4.10 reflow: nothing may at 200 %)."""
    return driver.execute_script(
        """
        const root = document.documentElement;
        if (root.scrollWidth <= root.clientWidth + 1) return [];
        const wide = [];
        for (const el of document.body.querySelectorAll('*')) {
          const r = el.getBoundingClientRect();
          if (r.right > root.clientWidth + 1 && r.width > 0)
            wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className + ' ' + Math.round(r.right));
        }
        return wide.slice(0, 8).concat([`scrollWidth ${root.scrollWidth} > ${root.clientWidth}`]);
        """
    )


def check_page(driver) -> None:
    """What every page visited must be: plain words, and accessible at 100 % and 200 % without sideways
    scrolling."""
    every = ("minor", "moderate", "serious", "critical")
    assert_plain_words(driver)
    assert (found := axe_violations(driver, every)) == [], (driver.current_url, found)
    with zoomed(driver, 200):
        assert (wide := scrolls_sideways(driver)) == [], (driver.current_url, wide)
        assert (found := axe_violations(driver, every)) == [], (driver.current_url, "200 %", found)


def tab_stops_to(driver, element, wanted: str, most: int = 5) -> int | None:
    """How many Tab presses from ``element`` reach the first element matching the CSS ``wanted`` (None if more
    than ``most``)."""
    from selenium.webdriver.common.keys import Keys

    driver.execute_script("arguments[0].focus()", element)
    for n in range(1, most + 1):
        driver.switch_to.active_element.send_keys(Keys.TAB)
        if driver.execute_script("return document.activeElement.matches(arguments[0])", wanted):
            return n
    return None
