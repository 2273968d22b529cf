"""Previews and proofs of a material: one table of how each kind is drawn, one watermark rule, one set of
sample letters (compose/scenarios.py).

* A **preview** (the workspace: beside the editor, on the review page) is a material's pages as PNG
  images, made with unsaved wording for one sample scenario; services/previews.py caches them.
* A **proof** (``handle-docs review proof``, a past version's proof from the history) is a PDF for a
  reviewer: the sample letters that between them show every finding, the watermark on every page and
  the version in every page's footer, so a comment on paper always names the version it is about.

Both draw the document with the very code that prints it: a letter with the run's ``ChunkRenderer``, a
leaflet with ``leaflet_html``, the paper form with the contingency pack's ``form_pdf``, a social card
with ``draw_card`` (images only: a card has no PDF, so no proof). A new kind adds one row to
:data:`DRAWERS`.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from handle_docs.compose.scenarios import Scenario, proof_letters, sample_patrol
from handle_docs.history.proofs import pick
from handle_docs.history.repo import ForceRepo
from handle_docs.models import Letter
from handle_docs.outputs import contingency
from handle_docs.outputs.card import SIZES, CardError, card_text, draw_card, png_bytes
from handle_docs.outputs.leaflets import leaflet_html
from handle_docs.render.html import HtmlRenderer
from handle_docs.render.pdf import PdfRenderer, RenderError
from handle_docs.review import DRAFT_WATERMARK, MaterialStatus, material_status
from handle_docs.run.chunk import ChunkRenderer, LetterResult, RunSettings
from handle_docs.run.finish import RunResult
from handle_docs.run.stats import run_stats
from handle_docs.starter import CONTENT, REVIEW, TEMPLATES
from handle_docs.util import atomic
from handle_docs.wording.content import Content, load_content

DPI = 80  # a preview's resolution


class ProofError(Exception):
    """The preview or proof could not be made; the message holds no personal data."""


@dataclass(frozen=True)
class Proof:
    path: Path
    material_id: str
    fingerprint: str
    watermark: str
    pages: int


# --- the watermark ----------------------------------------------------------------


def watermark(status: MaterialStatus | None, *, proof: bool = False) -> str | None:
    """The one watermark rule. Wording that is not approved (or whose approval cannot be read:
    ``status`` None) is marked DRAFT everywhere. Approved wording is shown unmarked in a preview, as it
    prints; a proof says it is approved and since when (the date of its latest approval)."""
    if status is not None and status.approved:
        if not proof:
            return None
        if status.tally.last_date is not None:
            return f"APPROVED {status.tally.last_date.isoformat()}"
    return DRAFT_WATERMARK


def footer(status: MaterialStatus) -> str:
    """A proof's footer line: the version it shows."""
    return f"Version {status.short}"


# --- drawing: kind of material → how it is drawn ----------------------------------


@dataclass(frozen=True)
class Drawing:
    """What to draw: a material, the sample letters it shows (a letter's), and its marks."""

    content: Content
    material_id: str
    letters: tuple[Letter, ...] = ()
    watermark: str | None = None
    footer_note: str | None = None  # a proof's version line
    batch: bool = (
        False  # the letters as the batch prints them (blank backs between); else the first one's own file
    )


@dataclass(frozen=True)
class Drawn:
    pdf: bytes | None  # a printed material's PDF (None: a card)
    pages: int
    images: tuple[bytes, ...] = ()  # a card's images


class _Renderers(threading.local):
    """One HTML and one PDF renderer per thread and templates folder: their fonts, templates and image
    cache make the second preview quick."""

    def get(self, templates: Path) -> tuple[HtmlRenderer, PdfRenderer]:
        cache = self.__dict__.setdefault("by_templates", {})
        key = str(Path(templates).resolve())
        if key not in cache:
            cache[key] = (HtmlRenderer(templates), PdfRenderer(templates))
        return cache[key]


_RENDERERS = _Renderers()


def _letter(job: Drawing) -> Drawn:
    if not job.letters:
        raise ProofError("a letter needs a scenario to preview")
    content = job.content
    html, pdf = _RENDERERS.get(content.templates)
    settings = RunSettings(
        content_root=content.root,
        templates=content.templates,
        material_id=job.material_id,
        chunk_size=len(job.letters),
        watermark=job.watermark,
        footer_note=job.footer_note,
    )
    renderer = ChunkRenderer(settings, content, html=html, pdf=pdf)
    with tempfile.TemporaryDirectory(prefix="handle-docs-proof-") as tmp:
        staging = Path(tmp)
        atomic.private_dir(staging / "letters")
        atomic.private_dir(staging / "chunks")
        result = renderer.render(0, list(job.letters), staging)
        if result.rejects or not result.letters or result.chunk_file is None:
            reasons = sorted({r.reason for r in result.rejects}) or ["nothing was rendered"]
            raise ProofError("; ".join(reasons))
        if job.batch:
            return Drawn((staging / result.chunk_file).read_bytes(), result.batch_pages)
        first = result.letters[0]
        return Drawn((staging / first.file).read_bytes(), first.pages)


def _leaflet(job: Drawing) -> Drawn:
    html, pdf = _RENDERERS.get(job.content.templates)
    material = job.content.material(job.material_id)
    document = pdf.layout(leaflet_html(html, job.content, material, "a4", job.watermark, job.footer_note))
    return Drawn(
        pdf.write(document, title=material.spec.title, lang=material.spec.language), len(document.pages)
    )


