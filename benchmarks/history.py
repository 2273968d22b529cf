#!/usr/bin/env python3
"""How long the history takes to number every material's versions: each commit read once ever (the cache on
disk, history/cache.py) against the naive way (every commit read again by every new process).

    python benchmarks/history.py                 # 40 edits
    python benchmarks/history.py --edits 10

A force folder made by ``handle-docs init --sample-approvals`` gets ``--edits`` commits, each changing the
wording of one of three materials as a save in the workspace does (then a commit of the review folder only,
as a sign-off is), so the history has 2 × edits + 1 commits, edits + 1 of them changing what a version is
made of.  Each row is a fresh ``python`` process ("after a restart") labelling every material (its versions
at HEAD, as the materials page does), timed inside the process after its imports; then, in the same
process, one more save and every material labelled again:

- **naive**: the way before the cache: each commit read (exported and loaded) by each new process, kept in
  an in-memory LRU of 1,024 commits, every material's versions walked over every commit at each new HEAD;
- **naive, history longer than its memory**: the same with the LRU holding half the commits, as a force
  with more than 1,024 commits is: each material's walk reads every commit again (one material only here,
  the visit letter: all of them would take each row about 15 times as long);
- **cache, first time ever**: the shipped way with no cache yet (every commit read and written to disk);
- **cache, after a restart**: the shipped way with the cache on disk.

Peak memory is the process's maximum resident set (``ru_maxrss``), imports included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The one material the row with the history longer than its memory labels.
ONLY = "visit-letter"

#: (file, the line each edit rewrites): three materials' wording.
EDITS = [
    ("content/letters/visit.yaml", "We tried the door handles and looked for things left on show"),
    ("content/leaflets/lock-it.yaml", "and look through windows. Three simple habits stop most of them"),
    ("content/leaflets/stay-connected.yaml", "There are two free ways to get involved"),
]


def edit(folder: Path, number: int) -> None:
    """Edit ``number``: one material's line ends with the edit's number, committed as a person's save, then
    a commit of the review folder only (as a sign-off)."""
    from handle_docs.history.repo import WORKSPACE, ForceRepo, Person

    name, line = EDITS[number % len(EDITS)]
    path = folder / name
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(re.escape(line) + r"[^\n]*", f"{line} (edit {number}).", text, count=1)
    assert count == 1, f"{name} no longer has {line!r}"
    path.write_text(changed, encoding="utf-8")
    repo = ForceRepo(folder)
    dana = Person("Dana Whitlock", "dana@force.example")
    repo.commit([name], f"edit {number}", dana, WORKSPACE)
    note = folder / "review" / "bench-signoffs.txt"
    note.write_text(f"sign-off after edit {number}\n", encoding="utf-8")
    repo.commit(
        ["review/bench-signoffs.txt"], f"sign-off {number}", Person("Priya Lang", "p@x.example"), WORKSPACE
    )


def label_every_material_naive(
    root: str, head: str, kept: int, memory: OrderedDict, ids: list[str]
) -> dict[str, int]:
    """The way before the cache (history/log.py until 2026-12-07): every material walked over every commit,
    each commit's materials from an in-memory LRU of ``kept`` commits, read when not in it."""
    from handle_docs.history import log

    numbers = {}
    repo = log.ForceRepo(Path(root))
    history = log.commits(repo, *log.VERSION_FOLDERS, until=head)
    for material_id in ids:
        log._decisions(repo, head, material_id)  # the sign-off record at HEAD, as both ways read it
        found = 0
        previous = None
        for commit in history:
            now = _naive_at(root, commit.id, kept, memory).get(material_id)
            if now is None or (previous is not None and now[0] == previous[0]):
                continue
            if previous is not None:
                log.diff_sections(previous[1], now[1])
            found += 1
            previous = now
        numbers[material_id] = found
    return numbers


def _naive_at(root: str, commit: str, kept: int, memory: OrderedDict) -> dict:
    from handle_docs.history import log

    found = memory.get(commit)
    if found is not None:
        memory.move_to_end(commit)
        return found
    found = log._read_materials(root, commit) or {}
    memory[commit] = found
    while len(memory) > kept:
        memory.popitem(last=False)
    return found


