"""The workspace's view of its folders: content loaded once and reloaded when
any file under the content or templates folder changes (another editor, git),
and review states remembered until a sign-off record changes."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from handle_docs.models import Problem, ProblemsError
from handle_docs.review import POLICY_FILE, MaterialStatus, fingerprint, material_status, resolve_today
from handle_docs.wording.content import Content, load_content


def _signature(*places: Path) -> tuple:
    """Every file's path, modification time and size: changes when any file does."""
    stamp = []
    for place in places:
        place = Path(place)
        for path in [place] if place.is_file() else sorted(place.rglob("*")):
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


class StatusCache:
    """``material_status`` remembered per version: reading the sign-off
    records is most of a preview's cost when the pages come from the cache.
    Keyed by the version's fingerprint, the review folder's files and today."""

    def __init__(self, review_dir: Path, size: int = 64):
        self.review_dir = Path(review_dir)
        self.size = size
        self._lock = threading.Lock()
        self._cache: dict[tuple, MaterialStatus] = {}

    def get(self, content: Content, material_id: str) -> MaterialStatus:
        key = (
            material_id,
            fingerprint(content, material_id),
            _signature(self.review_dir, Path(content.root) / POLICY_FILE),
            resolve_today(),
        )
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        status = material_status(content, material_id, review_dir=self.review_dir, today=key[-1])
        with self._lock:
            if len(self._cache) >= self.size:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = status
        return status


def loaded() -> Loaded:
    """The content this request works on (the app's ContentCache)."""
    return current_app.extensions["handle_docs"]["content"].get()
