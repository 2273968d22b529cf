"""Is a material approved for its current version?  And the gate that asks it.

Approval is always for the *current* fingerprint: distinct reviewers (registry
ids, from verified sign-offs only: see :mod:`.trust`) whose latest decision on
this exact version is ``approved``, not counting the person who last edited
the content (unless the policy allows it).  A standing ``changes-requested`` on this
version holds it back until that reviewer approves.  Past the material's
``review_by`` date nothing counts until the date is moved on (which is itself
a new version to approve).  A translation is judged by its language's rule
(:meth:`Policy.for_material`), and until a reviewer who is not DEMO ONLY has
approved it with the translator role, its status says a qualified translator
is still needed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handle_docs.util.langtag import primary_subtag
from handle_docs.wording.content import Content

from ..models import Problem, Severity
from .fingerprints import SHORT_HEX, Part, fingerprint_of_parts, fingerprint_parts, hex_of, short
from .policy import POLICY_FILE, Policy, load_policy
from .registry import REGISTRY_ID
from .signoffs import (
    SignOff,
    SignOffFile,
    load_signoffs,
    review_dir_for,
    signoff_path,
)
from .trust import (
    RegistryStatus,
    Tally,
    check_entries,
    editor_ids,
    meets,
    registry_status,
    shortfall,
    state_word,
    tally,
)
from .wording import known_versions

TODAY_ENV = "HANDLE_DOCS_TODAY"
CLI = "handle-docs"


class ReviewError(Exception):
    """Review inputs cannot be used; carries problems naming file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def resolve_today(value: dt.date | str | None = None) -> dt.date:
    """Today's date, or ``value``, or ``$HANDLE_DOCS_TODAY`` (YYYY-MM-DD) for tests.

    Never SOURCE_DATE_EPOCH: that pins output bytes, not the calendar, and
    must not make an expired material look current.
    """
    if isinstance(value, dt.date):
        return value
    text = value or os.environ.get(TODAY_ENV)
    if text:
        try:
            return dt.date.fromisoformat(str(text).strip())
        except ValueError as exc:
            raise ReviewError([Problem(f"today must be a date written YYYY-MM-DD, not {text!r}")]) from exc
    return dt.date.today()


@dataclass
class MaterialStatus:
    material_id: str
    source: str  # content file, e.g. "letters/visit.yaml"
    version: int
    fingerprint: str
    parts: list[Part]
    review_by: dt.date
    signoff_file: Path
    policy: Policy
    tally: Tally
    expired: bool
    problems: list[Problem] = field(default_factory=list)  # errors and warnings in the sign-off file
    last_approved: Tally | None = None  # latest version that met the policy (may be this one)
    other_versions: int = 0  # sign-offs in the file for versions other than this one
    refused: list[Problem] = field(default_factory=list)  # entries on this version that do not count, and why
    registry: RegistryStatus | None = None  # the registry the sign-offs were judged by
    translator_note: str | None = None  # a translation still waiting for a qualified translator

    @property
    def short(self) -> str:
        return short(self.fingerprint)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == Severity.ERROR]

    @property
    def counted_approvers(self) -> list[SignOff]:
        return [] if self.errors else self.tally.approvers

    @property
    def approved(self) -> bool:
        """Approved for the current version, in date, with a sound record."""
        return (
            not self.errors
            and not self.expired
            and not self.tally.requests
            and meets(self.policy, self.tally.approvers)
        )

    @property
    def state(self) -> str:
        return state_word(
            broken=bool(self.errors),
            expired=self.expired,
            approved=self.approved,
            requested=bool(self.tally.requests),
        )

    def missing(self) -> list[str]:
        """What stands between this version and approval, one short item each."""
        items: list[str] = []
        if self.errors:
            items.append(f"fix {len(self.errors)} problem(s) in {self.signoff_file}")
        gap = shortfall(self.policy, self.counted_approvers)
        if gap:
            if not self.tally.approvers and not self.tally.requests and self.other_versions:
                items.append(f"no approval for the current version; {gap}")
            else:
                items.append(gap)
        for request in self.tally.requests:
            items.append(f"changes requested by {request.shown} on {request.date.isoformat()}")
        if self.expired:
            items.append(f"review-by date {self.review_by.isoformat()} has passed")
        if self.translator_note:
            items.append(self.translator_note)
        return items

    def approval_record(self) -> dict[str, Any]:
        """What a run's manifest records about this material."""
        return {
            "fingerprint": self.fingerprint,
            "version": self.version,
            "approved": self.approved,
            "approved_by": [s.brief() for s in self.counted_approvers] if self.approved else [],
            "review_by": self.review_by.isoformat(),
        }


