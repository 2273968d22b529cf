"""The materials page: every material's kind, language, version, review
state and review-by date, from the same function as ``review status``."""

from __future__ import annotations

from flask import Blueprint, render_template

from handle_docs.review import ReviewError, review_status
from handle_docs.web.common import loaded, settings, state_words

bp = Blueprint("materials", __name__)


@bp.get("/")
def index():
    state = loaded()
    statuses, extra, problems = [], [], list(state.problems)
    if state.content is not None:
        try:
            statuses, extra = review_status(state.content, review_dir=settings().review_dir)
        except ReviewError as exc:
            problems.extend(exc.problems)
    rows = [
        {"status": s, "material": state.content.materials[s.material_id], "state": state_words(s)}
        for s in statuses
    ]
    return render_template("materials.html", title="Materials", rows=rows, problems=problems,
                           notes=[p for s in statuses for p in s.problems] + extra)
