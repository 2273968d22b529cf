"""The review page of a material: what changed since the last approved
version (as ``review diff``), the watermarked proof's pages, who has signed
what, and Approve / Request changes for the signed-in reviewer, signed with
the workspace's key (review.approve / request_changes, as on the command
line).  Buttons that cannot be used are disabled and say why
(review.refusals_for)."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from handle_docs.compose.scenarios import scenario as pick_scenario
from handle_docs.history.changes import record_signoff
from handle_docs.history.repo import WORKSPACE
from handle_docs.review import (
    APPROVED,
    CHANGES_REQUESTED,
    ReviewError,
    approve,
    diff_report,
    load_policy,
    material_status,
    refusals_for,
    request_changes,
    reviewers_status,
)
from handle_docs.review.actions import WORDING_CHANGED, DiffReport, wording_changed
from handle_docs.review.labels import decision_words, long_date, plain_reason, state_sentence
from handle_docs.review.pin import PIN_KEY
from handle_docs.review.status import MaterialStatus
from handle_docs.services.proofs import watermark
from handle_docs.web.common import (
    content_or_404,
    material_or_404,
    previewer,
    reviewer_id,
    settings,
    state_words,
    version_label,
)
from handle_docs.web.diffview import sections_view
from handle_docs.web.history import committed, signed_person
from handle_docs.web.identity import Actor, current_actor, forbidden, role_words
from handle_docs.web.preview import pages_or_pending
from handle_docs.web.workspace_key import signer_for
from handle_docs.wording.content import Content

bp = Blueprint("review", __name__)
log = logging.getLogger(__name__)

#: Why nothing can be signed while the reviewer registry is not trusted (its pin), in a reviewer's words.
NOTHING_TO_SIGN = (
    "Nothing can be approved until the list of reviewers is confirmed. Ask whoever runs the workspace."
)


def _signer(content: Content):
    return signer_for(content.root, current_app.extensions["handle_docs"]["key"])


def reviewer_roles(content: Content, actor: Actor | None) -> list[str]:
    """The review roles this person may sign in: held by the account and by
    its reviewer in the approved registry (:func:`reviewer_id`)."""
    rid = reviewer_id(content, actor)
    if rid is None:
        return []
    policy, _ = load_policy(content.root)
    trusted = reviewers_status(content, review_dir=settings().review_dir).trusted
    person = trusted.reviewer(rid) if trusted is not None else None
    assert actor is not None and person is not None  # reviewer_id names a reviewer of the approved registry
    held = set(person.roles)
    return [r for r in actor.roles if r in policy.roles and r in held]


def _why_no_roles(actor: Actor | None) -> str:
    if actor is None or actor.id is None:
        return "Sign in as a reviewer to approve or request changes."
    if actor.subject is not None:
        return (
            f"{actor.display} is not named in the approved reviewer registry with a review role given by your "
            "organisation's sign-in, so cannot sign here."
        )
    return (
        f"{actor.display} is not a reviewer in the approved reviewer registry with a review role of this "
        "account, so cannot sign here."
    )


def changes_view(report: DiffReport) -> dict:
    """What changed, for the page: each changed section with its lines in pieces, and a sentence when there is
    nothing to show (no approved version yet, no record of it, no change)."""
    sections = sections_view(report.sections)
    if report.base is None:
        sentence = (
            "No version has been approved yet, so the whole wording is new: read it in the proof below."
        )
    elif report.missing_snapshot is not None:
        sentence = (
            "The wording of the last approved version was not kept, so it cannot be compared: read the "
            "whole wording in the proof below."
        )
    elif report.base == report.current:
        sentence = "Nothing has changed since this version was approved."
    elif not sections:
        sentence = "The words a resident reads are unchanged; only the design or the shared files changed."
    else:
        sentence = ""
    return {"sections": sections, "sentence": sentence, "other": report.other_changes}


def _decisions(content: Content, material_id: str, actor: Actor | None) -> list[dict]:
    """For each role the person may sign in: why Approve / Request changes are refused (empty: allowed)."""
    signer = _signer(content)
    rid = reviewer_id(content, actor)
    rows: list[dict] = []
    if rid is None:  # not a reviewer: no role to sign in
        return rows
    for role in reviewer_roles(content, actor):
        rows.append(
            {
                "role": role,
                "approve": refusals_for(
                    content, material_id, rid, role, APPROVED, signer=signer, review_dir=settings().review_dir
                ),
                "request": refusals_for(
                    content,
                    material_id,
                    rid,
                    role,
                    CHANGES_REQUESTED,
                    signer=signer,
                    review_dir=settings().review_dir,
                ),
            }
        )
    return rows


@bp.get("/materials/<material_id>/review")
def page(material_id: str):
    content = content_or_404()
    material = material_or_404(content, material_id)
    actor = current_actor()
    try:
        status = material_status(content, material_id, review_dir=settings().review_dir)
        report = diff_report(content, material_id, review_dir=settings().review_dir)
        diff_text = report.text()
    except ReviewError as exc:
        return render_template(
            "error.html",
            title=f"Review: {material.spec.title}",
            message="The record of approvals cannot be read, so this material cannot be reviewed "
            "now. Ask whoever runs the workspace.",
            details=[str(p) for p in exc.problems],
        ), 409
    signed = sorted(status.tally.approvers + status.tally.requests, key=lambda e: (e.date, e.index))
    untrusted = status.registry is not None and status.registry.refusal is not None  # said in plain words
    layout = "sides" if request.args.get("layout") == "sides" else "inline"
    return render_template(
        "review.html",
        title=f"Review: {material.spec.title}",
        material=material,
        status=status,
        state=state_words(status),
        sentence=state_sentence(status),
        diff_text=diff_text,
        signed=signed,
        changes=changes_view(report),
        layout=layout,
        decision_words=decision_words,
        role_name=status.policy.role_name,
        long_date=long_date,
        plain_reason=plain_reason,
        version=version_label(content, status),
        decisions=[] if untrusted else _decisions(content, material_id, actor),
        no_roles=NOTHING_TO_SIGN if untrusted else _why_no_roles(actor),
    )


@bp.get("/materials/<material_id>/review/proof")
def proof(material_id: str):
    """The proof's pages (the preview renderer, watermarked as the proof is)."""
    content = content_or_404()
    material = material_or_404(content, material_id)
    try:
        status = material_status(content, material_id, review_dir=settings().review_dir)
    except ReviewError as exc:
        return render_template("_preview_error.html", details="; ".join(str(p) for p in exc.problems))
    mark = watermark(status, proof=True)
    chosen = pick_scenario(content, material_id, None) if material.spec.kind == "letter" else None
    key, job = previewer().request(content, material_id, chosen, mark)
    version = version_label(content, status)
    caption = (chosen.label + ", " if chosen else "") + f"marked {mark}, version {version.number}"
    return pages_or_pending(key, job, settings().preview_wait, material_id, caption)


