"""Preview a material as its pages will print, as PNG images, with unsaved wording.

The document is made by the very code that prints it (a letter by the run's
``ChunkRenderer``, a leaflet by ``leaflet_html``, a social card by
``draw_card``, the paper form by the contingency pack), then its pages are
drawn to PNG with pypdfium2.  Unapproved wording is watermarked DRAFT, as
``--draft`` output is.

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
import io
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

import pypdfium2 as pdfium

from handle_docs.render.html import HtmlRenderer
from handle_docs.render.pdf import PdfRenderer
from handle_docs.review.fingerprints import canonical_json, fingerprint_parts
from handle_docs.review.status import materials_for
from handle_docs.run.scenarios import Scenario
from handle_docs.util import atomic
from handle_docs.wording.content import Content

#: Bumped when what a preview looks like changes for the same inputs.
FORMAT = 1
DPI = 80
MAX_CACHED = 300  # previews kept; the oldest are removed beyond this
INDEX = "pages.json"


class PreviewError(Exception):
    """The material could not be rendered; the message holds no personal data."""


@dataclass(frozen=True)
class Preview:
    key: str
    pages: int  # page images: page-1.png … page-N.png in the cache folder


# --- making the document --------------------------------------------------------


class _Renderers(threading.local):
    """One HTML and one PDF renderer per thread and templates folder."""

    def get(self, templates: Path) -> tuple[HtmlRenderer, PdfRenderer]:
        cache = self.__dict__.setdefault("by_templates", {})
        key = str(Path(templates).resolve())
        if key not in cache:
            cache[key] = (HtmlRenderer(templates), PdfRenderer(templates))
        return cache[key]


_RENDERERS = _Renderers()


def _letter_pdf(content: Content, material_id: str, scenario: Scenario | None, watermark: str | None) -> bytes:
    from handle_docs.run.chunk import ChunkRenderer, RunSettings

    if scenario is None:
        raise PreviewError("a letter needs a scenario to preview")
    settings = RunSettings(content_root=content.root, templates=content.templates, material_id=material_id,
                           chunk_size=1, watermark=watermark)
    # The run's own renderer, kept per thread (its fonts, templates and image
    # cache are what make the second preview quick), given this content.
    cache = _RENDERERS.__dict__.setdefault("chunk", {})
    renderer = cache.get(str(Path(content.templates).resolve()))
    if renderer is None:
        renderer = cache[str(Path(content.templates).resolve())] = ChunkRenderer(settings, content)
    renderer.settings = settings
    renderer.content = content
    renderer.base_material = content.material(material_id)
    with tempfile.TemporaryDirectory(prefix="handle-docs-preview-") as tmp:
        staging = Path(tmp)
        atomic.private_dir(staging / "letters")
        atomic.private_dir(staging / "chunks")
        result = renderer.render(0, [scenario.letter], staging)
        if result.rejects or not result.letters:
            reasons = sorted({r.reason for r in result.rejects}) or ["nothing was rendered"]
            raise PreviewError("; ".join(reasons))
        return (staging / result.letters[0].file).read_bytes()


def _leaflet_pdf(content: Content, material_id: str, scenario: Scenario | None, watermark: str | None) -> bytes:
    from handle_docs.outputs.leaflets import leaflet_html

    html, pdf = _RENDERERS.get(content.templates)
    material = content.material(material_id)
    document = pdf.layout(leaflet_html(html, content, material, "a4", watermark))
    return pdf.write(document, title=material.spec.title, lang=material.spec.language)


def _form_pdf(content: Content, material_id: str, scenario: Scenario | None, watermark: str | None) -> bytes:
    from handle_docs.outputs import contingency

    html, pdf = _RENDERERS.get(content.templates)
    form = content.material(material_id)
    context = contingency.form_context(content, form, 1, Path(content.root) / contingency.COLUMNS_FILE)
    with tempfile.TemporaryDirectory(prefix="handle-docs-preview-") as tmp:
        out = Path(tmp) / "form.pdf"
        contingency._write_pdf(html, pdf, form.spec.template, context, contingency.FORM_CSS, out, watermark)
        return out.read_bytes()


def _card_pngs(content: Content, material_id: str, watermark: str | None) -> list[bytes]:
    from handle_docs.outputs.card import SIZES, CardError, card_text, draw_card, png_bytes
    from handle_docs.run.scenarios import sample_stats

    try:
        text = card_text(content, content.material(material_id), sample_stats(content), draft=watermark)
    except CardError as exc:
        raise PreviewError("; ".join(p.message for p in exc.problems)) from exc
    return [png_bytes(draw_card(text, size)[0]) for size in SIZES]


#: kind of material → the function that makes its PDF.
PDF_MAKERS: dict[str, Callable[[Content, str, Scenario | None, str | None], bytes]] = {
    "letter": _letter_pdf,
    "leaflet": _leaflet_pdf,
    "form": _form_pdf,
}


def page_images(pdf: bytes, dpi: int = DPI) -> list[bytes]:
    """Each page of ``pdf`` as PNG bytes at ``dpi``."""
    document = pdfium.PdfDocument(pdf)
    try:
        out = []
        for index in range(len(document)):
            page = document[index]
            buffer = io.BytesIO()
            # compress_level 1: about 40 % quicker to encode than the default,
            # for files a fifth larger (they only travel over loopback)
            page.render(scale=dpi / 72).to_pil().save(buffer, format="PNG", compress_level=1)
            out.append(buffer.getvalue())
            page.close()
        return out
    finally:
        document.close()


def render_pages(content: Content, material_id: str, scenario: Scenario | None, watermark: str | None,
                 dpi: int = DPI) -> list[bytes]:
    """The material's pages as PNG images (a card: its images)."""
    kind = content.material(material_id).spec.kind
    if kind == "card":
        return _card_pngs(content, material_id, watermark)
    maker = PDF_MAKERS.get(kind)
    if maker is None:
        raise PreviewError(f"a {kind} cannot be previewed yet")
    from handle_docs.render.pdf import RenderError

    try:
        return page_images(maker(content, material_id, scenario, watermark), dpi)
    except RenderError as exc:
        raise PreviewError(f"could not be rendered: {exc.messages[0]}") from exc


