"""Which sign-offs count: each signature checked, each signer mapped to a person
through the *approved* reviewer registry, and which registry version that is.

An entry counts only when all of these hold (else it does not count, and the
reason is a problem naming its file and line):

1. it has a ``key`` and a ``signature``;
2. the signature is an SSH signature in our namespace over this entry's
   statement (:mod:`.statement`: material, fingerprint, decision, reviewer,
   role, date, note), made with the key the entry names;
3. there is an approved registry, and it lists the reviewer;
4. the key is one of that reviewer's keys there, or a workspace key of the
   registry with ``via:`` naming it (the workspace vouches that the reviewer
   was signed in);
5. the reviewer was not removed before the entry's date, and holds the role.

**The registry's own approval.**  Sign-offs on registry versions are in
``review/reviewers.yaml``; each version signed is copied to
``review/reviewers.versions/`` (a copy is used only if its content has the
fingerprint it is filed under).  Versions are taken in the order they first
appear in that file; a version whose copy is missing or changed stops it all
(no version counts until it is restored: skipping it could bring back a key
it removed).  A version is approved when sign-offs verified against
the previously approved version meet the review policy; it then becomes the
registry every sign-off is judged by.  **Bootstrap:** while no version is
approved yet, a version is judged by itself: it is approved by sign-offs of
people it lists, with keys it lists, meeting the policy.  Once one version is
approved, that rule never applies again.

**The approval rules** (``content/review-policy.yaml``) are part of what the
reviewers sign: a registry version names the rules' fingerprint (``policy:``)
and a copy of them is kept beside its own.  A version is judged by the rules
the approved version before it names (the first version by its own), never by
the rules it brings; a version from before rules were named judges with the
built-in rules (:class:`.policy.Policy` defaults).  Materials are judged by the
rules of the approved version, and only when the folder's rules are those: rules
edited since (or never named) make nothing count (:attr:`RegistryStatus.rules_problem`)
until a registry version naming them is approved (``handle-docs reviewers rules``).

**The pin** (:mod:`.pin`: ``review/reviewers.root``, and
``HANDLE_DOCS_REGISTRY_ROOT`` from outside the folder) names the version that
may be that first one.  A chain that does not start at the pin, two pins that
disagree, or a pin that cannot be read: no version counts, and the problem
says which.  No pin at all: no version counts either, unless
``--allow-unpinned-registry`` was given (a warning then says what that means).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from handle_docs.models import Problem, Severity

from .fingerprints import short
from .pin import ALLOW_FLAG, AWAITING, PIN_KEY, ROOT_ENV, UNPINNED_RECORD, Pin, read_pin
from .policy import POLICY_FILE, Policy, policy_fingerprint
from .registry import REGISTRY_ID, Registry, load_registry, read_copy, read_policy_copy, versions_dir
from .signoffs import (
    APPROVED,
    CHANGES_REQUESTED,
    SignOff,
    SignOffFile,
    load_signoffs,
    norm_name,
    signoff_path,
)
from .sshsign import BadSignature, check_signature
from .statement import statement


def statement_of(entry: SignOff, material_id: str) -> bytes:
    return statement(
        material=material_id,
        fingerprint=entry.fingerprint,
        decision=entry.decision,
        reviewer=entry.reviewer,
        role=entry.role,
        date=entry.date,
        note=entry.note,
    )


#: Why a sign-off cannot count when there is no registry to judge it by.
NO_JUDGE = (
    "there is no approved reviewer registry yet, so no key can be trusted "
    "(see the 'reviewers' line of review status)"
)
#: … when there is one, but the approval rules in the folder are not those it names.
RULES_NOT_APPROVED = (
    "the approval rules changed since the reviewer registry was approved, so no sign-off counts until a registry "
    "version naming them is approved (see the 'reviewers' line of review status)"
)


def why_not(
    entry: SignOff,
    material_id: str,
    judge: Registry | None,
    pending: Registry | None = None,
    no_judge: str = NO_JUDGE,
) -> str | None:
    """Why ``entry`` does not count when judged by registry ``judge``; None if it counts.

    ``pending`` (the registry file as it is now, if not approved) only makes
    the reason clearer: what it adds never counts. ``no_judge``: why there is no ``judge``.
    """
    if not entry.signature or not entry.key:
        lacks = " and ".join(n for n, v in (("key", entry.key), ("signature", entry.signature)) if not v)
        return f"unsigned (no {lacks}): nothing shows that {entry.reviewer!r} made it"
    try:
        signer = check_signature(statement_of(entry, material_id), entry.signature)
    except BadSignature as exc:
        if "does not match" in str(exc):
            return (
                "the signature does not match this entry: its material, fingerprint, decision, reviewer, role, "
                "date or note is not what was signed"
            )
        return str(exc)
    if signer.fingerprint != entry.key:
        return f"signed with key {signer.fingerprint}, not with the key the entry names ({entry.key})"
    if judge is None:
        return no_judge
    person = judge.reviewer(entry.reviewer)
    if person is None:
        if pending is not None and pending.reviewer(entry.reviewer) is not None:
            return (
                f"{entry.reviewer!r} is added by a registry change ({pending.short}) that is not approved yet"
            )
        return f"{entry.reviewer!r} is not a reviewer in the approved registry ({judge.short})"
    owner = judge.owner(entry.key)
    if owner is None:
        if pending is not None and pending.owner(entry.key) is not None:
            return f"key {entry.key} is added by a registry change ({pending.short}) that is not approved yet"
        return f"key {entry.key} is not in the approved registry ({judge.short})"
    if owner.kind == "workspace":
        if entry.via != owner.id:
            return f"signed by the workspace key {owner.id!r}, but the entry says via: {entry.via or '(nothing)'}"
    else:
        if entry.via:
            return f"says via: {entry.via}, but was signed with a reviewer's own key"
        if owner.id != entry.reviewer:
            return (
                f"key {entry.key} belongs to {judge.display(owner.id)} ({owner.id}), not to {entry.reviewer}"
            )
    if person.removed is not None and entry.date > person.removed:
        return (
            f"{person.name} was removed from the registry on {person.removed.isoformat()}; "
            "this sign-off is dated after"
        )
    if entry.role not in person.roles:
        return f"{person.name} does not hold the role {entry.role!r} (registry: {', '.join(person.roles)})"
    return None


@dataclass
class Checked:
    """A sign-off file's entries split into those that count and why the others don't."""

    file: SignOffFile  # the same file with only the entries that count, each with .person
    refused: list[Problem] = field(default_factory=list)
    refused_entries: list[SignOff] = field(default_factory=list)  # in step with refused

    def refused_for(self, fp: str) -> list[Problem]:
        """Why entries on version ``fp`` do not count."""
        return [p for p, e in zip(self.refused, self.refused_entries, strict=True) if e.fingerprint == fp]


def check_entries(
    signoffs: SignOffFile,
    judge: Registry | None,
    pending: Registry | None = None,
    entries: list[SignOff] | None = None,
    no_judge: str = NO_JUDGE,
) -> Checked:
    counted: list[SignOff] = []
    refused: list[Problem] = []
    refused_entries: list[SignOff] = []
    for entry in signoffs.entries if entries is None else entries:
        reason = why_not(entry, signoffs.material_id, judge, pending, no_judge)
        if reason is None:
            assert judge is not None  # why_not refuses every sign-off when there is no registry to judge by
            counted.append(dataclasses.replace(entry, person=judge.display(entry.reviewer)))
        else:
            refused_entries.append(entry)
            refused.append(
                Problem(
                    f"sign-off by {entry.reviewer} ({entry.decision}, {entry.date.isoformat()}) "
                    f"does not count: {reason}",
                    str(signoffs.path),
                    entry.line,
                    key=f"signoffs.{entry.index}",
                    severity=Severity.WARNING,
                )
            )
    return Checked(dataclasses.replace(signoffs, entries=counted), refused, refused_entries)


# --- tallies -------------------------------------------------------------------


@dataclass
class Tally:
    """The standing decisions on one version (verified sign-offs only)."""

    fingerprint: str
    approvers: list[SignOff] = field(default_factory=list)
    requests: list[SignOff] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # duplicates, editor's own approval

    @property
    def last_date(self) -> dt.date | None:
        dates = [s.date for s in self.approvers]
        return max(dates) if dates else None


def tally(
    signoffs: SignOffFile,
    fp: str,
    *,
    editors: frozenset[str] = frozenset(),
    editor_may_approve: bool = True,
) -> Tally:
    """Each reviewer's latest decision on version ``fp`` (date, then file order).

    ``editors``: reviewer ids (normalised) of the version's last editor."""
    result = Tally(fp)
    state: dict[str, SignOff] = {}
    path = str(signoffs.path)
    for entry in sorted(
        (e for e in signoffs.entries if e.fingerprint == fp), key=lambda e: (e.date, e.index)
    ):
        if entry.decision == APPROVED and entry.who in editors and not editor_may_approve:
            result.notes.append(
                Problem(
                    f"{entry.shown} last edited this material (last_edited_by) and may not approve it: not counted",
                    path,
                    entry.line,
                    severity=Severity.WARNING,
                )
            )
            continue
        previous = state.get(entry.who)
        if previous is not None and previous.decision == entry.decision == APPROVED:
            result.notes.append(
                Problem(
                    f"{entry.shown} already approved this version (line {previous.line}): counted once",
                    path,
                    entry.line,
                    severity=Severity.WARNING,
                )
            )
            continue
        state[entry.who] = entry
    result.approvers = [s for s in state.values() if s.decision == APPROVED]
    result.requests = [s for s in state.values() if s.decision == CHANGES_REQUESTED]
    return result


