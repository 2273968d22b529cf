"""What every route needs: the workspace's folders and content, a material
looked up by id (404 when there is no such material), and the plain words
for a review state."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import abort, current_app, g

from handle_docs.history.numbering import Numbering, force_zone
from handle_docs.impact.patrol import KeptPatrol
from handle_docs.review import MaterialStatus, load_policy, reviewers_status
from handle_docs.review.labels import VersionLabel, long_date, moment_words
from handle_docs.services.previews import Previewer
from handle_docs.web.identity import Actor, role_words  # noqa: F401  (the pages take it from here)
from handle_docs.web.state import Loaded, loaded  # noqa: F401  (the pages take it from here)
from handle_docs.wording.content import Content, Material


def settings():
    return current_app.extensions["handle_docs"]["settings"]


def previewer() -> Previewer:
    return current_app.extensions["handle_docs"]["previewer"]


def status_of(content: Content, material_id: str) -> MaterialStatus:
    """``material_status`` of this version (remembered until a record changes)."""
    return current_app.extensions["handle_docs"]["statuses"].get(content, material_id)


def content_or_404() -> Content:
    """The loaded content; when it cannot be loaded only the materials page
    (which lists the problems) is of use, so every other page is 404."""
    content = loaded().content
    if content is None:
        abort(404)
    return content


def material_or_404(content: Content, material_id: str) -> Material:
    """The material with that id; anything else (``../../etc/passwd``) is 404."""
    if material_id not in content.materials:
        abort(404)
    return content.materials[material_id]


def version_label(content: Content, status: MaterialStatus) -> VersionLabel:
    """ "Version 7, edited by Priya Lang on 14 November 2026 at 10:32" for the material's current version, by
    the one numbering rule (history/numbering.py); the history read once per request."""
    if "numbering" not in g:
        g.numbering = Numbering.of(content.root)
    return g.numbering.label(status, content.materials[status.material_id].spec.last_edited_by)


def in_force_zone(when: dt.datetime | float | str) -> dt.datetime:
    """A moment (an aware or UTC datetime, seconds since the epoch, or an ISO 8601 time as the records keep
    it) in the force's time zone (``time_zone`` in content/workspace.yaml, as the version labels:
    history/numbering.force_zone), looked up once per request."""
    if isinstance(when, (int, float)):
        when = dt.datetime.fromtimestamp(when, dt.UTC)
    elif isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    if "force_zone" not in g:
        g.force_zone = force_zone(Path(settings().content))
    return when.astimezone(g.force_zone)


def shown_time(when: dt.datetime | float | str | None, none: str = "never") -> str:
    """'14 November 2026 at 10:32' in the force's zone, the one way a page shows a moment (ISO and UTC
    only inside Technical details); ``none`` when there is no moment."""
    return moment_words(in_force_zone(when)) if when not in (None, "", 0) else none


def shown_day(when: dt.datetime | float | str) -> str:
    """'14 November 2026': the day a moment falls on in the force's zone."""
    return long_date(in_force_zone(when).date())


def state_words(status: MaterialStatus) -> str:
    """The review state in the words ``handle-docs review status`` prints
    (there in capitals unless approved)."""
    return status.state.lower()


def reviewer_id(content: Content, actor: Actor | None) -> str | None:
    """The reviewer this person is in the approved registry: the reviewer of the account's id, or, signed in by
    single sign-on, the reviewer whose entry names their subject (None: no reviewer)."""
    if actor is None or actor.id is None:
        return None
    trusted = reviewers_status(content, review_dir=settings().review_dir).trusted
    if trusted is None:
        return None
    if actor.subject is not None:
        return trusted.reviewer_with_subject(actor.subject)
    return actor.id if trusted.reviewer(actor.id) is not None else None


def review_roles_of(actor) -> list[str]:
    """The review roles of the policy an account holds (empty: not a reviewer)."""
    state = loaded()
    if actor is None or actor.id is None or state.content is None:
        return []
    policy, _ = load_policy(state.content.root)
    return [role for role in actor.roles if role in policy.roles]


def run_name(content: Content | None, uploaded: str, kept: KeptPatrol | None = None) -> str:
    """A run as the officer knows it: 'Operation Larkspur, Eastmoor, 14 November 2026' (the operation, where
    it patrols and its patrol date) as the run kept them when it was made (services/run_patrol.py), so it
    keeps its name once operation.yaml describes the next operation; a run that kept nothing (not made yet)
    is named from operation.yaml, else by the day it was uploaded."""
    if kept is not None:  # no name: the day came from the checks
        name, area, day = kept.operation_name, kept.operation_area, kept.patrol_date
    elif content is not None:
        op = content.operation.operation
        name, area, day = op.name, op.area, op.patrol_date
    else:
        return f"Uploaded on {shown_day(uploaded)}"
    if not name:
        return f"Patrol on {long_date(day)}"
    return ", ".join(part for part in (name, area, long_date(day)) if part)
