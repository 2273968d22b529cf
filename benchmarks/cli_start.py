#!/usr/bin/env python3
"""How long the command line takes to start: lazily loaded commands against the naive way.

    python benchmarks/cli_start.py            # 10 runs of each
    python benchmarks/cli_start.py --runs 3

Each row is a fresh ``python`` process, timed from start to exit (wall clock), median and slowest of the
runs.  "naive" imports every command module first, as ``cli.py`` did before commands were loaded lazily
(every command then paid for WeasyPrint, Flask and the previewer); "lazy" is the command as shipped.
Target (issue 27): ``handle-docs --help`` at most 0.3 s on the two-core development machine.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NAIVE = (
    "import importlib, sys\n"
    "from handle_docs.cli import COMMANDS, cli\n"
    "for where, _ in COMMANDS.values():\n"
    "    importlib.import_module(where.split(':')[0])\n"
    "cli.main(args=sys.argv[1:], prog_name='handle-docs')\n"
)
LAZY = "import sys\nfrom handle_docs.cli import main\nsys.argv[0] = 'handle-docs'\nmain()\n"


def timed(code: str, args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code, *args],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    print(f"# CLI start-up, {args.runs} runs each ({platform.python_version()}, {platform.machine()})")
    print("| command | way | median s | slowest s |\n| --- | --- | ---: | ---: |")
    for command in (["--help"], ["review", "status"]):
        for way, code in (("naive", NAIVE), ("lazy", LAZY)):
            times = timed(code, command, args.runs)
            print(
                f"| handle-docs {' '.join(command)} | {way} | {statistics.median(times):.3f} | {max(times):.3f} |"
            )


if __name__ == "__main__":
    main()
