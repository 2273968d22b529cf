"""A report page as a PDF of its own (impact.pdf, hotspots.pdf): built like the operation summary's pages
(templates/report/, tagged PDF/UA, large print)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handle_docs.render.html import HtmlRenderer
from handle_docs.render.pdf import PdfRenderer

STYLESHEETS = ["report/report.css", "report/impact.css"]
LANG = "en-GB"


@dataclass(frozen=True)
class Written:
    paths: tuple[Path, ...]
    pages: int


def render_page(templates: Path, template: str, ctx: dict[str, Any]) -> tuple[bytes, int]:
    """``template`` filled with ``ctx`` as a PDF: (its bytes, its pages)."""
    html, pdf = HtmlRenderer(templates), PdfRenderer(templates)
    fragment = html.fragment(template, ctx)
    document = pdf.layout(html.document([fragment], lang=LANG, title=ctx["title"], stylesheets=STYLESHEETS))
    return pdf.write(document, title=ctx["title"], lang=LANG), len(document.pages)


__all__ = ["LANG", "STYLESHEETS", "Written", "render_page"]