def _unknown_versions(signoffs: SignOffFile, current: str, review_dir: Path) -> list[Problem]:
    """Sign-offs for a version that is neither current nor snapshotted: kept as
    history, but said plainly, because such a version was never on record."""
    known = known_versions(review_dir, signoffs.material_id)
    problems = []
    for entry in signoffs.entries:
        if entry.fingerprint != current and hex_of(entry.fingerprint)[:SHORT_HEX] not in known:
            problems.append(
                Problem(
                    f"fingerprint {short(entry.fingerprint)} matches neither the current version "
                    f"({short(current)}) nor any recorded version: it counts for nothing",
                    str(signoffs.path),
                    entry.line,
                    key=f"signoffs.{entry.index}.fingerprint",
                    severity=Severity.WARNING,
                )
            )
    return problems


def _latest_approved(signoffs: SignOffFile, policy: Policy) -> Tally | None:
    best: Tally | None = None
    best_key = None
    for fp in dict.fromkeys(e.fingerprint for e in signoffs.entries):
        result = tally(signoffs, fp)
        if not meets(policy, result.approvers):
            continue
        key = max((s.date, s.index) for s in result.approvers)
        if best_key is None or key > best_key:
            best, best_key = result, key
    return best


def material_status(
    content: Content,
    material_id: str,
    *,
    policy: Policy | None = None,
    review_dir: Path | None = None,
    today: dt.date | None = None,
    registry: RegistryStatus | None = None,
) -> MaterialStatus:
    """Where one material stands; ``registry`` (the reviewer registry's status,
    computed here when not given) decides whose sign-offs count."""
    day = resolve_today(today)
    if policy is None:
        policy, policy_problems = load_policy(content.root)
        if policy_problems:
            raise ReviewError(policy_problems)
    review_dir = Path(review_dir) if review_dir is not None else review_dir_for(content.root)
    material = content.material(material_id)
    parts = fingerprint_parts(content, material_id)
    fp = fingerprint_of_parts(material_id, parts)
    if registry is None:
        registry = registry_status(content.root, policy, review_dir, day)
    policy = policy.for_material(material.spec.language, material.spec.translation_of)
    signoffs = load_signoffs(signoff_path(review_dir, material_id), material_id, policy, day)
    checked = check_entries(signoffs, registry.material_judge, registry.pending, no_judge=registry.no_judge)
    verified = checked.file
    current = tally(
        verified,
        fp,
        editors=editor_ids(material.spec.last_edited_by, registry.trusted),
        editor_may_approve=policy.editor_may_approve,
    )
    problems = list(signoffs.problems)
    if signoffs.usable:
        problems += checked.refused + current.notes + _unknown_versions(signoffs, fp, review_dir)
    return MaterialStatus(
        material_id=material_id,
        source=material.source,
        version=material.spec.version,
        fingerprint=fp,
        parts=parts,
        review_by=material.spec.review_by,
        signoff_file=signoffs.path,
        policy=policy,
        tally=current,
        expired=day > material.spec.review_by,
        problems=problems,
        last_approved=_latest_approved(verified, policy) if signoffs.usable else None,
        other_versions=sum(1 for e in signoffs.entries if e.fingerprint != fp),
        refused=checked.refused_for(fp) if signoffs.usable else [],
        registry=registry,
        translator_note=_translator_note(
            material.spec.language, material.spec.translation_of, policy, current, registry
        ),
    )


def _translator_note(
    language: str, translation_of: str | None, policy: Policy, current: Tally, registry: RegistryStatus
) -> str | None:
    """'needs a qualified translator (translator-cy) before real use' while no
    reviewer who is not DEMO ONLY has approved this version with that role."""
    if translation_of is None:
        return None
    role = policy.translator_role(language)
    if role is None:
        primary = primary_subtag(language)
        return (
            f"needs a qualified translator before real use ({POLICY_FILE} names no translator role for "
            f"'{primary}' in translator_roles)"
        )
    people = registry.trusted.data.reviewers if registry.trusted is not None else {}
    with_role = [s for s in current.approvers if s.role == role]
    if any(s.reviewer in people and not people[s.reviewer].demo_only for s in with_role):
        return None
    note = f"needs a qualified translator ({role}) before real use"
    if with_role:
        note += f": the {role} sign-off is by a DEMO ONLY reviewer"
    return note


