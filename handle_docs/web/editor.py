"""The editor of one material: its wording as labelled text areas in
sections in the order a resident reads them, saved in place
(wording/edit.py), with lint beside each block.  The form posts to the
editor's own address, so a refused save leaves the person on the editor with
their text and one plain message beside the box."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping

from flask import Blueprint, flash, redirect, render_template, request, url_for

from handle_docs.compose.context import placeholder_values
from handle_docs.compose.scenarios import scenarios
from handle_docs.history.changes import record_save
from handle_docs.history.repo import WORKSPACE
from handle_docs.lint import block_scores, lint_material
from handle_docs.models import Problem
from handle_docs.review.labels import state_sentence
from handle_docs.web.common import (
    content_or_404,
    material_or_404,
    reviewer_id,
    state_words,
    status_of,
    version_label,
)
from handle_docs.web.history import committed, signed_person
from handle_docs.web.identity import EDITOR, current_actor, requires_role
from handle_docs.wording.content import Content, Material, links_shown
from handle_docs.wording.edit import EditableField, editable_fields, file_sha256, save_edits
from handle_docs.wording.labels import placeholders as placeholder_list
from handle_docs.wording.labels import plain_message

bp = Blueprint("editor", __name__)
log = logging.getLogger(__name__)


#: The most Tab stops from a box to a Save button (issue 28: "within a few Tab stops of the box being edited").
MOST_TAB_STOPS = 5


def fields_of(content: Content, material_id: str) -> list[EditableField]:
    material = content.material(material_id)
    return editable_fields(material, content.docs[material.source], content.links)


def tab_stops(field: EditableField) -> int:
    """The Tab stops a field adds: its box, and its toolbar of Insert buttons (one stop: arrows move in it)."""
    return 1 + (1 if field.placeholders else 0)


def save_groups(fields: list[EditableField], most: int = MOST_TAB_STOPS) -> list[list[EditableField]]:
    """A section's fields in groups, each followed by a Save button, so that from every box Save is at most
    ``most`` Tab stops on: the stops of the group's later fields, then Save itself."""
    groups: list[list[EditableField]] = []
    stops = 0
    for f in fields:
        if groups and stops + tab_stops(f) + 1 <= most:
            groups[-1].append(f)
            stops += tab_stops(f)
        else:
            groups.append([f])
            stops = 0  # from the group's first box: only the later fields count
    return groups


def sent_values(fields: list[EditableField]) -> dict[str, str]:
    """The form's values for the material's fields (other form keys ignored)."""
    return {f.key: request.form[f.key] for f in fields if f.key in request.form}


def by_key(problems: list[Problem]) -> dict[str, list[Problem]]:
    grouped: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        grouped[problem.key].append(problem)
    return dict(grouped)


def sections_of(fields: list[EditableField]) -> list[dict]:
    """The fields in sections as a resident reads them: the title, each block (its heading and text), then
    the labels and the item names. Each section: its name, its fields, their groups (each with a Save button
    after it) and whether it starts open."""
    sections: list[dict] = []
    for f in fields:
        if f.kind in ("label", "item"):
            name = "Labels" if f.kind == "label" else "Item names"
            group = f.kind
        elif f.block:
            name = f.label.removesuffix(": text").removesuffix(": heading")
            group = "block:" + f.block
        else:
            name, group = f.label, f.key
        if not sections or sections[-1]["group"] != group:
            sections.append(
                {"group": group, "name": name, "fields": [], "open": f.kind not in ("label", "item")}
            )
        sections[-1]["fields"].append(f)
    for section in sections:
        section["groups"] = save_groups(section["fields"])
    return sections


def insert_buttons(content: Content, material: Material, fields: list[EditableField]) -> dict[str, list]:
    """Each box's Insert buttons: the placeholders it may use, with their meaning and what they are filled
    with now (a QR code's description: those of the first QR code the material shows)."""
    values = placeholder_values(content)
    shown = [link for link in links_shown(material.spec) if link in content.links.links]
    if shown:
        values |= {
            "label": content.link_label(material, shown[0]),
            "short": content.links.links[shown[0]].short,
        }
    return {f.key: placeholder_list(values, f.placeholders) for f in fields if f.placeholders}


