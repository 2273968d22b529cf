"""A real OpenID provider for the single sign-on tests: panva's ``oidc-provider``, pinned by
``tests/oidc/package-lock.json`` (installed once with ``npm ci``), started with Debian's Node by
``tests/oidc/provider.js`` on 127.0.0.1 and a free port.  Its users are a JSON file the test writes, read again
at every sign-in, so a test can take a role away at the provider between two sign-ins."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "oidc"
PACKAGES = "nodejs npm"
START = 60  # seconds for Node to print the issuer on a busy machine


def node() -> str | None:
    return shutil.which("node") or shutil.which("nodejs")


def needs_node() -> list:
    """The marks of a module that starts the provider: skipped, naming the Debian packages, without Node and npm."""
    return [
        pytest.mark.skipif(
            node() is None or shutil.which("npm") is None,
            reason=f"Node.js is not installed: install the Debian packages {PACKAGES} (make test does)",
        )
    ]


def npm_ci() -> None:
    """``npm ci`` in tests/oidc from its lockfile, once (a lock file keeps parallel test processes from racing)."""
    installed = HERE / "node_modules" / ".package-lock.json"
    with open(HERE / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if installed.is_file() and installed.stat().st_mtime >= (HERE / "package-lock.json").stat().st_mtime:
            return
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"npm ci in {HERE} failed:\n{done.stdout}\n{done.stderr}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RealProvider:
    """The running provider: its issuer, and its users (write :meth:`users` to change them)."""

    def __init__(self, folder: Path, users: dict, client_id: str, client_secret: str, redirect_uri: str):
        self.users_file = folder / "provider-users.json"
        self.set_users(users)
        self.log = (folder / "provider.log").open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [node(), str(HERE / "provider.js"), str(self.users_file), client_id, client_secret, redirect_uri],
            cwd=HERE,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            start_new_session=True,
        )
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START)
        assert line and line[0].strip(), (
            f"the provider did not start:\n{(folder / 'provider.log').read_text()}"
        )
        self.issuer = json.loads(line[0])["issuer"]

    def set_users(self, users: dict) -> None:
        tmp = self.users_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(users), encoding="utf-8")
        os.replace(tmp, self.users_file)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


@contextmanager
def provider(
    folder: Path, users: dict, *, client_id: str, client_secret: str, redirect_uri: str
) -> Iterator[RealProvider]:
    npm_ci()
    running = RealProvider(folder, users, client_id, client_secret, redirect_uri)
    try:
        yield running
    finally:
        running.stop()
