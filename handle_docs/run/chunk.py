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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from jinja2 import TemplateError

from handle_docs.models import Letter, Reject
from handle_docs.render.html import HtmlRenderer
from handle_docs.render.pages import BLANK_PAGE_TEXT, flags_code, page_flags
from handle_docs.render.pdf import PdfRenderer, RenderError
from handle_docs.render.repeat_pages import RepeatError, repeat_pages
from handle_docs.render.shared_pages import ANCHOR_PREFIX, SharedParts, address_context, is_shared_back
from handle_docs.render.split import SplitError, split_tagged_pdf
from handle_docs.run.context import choose_material, leaflet_context, letter_context
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
    material: Material
    fragment: Any
    word: bytes | None = None
    shared: dict[str, Any] | None = None  # shared-back layout: the context of its shared part


@dataclass
class Span:
    """One letter's pages, and where they sit in the chunk's share of the batch."""

    prepared: Prepared
    pages: list[Any]
    positions: list[int]

    @property
    def title(self) -> str:
        return f"{self.prepared.material.spec.title} ({self.prepared.letter.letter_id})"

    @property
    def lang(self) -> str:
        return self.prepared.material.spec.language


@dataclass
class Paging:
    """The chunk's share of the batch: its pages in print order."""

    pages: list[Any] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    leaflet_pages: int = 0  # leaflet pages, their blank backs included
    blanks: set[int] = field(default_factory=set)  # positions of the blank backs put in
    repeats: dict[int, int] = field(default_factory=dict)  # position -> first position of the same laid-out page


def rejected(letter: Letter, reason: str) -> list[Reject]:
    """Every row of ``letter`` rejected for ``reason``."""
    return [Reject(row=row, field="letter", reason=reason) for row in letter.source_rows]


@dataclass
class SortedPages:
    """A laid-out chunk's pages by the anchor each starts with."""

    letters: dict[str, list[Any]] = field(default_factory=dict)  # letter id -> its pages
    leaflets: dict[str, list[Any]] = field(default_factory=dict)  # letter id -> the leaflet after it
    shared: dict[str, list[Any]] = field(default_factory=dict)  # shared-back: anchor -> the shared part's pages
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
            found.leaflets.setdefault(leaflet_anchor.rsplit("--", 1)[-1], []).append(page)
        elif shared_anchor is not None:
            found.shared.setdefault(shared_anchor, []).append(page)
        elif "blank-page" in page.anchors:
            found.blank = page
    return found


