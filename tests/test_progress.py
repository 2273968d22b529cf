import io

from handle_docs.commands.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_counts_and_time_left():
    stream = Terminal()
    progress = Progress(stream)
    progress.start(40)
    for _ in range(4):
        progress.step(10)
    progress.close()
    assert "40/40" in stream.getvalue()


def test_no_bar_when_not_a_terminal_or_quiet():
    for stream, quiet in ((io.StringIO(), False), (Terminal(), True)):
        progress = Progress(stream, quiet=quiet)
        progress.start(10)
        progress.step(10)
        progress.close()
        assert stream.getvalue() == ""
