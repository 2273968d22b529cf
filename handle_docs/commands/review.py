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

from ..history.changes import record_signoff
from ..history.repo import COMMAND_LINE, ForceRepo, Person
from ..models import Severity
from ..review import (
    APPROVED,
    CHANGES_REQUESTED,
    REGISTRY_ID,
    TODAY_ENV,
    AgentSigner,
    KeyFileSigner,
    KeyProblem,
    MaterialStatus,
    PassphraseNeeded,
    RegistryStatus,
    ReviewError,
    Signer,
    diff_report,
    load_registry,
    resolve_today,
    review_dir_for,
    review_status,
    reviewers_status,
    sign,
)
from ..review.pin import ROOT_ENV, read_pin
from ..review.sshsign import is_public_key_file
from .common import (
    EXIT_PROBLEMS,
    AbsolutePath,
    fail,
    load_content_or_fail,
    print_problems,
    refuse,
    require_ids,
    review_dir_option,
    unpinned_option,
    warn_unpinned,
)


def review_options(func):
    func = click.option(
        "--today",
        "today_text",
        hidden=True,
        default=None,
        envvar=TODAY_ENV,
        help="Pretend today is this date (YYYY-MM-DD); for tests.",
    )(func)
    return review_dir_option(func)


def _today(text: str | None) -> dt.date:
    try:
        return resolve_today(text)
    except ReviewError as exc:
        raise click.BadParameter(exc.problems[0].message, param_hint="--today") from exc


def _material(content, material_id: str, *, registry_ok: bool = False) -> None:
    """A wrong material id is a usage error (exit 2)."""
    if material_id in content.materials or (registry_ok and material_id == REGISTRY_ID):
        return
    also = f"; and '{REGISTRY_ID}', the reviewer registry" if registry_ok else ""
    raise click.UsageError(
        f"no material with id '{material_id}' (have: {', '.join(sorted(content.materials)) or 'none'}{also})"
    )


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


def _approved_by(status: MaterialStatus | RegistryStatus) -> str:
    people = status.counted_approvers
    return ", ".join(f"{s.shown} ({s.role})" for s in people) or "-"


def _signed(entry) -> str:
    """One verified sign-off as status shows it: who, as which id, role, key."""
    via = f" via workspace key {entry.via}" if entry.via else ""
    note = f": {entry.note}" if entry.note else ""
    return (
        f"{entry.date.isoformat()} {entry.decision} by {entry.shown} [{entry.reviewer}] ({entry.role}), "
        f"key {entry.key}{via}{note}"
    )


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


@review.command("status")
@review_options
@click.option("--verbose", "-v", is_flag=True, help="Also list each version's parts and sign-offs.")
@unpinned_option
def status_cmd(content_dir, templates, review_dir, today_text, verbose):
    """A table of every material: version, approved or not, by whom, review-by
    date and what is missing.  Exits 1 when anything is unapproved or expired."""
    content = load_content_or_fail(content_dir, templates)
    day = _today(today_text)
    folder = _review_dir(content_dir, review_dir)
    try:
        registry = reviewers_status(content, review_dir=folder, today=day)
        statuses, extra = review_status(content, review_dir=folder, today=day, registry=registry)
    except ReviewError as exc:
        fail(exc.problems, "review policy cannot be used")
    if not registry.pin_refused:
        warn_unpinned(registry.pin_problem)
    click.echo(table(_status_rows(registry, statuses)))
    click.echo("")
    click.echo(
        "Verified sign-offs standing on the current versions (person [registry id], role, signing key):"
    )
    for s in [registry, *statuses]:
        standing = sorted(s.tally.approvers + s.tally.requests, key=lambda e: (e.date, e.index))
        click.echo(f"  {s.material_id} {s.short}: " + ("none" if not standing else ""))
        for entry in standing:
            click.echo(f"    {_signed(entry)}")
    if registry.trusted is not None and not registry.approved:
        click.echo(f"  (sign-offs are judged by the approved registry version {registry.trusted.short})")
    if verbose:
        _echo_parts(registry, statuses)
    problems = registry.problems + [p for s in statuses for p in s.problems] + extra
    if problems:
        click.echo("")
        print_problems(problems, "sign-off records")
    bad = [s for s in [registry, *statuses] if not s.approved]
    click.echo("")
    if bad:
        click.echo(
            f"NOT READY: {len(bad)} of {len(statuses) + 1} (materials and the reviewer registry) not approved "
            "for their current version: " + ", ".join(s.material_id for s in bad)
        )
        click.echo("See what changed with: handle-docs review diff MATERIAL")
        sys.exit(EXIT_PROBLEMS)
    click.echo(
        f"ready: all {len(statuses)} material(s) and the reviewer registry approved for their current version"
    )


