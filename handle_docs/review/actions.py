"""Sign a version (approve / request changes, SSH-signed) and show what changed
since the last approved version."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from handle_docs.wording.content import Content

from ..models import Problem
from .fingerprints import PREFIX, SHORT_HEX, hex_of, short
from .pin import write_pin
from .policy import POLICY_FILE, Policy, load_policy
from .registry import REGISTRY_ID, Registry, read_policy_copy, write_copy, write_policy_copy
from .signoffs import (
    APPROVED,
    CHANGES_REQUESTED,
    MAX_NOTE,
    SignOff,
    SignOffWriteError,
    append_signoff,
    review_dir_for,
)
from .sshsign import KeyProblem, Signer
from .status import MaterialStatus, ReviewError, material_status, resolve_today
from .trust import RegistryStatus, Tally, editor_ids, registry_status, statement_of, why_not
from .wording import (
    SectionDiff,
    Snapshot,
    diff_parts,
    diff_sections,
    read_snapshot,
    resident_text,
    snapshot_path,
    write_snapshot,
)

#: A sign-off refused because the version is no longer the one the reviewer read.
WORDING_CHANGED = "The wording changed since you opened it: read it again."


def _expected(expect: str | None, status: MaterialStatus | RegistryStatus, where: str) -> list[Problem]:
    """Refuse when ``expect`` (the fingerprint the reviewer read: the whole of it,
    or at least its short form) is not the current version's; None checks nothing."""
    if expect is None:
        return []
    given = hex_of(expect.strip().lower())
    now = hex_of(status.fingerprint)
    if len(given) >= SHORT_HEX and now.startswith(given):
        return []
    seen = f"you read {short(expect.strip())}" if given else "the version you read was not given"
    return [Problem(f"{WORDING_CHANGED} ({seen}; it is now {status.short})", where, key="fingerprint")]


def wording_changed(problems: list[Problem]) -> bool:
    return any(p.message.startswith(WORDING_CHANGED) for p in problems)


def _material_or_error(content: Content, material_id: str, *, registry_ok: bool = False) -> None:
    if material_id in content.materials or (registry_ok and material_id == REGISTRY_ID):
        return
    have = ", ".join(sorted(content.materials)) or "none"
    also = f"; and '{REGISTRY_ID}', the reviewer registry" if registry_ok else ""
    raise ReviewError([Problem(f"no material with id '{material_id}' (have: {have}{also})")])


