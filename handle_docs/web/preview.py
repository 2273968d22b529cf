"""The live preview beside the editor: the material's pages with the unsaved
wording (services/previews.py), and, in a request of its own so neither waits
for the other, the lint messages and reading scores of that wording."""

from __future__ import annotations

import concurrent.futures

from flask import Blueprint, abort, render_template, request, send_file

from handle_docs.compose.scenarios import scenario as pick_scenario
from handle_docs.review import ReviewError
from handle_docs.review.routing import translation_into
from handle_docs.services.proofs import ProofError
from handle_docs.services.proofs import watermark as watermark_rule
from handle_docs.web.common import content_or_404, material_or_404, previewer, settings, status_of
from handle_docs.web.editor import checks, fields_of, sent_values
from handle_docs.web.identity import EDITOR, requires_role
from handle_docs.wording.edit import edited_content
from handle_docs.wording.labels import plain_message

bp = Blueprint("preview", __name__)


def pages_or_pending(key: str, job, wait: float, material_id: str, caption: str):
    """The images when ready within ``wait`` seconds, else a fragment that polls."""
    try:
        preview = job.result(timeout=wait)
    except concurrent.futures.TimeoutError:
        return render_template("_preview_pending.html", key=key, material_id=material_id, caption=caption)
    except concurrent.futures.CancelledError:
        return render_template(
            "_preview_pending.html", key=key, material_id=material_id, caption=caption, superseded=True
        )
    except ProofError as exc:
        return render_template("_preview_error.html", details=str(exc))
    return render_template("_preview_pages.html", preview=preview, caption=caption)


@bp.post("/materials/<material_id>/preview")
@requires_role(EDITOR)
def preview(material_id: str):
    content = content_or_404()
    material = material_or_404(content, material_id)
    fields = fields_of(content, material_id)
    edited, _problems, _changed = edited_content(content, material_id, sent_values(fields))
    last_good = edited is None  # the check beside the editor says why; the preview shows the saved wording
    if edited is None:
        edited = content
    chosen = (
        pick_scenario(edited, material_id, request.form.get("scenario"))
        if material.spec.kind == "letter"
        else None
    )
    # a scenario in another language shows that translation: its own approval decides DRAFT
    translation = translation_into(edited, material, chosen.letter.language) if chosen else None
    shown = translation.id if translation else material_id
    try:
        status = status_of(edited, shown)
    except ReviewError:
        status = None  # approval that cannot be read is no approval: DRAFT
    watermark = watermark_rule(status)
    key, job = previewer().request(edited, material_id, chosen, watermark)
    caption = (chosen.label + ", " if chosen else "") + (
        "DRAFT, not approved" if watermark else "approved wording"
    )
    if last_good:
        caption = "The last saved wording (yours cannot be used yet), " + caption
    return pages_or_pending(key, job, settings().preview_wait, material_id, caption)


@bp.post("/materials/<material_id>/check")
@requires_role(EDITOR)
def check(material_id: str):
    """Lint and reading scores for the wording as typed, or why it would not load."""
    content = content_or_404()
    material_or_404(content, material_id)
    fields = fields_of(content, material_id)
    edited, problems, _changed = edited_content(content, material_id, sent_values(fields))
    if edited is None:
        return render_template(
            "_problems_oob.html", fields=fields, problems=problems, plain_message=plain_message
        )
    return render_template("_checks_oob.html", fields=fields, **checks(edited, material_id))


@bp.get("/materials/<material_id>/preview/<key>")
def poll(material_id: str, key: str):
    content = content_or_404()
    material_or_404(content, material_id)
    try:
        previewer().folder(key)
    except KeyError:
        abort(404)
    job = previewer().job(key)
    if job is None:
        hit = previewer().cached(key)
        if hit is None:
            return render_template(
                "_preview_error.html",
                message="This preview is no longer being made: type or choose a scenario to make it again.",
            )
        return render_template("_preview_pages.html", preview=hit, caption=request.args.get("caption", ""))
    return pages_or_pending(key, job, 1.0, material_id, request.args.get("caption", ""))


@bp.get("/previews/<key>/page-<int:number>.png")
def page(key: str, number: int):
    try:
        path = previewer().page(key, number)
    except KeyError:
        path = None
    if path is None:
        abort(404)
    # absolute: Flask would read a relative path against the package folder
    response = send_file(path.absolute(), mimetype="image/png", max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600, immutable"
    return response
