"""The workspace's view of its folders: content loaded once and reloaded when
any file under the content or templates folder changes (another editor, git)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from handle_docs.models import Problem, ProblemsError
from handle_docs.wording.content import Content, load_content


def _signature(*folders: Path) -> tuple:
    stamp = []
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            try:
                info = path.stat()
            except OSError:
                continue
            stamp.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(stamp)


@dataclass
class Loaded:
    content: Content | None
    problems: list[Problem]


class ContentCache:
    """``load_content`` of the folders, redone only when a file changed."""

    def __init__(self, content_dir: Path, templates_dir: Path):
        self.content_dir = Path(content_dir)
        self.templates_dir = Path(templates_dir)
        self._lock = threading.Lock()
        self._signature: tuple | None = None
        self._loaded = Loaded(None, [])

    def get(self) -> Loaded:
        signature = _signature(self.content_dir, self.templates_dir)
        with self._lock:
            if signature != self._signature:
                try:
                    self._loaded = Loaded(load_content(self.content_dir, self.templates_dir), [])
                except ProblemsError as exc:
                    self._loaded = Loaded(None, list(exc.problems))
                self._signature = signature
            return self._loaded