def sign(
    content: Content,
    material_id: str,
    *,
    reviewer: str,
    role: str,
    signer: Signer | None = None,
    decision: str = APPROVED,
    note: str = "",
    today: dt.date | None = None,
    review_dir: Path | None = None,
    dry_run: bool = False,
    expect: str | None = None,
) -> tuple[SignOff, MaterialStatus | RegistryStatus]:
    """Sign and append a decision on the *current* version of a material (or
    of the reviewer registry, ``material_id='reviewers'``), and keep a copy
    of that version for later diffs and checks.

    ``reviewer`` is a registry id; ``signer`` holds the key that signs (the
    reviewer's own, or the workspace's :class:`WorkspaceSigner`).  Refuses
    (ReviewError, nothing written) whenever the sign-off could not count: an
    unknown material or role, no signer, a broken sign-off file, a reviewer
    or key the approved registry does not list, a role the person does not
    hold, the last editor approving their own version, the same person
    approving the same version twice, or an approval past the review-by date.
    ``dry_run``: check and sign, but write nothing (see :func:`refusals_for`).
    ``expect``: the fingerprint the reviewer read (the review page's, or
    ``--expect``): refused with :data:`WORDING_CHANGED` when the version is
    another one now.

    The sign-off that completes the first approval of the registry in a new
    force folder (``review/reviewers.root`` still awaiting it) pins that version.
    """
    _material_or_error(content, material_id, registry_ok=True)
    day = resolve_today(today)
    policy, problems = load_policy(content.root)
    if problems:
        raise ReviewError(problems)
    review_dir = Path(review_dir) if review_dir is not None else review_dir_for(content.root)
    registry = registry_status(content.root, policy, review_dir, day)
    on_registry = material_id == REGISTRY_ID
    status: MaterialStatus | RegistryStatus
    if on_registry:
        status = registry
        judge = registry.judge
        pending = registry.current if registry.current is not judge else None
        where = str(registry.path)
    else:
        status = material_status(
            content, material_id, policy=policy, review_dir=review_dir, today=day, registry=registry
        )
        judge, pending = registry.trusted, registry.pending
        where = str(status.source)
    changed = _expected(expect, status, where)
    if changed:
        raise ReviewError(changed)
    reviewer = (reviewer or "").strip()
    note = (note or "").strip()
    refusals = _request_refusals(
        policy, registry, status, reviewer=reviewer, role=role, note=note, decision=decision, signer=signer
    )
    if refusals:
        raise ReviewError(refusals)
    assert signer is not None  # refused above
    unsigned = SignOff(
        fingerprint=status.fingerprint, reviewer=reviewer, role=role, decision=decision, date=day, note=note
    )
    entry, judge = _signed(unsigned, material_id, signer, registry, judge, pending)
    if decision == APPROVED:
        refusals += _approval_refusals(content, material_id, status, reviewer, judge, policy)
    if refusals:
        raise ReviewError(refusals)
    if dry_run:
        return entry, status
    return entry, _record(content, material_id, entry, status, registry, policy, review_dir, day)


def _request_refusals(
    policy: Policy,
    registry: RegistryStatus,
    status: MaterialStatus | RegistryStatus,
    *,
    reviewer: str,
    role: str,
    note: str,
    decision: str,
    signer: Signer | None,
) -> list[Problem]:
    """Why this sign-off cannot be made at all, whoever signs it: what was asked, the key, the pin, the
    files."""
    refusals: list[Problem] = []
    if not reviewer:
        refusals.append(
            Problem("give the reviewer's id in the registry (see: handle-docs reviewers list)", "--reviewer")
        )
    if role not in policy.roles:
        refusals.append(
            Problem(f"unknown role {role!r} (review-policy.yaml allows: {', '.join(policy.roles)})", "--role")
        )
    if len(note) > MAX_NOTE:
        refusals.append(Problem(f"note is longer than {MAX_NOTE} characters", "--note"))
    if decision == CHANGES_REQUESTED and not note:
        refusals.append(
            Problem("say what needs to change: a note is required when requesting changes", "--note")
        )
    if decision not in (APPROVED, CHANGES_REQUESTED):
        refusals.append(Problem(f"unknown decision {decision!r}"))
    if signer is None:
        refusals.append(Problem("a sign-off must be signed: give the reviewer's SSH key", "--key"))
    if registry.pin_refusal is not None:
        refusals.append(
            registry.pin_refusal
        )  # no registry version can be trusted: nothing can be signed to count
    elif isinstance(status, MaterialStatus) and registry.rules_problem is not None:
        refusals.append(registry.rules_problem)  # no material counts until the rules are approved
    elif isinstance(status, RegistryStatus) and registry.current is not None:
        refusals.extend(_rules_unknown(registry))
    if isinstance(status, RegistryStatus) and registry.current is None:
        refusals.extend(
            registry.errors or [Problem(f"there is no reviewer registry to approve ({registry.path})")]
        )
    if status.errors:
        refusals.extend(status.errors)
        refusals.append(
            Problem(f"fix the sign-off file first: {status.signoff_file}", str(status.signoff_file))
        )
    return refusals


