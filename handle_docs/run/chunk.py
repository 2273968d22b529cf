"""One chunk of letters rendered: layout → pages → blank backs → split → files.

A chunk's letters are laid out as one WeasyPrint document (the fixed cost of
a document is paid once per chunk, not once per letter).  Its pages are
painted once, into the chunk's share of the print batch, with a blank back
after a letter (and after the leaflet that follows it) with an odd number of
pages, so each starts on a fresh sheet printed double-sided.  Every letter's
own tagged PDF is then cut out of that share (render/split.py keeps the tags,
where pypdf would drop them); with ``--docx`` its Word file is made from the
same context.

A letter material with the shared-back layout (render/shared_pages.py) has
the part every letter shares laid out once per chunk, after the letters,
and its pages follow each letter's own pages.  A page that comes more than
once (a shared part, the blank back) is painted once and repeated with its
own copy of its tags (render/repeat_pages.py).

Only what a letter can cause becomes rejected rows, with the reason: a
template that cannot lay out the letter's data (Jinja's ``TemplateError``:
a value it does not have, something the sandbox forbids), a document
WeasyPrint refuses (``RenderError``), a Word document that cannot be made
(``DocxError``).  Anything else is a bug in the code and is raised: it stops
the run (run/batch.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from handle_docs.compose.context import leaflet_context, letter_context
from handle_docs.models import Letter, Reject
from handle_docs.render.docx import DocxError, render_letter_docx
from handle_docs.render.docx_join import join_docx_bytes
from handle_docs.render.html import HtmlRenderer
from handle_docs.render.langtags import tag_page_languages
from handle_docs.render.pages import BLANK_PAGE_TEXT, flags_code, page_flags
from handle_docs.render.pdf import PdfRenderer, RenderError
from handle_docs.render.repeat_pages import RepeatError, repeat_pages
from handle_docs.render.shared_pages import ANCHOR_PREFIX, SharedParts, address_context, is_shared_back
from handle_docs.render.split import SplitError, split_tagged_pdf
from handle_docs.review.routing import Route, route_of
from handle_docs.util import atomic
from handle_docs.util.reproducible import source_datetime
from handle_docs.wording.content import Content, Material, load_content

CHUNKS = "chunks"  # the staging sub-folder holding each chunk's share of batch.pdf


@dataclass(frozen=True)
class RunSettings:
    """Everything a worker process needs to render chunks on its own."""

    content_root: Path
    templates: Path
    material_id: str = "visit-letter"
    chunk_size: int = 0  # 0: chosen from the number of letters (batch.auto_chunk_size)
    watermark: str | None = None
    leaflet_id: str | None = None  # a leaflet printed after each letter in the batch
    docx: bool = False  # also write letters/<id>.docx and batch.docx (render/docx.py)
    count_print: bool = False  # flag each batch page colour/blank in the worker (render/pages.py)
    routes: tuple[
        Route, ...
    ] = ()  # review/routing.py: each asked language's materials (none: any translation)
    footer_note: str | None = None  # a line in every page's footer (a proof's version)


@dataclass
class LetterResult:
    letter_id: str
    source_rows: list[int]
    pages: int
    sha256: str
    material_id: str
    language: str
    file: str
    docx_file: str | None = None
    docx_sha256: str | None = None
    asked: str = ""  # the language the records asked for ("" not stated, "cy+en" both)
    fallback: str = ""  # why the letter is in English instead ("" when in the language asked for)


@dataclass
class ChunkResult:
    index: int
    letters: list[LetterResult]
    rejects: list[Reject]
    batch_pages: int
    chunk_file: str | None
    chunk_sha256: str | None
    leaflet_pages: int = 0  # leaflet pages in this chunk's share of the batch (with blank backs)
    page_flags: str = ""  # with count_print: pages.flags_code: one character per batch page


@dataclass
class Prepared:
    """One letter ready to lay out: its HTML, and its Word file with --docx."""

    letter: Letter
    material: Material  # the first language's letter (the Welsh one of a bilingual pair)
    fragment: Any
    word: bytes | None = None
    route: Route | None = None
    langs: tuple[str, ...] = ()  # each part's language, then each leaflet's (review/routing.py order)
    # shared-back layout: each language part's shared part, as (template, context); None: flowing
    shared: tuple[tuple[str, dict[str, Any]] | None, ...] = ()

    @property
    def parts(self) -> list[str]:
        """The anchors' keys of the letter's parts: one, or one per language of a bilingual letter."""
        count = len(self.route.letters) if self.route else 1
        return [self.letter.letter_id + part_suffix(i) for i in range(count)]

    @property
    def leaflets(self) -> list[str]:
        return [f"{mid}--{self.letter.letter_id}" for mid in (self.route.leaflets if self.route else ())]


@dataclass
class Span:
    """One letter's pages, and where they sit in the chunk's share of the batch."""

    prepared: Prepared
    pages: list[Any]
    positions: list[int]
    langs: list[str] = field(default_factory=list)  # each page's language

    @property
    def title(self) -> str:
        return f"{self.prepared.material.spec.title} ({self.prepared.letter.letter_id})"

    @property
    def lang(self) -> str:
        return self.prepared.material.spec.language


def part_suffix(index: int) -> str:
    """The anchor suffix of a letter's ``index``-th language (bilingual letters have two)."""
    return f"--{index + 1}" if index else ""


