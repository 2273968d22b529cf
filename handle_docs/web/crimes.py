"""The force's crime data in the workspace: police.uk's street-level files, uploaded by an officer or an
admin, kept once in the instance folder (handle_docs/impact/kept.py) and replaced by the next upload.

police.uk data are public and anonymised. An upload is checked the way GOV.UK Notify checks a file: its
size, its kind (from its bytes), then every row; a wrong file is refused naming the file, row and column in
plain words (the full technical line in a "Technical details" disclosure), and the data kept before stays.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from handle_docs.identity.accounts import ADMIN
from handle_docs.impact.kept import ACCEPTED, FIXED, MAX_BYTES, CrimeDataRefused, CrimeStore
from handle_docs.models import Problem
from handle_docs.web import limits
from handle_docs.web.common import settings
from handle_docs.web.identity import OFFICER, requires_role

bp = Blueprint("crimes", __name__, url_prefix="/crime-data")

#: Who may upload crime data and read what it says: officers and whoever runs the workspace.
ROLES = (OFFICER, ADMIN)
#: Problems listed on the page (the rest are counted).
SHOWN_PROBLEMS = 10


def crime_store() -> CrimeStore:
    """The data uploaded here, or the folder serve was given (``--crimes``)."""
    return CrimeStore(Path(current_app.instance_path), settings().crimes)


def problem_words(problem: Problem) -> str:
    """'2026-03-westmarch-street.csv, row 1, column “LSOA code”: column 8 should be …': the file by its own
    name (no folder), then the row and column as a spreadsheet shows them."""
    name = problem.file.rsplit("/", 1)[-1].rsplit(":", 1)[-1] if problem.file else "Your file"
    where = [name]
    if problem.line is not None:
        where.append(f"row {problem.line}")
    if problem.key:
        where.append(f"column “{problem.key}”")
    return f"{', '.join(where)}: {problem.message}"


def _page(error: str | None = None, problems: list[Problem] | None = None, status: int = 200):
    kept = crime_store()
    if kept.fixed and error is None and kept.summary() is None:
        problems = kept.folder_problems()
        error = "The crime data in the folder on the server cannot be used." if problems else None
    problems = problems or []
    return render_template(
        "crimes.html",
        title="Crime data",
        summary=kept.summary(),
        accepted=ACCEPTED,
        fixed=FIXED if kept.fixed else None,
        limit=limits.in_words(MAX_BYTES),
        error=error,
        problems=[problem_words(p) for p in problems[:SHOWN_PROBLEMS]],
        more=max(0, len(problems) - SHOWN_PROBLEMS),
        technical=[str(p) for p in problems],
    ), status


@bp.errorhandler(413)
def _too_large(_exc):
    if request.endpoint != "crimes.upload":
        return limits.too_large()
    return _page(
        f"The file was larger than {limits.in_words(MAX_BYTES)}, so it was not kept. Upload {ACCEPTED}, "
        "for fewer months if need be.",
        status=413,
    )


@bp.get("/")
@requires_role(*ROLES)
def index():
    return _page()


@bp.post("/")
@limits.body_limit(MAX_BYTES + 64 * 1024)  # set before CSRFProtect reads the form (web/limits.py)
@requires_role(*ROLES)
def upload():
    if crime_store().fixed:  # read from the folder serve was given: nothing to upload
        return _page(FIXED, status=409)
    sent = request.files.get("crimes")
    if sent is None or not sent.filename:
        return _page(f"Choose a file to upload: {ACCEPTED}.", status=400)
    try:
        summary = crime_store().replace(sent.stream)
    except CrimeDataRefused as exc:
        return _page(str(exc), exc.problems, status=400)
    flash(f"The crime data was kept in place of any kept before. {summary.words}.")
    return redirect(url_for("crimes.index"), code=303)