def meets(policy: Policy, approvers: list[SignOff]) -> bool:
    roles = {s.role for s in approvers}
    return len(approvers) >= policy.required_approvals and all(r in roles for r in policy.required_roles)


def shortfall(policy: Policy, approvers: list[SignOff]) -> str | None:
    """What is missing, in the words of the gate message, or None."""
    roles = {s.role for s in approvers}
    missing_roles = [r for r in policy.required_roles if r not in roles]
    if len(approvers) >= policy.required_approvals and not missing_roles:
        return None
    text = f"needs {policy.describe()}, has {len(approvers)}"
    if approvers and missing_roles:
        text += f" (none with role {', '.join(missing_roles)})"
    return text


def state_word(*, broken: bool, expired: bool, approved: bool, requested: bool) -> str:
    """The review state of a material or the registry, in the words both edges
    show (the STATE column of review status in capitals unless approved, the
    workspace as they are)."""
    if broken:
        return "SIGN-OFF RECORD BROKEN"
    if expired:
        return "EXPIRED"
    if approved:
        return "approved"
    if requested:
        return "CHANGES REQUESTED"
    return "NEEDS APPROVAL"


def editor_ids(editor: str | None, registry: Registry | None) -> frozenset[str]:
    """The reviewer ids that are the person named in ``last_edited_by``
    (written as a registry id or as the display name)."""
    if not editor:
        return frozenset()
    key = norm_name(editor)
    ids = {key}
    if registry is not None:
        ids |= {rid for rid, r in registry.data.reviewers.items() if norm_name(r.name) == key}
    return frozenset(ids)