@dataclass
class Paging:
    """The chunk's share of the batch: its pages in print order."""

    pages: list[Any] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    leaflet_pages: int = 0  # leaflet pages, their blank backs included
    blanks: set[int] = field(default_factory=set)  # positions of the blank backs put in
    langs: list[str | None] = field(default_factory=list)  # each page's language (None: the blank back's)
    repeats: dict[int, int] = field(
        default_factory=dict
    )  # position -> first position of the same laid-out page


def rejected(letter: Letter, reason: str) -> list[Reject]:
    """Every row of ``letter`` rejected for ``reason``."""
    return [Reject(row=row, field="letter", reason=reason) for row in letter.source_rows]


@dataclass
class SortedPages:
    """A laid-out chunk's pages by the anchor each starts with."""

    letters: dict[str, list[Any]] = field(default_factory=dict)  # letter id (+ part suffix) -> its pages
    leaflets: dict[str, list[Any]] = field(
        default_factory=dict
    )  # "<material>--<letter id>" -> that leaflet's pages
    shared: dict[str, list[Any]] = field(
        default_factory=dict
    )  # shared-back: anchor -> the shared part's pages
    blank: Any = None  # the blank back


def sorted_pages(document: Any) -> SortedPages:
    """A laid-out chunk's pages by the anchor each starts with: every
    letter's, the leaflet after every letter, each shared part, and the
    blank back (or None)."""
    found = SortedPages()
    for page in document.pages:
        anchor = next((a for a in page.anchors if a.startswith("letter-")), None)
        leaflet_anchor = next((a for a in page.anchors if a.startswith("leaflet-")), None)
        shared_anchor = next((a for a in page.anchors if a.startswith(ANCHOR_PREFIX)), None)
        if anchor is not None:
            found.letters.setdefault(anchor.removeprefix("letter-"), []).append(page)
        elif leaflet_anchor is not None:
            found.leaflets.setdefault(leaflet_anchor.removeprefix("leaflet-"), []).append(page)
        elif shared_anchor is not None:
            found.shared.setdefault(shared_anchor, []).append(page)
        elif "blank-page" in page.anchors:
            found.blank = page
    return found


def shared_parts(ready: Sequence[Prepared]) -> SharedParts:
    """The shared parts the shared-back letters of ``ready`` need, in order."""
    parts = SharedParts()
    for item in ready:
        for drawn in item.shared:
            if drawn is not None:
                parts.add(*drawn)
    return parts


def paginate(document: Any, ready: Sequence[Prepared]) -> Paging:
    """Each letter's pages in order (with the shared-back layout, its address
    pages and then its shared part's), then its leaflet's, each padded with
    the blank back to an even number of pages."""
    found = sorted_pages(document)
    blank = found.blank
    parts = shared_parts(ready)
    paging = Paging()
    first: dict[int, int] = {}  # id of a laid-out page -> its first position

    def add(pages: list[Any], lang: str | None) -> int:
        for page in pages:
            position = first.setdefault(id(page), len(paging.pages))
            if position != len(paging.pages):
                paging.repeats[len(paging.pages)] = position
            paging.pages.append(page)
        paging.langs.extend([lang] * len(pages))
        if len(pages) % 2 and blank is not None:
            paging.blanks.add(len(paging.pages))
            paging.pages.append(blank)
            paging.langs.append(None)
            return len(pages) + 1
        return len(pages)

    for item in ready:
        # each language of a bilingual letter starts a fresh sheet (its address
        # pages, then with shared-back its shared part's); the blank back
        # between them is in the batch, not in the letter's own file
        span = Span(item, [], [])
        langs = iter(item.langs)
        shared = iter(item.shared)
        for part in item.parts:
            pages = found.letters[part]
            drawn = next(shared, None)
            if drawn is not None:
                pages = pages + found.shared[parts.add(*drawn)]
            lang = next(langs, None)
            span.pages += pages
            span.positions += range(len(paging.pages), len(paging.pages) + len(pages))
            span.langs += [lang or span.lang] * len(pages)
            add(pages, lang)
        paging.spans.append(span)
        for leaflet in item.leaflets:
            paging.leaflet_pages += add(found.leaflets.get(leaflet, []), next(langs, None))
    return paging