def _rules_unknown(registry: RegistryStatus) -> list[Problem]:
    """A registry version can be signed only when the rules it names are the folder's or kept from before:
    otherwise, once approved, nothing could judge the version after it."""
    current = registry.current
    assert current is not None
    named = current.data.policy
    if named is None or named == registry.folder_rules or registry.trusted is current:
        return []
    if read_policy_copy(registry.signoff_file.parent, named) is not None:
        return []
    return [
        Problem(
            f"this version of the reviewer list names approval rules ({short(named)}) that are not those of "
            f"{POLICY_FILE} now, and no copy of them is kept: record the rules with: handle-docs reviewers rules",
            str(registry.path),
            key="policy",
        )
    ]


def _signed(
    unsigned: SignOff,
    material_id: str,
    signer: Signer,
    registry: RegistryStatus,
    judge: Registry | None,
    pending: Registry | None,
) -> tuple[SignOff, Registry]:
    """``unsigned`` signed by ``signer``, refused unless it would count, and naming its reviewer as the
    registry does; and that registry (``judge``), which judged it."""
    try:
        armored = signer.sign(statement_of(unsigned, material_id))
    except KeyProblem as exc:
        raise ReviewError([Problem(str(exc), "--key")]) from exc
    entry = dataclasses.replace(
        unsigned, key=signer.public_key.fingerprint, signature=armored, via=signer.via or ""
    )
    reason = why_not(entry, material_id, judge, pending)
    if reason is not None:
        on_registry = material_id == REGISTRY_ID
        judged_by = (
            "the first registry version itself"
            if on_registry and registry.trusted is None
            else "the approved registry"
        )
        raise ReviewError(
            [Problem(f"this sign-off would not count: {reason} (judged by {judged_by})", "--reviewer")]
        )
    assert judge is not None  # why_not refuses every sign-off when there is no registry to judge by
    return dataclasses.replace(entry, person=judge.display(unsigned.reviewer)), judge


def _record(
    content: Content,
    material_id: str,
    entry: SignOff,
    status: MaterialStatus | RegistryStatus,
    registry: RegistryStatus,
    policy: Policy,
    review_dir: Path,
    day: dt.date,
) -> MaterialStatus | RegistryStatus:
    """Keep a copy of the version signed, append the sign-off, pin the registry's first approved version
    when this sign-off completed it; returns the status after."""
    on_registry = material_id == REGISTRY_ID
    if on_registry:
        write_copy(review_dir, registry.path, status.fingerprint)
        if registry.current is not None and registry.current.data.policy is not None:
            write_policy_copy(review_dir, content.root, registry.current.data.policy)
    else:
        write_snapshot(review_dir, content, material_id, status.fingerprint)
    try:
        append_signoff(status.signoff_file, material_id, entry)
    except SignOffWriteError as exc:
        raise ReviewError(exc.problems) from exc
    after = registry_status(content.root, policy, review_dir, day)
    if on_registry and after.first_approved is not None and _pins_first_version(registry, after):
        write_pin(review_dir, after.first_approved)
        after = registry_status(content.root, policy, review_dir, day)
    if on_registry:
        return after
    return material_status(
        content, material_id, policy=policy, review_dir=review_dir, today=day, registry=after
    )


def _pins_first_version(before: RegistryStatus, after: RegistryStatus) -> bool:
    """This sign-off completed the first approval of the registry in a folder
    whose pin awaits it (and no outside pin says otherwise)."""
    pin = after.pin
    return (
        pin is not None
        and pin.awaiting
        and not pin.problems
        and before.first_approved is None
        and after.first_approved is not None
        and pin.env_value in (None, after.first_approved)
    )


