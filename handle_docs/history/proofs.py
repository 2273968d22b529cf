"""A material's numbered version picked from the history, and the change between two versions, from the
repository's objects, never the working files (a past version's proof: services/proofs.py)."""

from __future__ import annotations

from handle_docs.review.wording import SectionDiff, diff_sections

from .log import Version, versions
from .repo import ForceRepo, HistoryError


def pick(repo: ForceRepo, material_id: str, number: int) -> Version:
    found = versions(repo, material_id)
    if not found:
        raise HistoryError(f"{material_id} has no versions in the history")
    if not 1 <= number <= len(found):
        raise HistoryError(f"{material_id} has versions 1 to {len(found)}, not {number}")
    return found[number - 1]


def change_between(repo: ForceRepo, material_id: str, a: int, b: int) -> list[SectionDiff]:
    """What changed in the wording a resident reads from version ``a`` to version ``b``."""
    return diff_sections(pick(repo, material_id, a).text, pick(repo, material_id, b).text)
