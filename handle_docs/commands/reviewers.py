"""``handle-docs reviewers …``: the reviewer registry (content/reviewers.yaml).

Each change is written to the file at once but counts only once it is
approved like a material (``handle-docs review approve reviewers …``) by
reviewers of the previously approved version.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..history.changes import record_change, terminal_person
from ..history.repo import COMMAND_LINE
from ..review import (
    POLICY_FILE,
    REGISTRY_ID,
    KeyProblem,
    RegistryEditError,
    RegistryFileError,
    RegistryStatus,
    ReviewError,
    load_policy,
    resolve_today,
    review_dir_for,
    reviewers_status,
)
from ..review import registry as registry_lib
from ..review.fingerprints import short
from ..review.pin import ROOT_ENV, read_pin, write_pin
from ..review.sshsign import read_public_key_file
from .common import AbsolutePath, fail, load_content_or_fail, print_problems, refuse, review_dir_option
from .review import table


def _status(content_dir: Path, templates: Path | None, review_dir: Path | None) -> RegistryStatus:
    content = load_content_or_fail(content_dir, templates)
    try:
        return reviewers_status(
            content, review_dir=review_dir or review_dir_for(content_dir), today=resolve_today()
        )
    except ReviewError as exc:
        fail(exc.problems, "review policy cannot be used")


def _roles(content_dir: Path) -> list[str]:
    policy, problems = load_policy(content_dir)
    if problems:
        fail(problems, "review policy cannot be used")
    return policy.roles


def _key_line(path: Path) -> str:
    try:
        return read_public_key_file(path).openssh + _comment(path)
    except KeyProblem as exc:
        raise click.UsageError(str(exc)) from None


def _comment(path: Path) -> str:
    parts = path.read_text(encoding="utf-8").split(None, 2)
    return f" {' '.join(parts[2].split())}" if len(parts) > 2 else ""


def _edit(action, content_dir: Path, message: str, path: Path | None = None):
    """Run a registry change, committed as one with ``message`` when the force folder is a git repository
    (history/changes.py): wrong ids, roles or keys are usage errors (exit 2); a registry file that cannot
    be read is a problem with file:line (exit 1)."""
    try:
        recorded = record_change(
            content_dir,
            [path or registry_lib.registry_path(content_dir)],
            action,
            f"Reviewer list: {message}",
            terminal_person(),
            COMMAND_LINE,
        )
    except RegistryEditError as exc:
        raise click.UsageError(str(exc)) from None
    except RegistryFileError as exc:
        fail(exc.problems, "the reviewer registry cannot be used")
    if not recorded.ok:
        refuse(f"not changed: {recorded.failed} ({recorded.details})")
    if recorded.commit:
        click.echo(f"on the record: commit {recorded.commit[:10]} ({message})")
    return recorded.value


def _next_step(status: RegistryStatus) -> None:
    judge = status.judge
    who = (
        f"reviewers of the approved version {status.trusted.short}"
        if status.trusted is not None
        else "people it lists (the first version approves itself)"
    )
    click.echo(f"This change counts only once the registry is approved by {who}:")
    click.echo(f"  handle-docs review approve {REGISTRY_ID} --reviewer ID --role ROLE --key KEY")
    if judge is not None and status.trusted is not None:
        people = ", ".join(sorted(r for r, e in judge.data.reviewers.items() if e.removed is None))
        click.echo(f"  (who can: {people or 'nobody'})")


@click.group("reviewers")
def reviewers() -> None:
    """The reviewer registry: who may sign off, in which roles, with which SSH keys.

    Changes are written to content/reviewers.yaml and count only once the
    registry is approved: handle-docs review approve reviewers …
    """


@reviewers.command("list")
@review_dir_option
def list_cmd(content_dir, templates, review_dir):
    """Every reviewer and workspace key, with key fingerprints, and whether
    the registry's current version is approved."""
    status = _status(content_dir, templates, review_dir)
    current, trusted = status.current, status.trusted
    if status.problems:
        print_problems(status.problems, "reviewer registry")
    if current is None:
        click.echo(f"no usable reviewer registry at {status.path}: {'; '.join(status.missing())}")
        raise SystemExit(1)
    state = "approved" if status.approved else f"{status.state}: {'; '.join(status.missing())}"
    click.echo(f"registry {status.path} version {status.short}: {state}")
    if not status.approved:
        click.echo(
            "sign-offs are judged by "
            + (f"the approved version {trusted.short}" if trusted else "nothing yet (no approved version)")
        )
    rows = [["ID", "NAME", "ROLES", "KEYS", "STATE"]]
    for rid, entry in sorted(current.data.reviewers.items()):
        flags = []
        if entry.removed is not None:
            flags.append(f"removed {entry.removed.isoformat()}")
        if trusted is None or trusted.reviewer(rid) is None:
            flags.append("not approved yet")
        if entry.demo_only:
            flags.append("DEMO ONLY")
        if entry.subject is not None:
            approved = trusted is not None and trusted.reviewer_with_subject(entry.subject) == rid
            flags.append(f"sign-on subject {entry.subject}" + ("" if approved else " (not approved yet)"))
        keys = ", ".join(current.keys_of(rid))
        rows.append([rid, entry.name, ", ".join(entry.roles), keys, "; ".join(flags) or "active"])
    click.echo(table(rows))
    if current.data.workspace_keys:
        click.echo("")
        rows = [["WORKSPACE KEY", "KEY", "STATE"]]
        for name, wk in sorted(current.data.workspace_keys.items()):
            fp = registry_lib.parse_public_key(wk.key).fingerprint
            flags = []
            if trusted is None or trusted.owner(fp) is None:
                flags.append("not approved yet")
            if wk.demo_only:
                flags.append("DEMO ONLY")
            rows.append([name, fp, "; ".join(flags) or "trusted"])
        click.echo(table(rows))


