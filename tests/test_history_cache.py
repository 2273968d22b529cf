"""Each commit of the history read once, ever (history/cache.py): a real force folder made by ``handle-docs
init --sample-approvals``, changes committed by the command line's route (history/changes.py), the versions
numbered by history/log.py, reads counted at ``_read_materials`` (where a commit's content is exported and
loaded), second processes started as ``python``."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from handle_docs.history import cache, log
from handle_docs.history.changes import record_change
from handle_docs.history.repo import WORKSPACE, ForceRepo, Person
from handle_docs.wording.content import load_content

from .test_history import git, run

DANA = Person("Dana Whitlock", "dana@westmarch.police.example")
SAM = Person("Sam Adeyemi", "sam@westmarch.police.example")
VISIT = "content/letters/visit.yaml"
LOCK_IT = "content/leaflets/lock-it.yaml"


def change(folder: Path, name: str, old: str, new: str, who: Person, message: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{name} has no {old!r}"
    done = record_change(
        folder,
        [path],
        lambda: path.write_text(text.replace(old, new, 1), encoding="utf-8"),
        message,
        who,
        WORKSPACE,
    )
    assert done.commit, done


@pytest.fixture(scope="module")
def sample_history(tmp_path_factory) -> Path:
    """The sample force folder and seven commits, six of them changing what a version is made of: a change
    to the visit letter, a sign-off (the review folder only), a new patrol date (the letter's words change,
    its fingerprint does not), the letter changed back (its first fingerprint again), the leaflet broken (its
    content does not load) and mended with a change."""
    folder = tmp_path_factory.mktemp("history-cache") / "force"
    assert run("init", "--sample-approvals", folder).exit_code == 0
    change(folder, VISIT, "walked", "strolled", DANA, "Visit letter: opening changed")
    note = folder / "review" / "note.txt"
    done = record_change(folder, [note], lambda: note.write_text("signed\n"), "a sign-off", SAM, WORKSPACE)
    assert done.commit
    change(
        folder,
        "content/operation.yaml",
        "patrol_date: 2026-11-14",
        "patrol_date: 2026-11-21",
        SAM,
        "new date",
    )
    change(folder, VISIT, "strolled", "walked", DANA, "Visit letter: opening changed back")
    change(folder, LOCK_IT, "blocks:", "blocks: [", SAM, "Lock it: broken")
    change(folder, LOCK_IT, "blocks: [", "blocks:", SAM, "Lock it: mended")
    change(folder, LOCK_IT, "Three simple habits", "Three habits", DANA, "Lock it: intro changed")
    return folder


#: Commits in the sample history that change what a version is made of (each read once).
CONTENT_COMMITS = 7


@pytest.fixture
def force(sample_history, tmp_path) -> Path:
    """A copy of the sample history with no cache yet, and this process holding nothing of any history."""
    folder = tmp_path / "force"
    shutil.copytree(sample_history, folder, symlinks=True)
    log.forget()
    yield folder
    log.forget()


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """Every commit read from git (exported and loaded), in order."""
    found: list[str] = []
    real = log._read_materials
    monkeypatch.setattr(
        log, "_read_materials", lambda root, commit: found.append(commit) or real(root, commit)
    )
    return found


def materials(folder: Path) -> list[str]:
    return sorted(load_content(folder / "content", folder / "templates").materials)


def numbering(folder: Path, head: str | None = None) -> dict[str, list[tuple]]:
    """Every material's versions as the pages show them: number, commit, fingerprint, editor, the change in
    words, approvers."""
    repo = ForceRepo.of(folder)
    return {
        m: [
            (v.number, v.commit.id, v.fingerprint, v.editor, v.change_words(), [d.name for d in v.approvers])
            for v in log.versions(repo, m, head)
        ]
        for m in materials(folder)
    }


SECOND_PROCESS = """
import json, sys
from pathlib import Path
from handle_docs.history import log
from handle_docs.history.repo import ForceRepo
from handle_docs.wording.content import load_content
reads = []
real = log._read_materials
log._read_materials = lambda root, commit: reads.append(commit) or real(root, commit)
folder = Path(sys.argv[1])
repo = ForceRepo.of(folder)
ids = sorted(load_content(folder / "content", folder / "templates").materials)
found = {m: [(v.number, v.commit.id, v.fingerprint) for v in log.versions(repo, m)] for m in ids}
print(json.dumps({"reads": reads, "numbers": found}))
"""


def second_process(folder: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", SECOND_PROCESS, str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return json.loads(out.splitlines()[-1])


def short(numbers: dict[str, list[tuple]]) -> dict[str, list[list]]:
    return {m: [list(v[:3]) for v in vs] for m, vs in numbers.items()}


def test_a_second_process_finds_every_commit_read_and_a_new_commit_costs_one_read(force, reads):
    first = numbering(force)
    assert len(reads) == CONTENT_COMMITS == len(set(reads)), "each commit read once, for every material"
    path = force / ".git" / cache.FOLDER / cache.FILE
    assert path.is_file() and (path.stat().st_mode & 0o777) == 0o600
    assert git(force, "status", "--porcelain") == "", "the cache is not part of the force's content"

    again = finished(second_process(force))
    assert again["reads"] == [], "a new process reads no commit again"
    assert again["numbers"] == json.loads(json.dumps(short(first)))
    log.forget()  # the command line, as a new process
    shown = run("history", "visit-letter", "--folder", force)
    assert shown.exit_code == 0 and "version 3" in shown.output and "version 4" not in shown.output
    assert len(reads) == CONTENT_COMMITS, "nor does the command line"

    change(force, VISIT, "Thieves", "Car thieves", SAM, "Visit letter: opening changed")
    new = git(force, "rev-parse", "HEAD").strip()
    after = numbering(force)
    assert reads[CONTENT_COMMITS:] == [new], "a save reads its own commit only"
    assert after["visit-letter"][:-1] == first["visit-letter"] and after["visit-letter"][-1][:4] == (
        4,
        new,
        after["visit-letter"][-1][2],
        "Sam Adeyemi",
    )
    note = force / "review" / "note.txt"
    assert record_change(
        force, [note], lambda: note.write_text("again\n"), "a sign-off", DANA, WORKSPACE
    ).commit
    assert numbering(force) == after and len(reads) == CONTENT_COMMITS + 1, "a sign-off reads no commit"
    assert finished(second_process(force))["reads"] == []


def test_a_history_longer_than_what_memory_holds_is_not_read_again(force, reads, monkeypatch):
    monkeypatch.setattr(log, "_WALKS_KEPT", 1)
    heads = git(force, "rev-list", "HEAD").split()
    for _ in range(2):
        for head in heads:  # every page at every HEAD, newest to oldest: more HEADs than memory holds
            numbering(force, head)
    assert sorted(reads) == sorted(set(reads)) and len(reads) == CONTENT_COMMITS
    log.forget()  # as a restarted workspace
    numbering(force, heads[3])
    assert len(reads) == CONTENT_COMMITS


def test_a_cache_file_that_is_damaged_or_foreign_is_made_again_and_the_numbers_are_the_same(force, reads):
    first = numbering(force)
    path = force / ".git" / cache.FOLDER / cache.FILE

    def fresh() -> dict:
        log.forget()
        del reads[:]
        return numbering(force)

    path.write_bytes(b"not a database " * 100)  # damaged
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    assert fresh() == first and len(reads) == CONTENT_COMMITS

    with sqlite3.connect(path) as db:  # one text's words changed: its digest no longer matches
        db.execute("UPDATE texts SET words = words || ' Send us your bank details.'")
    db.close()
    assert fresh() == first and len(reads) == CONTENT_COMMITS

    with sqlite3.connect(path) as db:  # a cache written by another program (or another version)
        db.execute("UPDATE meta SET value = 'another program' WHERE key = 'program'")
    db.close()
    assert fresh() == first and len(reads) == CONTENT_COMMITS

    with sqlite3.connect(path) as db:  # a row of a commit this repository does not hold
        db.execute("INSERT INTO commits VALUES (?, 1)", ("0" * 40,))
    db.close()
    assert fresh() == first and reads == [], "a healthy cache is used as it is"


def test_a_cache_that_cannot_be_made_leaves_the_history_read_without_it(force, reads, caplog):
    (force / ".git" / cache.FOLDER).write_text("a file where the cache's folder would be\n")
    visit = numbering(force)["visit-letter"]
    assert [v[0] for v in visit] == [1, 2, 3] and len(reads) == CONTENT_COMMITS
    assert "the history is read without it" in caplog.text


def full_walk(repo: ForceRepo, material_ids: list[str]) -> dict[str, list[tuple]]:
    """The versions as history/log.py numbered them before the cache: every commit read afresh, a version
    where the material's fingerprint is not the previous version's."""
    history = log.commits(repo, *log.VERSION_FOLDERS)
    at = {c.id: log._read_materials(str(repo.root), c.id) or {} for c in history}
    walked = {}
    for material_id in material_ids:
        found: list[tuple] = []
        previous = None
        for commit in history:
            now = at[commit.id].get(material_id)
            if now is None or (previous is not None and now[0] == previous[0]):
                continue
            changes = log.diff_sections(previous[1], now[1]) if previous is not None else []
            edited_by = now[2] if commit.email in log.TOOL_ADDRESSES else None
            found.append((len(found) + 1, commit.id, now[0], now[1], changes, edited_by or commit.author))
            previous = now
        walked[material_id] = found
    return walked


def test_the_numbers_are_those_of_a_walk_over_every_commit_read_afresh(force):
    repo = ForceRepo.of(force)
    ids = materials(force)
    names = log._names_at(str(repo.root), repo.head())
    cached = {
        m: [
            (v.number, v.commit.id, v.fingerprint, v.text, v.changes, v.editor) for v in log.versions(repo, m)
        ]
        for m in materials(force)
    }
    walked = {
        m: [(*v[:5], names.get(v[5], v[5])) for v in vs]
        for m, vs in full_walk(repo, materials(force)).items()
    }
    assert cached == walked
    visit = cached["visit-letter"]
    # the changed date made no version; the change back did, with the first version's fingerprint
    assert [v[0] for v in visit] == [1, 2, 3] and visit[2][2] == visit[0][2]
    assert "21 November 2026" in visit[2][3] and "14 November 2026" in visit[0][3]
    assert [v[0] for v in cached["lock-it-leaflet"]] == [1, 2], "the broken commit made no version"

    # a branch from an older commit merged by hand: its commit comes before newer ones in the list
    older = git(force, "rev-list", "HEAD~4", "-1").strip()
    git(force, "switch", "-q", "-c", "by-hand", older)
    path = force / "content" / "leaflets" / "stay-connected.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("two free ways", "two ways"), encoding="utf-8")
    person = {"GIT_AUTHOR_NAME": "Sam", "GIT_AUTHOR_EMAIL": "s@x.example", "GIT_COMMITTER_NAME": "Sam"}
    person = {**os.environ, **person, "GIT_COMMITTER_EMAIL": "s@x.example"}
    dated = {**person, "GIT_AUTHOR_DATE": "2020-01-01T12:00:00", "GIT_COMMITTER_DATE": "2020-01-01T12:00:00"}
    subprocess.run(["git", "commit", "-q", "-am", "by hand"], cwd=force, env=dated, check=True)
    git(force, "switch", "-q", "main")
    subprocess.run(
        ["git", "merge", "-q", "--no-ff", "-m", "merged", "by-hand"], cwd=force, env=person, check=True
    )
    before = [c.id for c in log.commits(repo, *log.VERSION_FOLDERS, until="HEAD^")]
    assert [c.id for c in log.commits(repo, *log.VERSION_FOLDERS)][: len(before)] != before
    cached = {m: [(v.number, v.commit.id, v.fingerprint, v.text) for v in log.versions(repo, m)] for m in ids}
    assert cached == {m: [v[:4] for v in vs] for m, vs in full_walk(repo, ids).items()}
    by_hand = git(force, "rev-parse", "by-hand").strip()
    assert by_hand in [v[1] for v in cached["stay-connected-leaflet"]]


def test_two_processes_reading_the_history_at_once_agree_and_leave_every_commit_read(force):
    both = [second_process(force), second_process(force)]
    one, two = (finished(p) for p in both)
    assert one["numbers"] == two["numbers"]
    assert len(one["reads"]) <= CONTENT_COMMITS and len(two["reads"]) <= CONTENT_COMMITS
    assert finished(second_process(force))["reads"] == []