def _approval_refusals(
    content: Content,
    material_id: str,
    status: MaterialStatus | RegistryStatus,
    reviewer: str,
    judge: Registry,
    policy: Policy,
) -> list[Problem]:
    """Why this person may not approve this version (their own edit, a second
    approval, past its review-by date)."""
    refusals: list[Problem] = []
    if isinstance(status, MaterialStatus):
        spec = content.material(material_id).spec
        doc = content.docs[status.source]
        if not policy.editor_may_approve and reviewer in editor_ids(spec.last_edited_by, judge):
            refusals.append(
                doc.problem(
                    "last_edited_by",
                    f"{judge.display(reviewer)} last edited “{spec.title}” and may not approve it: another person must",
                )
            )
        if status.expired:
            refusals.append(
                doc.problem(
                    "review_by",
                    f"its review-by date {status.review_by.isoformat()} has passed: a later review-by date "
                    "must be set first (that makes a new version), then the new version approved",
                )
            )
    for entry in status.tally.approvers:
        if entry.reviewer == reviewer:
            refusals.append(
                Problem(
                    f"{entry.shown} already approved this version ({status.short}) on "
                    f"{entry.date.isoformat()}: an approval counts once per person, another person must approve",
                    str(status.signoff_file),
                    entry.line,
                )
            )
    return refusals


def approve(
    content: Content,
    material_id: str,
    reviewer_id: str,
    role: str,
    note: str = "",
    *,
    signer: Signer,
    today: dt.date | None = None,
    review_dir: Path | None = None,
    expect: str | None = None,
) -> tuple[SignOff, MaterialStatus | RegistryStatus]:
    """Approve the current version as ``reviewer_id``, signed by ``signer``
    (the web workspace passes ``WorkspaceSigner(key_path, name)``)."""
    return sign(
        content,
        material_id,
        reviewer=reviewer_id,
        role=role,
        signer=signer,
        decision=APPROVED,
        note=note,
        today=today,
        review_dir=review_dir,
        expect=expect,
    )


def refusals_for(
    content: Content,
    material_id: str,
    reviewer_id: str,
    role: str,
    decision: str = APPROVED,
    *,
    signer: Signer,
    note: str = "",
    today: dt.date | None = None,
    review_dir: Path | None = None,
) -> list[Problem]:
    """Why ``reviewer_id`` could not make this decision now (empty: they can),
    by the same rules as :func:`sign`, writing nothing: for a page to say why
    its Approve button is disabled."""
    try:
        sign(
            content,
            material_id,
            reviewer=reviewer_id,
            role=role,
            signer=signer,
            decision=decision,
            note=note or ("(checking)" if decision == CHANGES_REQUESTED else ""),
            today=today,
            review_dir=review_dir,
            dry_run=True,
        )
    except ReviewError as exc:
        return exc.problems
    return []


def request_changes(
    content: Content,
    material_id: str,
    reviewer_id: str,
    role: str,
    note: str,
    *,
    signer: Signer,
    today: dt.date | None = None,
    review_dir: Path | None = None,
    expect: str | None = None,
) -> tuple[SignOff, MaterialStatus | RegistryStatus]:
    """Ask for changes to the current version (``note`` says what), signed by ``signer``."""
    return sign(
        content,
        material_id,
        reviewer=reviewer_id,
        role=role,
        signer=signer,
        decision=CHANGES_REQUESTED,
        note=note,
        today=today,
        review_dir=review_dir,
        expect=expect,
    )


# --- diff --------------------------------------------------------------------