def _status_rows(registry, statuses):
    """The status table's rows: a heading, the reviewer registry, then each material."""
    rows = [["MATERIAL", "VERSION", "STATE", "APPROVED BY", "REVIEW BY", "MISSING"]]
    rows.append(
        [
            f"{REGISTRY_ID} (registry)",
            registry.short,
            registry.state,
            _approved_by(registry),
            "-",
            "; ".join(registry.missing()) or "-",
        ]
    )
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
    return rows


def _echo_parts(registry, statuses):
    """With --verbose: the registry's fingerprint, pin and approved versions, and each version's parts."""
    click.echo("")
    click.echo(f"{REGISTRY_ID} ({registry.path})")
    click.echo(f"  fingerprint: {registry.fingerprint or '-'}")
    click.echo(f"  pinned root: {registry.pin_record or 'none'}")
    click.echo(f"  sign-offs: {registry.signoff_file}")
    click.echo(f"  approved versions, in order: {', '.join(registry.approved_versions) or 'none'}")
    for s in statuses:
        click.echo("")
        click.echo(f"{s.material_id} ({s.source}, version {s.version})")
        click.echo(f"  fingerprint: {s.fingerprint}")
        click.echo(
            f"  policy: {s.policy.describe()}"
            + ("" if s.policy.editor_may_approve else ", not by the last editor")
        )
        click.echo(f"  sign-offs: {s.signoff_file}")
        click.echo("  made of:")
        for part in s.parts:
            click.echo(f"    {part.kind:<8} {part.name}  {part.sha256[:12]}")


# --- diff ----------------------------------------------------------------------


@review.command("diff")
@click.argument("material_id", metavar="MATERIAL")
@review_options
@click.option(
    "--against",
    default=None,
    metavar="FINGERPRINT",
    help="Compare with this recorded version instead of the last approved one.",
)
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


def _signer(key: Path) -> Signer:
    """The reviewer's key: a .pub file signs through ssh-agent, a private key
    file in Python (a passphrase is asked for on a terminal)."""
    try:
        if is_public_key_file(key):
            return AgentSigner(key)
        try:
            return KeyFileSigner(key)
        except PassphraseNeeded:
            if not sys.stdin.isatty():
                raise
            passphrase = click.prompt(f"Passphrase for {key}", hide_input=True, err=True)
            return KeyFileSigner(key, passphrase)
    except KeyProblem as exc:
        refuse(str(exc))


def _reviewer_known(content, folder: Path, reviewer: str, day) -> None:
    """A reviewer id in no version of the registry is a usage error (exit 2)."""
    registry = reviewers_status(content, review_dir=folder, today=day)
    known = set()
    for version in (registry.current, registry.trusted):
        if version is not None:
            known |= set(version.data.reviewers)
    if reviewer not in known:
        raise click.UsageError(
            f"no reviewer with id '{reviewer}' in {registry.path} (have: {', '.join(sorted(known)) or 'none'}); "
            "see: handle-docs reviewers list"
        )


def _registry_name(content, reviewer: str) -> str | None:
    """The registry's name for ``reviewer`` (the commit's author), if it lists them."""
    registry = load_registry(content.root).registry
    return (
        registry.display(reviewer)
        if registry is not None and registry.reviewer(reviewer) is not None
        else None
    )


