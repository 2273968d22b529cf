"""Proof PDFs for reviewers: the real renderer, invented data, a watermark.

``handle-docs review proof MATERIAL --out DIR`` writes
``DIR/<material-id>-proof.pdf``, laid out by the very code that prints a run
(``chunk.ChunkRenderer``), with

* a watermark on every page: ``DRAFT — NOT APPROVED``, or ``APPROVED <date>``
  when the current version is approved (the date of its latest approval);
* the version fingerprint in the footer of every page, so a comment on paper
  can always be matched to the exact version it is about.

A letter's sample data is invented (no real address or registration) and chosen so
every piece of wording appears: a letter for an address with one car not
locked with a bag and keys on show plus one locked car, and a letter for an
address where everything was secure.

Each kind of material has its own proof builder in :data:`PROOF_BUILDERS`
(a leaflet's proof is its A4 reading copy; new kinds add a builder there).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from handle_docs.models import Letter, VehicleCheck
from handle_docs.review import DRAFT_WATERMARK, MaterialStatus, material_status
from handle_docs.run.chunk import ChunkRenderer, RunSettings
from handle_docs.run.letters import findings_for
from handle_docs.util import atomic
from handle_docs.wording.content import Content

PROOF_ADDRESS = ("1 Sample Street", "Proofton")
PROOF_POSTCODE = "ZZ99 9ZZ"


class ProofError(Exception):
    """The proof could not be made; messages hold no personal data."""


@dataclass(frozen=True)
class Proof:
    path: Path
    material_id: str
    fingerprint: str
    watermark: str
    pages: int


def watermark_for(status: MaterialStatus) -> str:
    if status.approved and status.tally.last_date is not None:
        return f"APPROVED {status.tally.last_date.isoformat()}"
    return DRAFT_WATERMARK


def footer_for(status: MaterialStatus) -> str:
    return f"Version {status.short}"


def sample_letters(language: str, visit_date: dt.date | None = None) -> list[Letter]:
    """Invented letters that between them show every finding's wording."""
    flagged = (
        VehicleCheck("QZ00 PRF", secure=False, items_on_display=("bag", "keys"), keys_visible=True),
        VehicleCheck("QZ00 PRG", secure=True, items_on_display=()),
    )
    secure = (VehicleCheck("QZ00 PRH", secure=True, items_on_display=()),)
    return [
        Letter(
            letter_id="PROOF-1",
            address_lines=PROOF_ADDRESS,
            postcode=PROOF_POSTCODE,
            vehicles=flagged,
            findings=findings_for(flagged),
            source_rows=(2, 3),
            language=language,
            visit_date=visit_date,
        ),
        Letter(
            letter_id="PROOF-2",
            address_lines=("3 Sample Street", "Proofton"),
            postcode=PROOF_POSTCODE,
            vehicles=secure,
            findings=findings_for(secure),
            source_rows=(4,),
            language=language,
            visit_date=visit_date,
        ),
    ]


def _letter_proof(content: Content, status: MaterialStatus, watermark: str, footer: str) -> tuple[bytes, int]:
    material = content.material(status.material_id)
    settings = RunSettings(
        content_root=content.root,
        templates=content.templates,
        material_id=material.id,
        chunk_size=10,
        watermark=watermark,
    )
    renderer = ChunkRenderer(settings, content)
    # The document shell prints ``footer_note`` in every page's footer.
    renderer.html.env.globals["footer_note"] = footer
    with tempfile.TemporaryDirectory(prefix="handle-docs-proof-") as tmp:
        staging = Path(tmp)
        atomic.private_dir(staging / "letters")
        atomic.private_dir(staging / "chunks")
        result = renderer.render(0, sample_letters(material.spec.language), staging)
        if result.rejects or result.chunk_file is None:
            reasons = sorted({r.reason for r in result.rejects}) or ["nothing was rendered"]
            raise ProofError(f"{material.id}: the proof could not be rendered: {'; '.join(reasons)}")
        return (staging / result.chunk_file).read_bytes(), result.batch_pages


def _leaflet_proof(content: Content, status: MaterialStatus, watermark: str, footer: str) -> tuple[bytes, int]:
    from handle_docs.outputs.leaflets import render_leaflet
    from handle_docs.render.html import HtmlRenderer

    material = content.material(status.material_id)
    html = HtmlRenderer(content.templates)
    html.env.globals["footer_note"] = footer
    with tempfile.TemporaryDirectory(prefix="handle-docs-proof-") as tmp:
        result = render_leaflet(content, material, Path(tmp), "a4", watermark=watermark, html=html)
        return (Path(tmp) / result.reading_copy).read_bytes(), result.pages


#: kind of material → builder of its proof (bytes, page count).
PROOF_BUILDERS: dict[str, Callable[[Content, MaterialStatus, str, str], tuple[bytes, int]]] = {
    "letter": _letter_proof,
    "leaflet": _leaflet_proof,
}


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
    kind = content.material(material_id).spec.kind
    builder = PROOF_BUILDERS.get(kind)
    if builder is None:
        raise ProofError(f"{material_id}: proofs of a {kind} cannot be made yet (can make: {', '.join(PROOF_BUILDERS)})")
    watermark = watermark_for(status)
    data, pages = builder(content, status, watermark, footer_for(status))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{material_id}-proof.pdf"
    atomic.write_bytes(path, data)
    return Proof(path=path, material_id=material_id, fingerprint=status.fingerprint, watermark=watermark, pages=pages)


__all__ = ["PROOF_BUILDERS", "Proof", "ProofError", "make_proof", "sample_letters", "watermark_for"]