def reviewers_status(
    content: Content, *, review_dir: Path | None = None, today: dt.date | None = None
) -> RegistryStatus:
    """Where the reviewer registry (``content/reviewers.yaml``) stands: its
    own line in ``review status``, and the version sign-offs are judged by."""
    policy, problems = load_policy(content.root)
    if problems:
        raise ReviewError(problems)
    review_dir = Path(review_dir) if review_dir is not None else review_dir_for(content.root)
    return registry_status(content.root, policy, review_dir, resolve_today(today))


def review_status(
    content: Content,
    *,
    review_dir: Path | None = None,
    today: dt.date | None = None,
    registry: RegistryStatus | None = None,
) -> tuple[list[MaterialStatus], list[Problem]]:
    """Status of every material, plus problems that belong to no material
    (the policy file, sign-off files for materials that do not exist).
    The registry's own status is :func:`reviewers_status` (pass it in as
    ``registry`` to read it once)."""
    policy, problems = load_policy(content.root)
    if problems:
        raise ReviewError(problems)
    review_dir = Path(review_dir) if review_dir is not None else review_dir_for(content.root)
    day = resolve_today(today)
    if registry is None:
        registry = registry_status(content.root, policy, review_dir, day)
    statuses = [
        material_status(content, mid, policy=policy, review_dir=review_dir, today=day, registry=registry)
        for mid in sorted(content.materials)
    ]
    extra: list[Problem] = []
    if REGISTRY_ID in content.materials:
        extra.append(
            Problem(
                f"a material may not have the id '{REGISTRY_ID}': that name is the reviewer registry's "
                f"(review/{REGISTRY_ID}.yaml)",
                content.materials[REGISTRY_ID].source,
            )
        )
    if review_dir.is_dir():
        for path in sorted(review_dir.glob("*.yaml")):
            if path.stem not in content.materials and path.stem != REGISTRY_ID:
                extra.append(
                    Problem(
                        f"sign-off file for unknown material '{path.stem}' (materials: "
                        f"{', '.join(sorted(content.materials))}): ignored",
                        str(path),
                        severity=Severity.WARNING,
                    )
                )
    return statuses, extra


# --- the gate ----------------------------------------------------------------


def materials_for(content: Content, material_id: str) -> list[str]:
    """The materials a run of ``material_id`` may use: it and its translations."""
    ids = [material_id]
    ids += sorted(m.id for m in content.materials.values() if m.spec.translation_of == material_id)
    return ids


def approve_hint(material_id: str) -> str:
    return (
        f"Review with: {CLI} review diff {material_id}; "
        f"approve with: {CLI} review approve {material_id} --reviewer ID --role ROLE --key KEY"
    )


def not_approved_because(status: MaterialStatus) -> list[str]:
    """Why ``status`` is not approved, in short words ("needs …", "changes
    requested by …", "review-by date … has passed"); empty if approved."""
    if status.approved:
        return []
    if status.errors:
        return [f"its sign-off record has {len(status.errors)} problem(s)"]
    if status.expired:
        return [f"review-by date {status.review_by.isoformat()} has passed"]
    reasons = []
    gap = shortfall(status.policy, status.tally.approvers)
    if gap:
        reasons.append(gap)
    reasons += [
        f"changes requested by {r.shown} on {r.date.isoformat()}" + (f" ({r.note})" if r.note else "")
        for r in status.tally.requests
    ]
    return reasons


def refusal(status: MaterialStatus) -> list[Problem]:
    """Why ``status`` stops a build, one problem per reason; empty if approved."""
    if status.approved:
        return []
    mid = status.material_id
    where = str(status.signoff_file)
    out: list[Problem] = list(status.errors)
    if status.errors:
        out.append(
            Problem(
                f"{mid}: the sign-off record has {len(status.errors)} problem(s) (above), so no sign-off in it counts. "
                f"Fix {where}, then check with: {CLI} review status",
                where,
            )
        )
        return out
    if status.expired:
        out.append(
            Problem(
                f"{mid}: review-by date {status.review_by.isoformat()} has passed, so it needs re-approval. "
                f"Set a later review_by in {status.source}, then have the new version approved. {approve_hint(mid)}",
                where,
            )
        )
        return out
    reasons = not_approved_because(status)
    # the sign-offs on this version that do not count, each by file:line and why
    out.extend(dataclasses.replace(p, severity=Severity.ERROR) for p in status.refused)
    out.append(
        Problem(
            f"{mid}: not approved for this version ({status.short}); {'; '.join(reasons)}. {approve_hint(mid)}",
            where,
        )
    )
    return out