# --- the registry's own approval -----------------------------------------------------


@dataclass
class RegistryStatus:
    """Where the reviewer registry stands, and the version sign-offs are judged by."""

    path: Path  # content/reviewers.yaml
    signoff_file: Path  # review/reviewers.yaml
    policy: Policy
    exists: bool
    current: Registry | None  # the file as it is now (None when missing or broken)
    trusted: Registry | None  # the approved version everything is judged by
    judge: Registry | None  # what the current version's sign-offs are judged by
    tally: Tally
    problems: list[Problem] = field(default_factory=list)
    approved_versions: list[str] = field(default_factory=list)  # fingerprints, in order
    pin: Pin | None = None  # what review/reviewers.root and HANDLE_DOCS_REGISTRY_ROOT say
    pin_problem: Problem | None = (
        None  # why the pin stops every approval (an error) or is not used (a warning)
    )
    first_approved: str | None = (
        None  # the chain's first approved version, whether the pin lets it count or not
    )
    #: Why no material counts: the folder's approval rules are not the ones the approved version names.
    rules_problem: Problem | None = None
    folder_rules: str = ""  # the fingerprint of the folder's approval rules

    material_id = REGISTRY_ID

    @property
    def refusal(self) -> Problem | None:
        """Why no material sign-off counts at all (the pin's refusal, else the rules'), or None."""
        return self.pin_refusal or self.rules_problem

    @property
    def material_judge(self) -> Registry | None:
        """The registry materials' sign-offs are judged by: the approved one, while the rules are its own."""
        return None if self.rules_problem is not None else self.trusted

    @property
    def no_judge(self) -> str:
        """Why a material's sign-off has no registry to be judged by (see :attr:`material_judge`)."""
        return RULES_NOT_APPROVED if self.rules_problem is not None and self.trusted is not None else NO_JUDGE

    @property
    def trust_problem(self) -> Problem | None:
        """What the edges show about trust in the registry: a refusal first, else the unpinned warning."""
        return self.refusal or self.pin_problem

    @property
    def pin_refused(self) -> bool:
        """The pin stops everything: no pin, two that disagree, or a chain that does not start at it."""
        return self.pin_refusal is not None

    @property
    def pin_refusal(self) -> Problem | None:
        """Why the pin stops everything (the pin's problem when it is an error), else None."""
        if self.pin_problem is not None and self.pin_problem.severity == Severity.ERROR:
            return self.pin_problem
        return None

    @property
    def pin_record(self) -> str:
        """What a run's manifest says of the pin: the root fingerprint, or that none was used."""
        if self.pin is not None and self.pin.root and not self.pin_refused:
            return self.pin.root
        if self.pin_problem is not None and not self.pin_refused:
            return UNPINNED_RECORD
        return ""

    @property
    def fingerprint(self) -> str:
        return self.current.fingerprint if self.current else ""

    @property
    def short(self) -> str:
        return short(self.fingerprint) if self.fingerprint else "-"

    @property
    def errors(self) -> list[Problem]:
        """Problems of the registry and its record (not the rules': they stop materials, not the list)."""
        return [p for p in self.problems if p.severity == Severity.ERROR and p.key != RULES_KEY]

    @property
    def approved(self) -> bool:
        return (
            not self.errors
            and self.rules_problem is None
            and self.current is not None
            and self.trusted is not None
            and self.trusted.fingerprint == self.current.fingerprint
        )

    @property
    def pending(self) -> Registry | None:
        """The current file when it is a change not yet approved."""
        return None if self.approved else self.current

    @property
    def counted_approvers(self) -> list[SignOff]:
        return [] if self.errors else self.tally.approvers

    @property
    def state(self) -> str:
        if not self.exists:
            return "NO REGISTRY"
        if self.pin_refused:
            return "WRONG ROOT" if self.pin is not None and self.pin.root else "NOT PINNED"
        if self.rules_problem is not None and not self.errors:
            return "RULES CHANGED"
        return state_word(
            broken=bool(self.errors),
            expired=False,
            approved=self.approved,
            requested=bool(self.tally.requests),
        )

    def missing(self) -> list[str]:
        if not self.exists:
            return [f"create {self.path} (handle-docs reviewers add)"]
        items: list[str] = []
        if self.pin_refusal is not None:
            items.append(self.pin_refusal.message)
            return items
        if self.errors:
            items.append(f"fix {len(self.errors)} problem(s) in {self.path} or {self.signoff_file}")
        if self.rules_problem is not None and self.current is not None:
            if self.current.data.policy != self.folder_rules:
                items.append(
                    f"record the edited rules of {POLICY_FILE} (handle-docs reviewers rules), then have the "
                    "reviewer list approved"
                )
            else:
                items.append("have this version approved: it names the edited approval rules")
        gap = shortfall(self.policy, self.counted_approvers)
        if gap and not self.approved:
            judged = (
                "people it lists (the first version approves itself)"
                if self.trusted is None
                else f"reviewers of the approved version {self.trusted.short}"
            )
            items.append(f"{gap}, by {judged}")
        for request in self.tally.requests:
            items.append(f"changes requested by {request.shown} on {request.date.isoformat()}")
        return items


