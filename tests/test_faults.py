"""Faults: killed runs, full disks. Nothing half-written ever looks complete."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from handle_docs.cli import cli
from handle_docs.util import atomic

from .conftest import CONTENT, EPOCH
from .synth import digests, write_records


def command(records: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "handle_docs",
        "letters",
        str(records),
        "--out",
        str(out),
        "--content",
        str(CONTENT),
        "--jobs",
        "2",
        "--chunk-size",
        "4",
        "--quiet",
        *extra,
    ]


#: The day the review gate uses, pinned for the whole test: a resumed run checks the gate again on the day it
#: is resumed and records that day in its manifest, so a test running across midnight would otherwise compare
#: two days' runs.
GATE_DAY = dt.date.today().isoformat()


def env() -> dict[str, str]:
    return dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, HANDLE_DOCS_TODAY=GATE_DAY)


def assert_nothing_looks_complete_unless_it_is(out: Path) -> None:
    """The run folder is absent, or whole: every file the manifest lists is there and intact."""
    if not out.exists():
        return
    manifest = json.loads((out / "manifest.json").read_text())
    for letter in manifest["letters"]:
        assert hashlib.sha256((out / letter["file"]).read_bytes()).hexdigest() == letter["sha256"]
    assert hashlib.sha256((out / "batch.pdf").read_bytes()).hexdigest() == manifest["batch"]["sha256"]
    assert not [p for p in out.rglob("*") if ".tmp" in p.name]


def kill_and_resume(tmp_path: Path, letters: int, kills: int, seed: int) -> None:
    records = write_records(tmp_path / "records.csv", letters)
    reference = tmp_path / "reference"
    started = time.monotonic()
    subprocess.run(command(records, reference), env=env(), check=True, capture_output=True)
    full = time.monotonic() - started  # the kills land anywhere in a run this long
    expected = digests(reference)
    rng = random.Random(seed)
    for k in range(kills):
        out = tmp_path / f"run-{k}"
        proc = subprocess.Popen(
            command(records, out),
            env=env(),
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, full * 0.95))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert_nothing_looks_complete_unless_it_is(out)
        resumed = subprocess.run(command(records, out, "--resume"), env=env(), capture_output=True, text=True)
        assert resumed.returncode == 0, resumed.stderr
        assert digests(out) == expected, f"kill {k}: the resumed run differs from an uninterrupted one"


def test_a_run_killed_at_random_points_resumes_to_identical_bytes(tmp_path):
    kill_and_resume(tmp_path, letters=20, kills=3, seed=7)


@pytest.mark.soak
def test_soak_twenty_kills_of_a_500_letter_run(tmp_path):
    kill_and_resume(tmp_path, letters=500, kills=20, seed=11)


def letters_args(records: Path, out: Path) -> list[str]:
    return [
        "letters",
        str(records),
        "--out",
        str(out),
        "--content",
        str(CONTENT),
        "--jobs",
        "1",
        "--chunk-size",
        "4",
        "--quiet",
    ]


def render_recording(monkeypatch, calls: list[int], stop_at: int | None = None):
    """Make ChunkRenderer.render record each chunk index, and raise Ctrl-C at ``stop_at``."""
    from handle_docs.run import batch

    current = batch.ChunkRenderer.render
    real_render = getattr(current, "__wrapped__", current)  # never wrap an earlier wrapper

    def render(self, index, letters, staging):
        calls.append(index)
        if index == stop_at:
            raise KeyboardInterrupt  # Ctrl-C during this chunk
        return real_render(self, index, letters, staging)

    render.__wrapped__ = real_render
    monkeypatch.setattr(batch.ChunkRenderer, "render", render)
    return real_render


def test_resume_renders_only_what_is_missing(tmp_path, monkeypatch):
    records = write_records(tmp_path / "records.csv", 12)
    out = tmp_path / "run"
    args = letters_args(records, out)
    calls: list[int] = []
    render_recording(monkeypatch, calls, stop_at=2)  # the third chunk
    stopped = CliRunner().invoke(cli, args)
    assert stopped.exit_code == 130 and "--resume" in stopped.output
    assert not out.exists()
    calls.clear()
    render_recording(monkeypatch, calls)
    resumed = CliRunner().invoke(cli, [*args, "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert calls == [2], "chunks 0 and 1 were done and verified; only chunk 2 is rendered again"
    assert_nothing_looks_complete_unless_it_is(out)


def test_a_resumed_run_with_leaflets_and_print_cost_matches_an_uninterrupted_one(tmp_path, monkeypatch):
    """What each finished chunk recorded (leaflet pages, page flags for the
    print cost) comes back from the journal, not only its letters."""
    records = write_records(tmp_path / "records.csv", 12)
    reference, out = tmp_path / "reference", tmp_path / "run"
    extra = ["--with-leaflet", "lock-it-leaflet"]
    assert CliRunner().invoke(cli, [*letters_args(records, reference), *extra]).exit_code == 0
    render_recording(monkeypatch, [], stop_at=2)
    assert CliRunner().invoke(cli, [*letters_args(records, out), *extra]).exit_code == 130
    calls: list[int] = []
    render_recording(monkeypatch, calls)
    resumed = CliRunner().invoke(cli, [*letters_args(records, out), *extra, "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert calls == [2]
    assert digests(out) == digests(reference)
    assert "leaflet pages in batch" in (out / "summary.txt").read_text()


def test_resume_renders_again_a_chunk_whose_file_was_damaged(tmp_path, monkeypatch):
    from handle_docs.run import journal

    records = write_records(tmp_path / "records.csv", 8)  # 8 letters: two chunks of 4
    reference, out = tmp_path / "reference", tmp_path / "run"
    assert CliRunner().invoke(cli, letters_args(records, reference)).exit_code == 0
    render_recording(monkeypatch, [], stop_at=1)
    stopped = CliRunner().invoke(cli, letters_args(records, out))
    assert stopped.exit_code == 130, stopped.output  # chunk 0 done, Ctrl-C in chunk 1
    letters = sorted((journal.staging_dir(out) / "letters").glob("*.pdf"))
    assert len(letters) == 4, "only chunk 0's letters were written"
    letters[0].write_bytes(letters[0].read_bytes()[:100])  # a torn file from a power cut
    calls: list[int] = []
    render_recording(monkeypatch, calls)
    resumed = CliRunner().invoke(cli, [*letters_args(records, out), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert calls == [0, 1], "chunk 0 no longer matches its journal: it is rendered again, not trusted"
    assert digests(out) == digests(reference)


def test_a_full_disk_gives_a_clear_error_and_leaves_the_previous_run_intact(tmp_path, monkeypatch):
    records = write_records(tmp_path / "records.csv", 6)
    out = tmp_path / "run"
    args = ["letters", str(records), "--out", str(out), "--content", str(CONTENT), "--jobs", "1", "--quiet"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    before = digests(out)

    real_write = atomic.write_bytes
    count = {"n": 0}

    def write_until_full(path, data):
        count["n"] += 1
        if count["n"] > 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(path, data)

    monkeypatch.setattr(atomic, "write_bytes", write_until_full)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert digests(out) == before


def test_threads_writing_the_same_file_at_once_each_leave_a_whole_file(tmp_path):
    """Two requests saving one file at the same moment: whichever lands last is whole, no temporary file
    is left, and no writer trips over another's temporary file."""
    import threading

    target = tmp_path / "shared.txt"
    texts = [f"{n}\n" * 20_000 for n in range(8)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(texts))

    def write(text: str) -> None:
        start.wait()
        try:
            for _ in range(5):
                atomic.write_text(target, text)
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert target.read_text() in texts
    assert [p.name for p in tmp_path.iterdir()] == ["shared.txt"]
