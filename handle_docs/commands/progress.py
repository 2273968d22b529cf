"""A progress bar for long runs: on a terminal only, never in logs or pipes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar


class Progress:
    """Counts letters with time left on a terminal; silent otherwise or when quiet."""

    def __init__(self, stream: TextIO, *, quiet: bool = False, label: str = "letters"):
        self.enabled = not quiet and stream.isatty()
        self.stream = stream
        self.label = label
        self.bar: ProgressBar[int] | None = None

    def start(self, total: int) -> None:
        if self.enabled:
            self.bar = click.progressbar(
                length=total, label=self.label, file=self.stream, show_eta=True, show_pos=True
            )
            self.bar.__enter__()

    def step(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None

    @property
    def callbacks(self) -> tuple[Callable[[int], None], Callable[[int], None]]:
        return self.start, self.step
