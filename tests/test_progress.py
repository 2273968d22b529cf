"""The progress bar of long runs: letters done and time left on a terminal, nothing elsewhere."""

import io
import re
import time

from handle_docs.commands.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_counts_and_time_left(monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    stream = Terminal()
    progress = Progress(stream)
    progress.start(40)
    shown = []
    for _ in range(4):
        clock[0] += 30  # ten letters every 30 seconds: 3 s a letter
        progress.step(10)
        bar = re.search(r"letters +\[[#-]+\] +(.*)$", stream.getvalue().split("\r")[-1])
        assert bar, stream.getvalue()
        shown.append(" ".join(bar.group(1).split()))
    progress.close()
    # time left = letters left × 3 s: 30 → 1 min 30 s, 20 → 1 min, 10 → 30 s; none once done
    assert shown == ["10/40 00:01:30", "20/40 00:01:00", "30/40 00:00:30", "40/40"]
    assert stream.getvalue().endswith("\n"), "the bar's line is finished when the run is"


def test_no_bar_when_not_a_terminal_or_quiet():
    for stream, quiet in ((io.StringIO(), False), (Terminal(), True)):
        progress = Progress(stream, quiet=quiet)
        progress.start(10)
        progress.step(10)
        progress.close()
        assert stream.getvalue() == ""
