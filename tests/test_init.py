"""`handle-docs init DIR`: a new force's folder from the bundled starter, nothing approved until its own people
approve it, and never over anything that is there."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from handle_docs.cli import cli
from handle_docs.services import force_folder as create_module
from handle_docs.services.force_folder import create_force
from handle_docs.starter import starter_root
from handle_docs.util import atomic

from .conftest import ROOT

TRANSLATIONS = [
    f"{original}-{code}"
    for original in ("lock-it-leaflet", "visit-letter")
    for code in ("ar", "cy", "pl", "ro", "ur")
]
MATERIALS = sorted(
    [
        "lock-it-leaflet",
        "paper-check-form",
        "social-card",
        "stay-connected-leaflet",
        "visit-letter",
        *TRANSLATIONS,
    ]
)


def run(*args, cwd: Path | None = None):
    runner = CliRunner()
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = runner.invoke(cli, [str(a) for a in args], prog_name="handle-docs")
    finally:
        os.chdir(old)
    assert "Traceback" not in result.output, result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def tracked(folder: str) -> dict[str, bytes]:
    """The repository's folder as git would see it (no caches or hidden files)."""
    return {
        k: v
        for k, v in files(ROOT / folder).items()
        if "__pycache__" not in k and not k.split("/")[-1].startswith(".")
    }


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("HANDLE_DOCS_TODAY", "2027-01-15")


def test_in_a_checkout_the_starter_is_the_repositorys_own_folders():
    assert starter_root() == ROOT


def test_init_makes_the_folders_a_force_works_in_with_the_starter_wording_and_nothing_approved(tmp_path):
    result = run("init", tmp_path / "force")
    assert result.exit_code == 0, result.output
    force = tmp_path / "force"
    assert f"created {force}" in result.output and "nothing is approved yet (15 materials)" in result.output
    assert sorted(p.name for p in force.iterdir()) == [
        ".git",
        ".gitignore",
        "content",
        "examples",
        "review",
        "templates",
    ]
    # a git repository whose one commit is the starter, nothing left out of it
    log = subprocess.run(
        ["git", "log", "--format=%an|%s"], cwd=force, capture_output=True, text=True, check=True
    )
    assert (
        log.stdout
        == "handle-docs command line|New force folder: the sample force's wording, templates and review folder\n"
    )
    assert (
        subprocess.run(["git", "status", "--porcelain"], cwd=force, capture_output=True, text=True).stdout
        == ""
    )
    copied, sample = files(force / "content"), tracked("content")
    assert copied.pop("reviewers.yaml").endswith(b"reviewers: {}\nworkspace_keys: {}\n"), (
        "a new force's registry is empty"
    )
    sample.pop("reviewers.yaml")
    assert copied == sample
    assert files(force / "templates") == tracked("templates")
    assert files(force / "examples") == {
        name: (ROOT / "examples" / name).read_bytes()
        for name in ("patrol-forms-export.xlsx", "patrol-records.csv")
    }
    assert sorted(files(force / "review")) == [
        "README.txt",
        "reviewers.root",
    ]  # the pin, awaiting the first approval


def test_the_review_note_says_what_must_be_approved_and_how(tmp_path):
    assert run("init", tmp_path / "force").exit_code == 0
    note = (tmp_path / "force" / "review" / "README.txt").read_text(encoding="utf-8")
    assert note.startswith("Nothing in this folder is approved yet.")
    assert "2 approvals incl. role comms-lead" in note
    listed = [
        line.split()[0]
        for line in note.split("Materials that must be approved:\n")[1].split("\n\n")[0].splitlines()
    ]
    assert listed == MATERIALS
    assert "  visit-letter            letter    content/letters/visit.yaml" in note
    assert "handle-docs review approve MATERIAL --reviewer ID --role ROLE --key" in note
    assert "handle-docs reviewers add ID" in note
    assert "content/operation.yaml" in note and "--draft" in note


def test_inside_the_new_folder_review_status_lists_every_material_as_needing_approval(tmp_path):
    assert run("init", tmp_path / "force").exit_code == 0
    status = run("review", "status", cwd=tmp_path / "force")
    assert status.exit_code == 1
    rows = {line.split()[0]: line for line in status.output.splitlines()[2:17]}
    assert status.output.splitlines()[1].startswith("reviewers (registry)")
    assert sorted(rows) == MATERIALS
    assert all(
        "NEEDS APPROVAL" in row and "needs 2 approvals incl. role comms-lead" in row for row in rows.values()
    )
    assert all(
        "translator-cy, has 0" in rows[f"{original}-cy"] for original in ("lock-it-leaflet", "visit-letter")
    )
    assert "NOT READY: 16 of 16 (materials and the reviewer registry) not approved" in status.output

    letters = run("letters", "examples/patrol-records.csv", "--out", "out/letters", cwd=tmp_path / "force")
    assert letters.exit_code == 1 and "refusing to make letters: material not approved" in letters.output
    assert "add --draft" in letters.output and not (tmp_path / "force" / "out").exists()


def test_with_sample_approvals_the_sample_force_is_ready_as_it_is(tmp_path):
    result = run("init", tmp_path / "sample", "--sample-approvals")
    assert result.exit_code == 0, result.output
    assert "never for a real force" in result.output
    assert files(tmp_path / "sample" / "review") == tracked("review")
    status = run("review", "status", cwd=tmp_path / "sample")
    assert status.exit_code == 0, status.output
    assert "ready: all 15 material(s) and the reviewer registry approved" in status.output


def test_the_new_folder_is_private(tmp_path):
    assert run("init", tmp_path / "force").exit_code == 0
    for path in [tmp_path / "force", *(tmp_path / "force").rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        if ".git" in path.relative_to(tmp_path / "force").parts:
            # the history: git's own modes (objects are read-only), but nobody else's to read
            assert mode & 0o077 == 0 and (mode == 0o700 or not path.is_dir()), (path, oct(mode))
            continue
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_an_empty_folder_may_be_used(tmp_path):
    (tmp_path / "force").mkdir()
    assert run("init", tmp_path / "force").exit_code == 0
    assert (tmp_path / "force" / "content" / "operation.yaml").is_file()


def test_init_never_writes_over_a_folder_with_something_in_it_or_a_file(tmp_path):
    force = tmp_path / "force"
    force.mkdir()
    (force / "notes.txt").write_text("ours")
    result = run("init", force)
    assert result.exit_code == 2, result.output
    assert f"Error: {force} is a folder that is not empty: give a new folder" in result.output
    assert files(force) == {"notes.txt": b"ours"}

    (tmp_path / "a-file").write_text("ours")
    result = run("init", tmp_path / "a-file")
    assert result.exit_code == 2 and "is not a folder" in result.output
    assert (tmp_path / "a-file").read_text() == "ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "force"]


def test_a_write_that_fails_half_way_leaves_no_folder_behind(tmp_path, monkeypatch):
    real = atomic.write_bytes
    written = []

    def fill_the_disk(path, data):
        if len(written) == 10:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(path)
        return real(path, data)

    monkeypatch.setattr(create_module.atomic, "write_bytes", fill_the_disk)
    with pytest.raises(OSError):
        create_force(tmp_path / "force")
    assert list(tmp_path.iterdir()) == [] and len(written) == 10

    result = run("init", tmp_path / "force")
    assert result.exit_code == 1
    assert (
        result.output.strip() == f"error: could not create {tmp_path / 'force'}: No space left on device. "
        "Nothing was created."
    )
    assert list(tmp_path.iterdir()) == []
