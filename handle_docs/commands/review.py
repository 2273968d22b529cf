"""``handle-docs review …``: fingerprints, sign-offs, status, diffs and proofs.

Every material version must be approved before anything is printed from it.
These commands show where each material stands, what changed since the last
approved version, record approvals, and make watermarked proofs.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ..models import Severity
from ..review import (
    APPROVED,
    CHANGES_REQUESTED,
    TODAY_ENV,
    MaterialStatus,
    ReviewError,
    diff_report,
    resolve_today,
    review_dir_for,
    review_status,
    sign,
)
from .common import EXIT_PROBLEMS, content_options, fail, load_content_or_fail, print_problems, refuse, require_ids


def review_options(func):
    func = click.option(
        "--today",
        "today_text",
        hidden=True,
        default=None,
        envvar=TODAY_ENV,
        help="Pretend today is this date (YYYY-MM-DD); for tests.",
    )(func)
    func = click.option(
        "--review-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder of sign-off records (default: 'review' beside the content folder).",
    )(func)
    return content_options(func)


def _today(text: str | None) -> dt.date:
    try:
        return resolve_today(text)
    except ReviewError as exc:
        raise click.BadParameter(exc.problems[0].message, param_hint="--today") from exc


def _review_dir(content_dir: Path, review_dir: Path | None) -> Path:
    return review_dir if review_dir is not None else review_dir_for(content_dir)


@click.group("review")
def review() -> None:
    """Review and approve materials before they are printed.

    A material's version is a fingerprint over its wording, the shared
    content it uses (contact details, links), its templates and the fonts.
    Any change is a new version that must be approved again.
    """


# --- status --------------------------------------------------------------------


def _approved_by(status: MaterialStatus) -> str:
    people = status.counted_approvers
    return ", ".join(f"{s.reviewer} ({s.role})" for s in people) or "-"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


@review.command("status")
@review_options
@click.option("--verbose", "-v", is_flag=True, help="Also list each version's parts and sign-offs.")
def status_cmd(content_dir, templates, review_dir, today_text, verbose):
    """A table of every material: version, approved or not, by whom, review-by
    date and what is missing.  Exits 1 when anything is unapproved or expired."""
    content = load_content_or_fail(content_dir, templates)
    day = _today(today_text)
    try:
        statuses, extra = review_status(content, review_dir=_review_dir(content_dir, review_dir), today=day)
    except ReviewError as exc:
        fail(exc.problems, "review policy cannot be used")
    rows = [["MATERIAL", "VERSION", "STATE", "APPROVED BY", "REVIEW BY", "MISSING"]]
    for s in statuses:
        rows.append(
            [
                s.material_id,
                s.short,
                s.state,
                _approved_by(s),
                s.review_by.isoformat() + (" (passed)" if s.expired else ""),
                "; ".join(s.missing()) or "-",
            ]
        )
    click.echo(_table(rows))
    if verbose:
        for s in statuses:
            click.echo("")
            click.echo(f"{s.material_id} ({s.source}, version {s.version})")
            click.echo(f"  fingerprint: {s.fingerprint}")
            click.echo(f"  policy: {s.policy.describe()}" + ("" if s.policy.editor_may_approve else ", not by the last editor"))
            click.echo(f"  sign-offs: {s.signoff_file}")
            for entry in sorted(s.tally.approvers + s.tally.requests, key=lambda e: (e.date, e.index)):
                note = f": {entry.note}" if entry.note else ""
                click.echo(f"    {entry.date.isoformat()} {entry.decision} by {entry.reviewer} ({entry.role}){note}")
            click.echo("  made of:")
            for part in s.parts:
                click.echo(f"    {part.kind:<8} {part.name}  {part.sha256[:12]}")
    problems = [p for s in statuses for p in s.problems] + extra
    if problems:
        click.echo("")
        print_problems(problems, "sign-off records")
    bad = [s for s in statuses if not s.approved]
    click.echo("")
    if bad:
        click.echo(
            f"NOT READY: {len(bad)} of {len(statuses)} material(s) not approved for their current version: "
            + ", ".join(s.material_id for s in bad)
        )
        click.echo("See what changed with: handle-docs review diff MATERIAL")
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"ready: all {len(statuses)} material(s) approved for their current version")


# --- diff ----------------------------------------------------------------------


@review.command("diff")
@click.argument("material_id", metavar="MATERIAL")
@review_options
@click.option("--against", default=None, metavar="FINGERPRINT",
              help="Compare with this recorded version instead of the last approved one.")
def diff_cmd(material_id, content_dir, templates, review_dir, today_text, against):
    """What changed in the words a resident reads since the last approved
    version, word by word: [-removed-]{+added+}."""
    content = load_content_or_fail(content_dir, templates)
    require_ids(content, [material_id])
    try:
        report = diff_report(
            content,
            material_id,
            against=against,
            review_dir=_review_dir(content_dir, review_dir),
            today=_today(today_text),
        )
    except ReviewError as exc:
        fail(exc.problems, f"cannot compare versions of {material_id}")
    click.echo(report.text())
    if report.missing_snapshot is not None:
        sys.exit(EXIT_PROBLEMS)


# --- approve / request-changes ---------------------------------------------------


def _sign(decision, material_id, content_dir, templates, review_dir, today_text, reviewer, role, note):
    content = load_content_or_fail(content_dir, templates)
    require_ids(content, [material_id])
    day = _today(today_text)
    try:
        entry, status = sign(
            content,
            material_id,
            reviewer=reviewer,
            role=role,
            decision=decision,
            note=note or "",
            today=day,
            review_dir=_review_dir(content_dir, review_dir),
        )
    except ReviewError as exc:
        fail(exc.problems, f"sign-off not recorded for {material_id}")
    verb = "approved" if decision == APPROVED else "asked for changes to"
    click.echo(
        f"recorded: {entry.reviewer} ({entry.role}) {verb} {material_id} version {status.short} "
        f"on {entry.date.isoformat()} in {status.signoff_file}"
    )
    warnings = [p for p in status.problems if p.severity == Severity.WARNING]
    if warnings:
        print_problems(warnings, "sign-off records")
    if status.approved:
        click.echo(f"{material_id} is approved for this version: {_approved_by(status)}")
    else:
        click.echo(f"{material_id} is not yet approved: {'; '.join(status.missing())}")


def sign_options(func):
    func = click.option("--note", default=None, help="What you checked, or what must change.")(func)
    func = click.option("--role", required=True, help="Your role, one of those in content/review-policy.yaml.")(func)
    func = click.option("--reviewer", required=True, help="Your name as it should appear in the record.")(func)
    return func


@review.command("approve")
@click.argument("material_id", metavar="MATERIAL")
@review_options
@sign_options
def approve_cmd(material_id, content_dir, templates, review_dir, today_text, reviewer, role, note):
    """Approve the current version of MATERIAL (appends to review/MATERIAL.yaml)."""
    _sign(APPROVED, material_id, content_dir, templates, review_dir, today_text, reviewer, role, note)


@review.command("request-changes")
@click.argument("material_id", metavar="MATERIAL")
@review_options
@sign_options
def request_changes_cmd(material_id, content_dir, templates, review_dir, today_text, reviewer, role, note):
    """Ask for changes to the current version of MATERIAL (--note says what).

    Withdraws your own approval of this version, and holds the version back
    until you approve it."""
    _sign(CHANGES_REQUESTED, material_id, content_dir, templates, review_dir, today_text, reviewer, role, note)


# --- proof -----------------------------------------------------------------------


@review.command("proof")
@click.argument("material_id", metavar="MATERIAL")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write MATERIAL-proof.pdf into.")
@review_options
def proof_cmd(material_id, out_dir, content_dir, templates, review_dir, today_text):
    """A proof PDF of MATERIAL for reviewers, every page watermarked
    (DRAFT — NOT APPROVED, or APPROVED <date>) with the version fingerprint
    in the footer.  A letter's proof uses invented sample data that shows
    every finding; a leaflet's is its A4 copy."""
    from handle_docs.review.proof import ProofError, make_proof

    content = load_content_or_fail(content_dir, templates)
    require_ids(content, [material_id])
    try:
        proof = make_proof(
            content,
            material_id,
            out_dir,
            today=_today(today_text),
            review_dir=_review_dir(content_dir, review_dir),
        )
    except ReviewError as exc:
        fail(exc.problems, "review policy cannot be used")
    except ProofError as exc:
        refuse(str(exc))
    click.echo(f"{proof.path}: {proof.pages} pages, watermark '{proof.watermark}', version {proof.fingerprint}")
