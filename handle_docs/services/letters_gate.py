"""The review gate of a letters run before its records are read: what the workspace's
Make button asks, without loading anything that renders (the web server imports it).

Once the records are read, :func:`handle_docs.services.letters_run.make_letters` gates
exactly the materials the letters use (translations included), for both edges.
"""

from __future__ import annotations

from pathlib import Path

from handle_docs.models import Problem
from handle_docs.review import approval_for_letters
from handle_docs.wording.content import load_content

#: The letter material a run makes unless told otherwise (the workspace always makes it).
MATERIAL = "visit-letter"


def refusals_before_run(
    content_dir: Path,
    templates: Path,
    review: Path | None,
    leaflet: str | None,
    draft: bool,
    material: str = MATERIAL,
) -> list[Problem]:
    """The refusals (each naming the material and who can approve it); empty when the run may go ahead
    (always empty for a draft, which is watermarked instead)."""
    if draft:
        return []
    content = load_content(content_dir, templates)
    return list(approval_for_letters(content, material, leaflet, draft=draft, review_dir=review).refusals)
