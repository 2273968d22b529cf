"""Jinja2 HTML rendering: sandboxed, autoescaped, strict about missing values.

Templates receive plain dicts from ``context.py``.  Record and content text
is data: autoescaping prints ``<script>`` or ``{{ 7*7 }}`` as the characters
a resident would read, and the sandbox stops a template from reaching Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from handle_docs.render.webaddress import pieces as address_pieces
from handle_docs.util.direction import direction_of_text, text_direction

DOCUMENT_TEMPLATE = "document.html.j2"
BASE_CSS = "base.css"


class HtmlRenderer:
    def __init__(self, templates: Path):
        self.templates = Path(templates).resolve()
        self.env = ImmutableSandboxedEnvironment(
            loader=FileSystemLoader(str(self.templates)),
            autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
            undefined=StrictUndefined,
            trim_blocks=False,
            lstrip_blocks=False,
            keep_trailing_newline=True,
        )
        # Templates ask which way a language, or a value, runs (util/direction.py).
        self.env.globals["text_direction"] = text_direction
        self.env.globals["direction_of_text"] = direction_of_text
        # ... and where a web address may break (render/webaddress.py).
        self.env.globals["address_pieces"] = address_pieces

    def stylesheet_url(self, name: str) -> str:
        return (self.templates / name).as_uri()

    def fragment(self, template: str, context: dict[str, Any]) -> Markup:
        """One document's HTML (e.g. one letter's ``<article>``)."""
        return Markup(self.env.get_template(template).render(**context))

    def document(
        self,
        parts: Iterable[Markup],
        *,
        lang: str,
        title: str,
        stylesheets: Iterable[str],
        watermark: str | None = None,
        blank_page: str | None = None,
        footer_note: str | None = None,
    ) -> str:
        """Wrap rendered parts into one HTML document for WeasyPrint (``footer_note``: a line in every
        page's footer, e.g. a proof's version)."""
        sheets = [self.stylesheet_url(BASE_CSS)] + [self.stylesheet_url(s) for s in stylesheets]
        return self.env.get_template(DOCUMENT_TEMPLATE).render(
            parts=list(parts),
            lang=lang,
            title=title,
            stylesheets=sheets,
            watermark=watermark,
            blank_page=blank_page,
            footer_note=footer_note,
        )