@bp.post("/materials/<material_id>/review")
def decide(material_id: str):
    content = content_or_404()
    material_or_404(content, material_id)  # 404 for a material the content has not
    actor = current_actor()
    assert actor is not None  # the blueprint lets only a signed-in person in
    role = request.form.get("role", "")
    decision = request.form.get("decision", "")
    roles = reviewer_roles(content, actor)
    if role not in roles:
        return forbidden(
            f"{actor.display} cannot sign as {role_words([role]) if role else 'no role'}."
            if roles
            else _why_no_roles(actor)
        )
    act = {APPROVED: approve, CHANGES_REQUESTED: request_changes}.get(decision)
    if act is None:
        return forbidden("Unknown decision: nothing was signed.")
    try:
        # the fingerprint the page showed: a version that changed since is never signed unseen
        recorded = record_signoff(
            content,
            material_id,
            lambda: act(
                content,
                material_id,
                reviewer_id(content, actor) or "",
                role,
                request.form.get("note", ""),
                signer=_signer(content),
                review_dir=settings().review_dir,
                expect=request.form.get("fingerprint", ""),
            ),
            signed_person(actor),
            WORKSPACE,
            review_dir=settings().review_dir,
        )
    except ReviewError as exc:
        if any(p.key == PIN_KEY for p in exc.problems):
            flash(f"Not signed: {NOTHING_TO_SIGN}")
            return redirect(url_for("review.page", material_id=material_id), code=303)
        if wording_changed(exc.problems):
            flash(WORDING_CHANGED)
            return redirect(url_for("review.page", material_id=material_id), code=303)
        for problem in exc.problems:
            flash(f"Not signed: {plain_reason(problem.message)}")
        return redirect(url_for("review.page", material_id=material_id), code=303)
    committed(recorded)
    if not recorded.ok:
        log.warning("a sign-off of %s was undone: %s", material_id, recorded.details)
        flash(f"Not signed: {recorded.failed}")
        return redirect(url_for("review.page", material_id=material_id), code=303)
    if recorded.not_recorded:
        log.warning("a sign-off of %s is not in the history: %s", material_id, recorded.details)
        flash(recorded.not_recorded.replace("Saved, but", "Signed, but"))
    entry, after = recorded.value
    g.pop("numbering", None)  # the history has a new commit
    assert isinstance(after, MaterialStatus)  # a material's page signs the material, never the registry
    word = "approved" if decision == APPROVED else "asked for changes to"
    flash(
        f"{entry.shown} {word} version {version_label(content, after).number} as "
        f"{after.policy.role_name(role)}. {state_sentence(after)}"
    )
    return redirect(url_for("review.page", material_id=material_id), code=303)