def label_every_material(root: str, ids: list[str]) -> dict[str, int]:
    """The shipped way: what the materials page asks for each material."""
    from handle_docs.history.log import versions
    from handle_docs.history.repo import ForceRepo

    repo = ForceRepo(Path(root))
    return {m: len(versions(repo, m)) for m in ids}


def _material_ids(root: str) -> list[str]:
    from handle_docs.wording.content import load_content

    return sorted(load_content(Path(root) / "content", Path(root) / "templates").materials)


def one_process(way: str, folder: str, kept: int, next_edit: int) -> dict:
    """Run in a fresh process: label every material, make one more save, label every material again."""
    import handle_docs.history.log as log  # imports first, not timed
    from handle_docs.history.repo import ForceRepo

    log.cache.program()  # the program's digest, once a process (about 40 ms), not part of either figure
    memory: OrderedDict = OrderedDict()
    ids = _material_ids(folder) if kept >= 1024 or not way.startswith("naive") else [ONLY]

    def label() -> dict[str, int]:
        head = ForceRepo(Path(folder)).head()
        if way.startswith("naive"):
            return label_every_material_naive(folder, head, kept, memory, ids)
        return label_every_material(folder, ids)

    reads = []
    real = log._read_materials
    log._read_materials = lambda root, commit: reads.append(commit) or real(root, commit)  # type: ignore[assignment]
    start = time.perf_counter()
    first = label()
    first_s = time.perf_counter() - start
    first_reads = len(reads)
    edit(Path(folder), next_edit)
    start = time.perf_counter()
    after = label()
    save_s = time.perf_counter() - start
    return {
        "first_s": first_s,
        "first_reads": first_reads,
        "save_s": save_s,
        "save_reads": len(reads) - first_reads,
        "numbers": first,
        "after": after,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_way(way: str, folder: Path, kept: int, next_edit: int) -> dict:
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import history as bench;"
        "print(json.dumps(bench.one_process(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "benchmarks"), way, str(folder), str(kept), str(next_edit)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.splitlines()[-1])


def make_force(folder: Path, edits: int) -> None:
    subprocess.run(
        [sys.executable, "-m", "handle_docs", "init", "--sample-approvals", str(folder)],
        check=True,
        capture_output=True,
    )
    for number in range(edits):
        edit(folder, number)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="handle-docs-bench-history-") as tmp:
        base = Path(tmp) / "force"
        make_force(base, args.edits)
        content_commits = args.edits + 1
        print(
            f"# History: every material labelled after a restart, then one more save "
            f"({content_commits} commits changing content, {2 * args.edits + 1} in all; "
            f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()[0]:.2f}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()})"
        )
        print(
            "| way | labelling after a restart, s | commits read | one more save, s | commits read | peak MB |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: |"
        )
        rows = [
            ("naive", 1024, False),
            ("naive, history longer than its memory", max(1, content_commits // 2), False),
            ("cache, first time ever", 0, False),
            ("cache, after a restart", 0, True),
        ]
        results = {}
        for number, (way, kept, warm) in enumerate(rows):
            folder = Path(tmp) / f"force-{number}"
            subprocess.run(["cp", "-a", str(base), str(folder)], check=True)
            if warm:  # the cache the first-time row left (its extra save's commit is not in this repository)
                first_time = Path(tmp) / f"force-{number - 1}" / ".git" / "handle-docs"
                subprocess.run(["cp", "-a", str(first_time), str(folder / ".git")], check=True)
            result = run_way(way, folder, kept, args.edits)
            results[way] = result
            print(
                f"| {way} | {result['first_s']:.2f} | {result['first_reads']} | {result['save_s']:.2f} | "
                f"{result['save_reads']} | {result['peak_mb']:.0f} |"
            )
        full = [r for r in results.values() if len(r["numbers"]) > 1]
        agree = all(
            [r["numbers"], r["after"]] == [full[0]["numbers"], full[0]["after"]] for r in full
        ) and all(
            r[when][ONLY] == full[0][when][ONLY] for r in results.values() for when in ("numbers", "after")
        )
        if not agree:
            raise SystemExit(f"the ways number the versions differently: {results}")
        print(
            "every way gives every material the same number of versions, before and after the save "
            f"(the second row: {ONLY} only)"
        )


if __name__ == "__main__":
    main()
