"""Previews of a material as its pages will print, as PNG images, with unsaved wording, cached.

The pages are drawn by services/proofs.py (the one table of how each kind of
material is drawn, the one watermark rule, the one set of sample letters),
then kept here.

Previews are cached in a folder (the workspace's instance folder) under a
hash of everything that shapes them: the material's fingerprint parts with
its unsaved wording (its content, the shared content, templates, fonts), the
patrol's own details, any translation shown, the scenario, the watermark and
the resolution.  Rendering runs in a small bounded pool of threads off the
caller's thread (one worker: WeasyPrint holds the interpreter lock while it
lays out, so a second thread would not be faster); a newer request for the
same material and scenario cancels an older one that has not started.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handle_docs.compose.scenarios import Scenario
from handle_docs.review.fingerprints import canonical_json, fingerprint_parts
from handle_docs.review.status import materials_for
from handle_docs.services.proofs import DPI, render_pages
from handle_docs.util import atomic
from handle_docs.wording.content import Content

#: Bumped when what a preview looks like changes for the same inputs.
FORMAT = 1
MAX_CACHED = 300  # previews kept; the oldest are removed beyond this
INDEX = "pages.json"


@dataclass(frozen=True)
class Preview:
    key: str
    pages: int  # page images: page-1.png … page-N.png in the cache folder
    sizes: tuple[tuple[int, int], ...] = ()  # each page image's (width, height) in pixels, when known

    def size(self, number: int) -> tuple[int, int] | None:
        """Page ``number``'s (width, height): the page shown holds its place before its image arrives, so
        nothing below it (the reviewer's Approve button) moves while the proof loads."""
        return self.sizes[number - 1] if 1 <= number <= len(self.sizes) else None


def png_size(png: bytes) -> tuple[int, int]:
    """A PNG's (width, height), from its header (IHDR, always the first chunk)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


# --- what shapes a preview ---------------------------------------------------


def preview_key(
    content: Content, material_id: str, scenario: Scenario | None, watermark: str | None, dpi: int = DPI
) -> str:
    """SHA-256 of everything that shapes the preview (see the module's doc)."""
    shown = [material_id]
    if scenario is not None and scenario.letter.language != content.material(material_id).spec.language:
        shown = materials_for(content, material_id)
    parts = {mid: [[p.kind, p.name, p.sha256] for p in fingerprint_parts(content, mid)] for mid in shown}
    payload = {
        "format": FORMAT,
        "material": material_id,
        "parts": parts,
        "operation": content.docs["operation.yaml"].data if "operation.yaml" in content.docs else None,
        "scenario": repr(scenario.letter) if scenario is not None else None,
        "watermark": watermark,
        "dpi": dpi,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


# --- the cache and the pool -------------------------------------------------------


class Previewer:
    """Renders previews off the caller's thread and keeps them in ``cache_dir``."""

    def __init__(self, cache_dir: Path, *, workers: int = 1, dpi: int = DPI, max_cached: int = MAX_CACHED):
        self.cache_dir = atomic.private_dir(Path(cache_dir))
        self.dpi = dpi
        self.max_cached = max_cached
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="preview")
        self._lock = threading.Lock()
        self._jobs: dict[str, Future] = {}
        self._latest: dict[tuple[str, str], Future] = {}

    def folder(self, key: str) -> Path:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise KeyError(key)
        return self.cache_dir / key

    def cached(self, key: str) -> Preview | None:
        """The finished preview for ``key``, or None."""
        try:
            index = self.folder(key) / INDEX
            found = json.loads(index.read_text(encoding="utf-8"))
            pages = int(found["pages"])
            sizes = tuple((int(w), int(h)) for w, h in found.get("sizes", []))
        except (KeyError, OSError, ValueError, TypeError):
            return None
        return Preview(key, pages, sizes if len(sizes) == pages else ())

    def page(self, key: str, number: int) -> Path | None:
        """The PNG of page ``number`` (from 1) of a finished preview, or None."""
        preview = self.cached(key)
        if preview is None or not 1 <= number <= preview.pages:
            return None
        return self.folder(key) / f"page-{number}.png"

    def request(
        self, content: Content, material_id: str, scenario: Scenario | None, watermark: str | None
    ) -> tuple[str, Future]:
        """Start (or join) rendering; returns the key and a future of the
        Preview, already done on a cache hit."""
        key = preview_key(content, material_id, scenario, watermark, self.dpi)
        hit = self.cached(key)
        if hit is not None:
            done: Future = Future()
            done.set_result(hit)
            return key, done
        slot = (material_id, scenario.id if scenario is not None else "")
        with self._lock:
            job = self._jobs.get(key)
            if job is None or job.cancelled():
                older = self._latest.get(slot)
                if older is not None:
                    older.cancel()  # only if it has not started: superseded by this edit
                job = self._pool.submit(self._render, key, content, material_id, scenario, watermark)
                self._jobs[key] = job
                job.add_done_callback(self._forgetter(key))
            self._latest[slot] = job
        return key, job

    def job(self, key: str) -> Future | None:
        with self._lock:
            return self._jobs.get(key)

    def _forget(self, key: str) -> None:
        with self._lock:
            self._jobs.pop(key, None)

    def _forgetter(self, key: str) -> Callable[[Future[Any]], None]:
        """A done-callback that forgets the job of ``key``."""
        return lambda _done: self._forget(key)

    def _render(
        self, key: str, content: Content, material_id: str, scenario: Scenario | None, watermark: str | None
    ) -> Preview:
        images = render_pages(content, material_id, scenario, watermark, self.dpi)
        folder = self.folder(key)
        staging = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=self.cache_dir))
        for number, png in enumerate(images, start=1):
            atomic.write_bytes(staging / f"page-{number}.png", png)
        sizes = tuple(png_size(png) for png in images)
        atomic.write_text(staging / INDEX, json.dumps({"pages": len(images), "sizes": sizes}))
        try:
            os.replace(staging, folder)
        except OSError:  # another render of the same key got there first
            shutil.rmtree(staging, ignore_errors=True)
        self._prune()
        return Preview(key, len(images), sizes)

    def _prune(self) -> None:
        entries = sorted(
            (p for p in self.cache_dir.iterdir() if p.is_dir() and not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime,
        )
        for old in entries[: max(0, len(entries) - self.max_cached)]:
            shutil.rmtree(old, ignore_errors=True)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


__all__ = ["Preview", "Previewer", "preview_key"]
