"""A past version's proof and the change between two versions, made from the repository's objects
(the version's content, templates and review folder written into a private temporary folder), never
from the working files."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from handle_docs.review.proof import Proof, make_proof
from handle_docs.review.wording import SectionDiff, diff_sections
from handle_docs.starter import CONTENT, REVIEW, TEMPLATES
from handle_docs.wording.content import load_content

from .log import Version, versions
from .repo import ForceRepo, HistoryError


def pick(repo: ForceRepo, material_id: str, number: int) -> Version:
    found = versions(repo, material_id)
    if not found:
        raise HistoryError(f"{material_id} has no versions in the history")
    if not 1 <= number <= len(found):
        raise HistoryError(f"{material_id} has versions 1 to {len(found)}, not {number}")
    return found[number - 1]


def proof_at(repo: ForceRepo, material_id: str, commit: str, out_dir: Path, *, today: dt.date | None = None) -> Proof:
    """The proof of ``material_id`` as it was at ``commit``, written into ``out_dir``."""
    with tempfile.TemporaryDirectory(prefix="handle-docs-proof-") as tmp:
        folder = repo.export(commit, [CONTENT, TEMPLATES, REVIEW], Path(tmp) / "force")
        content = load_content(folder / CONTENT, folder / TEMPLATES)
        return make_proof(content, material_id, out_dir, today=today, review_dir=folder / REVIEW)


def proof_of_version(repo: ForceRepo, material_id: str, number: int, out_dir: Path, *,
                     today: dt.date | None = None) -> Proof:
    return proof_at(repo, material_id, pick(repo, material_id, number).commit.id, out_dir, today=today)


def change_between(repo: ForceRepo, material_id: str, a: int, b: int) -> list[SectionDiff]:
    """What changed in the wording a resident reads from version ``a`` to version ``b``."""
    return diff_sections(pick(repo, material_id, a).text, pick(repo, material_id, b).text)
