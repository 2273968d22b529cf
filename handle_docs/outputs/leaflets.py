"""Render leaflet materials: A4 sheets, and A5 booklets imposed on A4.

Each output is a tagged PDF/UA-1 document laid out by the same renderer as
the letters; the booklet imposition is an extra print-ready file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handle_docs.compose.context import leaflet_context
from handle_docs.render.html import HtmlRenderer
from handle_docs.render.impose import impose_booklet
from handle_docs.render.pdf import PdfRenderer
from handle_docs.util import atomic
from handle_docs.util.reproducible import source_datetime
from handle_docs.wording.content import Content, Material

FORMATS = ("a4", "a5-booklet")
STYLESHEETS = {"a4": ["leaflets/leaflet.css"], "a5-booklet": ["leaflets/leaflet.css", "leaflets/a5.css"]}


@dataclass
class LeafletOutput:
    material_id: str
    format: str
    reading_copy: str  # the accessible, tagged PDF in reading order
    pages: int
    booklet: str | None = None  # the imposed print file (A5 booklet only)
    sides: int | None = None


def leaflet_html(
    html: HtmlRenderer,
    content: Content,
    material: Material,
    fmt: str,
    watermark: str | None = None,
    footer_note: str | None = None,
) -> str:
    fragment = html.fragment(material.spec.template, leaflet_context(content, material))
    return html.document(
        [fragment],
        lang=material.spec.language,
        title=material.spec.title,
        stylesheets=STYLESHEETS[fmt],
        watermark=watermark,
        footer_note=footer_note,
    )


def render_leaflet(
    content: Content,
    material: Material,
    out_dir: Path,
    fmt: str = "a4",
    *,
    watermark: str | None = None,
    html: HtmlRenderer | None = None,
    pdf: PdfRenderer | None = None,
) -> LeafletOutput:
    html = html or HtmlRenderer(content.templates)
    pdf = pdf or PdfRenderer(content.templates)
    document = pdf.layout(leaflet_html(html, content, material, fmt, watermark))
    data = pdf.write(document, title=material.spec.title, lang=material.spec.language)
    atomic.private_dir(out_dir)
    suffix = "a4" if fmt == "a4" else "a5"
    name = f"{material.id}-{suffix}.pdf"
    atomic.write_bytes(out_dir / name, data)
    result = LeafletOutput(material.id, fmt, name, len(document.pages))
    if fmt == "a5-booklet":
        # The imposed file is for the printer only (pages out of reading order,
        # no tags): it goes in print/, apart from the accessible copies.
        booklet = f"print/{material.id}-a5-booklet.pdf"
        atomic.private_dir(out_dir / "print")
        result.booklet = booklet
        result.sides = impose_booklet(
            out_dir / name,
            out_dir / booklet,
            title=f"{material.spec.title} (A5 booklet for printing)",
            lang=material.spec.language,
            when=source_datetime(),
        )
    return result
