"""Tamper evidence (``handle-docs history verify``): every sign-off record in the working tree was
added by a commit (a line typed into ``review/*.yaml`` by hand is found), the reviewer registry's chain
starts at the pinned root (review/pin.py, review/trust.py), and any file changed outside the workspace
and the command line since the last commit is reported."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import yaml

from handle_docs.review.policy import load_policy
from handle_docs.review.signoffs import review_dir_for
from handle_docs.review.trust import registry_status
from handle_docs.starter import CONTENT, REVIEW

from .repo import ForceRepo, HistoryError


@dataclass
class Findings:
    signoffs_checked: int = 0
    not_committed: list[str] = field(default_factory=list)  # sign-offs in the working tree no commit added
    registry: str | None = None  # why the registry's chain does not start at the pin
    changed_outside: list[str] = field(default_factory=list)  # files changed since the last commit

    @property
    def ok(self) -> bool:
        return not (self.not_committed or self.registry or self.changed_outside)

    def lines(self) -> list[str]:
        out = [
            f"sign-off records: {self.signoffs_checked} checked, "
            + (
                "each added by a commit"
                if not self.not_committed
                else f"{len(self.not_committed)} NOT added by any commit"
            )
        ]
        out += [f"  {line}" for line in self.not_committed]
        out.append("reviewer registry: " + (self.registry or "its chain starts at the pinned root"))
        if self.changed_outside:
            out.append(
                f"changed outside the workspace and the command line since the last commit "
                f"({len(self.changed_outside)} file{'s' if len(self.changed_outside) != 1 else ''}):"
            )
            out += [f"  {name}" for name in self.changed_outside]
        else:
            out.append("no file changed since the last commit")
        out.append("the record is sound" if self.ok else "THE RECORD DOES NOT MATCH THE FOLDER: see above")
        return out


def _entries(data: bytes | str) -> list[dict]:
    try:
        loaded = yaml.safe_load(data) or {}
    except yaml.YAMLError:
        return []
    entries = loaded.get("signoffs") if isinstance(loaded, dict) else None
    return [e for e in entries or [] if isinstance(e, dict)]


def _key(entry: dict) -> str:
    return yaml.safe_dump(entry, sort_keys=True)


def verify_folder(repo: ForceRepo, today: dt.date | None = None) -> Findings:
    findings = Findings()
    review = repo.root / REVIEW
    for path in sorted(review.glob("*.yaml")) if review.is_dir() else []:
        rel = repo.rel(path)
        committed = {_key(e) for e in _entries(repo.show("HEAD", rel))} if repo.has("HEAD", rel) else set()
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            findings.not_committed.append(f"{rel}: cannot be read")
            continue
        for entry in _entries(text):
            findings.signoffs_checked += 1
            if _key(entry) not in committed:
                who = entry.get("reviewer", "?")
                findings.not_committed.append(
                    f"{rel}: the {entry.get('decision', '?')} by {who} dated "
                    f"{entry.get('date', '?')} was not added by any commit"
                )
    content_root = repo.root / CONTENT
    try:
        policy, _problems = load_policy(content_root)
        status = registry_status(content_root, policy, review_dir_for(content_root), today or dt.date.today())
        if status.refusal is not None:  # the pin's, else approval rules the approved registry does not name
            findings.registry = status.refusal.message
    except (OSError, HistoryError) as exc:
        findings.registry = f"cannot be read ({exc})"
    findings.changed_outside = repo.changed_files()
    return findings