def once_each(pages: Sequence[Any]) -> tuple[list[Any], list[int]]:
    """Each of ``pages`` once, in the order first met, and where each page of
    ``pages`` is in that list."""
    painted: list[Any] = []
    index: dict[int, int] = {}
    order = []
    for page in pages:
        order.append(index.setdefault(id(page), len(painted)))
        if order[-1] == len(painted):
            painted.append(page)
    return painted, order


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ChunkRenderer:
    """Renders chunks of letters; one per process (fonts, QR images, templates)."""

    def __init__(
        self,
        settings: RunSettings,
        content: Content | None = None,
        *,
        html: HtmlRenderer | None = None,
        pdf: PdfRenderer | None = None,
    ):
        """``html`` and ``pdf``: renderers of ``settings.templates`` to share (a previewer keeps them,
        with their fonts and image cache, from one preview to the next)."""
        self.settings = settings
        self.content = content or load_content(settings.content_root, settings.templates)
        self.base_material = self.content.material(settings.material_id)
        self.leaflet = self.content.material(settings.leaflet_id) if settings.leaflet_id else None
        self.routes = {route.asked: route for route in settings.routes}
        self.html = html or HtmlRenderer(settings.templates)
        self.pdf = pdf or PdfRenderer(settings.templates)

    def render(self, index: int, letters: Sequence[Letter], staging: Path) -> ChunkResult:
        """Render ``letters`` as chunk ``index``, writing its files into ``staging``."""
        ready, rejects = self.prepare(letters)
        document, ready, culprits = self.lay_out(ready)
        rejects += culprits
        if document is None:
            return ChunkResult(index, [], rejects, 0, None, None)
        paging = paginate(document, ready)
        base = self.base_material.spec
        data = tag_page_languages(self.paint(document, paging), paging.langs, catalog_lang=base.language)
        pieces = self.cut(document, data, paging.spans)
        results = [
            self.write_letter(staging, span, piece) for span, piece in zip(paging.spans, pieces, strict=True)
        ]
        chunk_file = f"{CHUNKS}/chunk-{index:05d}.pdf"
        atomic.write_bytes(staging / chunk_file, data)
        flags = ""
        if self.settings.count_print:
            # Counted here, in parallel, not from the joined batch.pdf at
            # the end: rasterising every page serially cost ~3.5 ms a page.
            # The blank backs are the ones put in above: no need to read them.
            flags = flags_code(page_flags(data, blanks=paging.blanks, repeats=paging.repeats))
        return ChunkResult(
            index, results, rejects, len(paging.pages), chunk_file, sha256(data), paging.leaflet_pages, flags
        )

    def paint(self, document: Any, paging: Paging) -> bytes:
        """The chunk's share of the batch: each laid-out page painted once, and
        the pages that come again (a shared part, the blank back) repeated with
        their tags (render/repeat_pages.py), or painted again where they
        cannot be."""
        base = self.base_material.spec
        painted, order = once_each(paging.pages)
        data = self.pdf.write(document, title=base.title, lang=base.language, pages=painted)
        if len(painted) == len(order):
            return data
        try:
            return repeat_pages(
                data, order, title=base.title, lang=base.language, creation_date=source_datetime()
            )
        except RepeatError:
            return self.pdf.write(document, title=base.title, lang=base.language, pages=paging.pages)

    # --- each letter's HTML and Word file ---------------------------------------

    def prepare(self, letters: Sequence[Letter]) -> tuple[list[Prepared], list[Reject]]:
        """Each letter's HTML (and Word file); a letter its template cannot
        lay out, or Word cannot hold, is rejected with the reason."""
        ready: list[Prepared] = []
        rejects: list[Reject] = []
        for letter in letters:
            route = self.route(letter)
            try:
                parts, fragment = self.fragment(letter, route)
            except TemplateError as exc:  # the template and this letter's data
                rejects.extend(rejected(letter, f"could not be laid out ({type(exc).__name__})"))
                continue
            langs = tuple(self.content.material(mid).spec.language for mid in route.letters + route.leaflets)
            shared = tuple(
                (material.spec.template, context) if is_shared_back(material.spec) else None
                for material, context in parts
            )
            item = Prepared(letter, parts[0][0], fragment, route=route, langs=langs, shared=shared)
            if self.settings.docx:
                try:
                    words = [
                        render_letter_docx(context, self.content, material) for material, context in parts
                    ]
                    item.word = (
                        words[0]
                        if len(words) == 1
                        else join_docx_bytes(
                            words, title=parts[0][0].spec.title, lang=parts[0][0].spec.language
                        )
                    )
                except DocxError as exc:
                    rejects.extend(rejected(letter, f"could not be made as a Word document: {exc}"))
                    continue
            ready.append(item)
        return ready, rejects

    def route(self, letter: Letter) -> Route:
        """The materials ``letter`` is printed in (review/routing.py)."""
        return route_of(
            self.routes, self.content, self.base_material.id, self.settings.leaflet_id, letter.language
        )

    def fragment(self, letter: Letter, route: Route) -> tuple[list[tuple[Material, dict[str, Any]]], Any]:
        """Each language's letter material and template context, and the HTML
        of them all (with the shared-back layout, each one's address part
        only), then the leaflets."""
        contexts = []
        fragment = None
        enclosed = [self.content.material(mid) for mid in route.leaflets]
        for index, mid in enumerate(route.letters):
            material = self.content.material(mid)
            context = letter_context(
                letter,
                self.content,
                material,
                watermark=self.settings.watermark,
                anchor_suffix=part_suffix(index),
                bilingual=route.bilingual,
                enclosed=enclosed,
            )
            drawn = address_context(context) if is_shared_back(material.spec) else context
            part = self.html.fragment(material.spec.template, drawn)
            fragment = part if fragment is None else fragment + part
            contexts.append((material, context))
        assert fragment is not None, "every route has a letter"
        for mid in route.leaflets:
            leaflet = leaflet_context(
                self.content, self.content.material(mid), anchor_suffix=f"--{letter.letter_id}"
            )
            fragment = fragment + self.html.fragment(self.content.material(mid).spec.template, leaflet)
        return contexts, fragment

    # --- layout ---------------------------------------------------------------------

    def document(self, ready: Sequence[Prepared]) -> str:
        """The chunk's letters as one HTML document, with the blank back at the end."""
        base = self.base_material.spec
        sheets = ["letters/letter.css"] + (["leaflets/leaflet.css"] if self.leaflet is not None else [])
        shared = [self.html.fragment(template, context) for template, context in shared_parts(ready).drawn()]
        return self.html.document(
            [item.fragment for item in ready] + shared,
            lang=base.language,
            title=base.title,
            stylesheets=sheets,
            watermark=self.settings.watermark,
            blank_page=BLANK_PAGE_TEXT,
            footer_note=self.settings.footer_note,
        )

    def lay_out(self, ready: list[Prepared]) -> tuple[Any, list[Prepared], list[Reject]]:
        """The chunk laid out (None with no letter left), the letters in it, and
        the rejects of any letter WeasyPrint refused."""
        if not ready:
            return None, ready, []
        try:
            return self.pdf.layout(self.document(ready)), ready, []
        except RenderError:
            # Find the culprit(s) letter by letter, then lay out the rest.
            good: list[Prepared] = []
            rejects: list[Reject] = []
            for item in ready:
                try:
                    self.pdf.layout(self.document([item]))
                    good.append(item)
                except RenderError as exc:
                    rejects.extend(rejected(item.letter, f"could not be rendered: {exc.messages[0]}"))
            return (self.pdf.layout(self.document(good)) if good else None), good, rejects

    # --- each letter's files ------------------------------------------------------

    def cut(self, document: Any, data: bytes, spans: Sequence[Span]) -> list[bytes]:
        """Each letter's own tagged PDF, cut out of the chunk's share of the
        batch (painted again from its pages where the tagging cannot be cut
        soundly)."""
        try:
            return split_tagged_pdf(
                data,
                [span.positions for span in spans],
                titles=[span.title for span in spans],
                langs=[span.lang for span in spans],
                creation_date=source_datetime(),
            )
        except SplitError:
            return [
                tag_page_languages(
                    self.pdf.write(document, title=span.title, lang=span.lang, pages=span.pages),
                    span.langs,
                    catalog_lang=span.lang,
                )
                for span in spans
            ]

    def write_letter(self, staging: Path, span: Span, piece: bytes) -> LetterResult:
        """Write a letter's PDF (and Word file) into the staging folder."""
        letter, material = span.prepared.letter, span.prepared.material
        result = LetterResult(
            letter_id=letter.letter_id,
            source_rows=list(letter.source_rows),
            pages=len(span.pages),
            sha256=sha256(piece),
            material_id="+".join(span.prepared.route.letters) if span.prepared.route else material.id,
            language=material.spec.language,
            file=f"letters/{letter.letter_id}.pdf",
            asked=letter.language,
            fallback=span.prepared.route.fallback if span.prepared.route else "",
        )
        if span.prepared.route and span.prepared.route.bilingual:
            result.language = "+".join(
                self.content.material(m).spec.language for m in span.prepared.route.letters
            )
        atomic.write_bytes(staging / result.file, piece)
        word = span.prepared.word
        if word is not None:
            result.docx_file = f"letters/{letter.letter_id}.docx"
            result.docx_sha256 = sha256(word)
            atomic.write_bytes(staging / result.docx_file, word)
        return result
