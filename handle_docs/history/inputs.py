"""What a letters run was made from, as its manifest records it (``manifest.json`` → ``history``): the
commit of the force folder's content, templates and review records, whether the working files were
exactly that commit, the fonts' digest and the handle-docs version, the date the review gate used and
``SOURCE_DATE_EPOCH``, so ``handle-docs reprint`` can make any letter again byte for byte."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from handle_docs import __version__
from handle_docs.review.fingerprints import ASSETS
from handle_docs.review.status import resolve_today
from handle_docs.starter import CONTENT, REVIEW, TEMPLATES

from .repo import ForceRepo, HistoryError, git

#: The manifest's key.
KEY = "history"
#: What a reprint reads from the history.
RUN_FOLDERS = [CONTENT, TEMPLATES, REVIEW]


def fonts_sha256() -> str:
    """One digest of the bundled fonts (and other assets) the letters are drawn with."""
    digest = hashlib.sha256()
    for path in sorted(p for p in ASSETS.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(
            path.relative_to(ASSETS).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest()
        )
    return digest.hexdigest()


def run_inputs(content_dir: Path, options: dict[str, Any]) -> dict[str, Any]:
    """The ``history`` record of a run made from ``content_dir`` now with ``options`` (the letters
    material, leaflet, Word letters, draft: what a reprint must ask for again)."""
    record: dict[str, Any] = {
        "commit": None,
        "options": options,
        "handle_docs": __version__,
        "fonts_sha256": fonts_sha256(),
        "today": resolve_today(None).isoformat(),
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
    }
    try:
        repo = ForceRepo.of(content_dir)
    except HistoryError as exc:
        record["not_recorded"] = str(exc)
        return record
    if repo is None:
        record["not_recorded"] = "the force folder is not a git repository"
        return record
    record["commit"] = repo.head()
    changed = git(repo.root, "status", "--porcelain", "--", *RUN_FOLDERS).stdout.decode("utf-8", "replace")
    record["uncommitted_changes"] = bool(changed.strip())
    return record
