"""Review facts in the words people use: "Version 3, edited by Dana Whitlock",
"approved by Priya Lang (comms lead) on 25 November 2026" (a role by the name the
policy gives it), "Needs one more approval: a comms lead must approve".

Fingerprints, key fingerprints, file paths and YAML keys stay with the callers'
"Technical details"; nothing here names them.

Version numbers: one rule, in :mod:`handle_docs.history.numbering` (from the
force folder's history when it has one); :func:`version_number` here is that
rule's answer for a folder without a history.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .policy import Policy
from .signoffs import SignOff, load_signoffs
from .status import MaterialStatus

NUMBER_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
}


def long_date(day: dt.date | None) -> str:
    """'14 November 2026' (no leading zero)."""
    return f"{day.day} {day:%B %Y}" if day is not None else ""


def moment_words(when: dt.datetime) -> str:
    """'14 November 2026 at 10:32', as ``when`` is given (turned into the force's zone by the caller:
    history/numbering.py, web/common.shown_time)."""
    return f"{long_date(when.date())} at {when:%H:%M}"


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def count_words(n: int) -> str:
    return NUMBER_WORDS.get(n, str(n))


@dataclass(frozen=True)
class VersionLabel:
    number: int
    edited_by: str | None
    edited_at: dt.datetime | None = None  # in the force's time zone (history/numbering.py)

    def __str__(self) -> str:
        text = f"Version {self.number}"
        if self.edited_by:
            text += f", edited by {self.edited_by}"
        if self.edited_at is not None:
            text += f" on {moment_words(self.edited_at)}"
        return text


def person_name(status: MaterialStatus, who: str | None) -> str | None:
    """A registry id ('priya-lang') as the person's name; a name as written."""
    if not who:
        return None
    registry = status.registry.trusted if status.registry is not None else None
    return registry.display(who) if registry is not None else who


def version_number(status: MaterialStatus) -> int:
    """The current version's number where the folder keeps no history (history/numbering.py): the versions
    the sign-off file (``review/<id>.yaml``) names, in the order it first names them, then the current version
    if it names it not."""
    # a file with problems reads as the entries it could read (its problems are the status's to say)
    entries = load_signoffs(status.signoff_file, status.material_id, status.policy, dt.date.today()).entries
    order: list[str] = []
    for entry in entries:
        if entry.fingerprint not in order:
            order.append(entry.fingerprint)
    return order.index(status.fingerprint) + 1 if status.fingerprint in order else len(order) + 1


def decision_words(entry: SignOff, policy: Policy) -> str:
    """'approved by Priya Lang (comms lead) on 25 November 2026' (the role as the policy names it)."""
    verb = "approved" if entry.decision == "approved" else "changes asked for"
    return f"{verb} by {entry.shown} ({policy.role_name(entry.role)}) on {long_date(entry.date)}"


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def state_sentence(status: MaterialStatus) -> str:
    """Where this version stands, in one sentence."""
    if status.errors:
        return (
            "The record of approvals cannot be read, so this version cannot be printed. "
            "Ask whoever runs the workspace."
        )
    if status.registry is not None and status.registry.rules_problem is not None:
        return (
            "The rules for what counts as approved have changed and the reviewers have not yet confirmed them: "
            "no version counts as approved until they do."
        )
    if status.expired:
        return (
            f"Its review-by date, {long_date(status.review_by)}, has passed: the wording must be checked and a "
            "new version approved before it is printed again."
        )
    role_name = status.policy.role_name
    if status.tally.requests:
        asks = [f"{r.shown} ({role_name(r.role)}) on {long_date(r.date)}" for r in status.tally.requests]
        return f"Changes were asked for by {_names(asks)}: it needs editing, then approval again."
    approvers = status.counted_approvers
    if status.approved:
        who = _names([f"{s.shown} ({role_name(s.role)})" for s in approvers])
        last = max(s.date for s in approvers)
        if status.translator_note:
            found = re.search(r"\(([a-z-]+)\)", status.translator_note)
            translator = role_name(found.group(1)) if found else "translator"
            return (
                f"Approved by {who} on {long_date(last)} for trying out: a qualified {translator} must "
                "still approve it before it is used for real."
            )
        return f"Approved by {who} on {long_date(last)}: nothing more is needed."
    policy = status.policy
    needed = max(policy.required_approvals - len(approvers), 0)
    held = {s.role for s in approvers}
    roles = [role_name(r) for r in policy.required_roles if r not in held]
    parts = []
    if roles:
        parts.append(_names([_a(r) for r in roles]) + " must approve")
    needed = max(needed, len(roles))
    head = (
        f"Needs {count_words(needed)} more approval{'s' if needed != 1 else ''}"
        if needed
        else "Needs approval"
    )
    if approvers:
        parts.append("already " + _names([decision_words(s, policy) for s in approvers]))
    if status.translator_note and not roles:
        parts.append("a qualified translator must approve")
    return head + (": " + "; ".join(parts) if parts else "") + "."


_PLAIN = [
    (re.compile(r"\s*\((?:judged by|see:?)[^)]*\)"), ""),
    (re.compile(r"\s*\([^)]*(?:sha256:|SHA256:|handle-docs )[^)]*\)"), ""),
    (re.compile(r"(?:version )?sha256:[0-9a-f]+"), "this version"),
    (re.compile(r"SHA256:[A-Za-z0-9+/=]+"), "a key"),
    (re.compile(r"\b\S+\.yaml(?::\d+)?(?:: [\w.-]+)?"), "the records"),
]
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def plain_reason(message: str) -> str:
    """A refusal or note from the review library with its fingerprints, key fingerprints, file names and
    commands taken out, and its dates in words (the whole message stays for "Technical details")."""
    text = message
    for pattern, words in _PLAIN:
        text = pattern.sub(words, text)
    text = _ISO_DAY.sub(lambda m: long_date(dt.date(int(m[1]), int(m[2]), int(m[3]))), text)
    return text[:1].upper() + text[1:]
