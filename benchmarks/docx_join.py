#!/usr/bin/env python3
"""batch.docx joiners side by side: ours (render/docx_join.py) and docxcompose.

    python benchmarks/docx_join.py out/letters/letters          # N = 100 and 1,000
    python benchmarks/docx_join.py out/letters/letters --sizes 50

Joins N of a run's Word letters (``handle-docs letters … --docx``, repeated
in turn up to N) into one document, each joiner in its own process, and
prints its time, its peak resident set, whether python-docx opens the result
with one section per letter, and whether a second join gives the same bytes.
docxcompose is not a dependency: install it in a scratch venv to compare;
without it only ours is measured.  The figures are in docs/word.md.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TITLE = "Visit letter: print batch"


def join_ours(sources: list[Path], target: Path) -> None:
    from handle_docs.render.docx_join import join_docx

    join_docx(sources, target, title=TITLE, lang="en-GB")


def join_docxcompose(sources: list[Path], target: Path) -> None:
    """docxcompose's documented use: a master document, a page break, append."""
    from docx import Document
    from docxcompose.composer import Composer

    from handle_docs.render.ooxml import normalise_zip

    random.seed(0)  # docxcompose draws list numbering ids (w:nsid) at random
    master = Document(str(sources[0]))
    composer = Composer(master)
    for path in sources[1:]:
        master.add_page_break()
        composer.append(Document(str(path)))
    master.core_properties.title = TITLE
    raw = io.BytesIO()
    composer.save(raw)
    target.write_bytes(normalise_zip(raw.getvalue()))  # python-docx dates its zip entries now


JOINERS = {"ours": join_ours, "docxcompose": join_docxcompose}


def child(joiner: str, folder: Path, n: int, target: Path) -> None:
    importlib.import_module("docx")  # imports are paid before the clock starts, for both

    letters = sorted(folder.glob("*.docx"))
    sources = [letters[i % len(letters)] for i in range(n)]
    started = time.perf_counter()
    JOINERS[joiner](sources, target)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.2f} {peak_mb:.0f}")


def sections(path: Path) -> int:
    from docx import Document

    return len(Document(str(path)).sections)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("letters", type=Path, help="a run's letters/ folder with .docx files")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    args = parser.parse_args()
    joiners = ["ours"]
    if importlib.util.find_spec("docxcompose"):
        joiners.append("docxcompose")
    else:
        print("docxcompose is not installed: measuring ours only", file=sys.stderr)
    env = dict(os.environ, SOURCE_DATE_EPOCH=os.environ.get("SOURCE_DATE_EPOCH", "1794693600"))
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            for joiner in joiners:
                outs = [Path(tmp) / f"{joiner}-{n}-{i}.docx" for i in (1, 2)]
                figures = []
                for target in outs:
                    run = subprocess.run(
                        [sys.executable, __file__, "--child", joiner, str(args.letters), str(n), str(target)],
                        env=env,
                        check=True,
                        capture_output=True,
                        text=True,
                    )
                    figures.append(run.stdout.split())
                seconds, peak_mb = figures[0]
                same = outs[0].read_bytes() == outs[1].read_bytes()
                print(
                    f"{joiner:12} N={n:<6} {seconds:>8} s  peak {peak_mb:>4} MB  "
                    f"sections {sections(outs[0]):>5}  same bytes twice: {'yes' if same else 'no'}"
                )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5]))
    else:
        main()