# --- what shapes a preview ---------------------------------------------------


def preview_key(content: Content, material_id: str, scenario: Scenario | None, watermark: str | None,
                dpi: int = DPI) -> str:
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
            pages = json.loads(index.read_text(encoding="utf-8"))["pages"]
        except (KeyError, OSError, ValueError):
            return None
        return Preview(key, int(pages))

    def page(self, key: str, number: int) -> Path | None:
        """The PNG of page ``number`` (from 1) of a finished preview, or None."""
        preview = self.cached(key)
        if preview is None or not 1 <= number <= preview.pages:
            return None
        return self.folder(key) / f"page-{number}.png"

    def request(self, content: Content, material_id: str, scenario: Scenario | None,
                watermark: str | None) -> tuple[str, Future]:
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

    def _render(self, key: str, content: Content, material_id: str, scenario: Scenario | None,
                watermark: str | None) -> Preview:
        images = render_pages(content, material_id, scenario, watermark, self.dpi)
        folder = self.folder(key)
        staging = Path(tempfile.mkdtemp(prefix=f".{key[:12]}-", dir=self.cache_dir))
        for number, png in enumerate(images, start=1):
            atomic.write_bytes(staging / f"page-{number}.png", png)
        atomic.write_text(staging / INDEX, json.dumps({"pages": len(images)}))
        try:
            os.replace(staging, folder)
        except OSError:  # another render of the same key got there first
            shutil.rmtree(staging, ignore_errors=True)
        self._prune()
        return Preview(key, len(images))

    def _prune(self) -> None:
        entries = sorted((p for p in self.cache_dir.iterdir() if p.is_dir() and not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime)
        for old in entries[: max(0, len(entries) - self.max_cached)]:
            shutil.rmtree(old, ignore_errors=True)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


__all__ = ["DPI", "PDF_MAKERS", "Preview", "PreviewError", "Previewer", "page_images", "preview_key", "render_pages"]