RULES_KEY = "review_rules"


def rules_of(version: Registry, folder: Policy, review_dir: Path) -> Policy | None:
    """The approval rules registry ``version`` names: the folder's when they are those, else their copy in
    review/reviewers.versions/ (None: no copy, or a changed one); the built-in rules for a version from
    before versions named their rules."""
    named = version.data.policy
    if named is None:
        return Policy()
    if named == policy_fingerprint(folder):
        return folder
    return read_policy_copy(review_dir, named)


@dataclass
class _Chain:
    """The registry's chain of approved versions, walked in the order versions were first signed."""

    trusted: Registry | None = None
    trusted_rules: Policy | None = None
    approved: list[str] = field(default_factory=list)
    judged: dict[str, tuple[Tally, Registry | None]] = field(default_factory=dict)
    broken: bool = False


def _unjudgeable(signoffs: SignOffFile, group: list[SignOff], what: str) -> list[Problem]:
    return [
        Problem(
            f"sign-off on registry version {short(e.fingerprint)} cannot be checked: {what}, so no registry "
            "version counts as approved until it is restored",
            str(signoffs.path),
            e.line,
            key=f"signoffs.{e.index}",
        )
        for e in group
    ]


def _walk(
    signoffs: SignOffFile, current: Registry | None, policy: Policy, review_dir: Path, root: str | None
) -> tuple[_Chain, list[Problem]]:
    """Each signed version judged by the registry and rules of the approved version before it (the first
    by itself), in order; a version or rules that cannot be read stop it all (fail closed: skipping a
    version could bring back a key or person it removed)."""
    chain, problems = _Chain(), []
    entries = signoffs.entries if signoffs.usable else []
    for fp in dict.fromkeys(e.fingerprint for e in entries):
        group = [e for e in entries if e.fingerprint == fp]
        version = current if current is not None and current.fingerprint == fp else read_copy(review_dir, fp)
        if version is None:
            problems += _unjudgeable(
                signoffs,
                group,
                f"no copy of that version in {versions_dir(review_dir)} (or the copy was changed)",
            )
            chain.broken = True
            break
        judge = chain.trusted if chain.trusted is not None else (version if root in (None, fp) else None)
        rules = chain.trusted_rules if chain.trusted is not None else rules_of(version, policy, review_dir)
        if judge is not None and rules is None:
            problems += _unjudgeable(
                signoffs,
                group,
                f"the approval rules it is judged by have no copy in {versions_dir(review_dir)} (or the copy "
                "was changed)",
            )
            chain.broken = True
            break
        checked = check_entries(signoffs, judge, entries=group)
        problems += checked.refused
        result = tally(checked.file, fp)
        problems += result.notes
        chain.judged[fp] = (result, judge)
        if judge is not None and rules is not None and meets(rules, result.approvers) and not result.requests:
            chain.trusted, chain.approved = version, [*chain.approved, fp]
            chain.trusted_rules = rules_of(version, policy, review_dir)
    if chain.broken:
        chain = _Chain(broken=True)
    return chain, problems


