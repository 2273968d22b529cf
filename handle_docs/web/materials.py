"""The landing page and the materials page: every material's version and
review state in words (from the same function as ``review status``).

Each person lands where their work is: an officer who is neither editor nor
reviewer on their letters runs; a reviewer on "Waiting for your approval"
above the materials; comms staff on the materials."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from handle_docs.records.vocab import language_label
from handle_docs.review import ReviewError, review_status
from handle_docs.review.labels import state_sentence
from handle_docs.web.common import loaded, review_roles_of, settings, state_words, version_label
from handle_docs.web.identity import EDITOR, OFFICER, current_actor

bp = Blueprint("materials", __name__)


def waiting_for(status, roles: list[str], actor_id: str | None) -> bool:
    """A version this reviewer could still approve: not approved, not expired, not yet signed by them."""
    if status.approved or status.expired or status.errors or not roles:
        return False
    signed = {s.reviewer for s in status.tally.approvers + status.tally.requests}
    return actor_id not in signed


@bp.get("/")
def index():
    actor = current_actor()
    roles = review_roles_of(actor)
    if actor is not None and actor.can(OFFICER) and not actor.can(EDITOR) and not roles:
        return redirect(url_for("runs.index"), code=303)
    state = loaded()
    statuses, extra, problems = [], [], list(state.problems)
    if state.content is not None:
        try:
            statuses, extra = review_status(state.content, review_dir=settings().review_dir)
        except ReviewError as exc:
            problems.extend(exc.problems)
    rows = []
    for s in statuses:
        material = state.content.materials[s.material_id]
        rows.append(
            {
                "status": s,
                "material": material,
                "state": state_words(s),
                "sentence": state_sentence(s),
                "version": version_label(state.content, s),
                "language": language_label(
                    material.spec.language
                ),  # "Welsh (Cymraeg)", as the preview's picker
            }
        )
    waiting = [r for r in rows if waiting_for(r["status"], roles, actor.id if actor else None)]
    return render_template(
        "materials.html",
        title="Materials",
        rows=rows,
        problems=problems,
        waiting=waiting,
        reviewer=bool(roles),
        notes=[p for s in statuses for p in s.problems] + extra,
    )
