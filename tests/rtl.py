"""Right-to-left letters for tests: the bundled content with the Arabic and
Urdu fixture translations (tests/assets/rtl/) added, and one letter rendered
by the run's own chunk renderer (PDF and, on request, Word)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from handle_docs.compose.letters import findings_for
from handle_docs.models import Letter, VehicleCheck

from .conftest import CONTENT, TEMPLATES

FIXTURES = Path(__file__).resolve().parent / "assets" / "rtl"
VRM = "AB12 CDE"
POSTCODE = "ZZ1 4QX"
PHONE = "01632 960 418"  # content/operation.yaml: force.phone
SHORT = "westmarch-police.example/watch"  # content/links.yaml: nws.short


def rtl_content_dir(tmp_path: Path) -> Path:
    """A copy of content/ and templates/ with visit.ar.yaml, visit.ur.yaml and
    lock-it.ar.yaml (the fixtures replace any sample translation of the same name)."""
    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    for fixture in FIXTURES.glob("visit.*.yaml"):
        shutil.copy(fixture, tmp_path / "content" / "letters" / fixture.name)
    for fixture in FIXTURES.glob("lock-it.*.yaml"):
        shutil.copy(fixture, tmp_path / "content" / "leaflets" / fixture.name)
    return tmp_path / "content"


def sample_letter(language: str) -> Letter:
    """A letter with a car not locked and a bag on show, in ``language``."""
    vehicles = (VehicleCheck(VRM, secure=False, items_on_display=("bag",)),)
    letter = Letter(
        "R0001", ("12 Larkspur Road", "Eastmoor"), POSTCODE, vehicles, findings_for(vehicles), (2,)
    )
    return replace(letter, language=language)


def render_letter(content_dir: Path, language: str, out: Path, *, docx: bool = False) -> Path:
    """Render ``sample_letter(language)`` into ``out``; the letter's PDF path
    (its Word file beside it, ``.docx``, with ``docx``)."""
    from handle_docs.run.chunk import ChunkRenderer, RunSettings
    from handle_docs.util import atomic
    from handle_docs.wording.content import load_content

    content = load_content(content_dir, content_dir.parent / "templates")
    settings = RunSettings(
        content_root=content_dir, templates=content_dir.parent / "templates", chunk_size=1, docx=docx
    )
    atomic.private_dir(out / "letters")
    atomic.private_dir(out / "chunks")
    result = ChunkRenderer(settings, content).render(0, [sample_letter(language)], out)
    assert not result.rejects, result.rejects
    return out / result.letters[0].file