def _lost_rules(trusted: Registry, review_dir: Path) -> Problem:
    """The rules that judge the next registry version cannot be read: it could never be approved."""
    return Problem(
        f"the approval rules the approved registry version {trusted.short} names "
        f"({short(trusted.data.policy or '')}) have no copy in {versions_dir(review_dir)} (or the copy was "
        "changed): no later version of the reviewer list can be approved until the copy is restored",
        str(versions_dir(review_dir)),
        key="policy",
    )


def _rules_problem(trusted: Registry, folder_fp: str, content_root: Path) -> Problem | None:
    """Fail closed when the folder's approval rules are not the ones the approved registry version names."""
    if trusted.data.policy == folder_fp:
        return None
    since = (
        "were never approved with the reviewer list"
        if trusted.data.policy is None
        else ("changed since the reviewer list was approved")
    )
    return Problem(
        f"The approval rules ({Path(content_root).name}/{POLICY_FILE}) {since}: nothing "
        "counts as approved until the reviewer list is approved again (record the rules with: handle-docs "
        f"reviewers rules; then: handle-docs review approve {REGISTRY_ID} ...)",
        str(Path(content_root) / POLICY_FILE),
        key=RULES_KEY,
    )


def registry_status(content_root: Path, policy: Policy, review_dir: Path, today: dt.date) -> RegistryStatus:
    """Read the registry and its sign-offs and work out the approved version.  ``policy``: the folder's
    approval rules (judged against the ones the approved version names)."""
    loaded = load_registry(content_root, policy.roles)
    current = loaded.registry
    signoffs = load_signoffs(signoff_path(review_dir, REGISTRY_ID), REGISTRY_ID, policy, today)
    pin = read_pin(review_dir)
    root = pin.root
    chain, walked = _walk(signoffs, current, policy, review_dir, root)
    problems: list[Problem] = list(loaded.problems) + list(signoffs.problems) + walked
    trusted, approved = chain.trusted, chain.approved
    if current is not None and current.fingerprint in chain.judged:
        current_tally, judge = chain.judged[current.fingerprint]
    else:
        current_tally = Tally(current.fingerprint if current else "")
        judge = (
            trusted
            if trusted is not None or chain.broken
            else (current if root in (None, getattr(current, "fingerprint", None)) else None)
        )
    judge_rules = chain.trusted_rules if trusted is not None else None
    if trusted is None and current is not None:
        judge_rules = rules_of(current, policy, review_dir)
    elif trusted is not None and judge_rules is None:
        problems.append(_lost_rules(trusted, review_dir))
    first_approved = approved[0] if approved else None
    pin_problem = None if chain.broken else _pin_problem(pin, trusted, approved, current)
    if pin_problem is not None:
        problems.insert(0, pin_problem)
        if pin_problem.severity == Severity.ERROR:
            # refuse the whole chain: no version is trusted, nothing is judged
            trusted, approved, judge = None, [], None
    folder_fp = policy_fingerprint(policy)
    rules_problem = _rules_problem(trusted, folder_fp, content_root) if trusted is not None else None
    if rules_problem is not None:
        problems.insert(0, rules_problem)
    if trusted is not None and (demo := _demo_warning(trusted, loaded.path)) is not None:
        problems.append(demo)
    return RegistryStatus(
        path=loaded.path,
        signoff_file=signoffs.path,
        policy=judge_rules or policy,
        exists=loaded.exists,
        current=current,
        trusted=trusted,
        judge=judge,
        tally=current_tally,
        problems=problems,
        approved_versions=approved,
        pin=pin,
        pin_problem=pin_problem,
        first_approved=first_approved,
        rules_problem=rules_problem,
        folder_rules=folder_fp,
    )


