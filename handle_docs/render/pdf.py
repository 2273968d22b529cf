"""WeasyPrint rendering to tagged PDF/UA-1, locked down and strict.

* One :class:`FontConfiguration` per process; the bundled OFL fonts are
  declared by ``@font-face`` rules in the templates' ``base.css`` as
  ``bundled-font:<file>.ttf`` (WeasyPrint loads each face once per process).
* The URL fetcher serves only the package's assets, the bundled fonts, the
  templates folder and QR images this process made; anything else (``http``,
  ``file`` elsewhere, ``data:``) is refused and the render fails with the
  refusal.
* Glyph clusters whose font mapping cannot say what they print (Arabic
  script, ligatures, a letter drawn with several glyphs) get ``/ActualText``
  while they are drawn (:mod:`handle_docs.render.actualtext`); table header
  cells get ``/Scope`` (:mod:`handle_docs.render.tagging`).
* WeasyPrint reports some accessibility failures (an image without alt text)
  only as ERROR log lines while still claiming PDF/UA: those fail the render.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from weasyprint import HTML
from weasyprint.document import Document, Page
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from handle_docs.compose import qr
from handle_docs.render import tagging
from handle_docs.util import fonts
from handle_docs.util.reproducible import source_datetime

ASSETS = Path(__file__).resolve().parent.parent / "assets"
FONT_DIR = fonts.FONT_DIR
PDF_VARIANT = "pdf/ua-1"

tagging.install()  # /ActualText on Arabic script, /Scope on table headers


class RenderError(Exception):
    """A document could not be rendered soundly; messages hold no personal data."""

    def __init__(self, messages: Sequence[str]):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


class SafeFetcher(URLFetcher):
    """Serve only our own files and QR images; refuse and remember the rest."""

    def __init__(self, roots: Sequence[Path]):
        super().__init__(allowed_protocols={"file", qr.SCHEME, fonts.SCHEME})
        self.roots = [Path(r).resolve() for r in roots]
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith(qr.SCHEME + ":"):
            key = url.split(":", 1)[1]
            if key.endswith(".svg"):
                svg = qr.lookup_svg(key)
                if svg is not None:
                    return URLFetcherResponse(url, body=svg, headers={"Content-Type": "image/svg+xml"})
            image = qr.lookup(key)
            if image is not None and key.endswith(".jpg"):
                return URLFetcherResponse(url, body=image.jpeg, headers={"Content-Type": "image/jpeg"})
            if image is not None:
                return URLFetcherResponse(url, body=image.png, headers={"Content-Type": "image/png"})
        elif url.startswith(fonts.SCHEME + ":"):
            name = url.split(":", 1)[1]
            path = FONT_DIR / name
            if "/" not in name and "\\" not in name and name.endswith(".ttf") and path.is_file():
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": "font/ttf"})
        elif url.startswith("file:"):
            from urllib.request import url2pathname

            path = Path(url2pathname(url.split("?")[0].removeprefix("file:").removeprefix("//"))).resolve()
            if any(root == path or root in path.parents for root in self.roots) and path.is_file():
                suffix = path.suffix.lower()
                kind = {
                    ".css": "text/css",
                    ".ttf": "font/ttf",
                    ".otf": "font/otf",
                    ".png": "image/png",
                    ".svg": "image/svg+xml",
                }.get(suffix, "application/octet-stream")
                return URLFetcherResponse(
                    path.as_uri(), body=path.read_bytes(), headers={"Content-Type": kind}
                )
        scheme = url.split(":", 1)[0][:10]
        self.refused.append(f"refused to fetch a {scheme}: resource")
        raise ValueError("resource outside the package's own assets")


class _ImageCache(dict):
    """WeasyPrint's image cache, minus remembered failures.

    WeasyPrint caches a failed image as None and stays silent the next time;
    not caching failures makes every document that uses a refused resource
    fail on its own, so the culprit letter is found and rejected.
    """

    def __setitem__(self, key, value):
        if value is None:
            return
        super().__setitem__(key, value)


class _ErrorCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage()[:200])


@contextmanager
def _collect_errors() -> Iterator[_ErrorCollector]:
    logger = logging.getLogger("weasyprint")
    collector = _ErrorCollector()
    logger.addHandler(collector)
    try:
        yield collector
    finally:
        logger.removeHandler(collector)


def source_date() -> str | None:
    """ISO date from SOURCE_DATE_EPOCH, for reproducible PDF metadata."""
    stamp = source_datetime()
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ") if stamp else None


class PdfRenderer:
    """Lay out HTML and write PDF/UA-1; one instance per process."""

    def __init__(self, templates: Path):
        self.templates = Path(templates).resolve()
        self.fetcher = SafeFetcher([ASSETS, self.templates])
        self.font_config = FontConfiguration()
        self.cache: dict = _ImageCache()

    def layout(self, html: str) -> Document:
        """Lay out one HTML document; fail on refused fetches or ERROR logs."""
        self.fetcher.refused.clear()
        with _collect_errors() as errors:
            document = HTML(
                string=html, base_url=self.templates.as_uri() + "/", url_fetcher=self.fetcher
            ).render(
                font_config=self.font_config,
                pdf_variant=PDF_VARIANT,
                cache=self.cache,
            )
        problems = list(self.fetcher.refused) + errors.messages
        if problems:
            raise RenderError(problems)
        return document

    def write(
        self, document: Document, *, title: str, lang: str, pages: Sequence[Page] | None = None
    ) -> bytes:
        """PDF bytes for ``document`` (or a subset of its pages), tagged PDF/UA-1."""
        target = document if pages is None else document.copy(pages)
        target.metadata.title = title
        target.metadata.lang = lang
        stamp = source_date()
        if stamp:
            target.metadata.created = stamp
            target.metadata.modified = stamp
        with _collect_errors() as errors:
            data = target.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False)
        if errors.messages:
            raise RenderError(errors.messages)
        return data