@reviewers.command("add")
@click.argument("reviewer_id", metavar="ID")
@click.option("--name", required=True, help="Display name, e.g. 'Priya Lang'.")
@click.option(
    "--role", "roles", multiple=True, required=True, help="A role they may sign in (repeat for more)."
)
@click.option(
    "--key",
    "keys",
    multiple=True,
    required=True,
    type=AbsolutePath(exists=True, dir_okay=False, path_type=Path),
    help="Their public SSH key file (.pub; ed25519 or RSA); repeat for more.",
)
@click.option(
    "--demo-only", is_flag=True, hidden=True, help="Mark as a demo reviewer (the bundled sample only)."
)
@review_dir_option
def add_cmd(reviewer_id, name, roles, keys, demo_only, content_dir, templates, review_dir):
    """Add a reviewer ID (lower-case, like priya-lang) with their roles and keys."""
    allowed = _roles(content_dir)
    lines = [_key_line(path) for path in keys]
    entry = _edit(
        lambda: registry_lib.add_reviewer(
            content_dir,
            reviewer_id,
            name=name,
            roles=list(roles),
            keys=lines,
            allowed_roles=allowed,
            demo_only=demo_only,
        ),
        content_dir,
        f"{reviewer_id} added",
    )
    click.echo(
        f"added {reviewer_id} ({entry.name}; {', '.join(entry.roles)}) to {registry_lib.registry_path(content_dir)}"
    )
    _next_step(_status(content_dir, templates, review_dir))


@reviewers.command("set-subject")
@click.argument("reviewer_id", metavar="ID")
@click.argument("subject", required=False)
@click.option("--clear", is_flag=True, help="No longer name a subject for ID.")
@review_dir_option
def set_subject_cmd(reviewer_id, subject, clear, content_dir, templates, review_dir):
    """Name reviewer ID's SUBJECT at the single sign-on provider (their sub, or their object id with
    subject_claim: oid): signed in as that subject, they sign as ID with the workspace key."""
    if clear == (subject is not None):
        raise click.UsageError("give the SUBJECT, or --clear to remove it")
    entry = _edit(
        lambda: registry_lib.set_subject(content_dir, reviewer_id, None if clear else subject),
        content_dir,
        f"{reviewer_id}'s single sign-on subject {'cleared' if clear else 'named'}",
    )
    said = f"subject {entry.subject}" if entry.subject else "no subject"
    click.echo(f"{reviewer_id} ({entry.name}) now has {said} in {registry_lib.registry_path(content_dir)}")
    _next_step(_status(content_dir, templates, review_dir))


