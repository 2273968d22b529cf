"""Test helpers for the deployment tests: accounts added with ``handle-docs users add`` as IT adds them, and
a workspace driven over HTTP(S) with requests as a browser drives it (sign-in, upload, make, download),
from a chosen loopback address."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from tests.conftest import SAMPLE_CSV

PASSWORD = "a long test password"
RUN = 600  # seconds for a few letters on a busy two-core machine
PROGRAM = Path(sys.executable).parent / "handle-docs"


def handle_docs(
    cwd: Path, *args: str, stdin: str | None = None, check: bool = True
) -> subprocess.CompletedProcess:
    """``handle-docs ARGS`` run in ``cwd``, as a person runs it."""
    done = subprocess.run(
        [str(PROGRAM), *args], cwd=cwd, input=stdin, text=True, capture_output=True, timeout=300
    )
    if check:
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done


def add_accounts(root: Path, **roles: str) -> None:
    """``handle-docs users add ID --role ROLE`` for each ``ID=ROLE``, in ``root`` (relative folders)."""
    for account, role in roles.items():
        handle_docs(
            root,
            "users",
            "add",
            account,
            "--role",
            role,
            "--instance",
            "instance",
            "--content",
            "content",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )


def few_rows(count: int = 3) -> bytes:
    """The sample CSV's header and its first ``count`` rows."""
    lines = SAMPLE_CSV.read_bytes().splitlines(keepends=True)
    return b"".join(lines[: count + 1])


class From(HTTPAdapter):
    """Connections from one loopback address (a client other than the proxy, which is 127.0.0.1)."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(address: str = "127.0.0.1", ca: Path | None = None) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy, and REQUESTS_CA_BUNDLE would replace verify
    session.mount("https://", From(address))
    session.mount("http://", From(address))
    if ca is not None:
        session.verify = str(ca)
    return session


def csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=60)
    assert page.status_code == 200, (url, page.status_code)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def sign_in(session: requests.Session, base: str, account: str, password: str = PASSWORD, **headers):
    token = csrf(session, f"{base}/sign-in")
    return session.post(
        f"{base}/sign-in",
        data={"csrf_token": token, "account": account, "password": password},
        headers=headers,
        allow_redirects=False,
        timeout=60,
    )


def start_run(session: requests.Session, base: str, rows: bytes) -> str:
    """Upload ``rows``, press Make; the run's id."""
    token = csrf(session, f"{base}/runs/")
    response = session.post(
        f"{base}/runs/",
        data={"csrf_token": token},
        files={"records": ("records.csv", rows, "text/csv")},
        allow_redirects=False,
        timeout=120,
    )
    assert response.status_code == 303, response.text[:500]
    run_id = re.search(r"/runs/([^/]+)/check", response.headers["Location"]).group(1)
    token = csrf(session, f"{base}/runs/{run_id}/check")
    made = session.post(
        f"{base}/runs/{run_id}/make", data={"csrf_token": token}, allow_redirects=False, timeout=60
    )
    assert made.status_code == 303, made.text[:500]
    return run_id


def download_batch(session: requests.Session, base: str, run_id: str, wait: float = RUN) -> requests.Response:
    """Wait for the run's results page, then download its batch.pdf by the page's link."""
    deadline = time.monotonic() + wait
    while True:
        results = session.get(f"{base}/runs/{run_id}/results", allow_redirects=False, timeout=60)
        if results.status_code == 200:
            break
        assert time.monotonic() < deadline, "the run was not made in time"
        time.sleep(1)
    links = re.findall(rf'href="([^"]*/runs/{run_id}/files/batch\.pdf)"', results.text)
    assert links, results.text[:2000]
    pdf = session.get(links[0] if links[0].startswith("http") else base + links[0], timeout=300)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-"), (pdf.status_code, pdf.headers)
    return pdf


def make_run(session: requests.Session, base: str, rows: bytes) -> requests.Response:
    return download_batch(session, base, start_run(session, base, rows))