@dataclass
class DiffReport:
    material_id: str
    current: str
    base: str | None  # fingerprint compared against
    base_tally: Tally | None
    current_approved: bool
    sections: list[SectionDiff] = field(default_factory=list)
    other_changes: list[str] = field(default_factory=list)
    missing_snapshot: Path | None = None
    note: str = ""

    @property
    def wording_changed(self) -> bool:
        return bool(self.sections)

    def text(self) -> str:
        lines: list[str] = []
        mid = self.material_id
        now = f"{short(self.current)}" + (" (approved)" if self.current_approved else " (not approved)")
        if self.base is None:
            lines.append(f"{mid}: {self.note}")
            lines.append(f"current version: {now}")
            return "\n".join(lines)
        who = ""
        last = self.base_tally.last_date if self.base_tally else None  # None: no approvers
        if self.base_tally and last is not None:
            names = ", ".join(f"{s.shown} ({s.role})" for s in self.base_tally.approvers)
            who = f", approved {last.isoformat()} by {names}"
        lines.append(f"{mid}: changes since {short(self.base)}{who}")
        lines.append(f"current version: {now}")
        if self.missing_snapshot is not None:
            lines.append(
                f"No wording snapshot of {short(self.base)} exists ({self.missing_snapshot}), so the wording "
                "cannot be compared. Snapshots are written by 'review approve' and 'review request-changes'; "
                "read the whole current wording with 'review proof' instead."
            )
            return "\n".join(lines)
        if self.base == self.current:
            lines.append("No changes: the current version is the one compared against.")
            return "\n".join(lines)
        lines.append("")
        if not self.sections:
            lines.append("The wording a resident reads is unchanged.")
        for section in self.sections:
            label = {"changed": "", "added": " (new)", "removed": " (removed)"}[section.status]
            lines.append(f"[{section.name}]{label}")
            lines.extend(f"  {line}" for line in section.lines)
            lines.append("")
        if self.other_changes:
            lines.append(
                "Files that make up the version and changed (content, shared content, templates, fonts):"
            )
            lines.extend(f"  {line}" for line in self.other_changes)
        return "\n".join(lines).rstrip("\n")


def _resolve_against(status: MaterialStatus, against: str, review_dir: Path) -> str:
    text = against.strip().lower()
    hexpart = text.removeprefix(PREFIX)
    if not hexpart or any(c not in "0123456789abcdef" for c in hexpart) or len(hexpart) < 6:
        raise ReviewError(
            [Problem(f"must be a fingerprint like sha256:abcd1234ef56, not {against!r}", "--against")]
        )
    if hex_of(status.fingerprint).startswith(hexpart):
        return status.fingerprint
    folder = snapshot_path(review_dir, status.material_id, status.fingerprint).parent
    matches = sorted(p.stem for p in folder.glob(f"{hexpart[:12]}*.txt")) if folder.is_dir() else []
    for stem in matches:
        raw = (folder / f"{stem}.txt").read_text(encoding="utf-8")
        for line in raw.splitlines():
            if line.startswith("# fingerprint: ") and hex_of(line.split(": ", 1)[1].strip()).startswith(
                hexpart
            ):
                return line.split(": ", 1)[1].strip()
    raise ReviewError(
        [Problem(f"no recorded version {against} of {status.material_id} (none in {folder})", "--against")]
    )


def diff_report(
    content: Content,
    material_id: str,
    *,
    against: str | None = None,
    review_dir: Path | None = None,
    today: dt.date | None = None,
) -> DiffReport:
    """What changed in the wording since the last approved version (or ``against``)."""
    _material_or_error(content, material_id)
    review_dir = Path(review_dir) if review_dir is not None else review_dir_for(content.root)
    status = material_status(content, material_id, review_dir=review_dir, today=today)
    report = DiffReport(material_id, status.fingerprint, None, None, status.approved)
    if against:
        report.base = _resolve_against(status, against, review_dir)
    elif status.last_approved is not None:
        report.base = status.last_approved.fingerprint
        report.base_tally = status.last_approved
    else:
        report.note = (
            "no version has been approved yet, so there is nothing to compare against. "
            f"Read the whole wording with: handle-docs review proof {material_id} --out DIR"
        )
        if status.errors:
            report.note = (
                f"the sign-off file has problems ({status.signoff_file}); run 'handle-docs review status'"
            )
        return report
    if report.base == status.fingerprint:
        return report
    snap: Snapshot | None = read_snapshot(review_dir, material_id, report.base)
    if snap is None:
        report.missing_snapshot = snapshot_path(review_dir, material_id, report.base)
        return report
    report.sections = diff_sections(snap.text, resident_text(content, material_id))
    report.other_changes = diff_parts(snap.parts, status.parts)
    return report
