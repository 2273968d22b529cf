"""The workspace's runs are made by worker processes from a queue in the instance database, through
the same letters-run service as ``handle-docs letters``: the same bytes, each run made once however many
workers share the instance, a killed worker's run carried on by another, a fault failing only its run,
and a web server that never makes a run itself."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from handle_docs.services import worker as worker_module
from handle_docs.services.queue import RunQueue
from handle_docs.services.worker import FAULT_MESSAGE, Worker
from handle_docs.services.workspace_jobs import Folders
from handle_docs.services.workspace_runs import RunStore

from .browser import DEVELOPER_WORDS
from .conftest import EPOCH
from .synth import digests, write_records

WAIT = 300  # seconds: a small run on a busy two-core machine
ADDRESS = "12 Larkspur Road"  # personal data that must not reach the log


def env() -> dict[str, str]:
    return dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)


def handle_docs(*args: str) -> list[str]:
    return [sys.executable, "-m", "handle_docs", *args]


def worker_command(*extra: str) -> list[str]:
    """A worker on the folders beside it, as a person starts one in the force's folder."""
    return handle_docs(
        "--log-level", "INFO", "worker", "--instance", "instance", "--content", "content", *extra
    )


def queue_run(root: Path, records: Path, leaflet: str | None = None) -> str:
    """Upload ``records`` as the workspace does and press Make: the run's id."""
    store = RunStore(root / "instance")
    record = store.create("acc-officer-1", records.read_bytes(), 7)
    record.leaflet, record.state = leaflet, "queued"
    assert RunQueue(root / "instance").enqueue(record.id, lambda: store.save(record))
    return record.id


def out_of(root: Path, run_id: str) -> Path:
    return root / "instance" / "runs" / run_id / "out"


