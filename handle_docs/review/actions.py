"""Sign a version (approve / request changes) and show what changed since the
last approved version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from handle_docs.wording.content import Content
from ..models import Problem
from .fingerprints import PREFIX, hex_of, short
from .policy import load_policy
from .signoffs import (
    APPROVED,
    CHANGES_REQUESTED,
    MAX_NOTE,
    SignOff,
    SignOffWriteError,
    append_signoff,
    check_reviewer,
    norm_name,
    review_dir_for,
)
from .status import MaterialStatus, ReviewError, Tally, material_status, resolve_today
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


def _material_or_error(content: Content, material_id: str) -> None:
    if material_id not in content.materials:
        have = ", ".join(sorted(content.materials)) or "none"
        raise ReviewError([Problem(f"no material with id '{material_id}' (have: {have})")])


def sign(
    content: Content,
    material_id: str,
    *,
    reviewer: str,
    role: str,
    decision: str = APPROVED,
    note: str = "",
    today: dt.date | None = None,
    review_dir: Path | None = None,
) -> tuple[SignOff, MaterialStatus]:
    """Append a sign-off for the *current* version and snapshot its wording.

    Refuses (ReviewError, nothing written) when the sign-off could not count:
    unknown material or role, a broken sign-off file, the last editor approving
    their own version, the same person approving the same version twice, or
    an approval past the review-by date.
    """
    _material_or_error(content, material_id)
    day = resolve_today(today)
    policy, problems = load_policy(content.root)
    if problems:
        raise ReviewError(problems)
    review_dir = Path(review_dir) if review_dir is not None else review_dir_for(content.root)
    status = material_status(content, material_id, policy=policy, review_dir=review_dir, today=day)
    reviewer = " ".join((reviewer or "").split())
    note = (note or "").strip()
    refusals: list[Problem] = []
    why = check_reviewer(reviewer)
    if why:
        refusals.append(Problem(why, "--reviewer"))
    if role not in policy.roles:
        refusals.append(
            Problem(f"unknown role {role!r} (review-policy.yaml allows: {', '.join(policy.roles)})", "--role")
        )
    if len(note) > MAX_NOTE:
        refusals.append(Problem(f"note is longer than {MAX_NOTE} characters", "--note"))
    if decision == CHANGES_REQUESTED and not note:
        refusals.append(Problem("say what needs to change: a note is required when requesting changes", "--note"))
    if decision not in (APPROVED, CHANGES_REQUESTED):
        refusals.append(Problem(f"unknown decision {decision!r}"))
    if status.errors:
        refusals.extend(status.errors)
        refusals.append(Problem(f"fix the sign-off file first: {status.signoff_file}", str(status.signoff_file)))
    if decision == APPROVED and not refusals:
        spec = content.material(material_id).spec
        doc = content.docs[status.source]
        if (
            not policy.editor_may_approve
            and spec.last_edited_by
            and norm_name(spec.last_edited_by) == norm_name(reviewer)
        ):
            refusals.append(
                doc.problem(
                    "last_edited_by",
                    f"{reviewer} last edited {material_id} and may not approve it: another person must",
                )
            )
        for entry in status.tally.approvers:
            if entry.who == norm_name(reviewer):
                refusals.append(
                    Problem(
                        f"{entry.reviewer} already approved this version ({status.short}) on "
                        f"{entry.date.isoformat()}: an approval counts once per person, another person must approve",
                        str(status.signoff_file),
                        entry.line,
                    )
                )
        if status.expired:
            refusals.append(
                doc.problem(
                    "review_by",
                    f"review-by date {status.review_by.isoformat()} has passed: set a later review_by first "
                    "(that makes a new version), then approve it",
                )
            )
    if refusals:
        raise ReviewError(refusals)
    entry = SignOff(
        fingerprint=status.fingerprint,
        reviewer=reviewer,
        role=role,
        decision=decision,
        date=day,
        note=note,
    )
    write_snapshot(review_dir, content, material_id, status.fingerprint)
    try:
        append_signoff(status.signoff_file, material_id, entry)
    except SignOffWriteError as exc:
        raise ReviewError(exc.problems) from exc
    return entry, material_status(content, material_id, policy=policy, review_dir=review_dir, today=day)


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
        if self.base_tally and self.base_tally.approvers:
            names = ", ".join(f"{s.reviewer} ({s.role})" for s in self.base_tally.approvers)
            who = f", approved {self.base_tally.last_date.isoformat()} by {names}"
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
            lines.append("Files that make up the version and changed (content, shared content, templates, fonts):")
            lines.extend(f"  {line}" for line in self.other_changes)
        return "\n".join(lines).rstrip("\n")


def _resolve_against(status: MaterialStatus, against: str, review_dir: Path) -> str:
    text = against.strip().lower()
    hexpart = text.removeprefix(PREFIX)
    if not hexpart or any(c not in "0123456789abcdef" for c in hexpart) or len(hexpart) < 6:
        raise ReviewError([Problem(f"must be a fingerprint like sha256:abcd1234ef56, not {against!r}", "--against")])
    if hex_of(status.fingerprint).startswith(hexpart):
        return status.fingerprint
    folder = snapshot_path(review_dir, status.material_id, status.fingerprint).parent
    matches = sorted(p.stem for p in folder.glob(f"{hexpart[:12]}*.txt")) if folder.is_dir() else []
    for stem in matches:
        raw = (folder / f"{stem}.txt").read_text(encoding="utf-8")
        for line in raw.splitlines():
            if line.startswith("# fingerprint: ") and hex_of(line.split(": ", 1)[1].strip()).startswith(hexpart):
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
            report.note = f"the sign-off file has problems ({status.signoff_file}); run 'handle-docs review status'"
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