def _form(job: Drawing) -> Drawn:
    html, pdf = _RENDERERS.get(job.content.templates)
    data, pages = contingency.form_pdf(
        html, pdf, job.content, job.content.material(job.material_id), job.watermark, job.footer_note
    )
    return Drawn(data, pages)


def sample_stats(content: Content) -> dict[str, Any]:
    """The sample patrol's figures as a run's ``stats.json`` holds them (for a social card), every
    letter counted as delivered."""
    records, letters = sample_patrol()
    result = RunResult(
        out_dir=Path("."),
        rows_read=records.rows_read,
        records=len(records.records),
        insecure=0,
        with_items=0,
        letters=[
            LetterResult(
                letter.letter_id, list(letter.source_rows), 0, "", "visit-letter", letter.language, ""
            )
            for letter in letters
        ],
    )
    return run_stats(content, records, letters, result)


def _card(job: Drawing) -> Drawn:
    content = job.content
    try:
        text = card_text(
            content, content.material(job.material_id), sample_stats(content), draft=job.watermark
        )
    except CardError as exc:
        raise ProofError("; ".join(p.message for p in exc.problems)) from exc
    images = tuple(png_bytes(draw_card(text, size)[0]) for size in SIZES)
    return Drawn(None, len(images), images)


#: kind of material → how it is drawn.
DRAWERS: dict[str, Callable[[Drawing], Drawn]] = {
    "letter": _letter,
    "leaflet": _leaflet,
    "form": _form,
    "card": _card,
}


def draw(job: Drawing) -> Drawn:
    kind = job.content.material(job.material_id).spec.kind
    drawer = DRAWERS.get(kind)
    if drawer is None:
        raise ProofError(f"a {kind} cannot be previewed yet")
    try:
        return drawer(job)
    except RenderError as exc:
        raise ProofError(f"could not be rendered: {exc.messages[0]}") from exc


# --- previews ---------------------------------------------------------------------


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


def _preview(content: Content, material_id: str, scenario: Scenario | None, watermark: str | None) -> Drawing:
    return Drawing(content, material_id, (scenario.letter,) if scenario is not None else (), watermark)


def preview_pdf(
    content: Content, material_id: str, scenario: Scenario | None, watermark: str | None
) -> bytes:
    """The PDF a preview shows (a printed material's; a card has none)."""
    drawn = draw(_preview(content, material_id, scenario, watermark))
    if drawn.pdf is None:
        raise ProofError("a card has images, not a PDF")
    return drawn.pdf


def render_pages(
    content: Content, material_id: str, scenario: Scenario | None, watermark: str | None, dpi: int = DPI
) -> list[bytes]:
    """The material's pages as PNG images (a card: its images)."""
    drawn = draw(_preview(content, material_id, scenario, watermark))
    return list(drawn.images) if drawn.pdf is None else page_images(drawn.pdf, dpi)


# --- proofs -----------------------------------------------------------------------


def make_proof(
    content: Content,
    material_id: str,
    out_dir: Path,
    *,
    today: dt.date | None = None,
    review_dir: Path | None = None,
) -> Proof:
    """Render ``material_id``'s proof into ``out_dir`` (written atomically)."""
    status = material_status(content, material_id, review_dir=review_dir, today=today)
    material = content.material(material_id)
    mark = watermark(status, proof=True)
    assert mark is not None  # a proof is always marked
    kind = material.spec.kind
    if kind not in DRAWERS or kind == "card":
        can = ", ".join(k for k in DRAWERS if k != "card")
        raise ProofError(f"{material_id}: proofs of a {kind} cannot be made yet (can make: {can})")
    job = Drawing(
        content, material_id, tuple(proof_letters(material.spec.language)), mark, footer(status), batch=True
    )
    try:
        drawn = draw(job)
    except ProofError as exc:
        raise ProofError(f"{material_id}: the proof could not be rendered: {exc}") from exc
    assert drawn.pdf is not None
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{material_id}-proof.pdf"
    atomic.write_bytes(path, drawn.pdf)
    return Proof(
        path=path, material_id=material_id, fingerprint=status.fingerprint, watermark=mark, pages=drawn.pages
    )


def proof_at(
    repo: ForceRepo, material_id: str, commit: str, out_dir: Path, *, today: dt.date | None = None
) -> Proof:
    """The proof of ``material_id`` as it was at ``commit`` (made from the repository's objects, never
    the working files), written into ``out_dir``."""
    with tempfile.TemporaryDirectory(prefix="handle-docs-proof-") as tmp:
        folder = repo.export(commit, [CONTENT, TEMPLATES, REVIEW], Path(tmp) / "force")
        content = load_content(folder / CONTENT, folder / TEMPLATES)
        return make_proof(content, material_id, out_dir, today=today, review_dir=folder / REVIEW)


def proof_of_version(
    repo: ForceRepo, material_id: str, number: int, out_dir: Path, *, today: dt.date | None = None
) -> Proof:
    return proof_at(repo, material_id, pick(repo, material_id, number).commit.id, out_dir, today=today)


__all__ = [
    "DPI",
    "DRAWERS",
    "Drawing",
    "Drawn",
    "Proof",
    "ProofError",
    "draw",
    "footer",
    "make_proof",
    "page_images",
    "preview_pdf",
    "proof_at",
    "proof_of_version",
    "render_pages",
    "sample_stats",
    "watermark",
]