@reviewers.command("remove")
@click.argument("reviewer_id", metavar="ID")
@review_dir_option
def remove_cmd(reviewer_id, content_dir, templates, review_dir):
    """Mark reviewer ID removed from today: their sign-offs dated up to today
    still count, later ones never do.  They stay listed so that the record can
    still be judged."""
    entry = _edit(
        lambda: registry_lib.remove_reviewer(content_dir, reviewer_id, on=resolve_today()),
        content_dir,
        f"{reviewer_id} removed",
    )
    where = registry_lib.registry_path(content_dir)
    click.echo(f"removed {reviewer_id} ({entry.name}) as of {entry.removed.isoformat()} in {where}")
    _next_step(_status(content_dir, templates, review_dir))


@reviewers.command("add-workspace-key")
@click.argument("name", metavar="NAME")
@click.option(
    "--key",
    required=True,
    type=AbsolutePath(exists=True, dir_okay=False, path_type=Path),
    help="The workspace's public SSH key file (.pub).",
)
@click.option(
    "--demo-only", is_flag=True, hidden=True, help="Mark as the demo workspace key (the bundled sample only)."
)
@review_dir_option
def add_workspace_key_cmd(name, key, demo_only, content_dir, templates, review_dir):
    """Trust the workspace key NAME to sign for a reviewer signed in to the workspace."""
    line = _key_line(key)
    _edit(
        lambda: registry_lib.add_workspace_key(content_dir, name, key=line, demo_only=demo_only),
        content_dir,
        f"workspace key {name} added",
    )
    click.echo(f"added workspace key {name} to {registry_lib.registry_path(content_dir)}")
    _next_step(_status(content_dir, templates, review_dir))


@reviewers.command("rules")
@review_dir_option
def rules_cmd(content_dir, templates, review_dir):
    """Record the approval rules (content/review-policy.yaml) in the reviewer registry after editing them:
    the new rules count only once the registry is approved by the reviewers the rules before require."""
    fp, changed = _edit(
        lambda: registry_lib.set_rules(content_dir),
        content_dir,
        "approval rules recorded",
        path=None,
    )
    where = registry_lib.registry_path(content_dir)
    if not changed:
        click.echo(f"{where} already names these approval rules ({short(fp)})")
    else:
        click.echo(f"recorded the approval rules {short(fp)} ({POLICY_FILE}) in {where}")
    status = _status(content_dir, templates, review_dir)
    if status.approved:
        return
    click.echo(
        "Nothing counts as approved until the reviewer list naming these rules is approved; it is judged by "
        "the rules the approved version before it names."
    )
    _next_step(status)


@reviewers.command("pin")
@click.option(
    "--root",
    default=None,
    metavar="FINGERPRINT",
    help="Pin this registry version (sha256:…, 64 hex digits) instead of the first approved one.",
)
@review_dir_option
def pin_cmd(root, content_dir, templates, review_dir):
    """Pin the reviewer registry's first approved version in review/reviewers.root:
    from then on a registry whose approvals do not start there counts for nothing.

    For a folder made before pins existed, or whose pin still awaits the first
    approval.  It never replaces a pin: re-pinning changes who may approve
    anything, so it is done by editing the file, and that change reviewed."""
    folder = review_dir or review_dir_for(content_dir)
    pin = read_pin(folder)
    if pin.file_value is not None:
        raise click.UsageError(
            f"{pin.path} already pins {short(pin.file_value)}; to re-pin, edit that file (a change of who may "
            "approve anything: have it reviewed like one)"
        )
    if root is None:
        status = _status(content_dir, templates, review_dir)
        if status.first_approved is None:
            fail(
                status.problems,
                "no version of the reviewer registry is approved yet, so there is nothing to pin",
            )
        root = status.first_approved
    try:
        path = _edit(
            lambda: write_pin(folder, root.strip().lower()),
            content_dir,
            "first approved version pinned",
            path=read_pin(folder).path,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--root") from None
    click.echo(f"pinned the reviewer registry's root {root} in {path}")
    click.echo(
        "Check it is the version your force's reviewers approved (review status --verbose lists them), "
        "and commit the file."
    )
    click.echo(
        f"For a pin nobody can change inside this folder, also set {ROOT_ENV}={root} where handle-docs "
        "prints and serves."
    )
