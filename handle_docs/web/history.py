"""The History tab of a material: every version with who edited it, when, the change in words and who
approved it (history/log.py); a past version's proof and the change between any two versions, made from
the force folder's history (services/proofs.py), never its working files; and whether the off-site copy
is up to date (history/push.py).  Also who a change is credited to (:func:`signed_person`) and what
happens after a commit (:func:`committed`)."""

from __future__ import annotations

import logging
import tempfile
import threading
from io import BytesIO
from pathlib import Path

from flask import Blueprint, Flask, current_app, render_template, request, send_file

from handle_docs.history import proofs
from handle_docs.history.log import warm
from handle_docs.history.numbering import Numbering
from handle_docs.history.push import Pusher, pusher_for
from handle_docs.history.repo import ForceRepo, HistoryError, Person, Recorded
from handle_docs.identity import oidc
from handle_docs.identity.accounts import ADMIN
from handle_docs.models import ProblemsError
from handle_docs.review.labels import long_date
from handle_docs.review.policy import load_policy
from handle_docs.review.wording import SectionDiff
from handle_docs.services.proofs import ProofError, proof_of_version
from handle_docs.web.common import content_or_404, material_or_404, settings, shown_time
from handle_docs.web.diffview import sections_view
from handle_docs.web.identity import Actor, accounts, current_actor
from handle_docs.wording.workspace_settings import load_config

bp = Blueprint("history", __name__)
log = logging.getLogger(__name__)


def signed_person(actor: Actor | None) -> Person:
    """The person a save or sign-off is credited to on the record (the commit's author): with the e-mail
    address of their account (``users add --email``), or the one the force's provider gave at their last
    sign-in, for someone signed in that way."""
    person = Person.for_id(actor.id if actor else None, actor.name if actor else None)
    account = accounts().get(actor.id) if actor is not None and actor.id else None
    if account is not None and account.email:
        person = Person(person.name, account.email)
    if actor is not None and oidc.is_sso_account(actor.id):
        known = oidc.person(settings().instance, actor.id)
        if known is not None and known.email:
            person = Person(known.name or person.name, known.email)
    return person


def setup(app: Flask, content_dir: Path) -> None:
    """Start the off-site copy's pusher when workspace.yaml sets ``history.push_to``."""
    try:
        config = load_config(content_dir)
    except ProblemsError as exc:
        log.warning(
            "workspace.yaml cannot be read, so the history is not copied off-site: %s",
            "; ".join(str(p) for p in exc.problems),
        )
        config = None
    pusher = (
        pusher_for(content_dir, config.history.push_to, retry=config.history.retry_seconds)
        if config
        else None
    )
    app.extensions["handle_docs"]["pusher"] = pusher
    try:
        repo = ForceRepo.of(content_dir)
    except HistoryError:
        repo = None  # the handle-docs source checkout: no history to read
    if repo is not None:
        threading.Thread(target=_warm, args=(repo,), name="history-warm", daemon=True).start()


def _warm(repo: ForceRepo) -> None:
    """Read the history's versions in the background as the workspace starts (history/log.warm), so the first
    person to open the materials page does not wait for it."""
    try:
        warm(repo)
    except Exception as exc:  # a page reads the history itself if this could not
        log.info("the history was not read ahead: %s", type(exc).__name__)


def pusher() -> Pusher | None:
    return current_app.extensions["handle_docs"].get("pusher")


def pusher_for_admins() -> Pusher | None:
    """The off-site copy's pusher, for a page to say it is failing: only to admins, who can act on it."""
    actor = current_actor()
    return pusher() if actor is not None and actor.can(ADMIN) else None


def committed(recorded: Recorded) -> None:
    """After a save or sign-off: copy the new commit off-site in the background (never waits)."""
    off_site = pusher()
    if recorded.commit and off_site is not None:
        off_site.kick()


def _repo_or_page(material):
    """The force folder's repository, or the page saying in words why there is no history."""
    content = content_or_404()
    try:
        repo = ForceRepo.of(content.root)
    except HistoryError:
        repo, why = None, "this is the handle-docs program's own folder, not a force's folder"
    else:
        why = "this workspace's folder is not set up to keep one"
    if repo is None:
        return None, (
            render_template(
                "error.html",
                title=f"History: {material.spec.title}",
                message=f"There is no history to show: {why}. Tell whoever runs the workspace.",
            ),
            409,
        )
    return repo, None


@bp.get("/materials/<material_id>/history")
def page(material_id: str):
    content = content_or_404()
    material = material_or_404(content, material_id)
    repo, refused = _repo_or_page(material)
    if refused:
        return refused
    numbering = Numbering.of(content.root)
    found = list(reversed(numbering.history(material_id) or []))
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    compared: tuple[int, int, list[SectionDiff] | str] | None = None
    if a and b:
        try:
            compared = (a, b, proofs.change_between(repo, material_id, a, b))
        except HistoryError as exc:
            compared = (a, b, str(exc))
    return render_template(
        "history.html",
        title=f"History: {material.spec.title}",
        material=material,
        versions=found,
        labels={v.number: numbering.label_of(v) for v in found},
        role_name=load_policy(content.root)[0].role_name,
        long_date=long_date,
        shown_time=shown_time,
        sections_view=sections_view,
        compared=compared,
        push=pusher_for_admins(),
    )


@bp.get("/materials/<material_id>/history/<int:number>/proof")
def proof(material_id: str, number: int):
    """The proof of a past version, as a PDF, made from the history."""
    content = content_or_404()
    material = material_or_404(content, material_id)
    repo, refused = _repo_or_page(material)
    if refused:
        return refused
    with tempfile.TemporaryDirectory(prefix="handle-docs-history-proof-") as tmp:
        try:
            made = proof_of_version(repo, material_id, number, Path(tmp))
        except (HistoryError, ProofError) as exc:
            return render_template(
                "error.html", title=f"History: {material.spec.title}", message=str(exc)
            ), 404
        data = made.path.read_bytes()
    return send_file(
        BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"{material_id}-version-{number}-proof.pdf",
    )