def _sign(
    decision,
    material_id,
    content_dir,
    templates,
    review_dir,
    today_text,
    reviewer,
    role,
    key,
    note,
    expect=None,
):
    content = load_content_or_fail(content_dir, templates)
    _material(content, material_id, registry_ok=True)
    day = _today(today_text)
    folder = _review_dir(content_dir, review_dir)
    try:
        _reviewer_known(content, folder, reviewer, day)
    except ReviewError as exc:
        fail(exc.problems, "review policy cannot be used")
    awaiting = read_pin(folder).awaiting
    signer = _signer(key)
    try:
        recorded = record_signoff(
            content,
            material_id,
            lambda: sign(
                content,
                material_id,
                reviewer=reviewer,
                role=role,
                signer=signer,
                decision=decision,
                note=note or "",
                today=day,
                review_dir=folder,
                expect=expect,
            ),
            Person.for_id(reviewer, _registry_name(content, reviewer)),
            COMMAND_LINE,
            review_dir=folder,
        )
    except ReviewError as exc:
        fail(exc.problems, f"sign-off not recorded for {material_id}")
    if not recorded.ok:
        refuse(f"sign-off not recorded for {material_id}: {recorded.failed} ({recorded.details})")
    entry, status = recorded.value
    verb = "approved" if decision == APPROVED else "asked for changes to"
    via = f" via workspace key {entry.via}" if entry.via else ""
    click.echo(
        f"recorded: {entry.shown} [{entry.reviewer}] ({entry.role}) {verb} {material_id} version {status.short} "
        f"on {entry.date.isoformat()}, signed with key {entry.key}{via}, in {status.signoff_file}"
    )
    pinned = read_pin(folder).file_value if awaiting else None
    if pinned:
        click.echo(
            f"pinned the reviewer registry's first approved version {pinned} in {read_pin(folder).path}: commit that "
            f"file, and set {ROOT_ENV}={pinned} where you print and serve"
        )
    if recorded.commit:
        click.echo(f"on the record: commit {recorded.commit[:10]} in {ForceRepo.of(content.root).root}")
    warnings = [p for p in status.problems if p.severity == Severity.WARNING]
    if warnings:
        print_problems(warnings, "sign-off records")
    if status.approved:
        click.echo(f"{material_id} is approved for this version: {_approved_by(status)}")
    else:
        click.echo(f"{material_id} is not yet approved: {'; '.join(status.missing())}")


def sign_options(func):
    func = click.option(
        "--expect",
        default=None,
        metavar="FINGERPRINT",
        help="The version you read (sha256:… as review status, diff or the proof shows it): nothing is signed "
        "if the material is another version now.",
    )(func)
    func = click.option("--note", default=None, help="What you checked, or what must change.")(func)
    func = click.option(
        "--key",
        required=True,
        type=AbsolutePath(exists=True, dir_okay=False, path_type=Path),
        help="Your SSH key: the private key file (ed25519 or RSA), or its .pub file to sign with ssh-agent.",
    )(func)
    func = click.option(
        "--role", required=True, help="Your role, one of those in content/review-policy.yaml."
    )(func)
    func = click.option(
        "--reviewer", required=True, help="Your id in content/reviewers.yaml (handle-docs reviewers list)."
    )(func)
    return func


@review.command("approve")
@click.argument("material_id", metavar="MATERIAL")
@review_options
@sign_options
def approve_cmd(
    material_id, content_dir, templates, review_dir, today_text, reviewer, role, key, note, expect
):
    """Approve the current version of MATERIAL (appends a signed entry to
    review/MATERIAL.yaml).  MATERIAL 'reviewers' is the reviewer registry."""
    _sign(
        APPROVED,
        material_id,
        content_dir,
        templates,
        review_dir,
        today_text,
        reviewer,
        role,
        key,
        note,
        expect,
    )


@review.command("request-changes")
@click.argument("material_id", metavar="MATERIAL")
@review_options
@sign_options
def request_changes_cmd(
    material_id, content_dir, templates, review_dir, today_text, reviewer, role, key, note, expect
):
    """Ask for changes to the current version of MATERIAL (--note says what).

    Withdraws your own approval of this version, and holds the version back
    until you approve it."""
    _sign(
        CHANGES_REQUESTED,
        material_id,
        content_dir,
        templates,
        review_dir,
        today_text,
        reviewer,
        role,
        key,
        note,
        expect,
    )


# --- proof -----------------------------------------------------------------------


@review.command("proof")
@click.argument("material_id", metavar="MATERIAL")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=AbsolutePath(file_okay=False, path_type=Path),
    help="Folder to write MATERIAL-proof.pdf into.",
)
@review_options
def proof_cmd(material_id, out_dir, content_dir, templates, review_dir, today_text):
    """A proof PDF of MATERIAL for reviewers, every page watermarked
    (DRAFT — NOT APPROVED, or APPROVED <date>) with the version fingerprint
    in the footer.  A letter's proof uses invented sample data that shows
    every finding; a leaflet's is its A4 copy; a paper form's is one sheet."""
    from handle_docs.services.proofs import ProofError, make_proof

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
    click.echo(
        f"{proof.path}: {proof.pages} pages, watermark '{proof.watermark}', version {proof.fingerprint}"
    )