def test_the_command_line_and_a_workspace_run_make_the_same_bytes(content_copy):
    root = content_copy.parent
    records = write_records(root / "records.csv", 8)
    made = subprocess.run(
        handle_docs(
            "letters",
            "records.csv",
            "--out",
            "cli-run",
            "--content",
            "content",
            "--jobs",
            "1",
            "--quiet",
            "--with-leaflet",
            "lock-it-leaflet",
        ),
        cwd=root,
        env=env(),
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert made.returncode == 0, made.stderr
    run_id = queue_run(root, records, leaflet="lock-it-leaflet")
    worked = subprocess.run(
        worker_command("--until-idle"), cwd=root, env=env(), capture_output=True, text=True, timeout=WAIT
    )
    assert worked.returncode == 0, worked.stderr
    assert RunStore(root / "instance").load(run_id).state == "done"
    assert digests(out_of(root, run_id)) == digests(root / "cli-run")
    assert (root / "instance" / "runs" / run_id / "extras" / "letters.zip").is_file()


def test_two_workers_on_one_instance_make_each_queued_run_once(content_copy):
    root = content_copy.parent
    runs = [queue_run(root, write_records(root / f"records-{n}.csv", 3 + n)) for n in range(2)]
    workers = [
        subprocess.Popen(
            worker_command("--until-idle"),
            cwd=root,
            env=env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    logs = [w.communicate(timeout=WAIT)[1] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], logs
    queue = RunQueue(root / "instance")
    for run_id in runs:
        entry = queue.entry(run_id)
        assert (entry.state, entry.starts) == ("done", 1), run_id
        assert sum(f"making run {run_id}" in log for log in logs) == 1
        assert RunStore(root / "instance").load(run_id).state == "done"


def test_a_worker_killed_mid_run_is_carried_on_by_another_once_its_lease_expires(content_copy):
    root = content_copy.parent
    records = write_records(root / "records.csv", 16)  # 8 chunks of 2
    reference = subprocess.run(
        handle_docs(
            "letters", "records.csv", "--out", "reference", "--content", "content", "--jobs", "1", "--quiet"
        ),
        cwd=root,
        env=env(),
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert reference.returncode == 0, reference.stderr
    run_id = queue_run(root, records)
    progress = root / "instance" / "runs" / run_id / "progress.json"
    first = subprocess.Popen(
        worker_command("--lease", "3"),
        cwd=root,
        env=env(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            done = json.loads(progress.read_text())
        except (OSError, ValueError):
            done = {}
        if 0 < done.get("done", 0) < done.get("total", 0):
            break
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # mid-run: some chunks journalled, the rest not
    first.wait()
    queue = RunQueue(root / "instance")
    assert queue.entry(run_id).state == "running"  # left holding a lease nobody renews

    second = subprocess.run(
        worker_command("--lease", "3", "--until-idle"),
        cwd=root,
        env=env(),
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert second.returncode == 0, second.stderr
    assert f"making run {run_id} (carried on)" in second.stderr
    entry = queue.entry(run_id)
    assert (entry.state, entry.starts) == ("done", 2)
    assert digests(out_of(root, run_id)) == digests(root / "reference")


def test_an_exception_in_a_run_fails_that_run_and_the_worker_makes_the_next(
    content_copy, monkeypatch, caplog
):
    root = content_copy.parent
    broken = queue_run(root, write_records(root / "a.csv", 3))
    fine = queue_run(root, write_records(root / "b.csv", 3))
    real = worker_module.make_letters

    def faulty(request, **kwargs):
        if broken in str(request.records):
            raise RuntimeError(ADDRESS)  # a bug whose message quotes a record
        return real(request, **kwargs)

    monkeypatch.setattr(worker_module, "make_letters", faulty)
    caplog.set_level(logging.INFO)
    folders = Folders(content_copy, root / "templates", root / "review")
    Worker(root / "instance", folders, poll=0.1).run(until_idle=True)
    store, queue = RunStore(root / "instance"), RunQueue(root / "instance")
    assert (store.load(broken).state, store.load(broken).message) == ("failed", FAULT_MESSAGE)
    assert not DEVELOPER_WORDS.search(FAULT_MESSAGE)  # the officer reads it on the run's page
    assert (queue.entry(broken).state, queue.entry(broken).reason) == ("failed", "fault")
    assert store.load(fine).state == "done" and queue.entry(fine).state == "done"
    assert "RuntimeError" in caplog.text and "Larkspur" not in caplog.text


def test_a_killed_pool_process_fails_only_its_run(content_copy, monkeypatch):
    from handle_docs.run import batch

    root = content_copy.parent
    (content_copy / "workspace.yaml").write_text("retention_days: 7\njobs: 2\n", encoding="utf-8")
    broken = queue_run(root, write_records(root / "a.csv", 6))
    fine = queue_run(root, write_records(root / "b.csv", 6))
    parent = os.getpid()
    real = batch.ChunkRenderer.render

    def render(self, index, letters, staging):
        if os.getpid() != parent and broken in str(staging):
            os.kill(os.getpid(), signal.SIGKILL)  # out of memory, say
        return real(self, index, letters, staging)

    monkeypatch.setattr(batch.ChunkRenderer, "render", render)
    folders = Folders(content_copy, root / "templates", root / "review")
    Worker(root / "instance", folders, poll=0.1).run(until_idle=True)
    store = RunStore(root / "instance")
    assert (store.load(broken).state, store.load(broken).message) == ("failed", FAULT_MESSAGE)
    assert store.load(fine).state == "done"


def test_enqueue_is_idempotent_when_many_ask_at_once(tmp_path):
    queue = RunQueue(tmp_path / "instance")
    saved = []
    barrier = threading.Barrier(8)

    def press() -> bool:
        barrier.wait()
        return RunQueue(tmp_path / "instance").enqueue("r" * 22, lambda: saved.append(1))

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: press(), range(8)))
    assert results.count(True) == 1 and saved == [1]
    assert queue.entry("r" * 22).state == "queued" and queue.unfinished() == 1


def test_a_lease_is_claimed_again_only_once_it_has_expired(tmp_path):
    now = [1000.0]
    queue = RunQueue(tmp_path / "instance", lease=30, clock=lambda: now[0])
    queue.enqueue("a" * 22)
    assert queue.claim("w1").run_id == "a" * 22
    assert queue.claim("w2") is None  # held
    now[0] += 20
    assert queue.heartbeat("a" * 22, "w1")
    now[0] += 29
    assert queue.claim("w2") is None  # the heartbeat renewed it
    now[0] += 2
    claim = queue.claim("w2")
    assert claim is not None and claim.resumed and claim.starts == 2
    assert not queue.heartbeat("a" * 22, "w1")  # w1 learns it lost the run
    assert not queue.finish("a" * 22, "w1", "done")
    assert queue.finish("a" * 22, "w2", "done") and queue.entry("a" * 22).state == "done"
    assert not queue.enqueue("a" * 22)  # done: Make does not queue it again
    queue.enqueue("b" * 22)
    assert queue.claim("w1").run_id == "b" * 22 and queue.finish("b" * 22, "w1", "failed", "fault")
    assert queue.enqueue("b" * 22)  # a failed run may be made again, from the start of its count
    assert (queue.entry("b" * 22).state, queue.entry("b" * 22).starts) == ("queued", 0)


#: A web server process (the app as serve makes it, driven by Flask's test client) that uploads and makes a
#: run, then says which threads it has and whether it loaded anything that makes letters.
SERVER = r"""
import io, json, re, sys, threading, time
from pathlib import Path
from handle_docs.web import Settings, create_app

app = create_app(Settings(content=Path("content"), instance=Path("instance")))
client = app.test_client()

def token(path):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)

sent = client.post("/runs/", data={"csrf_token": token("/runs/"),
                                   "records": (io.BytesIO(Path("records.csv").read_bytes()), "records.csv")},
                   content_type="multipart/form-data")
run_id = re.search(r"/runs/([A-Za-z0-9_-]{22})/check", sent.headers["Location"]).group(1)
made = client.post(f"/runs/{run_id}/make", data={"csrf_token": token(f"/runs/{run_id}/check")})
time.sleep(3)
print(json.dumps({
    "run": run_id, "make": made.status_code, "threads": sorted(t.name for t in threading.enumerate()),
    "modules": sorted(m for m in sys.modules if m.startswith(
        ("multiprocessing", "concurrent.futures.process", "handle_docs.run.batch", "handle_docs.run.pipeline"))),
}))
"""


def test_the_web_server_never_makes_a_run_itself(content_copy):
    root = content_copy.parent
    write_records(root / "records.csv", 4)
    server = subprocess.run(
        [sys.executable, "-c", SERVER], cwd=root, env=env(), capture_output=True, text=True, timeout=WAIT
    )
    assert server.returncode == 0, server.stderr
    seen = json.loads(server.stdout.splitlines()[-1])
    assert seen["make"] == 303
    assert seen["threads"] == ["MainThread"]  # no thread making runs
    assert seen["modules"] == []  # no process pool, no letters pipeline in the server
    assert RunStore(root / "instance").load(seen["run"]).state == "queued"  # waiting for a worker
    worked = subprocess.run(
        worker_command("--until-idle"), cwd=root, env=env(), capture_output=True, text=True, timeout=WAIT
    )
    assert worked.returncode == 0, worked.stderr
    assert RunStore(root / "instance").load(seen["run"]).state == "done"


# --- two servers, as a person starts them --------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies and CSRF tokens, as a browser keeps them, for any server of one instance."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )

    def request(self, url: str, data: bytes | None = None, headers: dict | None = None):
        try:
            with self.opener.open(
                urllib.request.Request(url, data=data, headers=headers or {}), timeout=60
            ) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def token(self, url: str) -> str:
        page = self.request(url)[2].decode()
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def post(self, url: str, fields: dict[str, str], file: tuple[str, bytes] | None = None):
        boundary = "----handle-docs-test"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        if file:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="records"; filename="{file[0]}"\r\n'
                f"Content-Type: text/csv\r\n\r\n".encode()
                + file[1]
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(url, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def start_serve(root: Path) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen(
        handle_docs("serve", "--content", "content", "--instance", "instance", "--port", "0"),
        cwd=root,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in server.stdout:
        found = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        if found:
            threading.Thread(target=server.stdout.read, daemon=True).start()  # keep the pipe flowing
            threading.Thread(target=server.stderr.read, daemon=True).start()
            return server, found.group(1)
    raise AssertionError(f"serve did not start: {server.stderr.read()}")


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (started by any of its threads)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):  # the thread ended
            found += [int(c) for c in (task / "children").read_text().split()]
    return [c for c in found if alive(c)]


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(condition, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc to find serve's worker")
def test_two_servers_on_one_instance_make_a_run_once_and_a_dead_worker_takes_no_server_down(content_copy):
    root = content_copy.parent
    records = write_records(root / "records.csv", 6).read_bytes()
    servers = []
    try:
        servers.append(start_serve(root))
        servers.append(start_serve(root))
        (a, url_a), (_b, url_b) = servers
        workers = [wait_for(lambda s=s: children(s.pid), 30) for s, _ in servers]
        assert all(len(w) == 1 for w in workers)  # serve starts one worker each

        browser = Browser()
        status, headers, _ = browser.post(
            f"{url_a}/runs/", {"csrf_token": browser.token(f"{url_a}/runs/")}, ("records.csv", records)
        )
        assert status == 303, status
        run_id = re.search(r"/runs/([A-Za-z0-9_-]{22})/check", headers["Location"]).group(1)
        token = browser.token(f"{url_a}/runs/{run_id}/check")
        with ThreadPoolExecutor(2) as pool:  # Make pressed in both servers at once
            answers = list(
                pool.map(
                    lambda url: browser.post(f"{url}/runs/{run_id}/make", {"csrf_token": token}),
                    (url_a, url_b),
                )
            )
        assert [status for status, _, _ in answers] == [303, 303]
        store, queue = RunStore(root / "instance"), RunQueue(root / "instance")
        wait_for(lambda: store.load(run_id).state == "done")
        assert queue.entry(run_id).starts == 1  # made once, by one of the two workers

        status, headers, body = browser.request(f"{url_b}/runs/{run_id}/files/letters.zip")
        assert status == 200 and headers["Content-Type"] == "application/zip"
        assert body == (store.extras_dir(store.load(run_id)) / "letters.zip").read_bytes()

        os.kill(workers[0][0], signal.SIGKILL)  # a crash that takes the whole worker process
        assert browser.request(f"{url_a}/runs/")[0] == 200  # the server still answers
        restarted = wait_for(lambda: [p for p in children(a.pid) if p != workers[0][0]], 30)
        assert len(restarted) == 1  # and serve started its worker again
    finally:
        for server, _ in servers:
            server.send_signal(signal.SIGTERM)
        for server, _ in servers:
            server.wait(timeout=60)
    assert not any(alive(pid) for pid in [*workers[1], *restarted])  # each worker stopped with its server


def mid_run(progress: Path) -> None:
    """Wait until some of the run's letters are made and some are not."""

    def between() -> bool:
        try:
            done = json.loads(progress.read_text())
        except (OSError, ValueError):
            return False
        return 0 < done.get("done", 0) < done.get("total", 0)

    wait_for(between, WAIT)


def test_a_worker_told_to_stop_gives_its_run_back_and_the_next_worker_carries_it_on_at_once(content_copy):
    root = content_copy.parent
    records = write_records(root / "records.csv", 16)
    run_id = queue_run(root, records)
    first = subprocess.Popen(
        worker_command(), cwd=root, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    mid_run(root / "instance" / "runs" / run_id / "progress.json")
    first.send_signal(signal.SIGTERM)  # serve stopping, or a restart
    log = first.communicate(timeout=60)[1]
    assert first.returncode == 0, log
    assert f"run {run_id} goes back to the queue" in log
    queue = RunQueue(root / "instance")
    # queued, not left running under a lease: the next worker takes it without waiting for the lease to expire
    assert (
        queue.entry(run_id).state == "queued" and RunStore(root / "instance").load(run_id).state == "queued"
    )
    second = subprocess.run(
        worker_command("--until-idle"), cwd=root, env=env(), capture_output=True, text=True, timeout=WAIT
    )
    assert second.returncode == 0, second.stderr
    assert queue.entry(run_id).state == "done"
    reference = subprocess.run(
        handle_docs(
            "letters", "records.csv", "--out", "reference", "--content", "content", "--jobs", "1", "--quiet"
        ),
        cwd=root,
        env=env(),
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert reference.returncode == 0, reference.stderr
    assert digests(out_of(root, run_id)) == digests(root / "reference")


def test_a_run_whose_worker_keeps_dying_is_failed_not_tried_for_ever(content_copy):
    from handle_docs.util.instance_db import opened

    root = content_copy.parent
    run_id = queue_run(root, write_records(root / "records.csv", 3))
    with opened(root / "instance") as conn:  # as three workers that died making it leave it
        conn.execute(
            "UPDATE runs SET state = 'running', worker = 'gone', heartbeat = 0, starts = 3 WHERE run_id = ?",
            (run_id,),
        )
    folders = Folders(content_copy, root / "templates", root / "review")
    Worker(root / "instance", folders, poll=0.1).run(until_idle=True)
    record = RunStore(root / "instance").load(run_id)
    assert record.state == "failed" and record.message == worker_module.CRASHED_MESSAGE
    assert RunQueue(root / "instance").entry(run_id).reason == "crashed"


#: Another process holding a run folder's lock until its standard input closes.
HOLDER = r"""
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.lockf(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


def test_a_worker_waits_while_another_process_still_builds_in_the_run_folder(content_copy):
    root = content_copy.parent
    run_id = queue_run(root, write_records(root / "records.csv", 3))
    folder = root / "instance" / "runs" / run_id
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(folder / worker_module.LOCK_FILE)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"  # a worker whose lease expired, not yet knowing it
    folders = Folders(content_copy, root / "templates", root / "review")
    worker = Worker(root / "instance", folders, poll=0.1)
    thread = threading.Thread(target=worker.run, kwargs={"until_idle": True})
    thread.start()
    try:
        time.sleep(3)
        assert not (folder / "progress.json").exists()  # claimed, but nothing built while the other holds it
        assert RunQueue(root / "instance").entry(run_id).state == "running"
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    thread.join(timeout=WAIT)
    assert RunStore(root / "instance").load(run_id).state == "done"


def test_a_killed_worker_on_this_machine_is_known_gone_and_its_run_carried_on_without_waiting(content_copy):
    root = content_copy.parent
    run_id = queue_run(root, write_records(root / "records.csv", 16))
    first = subprocess.Popen(
        worker_command("--lease", "600"),
        cwd=root,
        env=env(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    mid_run(root / "instance" / "runs" / run_id / "progress.json")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    queue = RunQueue(root / "instance")
    held_by = queue.entry(run_id).worker
    assert worker_module.gone(held_by) and not worker_module.gone(worker_module.new_worker_id())
    assert not worker_module.gone(
        f"another-machine:{first.pid}:0000"
    )  # a process elsewhere: wait for its lease
    second = subprocess.run(
        worker_command("--lease", "600", "--until-idle"),
        cwd=root,
        env=env(),
        capture_output=True,
        text=True,
        timeout=WAIT,
    )  # the lease alone would take 10 minutes
    assert second.returncode == 0, second.stderr
    assert f"making run {run_id} (carried on)" in second.stderr
    assert (queue.entry(run_id).state, queue.entry(run_id).starts) == ("done", 2)