def shared_parts(ready: Sequence[Prepared]) -> SharedParts:
    """The shared parts the shared-back letters of ``ready`` need, in order."""
    parts = SharedParts()
    for item in ready:
        if item.shared is not None:
            parts.add(item.material.spec.template, item.shared)
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

    def add(pages: list[Any]) -> int:
        for page in pages:
            position = first.setdefault(id(page), len(paging.pages))
            if position != len(paging.pages):
                paging.repeats[len(paging.pages)] = position
            paging.pages.append(page)
        if len(pages) % 2 and blank is not None:
            paging.blanks.add(len(paging.pages))
            paging.pages.append(blank)
            return len(pages) + 1
        return len(pages)

    for item in ready:
        pages = found.letters[item.letter.letter_id]
        if item.shared is not None:
            pages = pages + found.shared[parts.add(item.material.spec.template, item.shared)]
        paging.spans.append(Span(item, pages, list(range(len(paging.pages), len(paging.pages) + len(pages)))))
        add(pages)
        paging.leaflet_pages += add(found.leaflets.get(item.letter.letter_id, []))
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

    def __init__(self, settings: RunSettings, content: Content | None = None):
        self.settings = settings
        self.content = content or load_content(settings.content_root, settings.templates)
        self.base_material = self.content.material(settings.material_id)
        self.leaflet = self.content.material(settings.leaflet_id) if settings.leaflet_id else None
        self.html = HtmlRenderer(settings.templates)
        self.pdf = PdfRenderer(settings.templates)

    def render(self, index: int, letters: Sequence[Letter], staging: Path) -> ChunkResult:
        """Render ``letters`` as chunk ``index``, writing its files into ``staging``."""
        ready, rejects = self.prepare(letters)
        document, ready, culprits = self.lay_out(ready)
        rejects += culprits
        if document is None:
            return ChunkResult(index, [], rejects, 0, None, None)
        paging = paginate(document, ready)
        data = self.paint(document, paging)
        pieces = self.cut(document, data, paging.spans)
        results = [self.write_letter(staging, span, piece) for span, piece in zip(paging.spans, pieces)]
        chunk_file = f"{CHUNKS}/chunk-{index:05d}.pdf"
        atomic.write_bytes(staging / chunk_file, data)
        flags = ""
        if self.settings.count_print:
            # Counted here, in parallel, not from the joined batch.pdf at
            # the end: rasterising every page serially cost ~3.5 ms a page.
            # The blank backs are the ones put in above: no need to read them.
            flags = flags_code(page_flags(data, blanks=paging.blanks, repeats=paging.repeats))
        return ChunkResult(index, results, rejects, len(paging.pages), chunk_file, sha256(data),
                           paging.leaflet_pages, flags)

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
            return repeat_pages(data, order, title=base.title, lang=base.language, creation_date=source_datetime())
        except RepeatError:
            return self.pdf.write(document, title=base.title, lang=base.language, pages=paging.pages)

    # --- each letter's HTML and Word file ---------------------------------------

    def prepare(self, letters: Sequence[Letter]) -> tuple[list[Prepared], list[Reject]]:
        """Each letter's HTML (and Word file); a letter its template cannot
        lay out, or Word cannot hold, is rejected with the reason."""
        ready: list[Prepared] = []
        rejects: list[Reject] = []
        for letter in letters:
            try:
                material, fragment, context = self.fragment(letter)
            except TemplateError as exc:  # the template and this letter's data
                rejects.extend(rejected(letter, f"could not be laid out ({type(exc).__name__})"))
                continue
            item = Prepared(letter, material, fragment, shared=context if is_shared_back(material.spec) else None)
            if self.settings.docx:
                from handle_docs.render.docx import DocxError, render_letter_docx

                try:
                    item.word = render_letter_docx(context, self.content, material)
                except DocxError as exc:
                    rejects.extend(rejected(letter, f"could not be made as a Word document: {exc}"))
                    continue
            ready.append(item)
        return ready, rejects

    def fragment(self, letter: Letter) -> tuple[Material, Any, dict[str, Any]]:
        """The letter's material (its language's), HTML and template context."""
        material = choose_material(self.content, self.base_material, letter.language)
        context = letter_context(letter, self.content, material, watermark=self.settings.watermark)
        drawn = address_context(context) if is_shared_back(material.spec) else context
        fragment = self.html.fragment(material.spec.template, drawn)
        if self.leaflet is not None:
            leaflet = leaflet_context(self.content, self.leaflet, anchor_suffix=f"--{letter.letter_id}")
            fragment = fragment + self.html.fragment(self.leaflet.spec.template, leaflet)
        return material, fragment, context

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
            return [self.pdf.write(document, title=span.title, lang=span.lang, pages=span.pages) for span in spans]

    def write_letter(self, staging: Path, span: Span, piece: bytes) -> LetterResult:
        """Write a letter's PDF (and Word file) into the staging folder."""
        letter, material = span.prepared.letter, span.prepared.material
        result = LetterResult(
            letter_id=letter.letter_id,
            source_rows=list(letter.source_rows),
            pages=len(span.pages),
            sha256=sha256(piece),
            material_id=material.id,
            language=material.spec.language,
            file=f"letters/{letter.letter_id}.pdf",
        )
        atomic.write_bytes(staging / result.file, piece)
        word = span.prepared.word
        if word is not None:
            result.docx_file = f"letters/{letter.letter_id}.docx"
            result.docx_sha256 = sha256(word)
            atomic.write_bytes(staging / result.docx_file, word)
        return result