def gate(
    content: Content,
    material_ids: list[str],
    today: dt.date | None = None,
    *,
    review_dir: Path | None = None,
) -> list[Problem]:
    """Problems that must stop a build using ``material_ids``; empty means open."""
    policy, problems = load_policy(content.root)
    if problems:
        return [
            *problems,
            Problem(
                f"{POLICY_FILE} cannot be used, so no material counts as approved",
                str(content.root / POLICY_FILE),
            ),
        ]
    out: list[Problem] = []
    registry = _registry_for(content, policy, review_dir, today)
    if registry.refusal is not None:
        out.append(registry.refusal)  # first: it is why every sign-off below does not count
    for mid in material_ids:
        if mid not in content.materials:
            out.append(Problem(f"no material with id '{mid}' (have: {', '.join(sorted(content.materials))})"))
            continue
        out.extend(
            refusal(
                material_status(
                    content, mid, policy=policy, review_dir=review_dir, today=today, registry=registry
                )
            )
        )
    return out


def _registry_for(
    content: Content, policy: Policy, review_dir: Path | None, today: dt.date | None
) -> RegistryStatus:
    review_dir = Path(review_dir) if review_dir is not None else review_dir_for(content.root)
    return registry_status(content.root, policy, review_dir, resolve_today(today))


def statuses_for(
    content: Content, material_ids: list[str], today: dt.date | None = None, *, review_dir: Path | None = None
) -> list[MaterialStatus]:
    policy, problems = load_policy(content.root)
    if problems:
        raise ReviewError(problems)
    registry = _registry_for(content, policy, review_dir, today)
    return [
        material_status(content, mid, policy=policy, review_dir=review_dir, today=today, registry=registry)
        for mid in material_ids
    ]


# --- what an output command needs --------------------------------------------


@dataclass
class RunApproval:
    """The gate's answer for one output run, and what its manifest records."""

    draft: bool
    refusals: list[Problem]
    statuses: list[MaterialStatus]

    @property
    def registry(self) -> RegistryStatus | None:
        return self.statuses[0].registry if self.statuses else None

    @property
    def registry_pin(self) -> str:
        """The registry root the run's approvals were judged from, or 'none (--allow-unpinned-registry)'."""
        return self.registry.pin_record if self.registry is not None else ""

    @property
    def unpinned_warning(self) -> Problem | None:
        """The loud warning of a run allowed on an unpinned registry."""
        registry = self.registry
        if registry is not None and registry.pin_problem is not None and not registry.pin_refused:
            return registry.pin_problem
        return None

    @property
    def open(self) -> bool:
        return not self.refusals

    @property
    def materials(self) -> dict[str, dict[str, Any]]:
        return {s.material_id: s.approval_record() for s in self.statuses}

    @property
    def manifest_extra(self) -> dict[str, Any]:
        extra = {
            "approval": "DRAFT" if self.draft else "APPROVED",
            "draft": self.draft,
            "materials": self.materials,
        }
        if self.registry_pin:
            extra["registry_pin"] = self.registry_pin
        return extra

    @property
    def summary_line(self) -> str:
        if self.draft:
            return "approval: DRAFT (watermarked on every page, not for delivery)"
        parts = []
        for s in self.statuses:
            people = ", ".join(f"{a.shown} ({a.role})" for a in s.counted_approvers)
            parts.append(f"{s.material_id} {s.short} approved by {people}")
        return "approval: " + "; ".join(parts)


def approval_for_run(
    content: Content,
    material_ids: list[str],
    *,
    draft: bool = False,
    today: dt.date | None = None,
    review_dir: Path | None = None,
) -> RunApproval:
    """Run the gate for an output command; never raises for bad review input."""
    try:
        day = resolve_today(today)
        refusals = gate(content, material_ids, day, review_dir=review_dir)
        statuses = statuses_for(content, material_ids, day, review_dir=review_dir)
    except ReviewError as exc:
        return RunApproval(draft, list(exc.problems) or [Problem("review records cannot be used")], [])
    return RunApproval(draft, refusals, statuses)


def approval_for_letters(
    content: Content,
    material_id: str,
    leaflet: str | None = None,
    *,
    draft: bool = False,
    review_dir: Path | None = None,
) -> RunApproval:
    """The review gate of a letters run before its records are read (the workspace's
    form): the letter and the leaflet put after each letter.  Once the records say
    which languages are asked for, run/routing.plan_letters gates exactly the
    materials used (translations included) for the command line and the workspace."""
    used = [material_id] + ([leaflet] if leaflet else [])
    return approval_for_run(content, used, draft=draft, review_dir=review_dir)
