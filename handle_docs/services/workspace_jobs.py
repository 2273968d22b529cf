"""What a workspace run shows while and after it is made: its progress and its first pages.

A run is made by the worker process (:mod:`handle_docs.services.worker`)
through the same letters-run service as ``handle-docs letters``; while it
works it writes a small ``progress.json`` (letters done of total, seconds so
far and left) that the page polls, so closing the browser stops nothing and
the web server only reads files.
"""

from __future__ import annotations

import io
import json
import time
from dataclasses import dataclass
from pathlib import Path

from handle_docs.services.workspace_runs import DONE, RunRecord, RunStore, read_json
from handle_docs.util import atomic

#: Pages of batch.pdf shown on the results page.
PREVIEW_PAGES = 2


@dataclass(frozen=True)
class Folders:
    """The folders a run reads: the content, its templates and the sign-off records."""

    content: Path
    templates: Path
    review: Path


class ProgressFile:
    """``progress.json``: letters done of total, written as the chunks finish."""

    def __init__(self, path: Path):
        self.path = path
        self.total = 0
        self.done = 0
        self.started = time.monotonic()

    def start(self, total: int) -> None:
        self.total, self.done, self.started = total, 0, time.monotonic()
        self.write()

    def step(self, n: int) -> None:
        self.done += n
        self.write()

    def write(self, finished: bool = False) -> None:
        seconds = time.monotonic() - self.started
        left = seconds / self.done * (self.total - self.done) if self.done else None
        atomic.write_text(
            self.path,
            json.dumps(
                {
                    "done": self.done,
                    "total": self.total,
                    "seconds": round(seconds, 1),
                    "seconds_left": None if left is None else round(left),
                    "finished": finished,
                }
            ),
        )


def progress_of(store: RunStore, record: RunRecord) -> dict:
    """What the progress bar shows: letters done, total, percent and time left."""
    data = read_json(store.progress_path(record)) or {"done": 0, "total": 0, "seconds_left": None}
    total = data.get("total") or 0
    done = min(data.get("done") or 0, total)
    percent = 100 if record.state == DONE else (done * 100 // total if total else 0)
    return {**data, "done": done if record.state != DONE else total, "percent": percent}


def preview_pages(store: RunStore, record: RunRecord, count: int = PREVIEW_PAGES) -> list[Path]:
    """The first pages of ``batch.pdf`` as PNG (pypdfium2), made once and kept with the run."""
    import pypdfium2 as pdfium

    batch = store.out_dir(record) / "batch.pdf"
    folder = store.extras_dir(record) / "preview"
    wanted = [folder / f"page-{n}.png" for n in range(1, count + 1)]
    if all(p.exists() for p in wanted) or not batch.is_file():
        return [p for p in wanted if p.exists()]
    atomic.private_dir(folder)
    document = pdfium.PdfDocument(str(batch))
    try:
        made = []
        for index in range(min(count, len(document))):
            page = document[index]
            buffer = io.BytesIO()
            page.render(scale=1).to_pil().save(buffer, format="PNG")
            page.close()
            atomic.write_bytes(wanted[index], buffer.getvalue())
            made.append(wanted[index])
        return made
    finally:
        document.close()