def _demo_warning(trusted: Registry, path: Path) -> Problem | None:
    """A warning when the approved registry lists reviewers or keys for the demo only."""
    demo = [rid for rid, r in trusted.data.reviewers.items() if r.demo_only]
    demo += [name for name, w in trusted.data.workspace_keys.items() if w.demo_only]
    if not demo:
        return None
    return Problem(
        f"the approved registry lists DEMO ONLY reviewers or keys ({', '.join(demo)}): their private keys "
        "are published with handle-docs, so their sign-offs prove nothing. A real force starts its own "
        "registry (see SECURITY.md)",
        str(path),
        severity=Severity.WARNING,
    )


def _pin_problem(
    pin: Pin, trusted: Registry | None, approved: list[str], current: Registry | None
) -> Problem | None:
    """Why the pin refuses this registry chain (an error), or that it is not
    pinned but allowed to be (a warning); None when the chain starts at the pin."""
    where = str(pin.path)
    if pin.problems:
        unusable = pin.problems[0]
        return Problem(
            f"the reviewer registry's pin cannot be used ({unusable.message}), so nothing counts as approved",
            unusable.file,
            unusable.line,
            key=PIN_KEY,
        )
    if pin.disagree:
        assert pin.file_value is not None and pin.env_value is not None  # both are set when they disagree
        return Problem(
            f"the registry pins disagree: {pin.path} names {short(pin.file_value)}, {ROOT_ENV} names "
            f"{short(pin.env_value)}; nothing counts as approved until both name the registry's first approved version",
            where,
            key=PIN_KEY,
        )
    if pin.root:
        if trusted is None and (current is None or current.fingerprint != pin.root):
            return Problem(
                f"the reviewer registry's approvals do not start at the pinned version {short(pin.root)} "
                f"({pin.where}): content/reviewers.yaml and its sign-offs are not the chain that was pinned, "
                "so nothing counts as approved",
                where,
                key=PIN_KEY,
            )
        return None
    first = f" (its first approved version is {short(approved[0])})" if approved else ""
    if pin.allow_unpinned:
        return Problem(
            f"UNPINNED REVIEWER REGISTRY, allowed by {ALLOW_FLAG}: nothing ties the registry{first} to the one "
            "your force approved, so anyone who can write this folder could replace the reviewers and approve "
            "anything. Never for real use: pin it (handle-docs reviewers pin)",
            where,
            key=PIN_KEY,
            severity=Severity.WARNING,
        )
    if pin.awaiting:
        if trusted is None:
            return None  # the first version is being approved; the approval that completes it pins it
        return Problem(
            f"the reviewer registry's first approved version{first} is not pinned ({where} still says {AWAITING}), "
            "so nothing counts as approved. Check it is the version your reviewers approved, then pin it with: "
            "handle-docs reviewers pin",
            where,
            key=PIN_KEY,
        )
    return Problem(
        f"the reviewer registry is not pinned: there is no {where} and no {ROOT_ENV}, so nothing ties the "
        f"registry{first} to the one your force approved and nothing counts as approved. Pin it with: "
        f"handle-docs reviewers pin (or, to try something out only, add {ALLOW_FLAG})",
        where,
        key=PIN_KEY,
    )
