"""``handle-docs backup`` while the workspace runs and a run is being made, ``handle-docs restore`` into a
fresh folder, and the restored workspace (started as make serve starts it) with the same accounts, no
session, and the run carried on and downloadable."""

from __future__ import annotations

import json
import shutil
import time

import pytest

from handle_docs.identity import accounts
from handle_docs.services import backup as backup_lib
from handle_docs.services.queue import RunQueue
from handle_docs.util import instance_db
from tests.browser import copy_sample, started
from tests.deployment import add_accounts, client, download_batch, few_rows, handle_docs, sign_in, start_run

ROWS = 60  # enough letters that the run is still being made while the backup is taken


def test_a_backup_taken_while_a_run_is_made_restores_to_a_workspace_with_the_same_accounts_and_the_run(
    tmp_path,
):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    copy_sample(first)
    copy_sample(second)
    add_accounts(first, **{"officer-olu": "officer"})
    with started(first) as url:
        session = client()
        assert sign_in(session, url, "officer-olu").status_code == 303
        run_id = start_run(session, url, few_rows(ROWS))
        runs = RunQueue(first / "instance")
        deadline = time.monotonic() + 300
        while runs.entry(run_id).state != "running":
            assert time.monotonic() < deadline, "the worker did not start the run"
            time.sleep(0.2)
        done = handle_docs(first, "backup", "../backup", "--instance", "instance")
        assert runs.entry(run_id).state == "running", "the run ended before the backup did: use more rows"
        assert "backed up" in done.stdout
        old_cookie = session.cookies.get("handle_docs_session")
        assert old_cookie

    backup = tmp_path / "backup"
    manifest = json.loads((backup / "backup.json").read_text(encoding="utf-8"))
    assert "accounts.json" in manifest["files"] and instance_db.DB_FILE in manifest["files"]
    assert (
        f"runs/{run_id}/records.csv" in manifest["files"] and f"runs/{run_id}/run.json" in manifest["files"]
    )
    assert not [
        name for name in manifest["files"] if name.startswith("cache/") or name.endswith(".worker.lock")
    ]
    assert (backup.stat().st_mode & 0o777) == 0o700

    handle_docs(second, "restore", "../backup", "instance")
    assert RunQueue(second / "instance").entry(run_id).state == "queued"  # carried on by the new worker
    with started(second) as url:
        stale = client()
        stale.cookies.set("handle_docs_session", old_cookie)
        refused = stale.get(f"{url}/runs/", allow_redirects=False, timeout=60)
        assert refused.status_code == 303 and refused.headers["Location"].endswith("/sign-in"), (
            "sessions ended"
        )
        session = client()
        assert sign_in(session, url, "officer-olu").status_code == 303, "the same accounts and passwords"
        pdf = download_batch(session, url, run_id)
        assert pdf.content.startswith(b"%PDF-")
        assert RunQueue(second / "instance").entry(run_id).state == "done"


@pytest.fixture
def small_backup(tmp_path):
    instance = tmp_path / "instance"
    accounts.add_account(instance, "dana", ["editor"], "a long test password", allowed=[])
    RunQueue(instance)
    return backup_lib.backup(instance, tmp_path / "backup").folder


def test_restore_refuses_a_folder_that_is_not_empty(small_backup, tmp_path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "something").write_text("x")
    done = handle_docs(tmp_path, "restore", str(small_backup), "taken", check=False)
    assert done.returncode == 2 and "not empty" in done.stderr
    assert (target / "something").read_text() == "x"


def test_restore_refuses_a_damaged_backup_and_leaves_nothing(small_backup, tmp_path):
    with (small_backup / "accounts.json").open("a") as handle:
        handle.write(" ")
    done = handle_docs(tmp_path, "restore", str(small_backup), "restored", check=False)
    assert done.returncode == 2 and "accounts.json" in done.stderr and "differs" in done.stderr
    assert not (tmp_path / "restored").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".restored")]


def test_backup_refuses_an_existing_destination_and_a_folder_that_is_no_instance(small_backup, tmp_path):
    done = handle_docs(tmp_path, "backup", str(small_backup), "--instance", "instance", check=False)
    assert done.returncode == 2 and "already exists" in done.stderr
    (tmp_path / "empty").mkdir()
    done = handle_docs(tmp_path, "backup", "other", "--instance", "empty", check=False)
    assert done.returncode == 2 and "not a workspace's instance folder" in done.stderr
    shutil.rmtree(small_backup)