def checks(content: Content, material_id: str) -> dict:
    """Lint messages by key and each block's reading scores: what ``handle-docs
    lint`` says about this material (unsaved wording included)."""
    return {
        "lint": by_key(list(lint_material(content, material_id))),
        "scores": block_scores(content, material_id),
    }


def render_editor(
    content: Content,
    material_id: str,
    *,
    values: Mapping[str, str] | None = None,
    problems: list[Problem] | None = None,
    base_sha256: str | None = None,
    status_code: int = 200,
):
    material = material_or_404(content, material_id)
    fields = fields_of(content, material_id)
    problems = problems or []
    path = content.root / material.source
    status = status_of(content, material_id)
    context = dict(
        title=f"Edit: {material.spec.title}",
        material=material,
        fields=fields,
        values=dict(values or {}),
        problems=problems,
        field_problems=by_key(problems),
        known_keys={f.key for f in fields},
        labels={f.key: f.label for f in fields},
        sections=sections_of(fields),
        plain_message=plain_message,
        base_sha256=base_sha256 or file_sha256(path),
        placeholders=insert_buttons(content, material, fields),
        version=version_label(content, status),
        sentence=state_sentence(status),
        scenarios=scenarios(content, material_id) if material.spec.kind == "letter" else [],
        state=state_words(status),
        status=status,
        **checks(content, material_id),
    )
    return render_template("editor.html", **context), status_code


@bp.get("/materials/<material_id>/edit")
@requires_role(EDITOR)
def edit(material_id: str):
    content = content_or_404()
    material_or_404(content, material_id)
    return render_editor(content, material_id)


def editor_id(content) -> str | None:
    """Who edits, as ``last_edited_by`` names them: the reviewer id for a reviewer (signed in by single sign-on
    too: so they cannot approve their own edit), else the account id."""
    actor = current_actor()
    assert actor is not None  # the editor's pages let only a signed-in person in
    return reviewer_id(content, actor) or actor.id


@bp.post("/materials/<material_id>/edit", endpoint="save")
@bp.post("/materials/<material_id>/save", endpoint="save_at_old_address")
@requires_role(EDITOR)
def save(material_id: str):
    content = content_or_404()
    material = material_or_404(content, material_id)
    fields = fields_of(content, material_id)
    sent = sent_values(fields)
    actor = current_actor()
    recorded = record_save(
        content,
        material_id,
        lambda: save_edits(
            content, material_id, request.form.get("base_sha256", ""), sent, edited_by=editor_id(content)
        ),
        signed_person(actor),
        WORKSPACE,
    )
    outcome = recorded.value
    committed(recorded)
    if not recorded.ok:
        log.warning("a save of %s was undone: %s", material_id, recorded.details)
        flash(f"Not saved: {recorded.failed}")
        return redirect(url_for("editor.edit", material_id=material_id), code=303)
    if recorded.not_recorded and outcome.saved and outcome.changed:
        log.warning("a save of %s is not in the history: %s", material_id, recorded.details)
        flash(recorded.not_recorded)
    if outcome.saved:
        if outcome.changed:
            count = len(outcome.changed)
            flash(
                f"Saved {count} change{'s' if count != 1 else ''}. This new version needs approval before it "
                "can be printed."
            )
        else:
            flash("Nothing had changed, so nothing was saved.")
        return redirect(url_for("editor.edit", material_id=material_id), code=303)
    if outcome.status == "conflict":
        labels = {f.key: f.label for f in fields}
        differ = [
            key
            for key, mine in outcome.mine.items()
            if mine.replace("\r\n", "\n").strip() != outcome.theirs.get(key, "").strip()
        ]
        return render_template(
            "conflict.html",
            title=f"Not saved: {material.spec.title} changed",
            material=material,
            differ=differ,
            labels=labels,
            mine=outcome.mine,
            theirs=outcome.theirs,
            sha256=outcome.sha256,
            theirs_version=version_label(content, status_of(content, material_id)),
        ), 409
    return render_editor(
        content,
        material_id,
        values=sent,
        problems=outcome.problems,
        base_sha256=request.form.get("base_sha256"),
        status_code=422,
    )


@bp.get("/materials/<material_id>/changes")
def changes(material_id: str):
    """What changed since the last approved version: the review page's first part, in words."""
    content = content_or_404()
    material_or_404(content, material_id)
    return redirect(url_for("review.page", material_id=material_id, _anchor="changes"))
