"""The versions of a material, read from the force folder's history.

A *version* is a commit after which the material's fingerprint (what an
approval is of: its wording, the shared content and the templates it uses) is
not what it was before.  Versions are numbered 1, 2, 3… per material in the
order of its history.  For each: who edited it (the commit's author), when,
the change in the words a resident reads (review/wording.py's word diff), and
who approved it (the approvals in the sign-off record for that fingerprint,
and who committed them).  Every version is read from the repository's objects
(``git ls-tree``/``cat-file`` into a private temporary folder): the working
files are never touched.
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from handle_docs.models import ProblemsError
from handle_docs.review.fingerprints import fingerprint, fingerprint_parts, short
from handle_docs.review.signoffs import APPROVED, CHANGES_REQUESTED
from handle_docs.review.wording import SectionDiff, diff_sections, resident_text
from handle_docs.starter import CONTENT, REVIEW, TEMPLATES
from handle_docs.wording.content import Content, load_content

from .repo import ForceRepo, HistoryError, git

#: What a version is made of, in the repository (what its fingerprint reads, but the package's fonts).
VERSION_FOLDERS = [CONTENT, TEMPLATES]


@dataclass(frozen=True)
class Commit:
    id: str
    author: str
    email: str
    committer: str
    when: dt.datetime
    message: str

    @property
    def short(self) -> str:
        return self.id[:10]


@dataclass(frozen=True)
class Decision:
    reviewer: str  # the registry id
    name: str  # the registry's name for them, at that version of the registry
    role: str
    decision: str  # approved or changes-requested
    date: dt.date
    note: str


@dataclass
class Version:
    number: int
    commit: Commit
    fingerprint: str
    text: str  # the wording a resident reads
    changes: list[SectionDiff] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    @property
    def approvers(self) -> list[Decision]:
        return [d for d in self.decisions if d.decision == APPROVED]

    def change_words(self) -> str:
        """The change in words: each section changed, with ``[-old-]{+new+}`` marks."""
        if self.number == 1:
            return "first version"
        if not self.changes:
            return "the wording a resident reads is unchanged (its design, shared details or dates changed)"
        lines = []
        for section in self.changes:
            label = {"changed": "", "added": " (new)", "removed": " (removed)"}[section.status]
            lines.append(f"[{section.name}]{label}")
            lines.extend(f"  {line}" for line in section.lines)
        return "\n".join(lines)


def commits(repo: ForceRepo, *paths: str) -> list[Commit]:
    """The commits touching ``paths`` (all commits when none), oldest first."""
    if repo.head() is None:
        return []  # a repository with no commit yet
    fmt = "%H%x1f%an%x1f%ae%x1f%cn%x1f%cI%x1f%s%x1e"
    out = git(repo.root, "log", "--reverse", f"--format={fmt}", "HEAD", "--", *paths).stdout.decode("utf-8", "replace")
    found = []
    for record in out.split("\x1e"):
        record = record.strip("\n")
        if not record:
            continue
        cid, author, email, committer, when, message = record.split("\x1f")
        found.append(Commit(cid, author, email, committer, dt.datetime.fromisoformat(when), message))
    return found


def content_at(repo: ForceRepo, commit: str, folder: Path) -> Content:
    """The force's content and templates as they were at ``commit``, written into ``folder``."""
    repo.export(commit, VERSION_FOLDERS, folder)
    return load_content(folder / CONTENT, folder / TEMPLATES)


@functools.lru_cache(maxsize=512)
def _version_at(root: str, commit: str, material_id: str) -> tuple[str, str] | None:
    """(fingerprint, resident text) of ``material_id`` at ``commit``; None where it did not exist or
    would not load."""
    repo = ForceRepo(Path(root))
    with tempfile.TemporaryDirectory(prefix="handle-docs-version-") as tmp:
        try:
            content = content_at(repo, commit, Path(tmp))
        except (ProblemsError, HistoryError, OSError):
            return None
        if material_id not in content.materials:
            return None
        return fingerprint(content, material_id), resident_text(content, material_id)


def _decisions(repo: ForceRepo, material_id: str) -> dict[str, list[Decision]]:
    """Every decision in the material's sign-off record at the last commit, by fingerprint."""
    path = f"{REVIEW}/{material_id}.yaml"
    if not repo.has("HEAD", path):
        return {}
    data = yaml.safe_load(repo.show("HEAD", path)) or {}
    names: dict[str, str] = {}
    if repo.has("HEAD", f"{CONTENT}/reviewers.yaml"):
        registry = yaml.safe_load(repo.show("HEAD", f"{CONTENT}/reviewers.yaml")) or {}
        names = {k: (v or {}).get("name", k) for k, v in (registry.get("reviewers") or {}).items()}
    found: dict[str, list[Decision]] = {}
    for entry in data.get("signoffs") or []:
        if not isinstance(entry, dict) or entry.get("decision") not in (APPROVED, CHANGES_REQUESTED):
            continue
        day = entry.get("date")
        reviewer = str(entry.get("reviewer", ""))
        found.setdefault(str(entry.get("fingerprint", "")), []).append(Decision(
            reviewer, names.get(reviewer, reviewer), str(entry.get("role", "")), entry["decision"],
            day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)), str(entry.get("note") or "")))
    return found


def _paths_of(repo: ForceRepo, material_id: str) -> list[str]:
    """The files ``material_id``'s fingerprint reads (its file, the shared content, its templates), as the
    force folder has them now: only commits touching these can make a new version.  Every content and
    template file when the folder does not load."""
    try:
        content = load_content(repo.root / CONTENT, repo.root / TEMPLATES)
        parts = fingerprint_parts(content, material_id)
    except (ProblemsError, KeyError, OSError):
        return [CONTENT, TEMPLATES]
    return sorted({f"{CONTENT}/{p.name}" if p.kind in ("content", "shared") else p.name
                   for p in parts if p.kind != "asset"})


def versions(repo: ForceRepo, material_id: str) -> list[Version]:
    """Every version of ``material_id`` in the history, oldest (1) first."""
    found: list[Version] = []
    decided = _decisions(repo, material_id)
    previous: tuple[str, str] | None = None
    for commit in commits(repo, *_paths_of(repo, material_id)):
        now = _version_at(str(repo.root), commit.id, material_id)
        if now is None or (previous is not None and now[0] == previous[0]):
            continue
        changes = diff_sections(previous[1], now[1]) if previous is not None else []
        found.append(Version(len(found) + 1, commit, now[0], now[1], changes, decided.get(now[0], [])))
        previous = now
    return found


def version_of(repo: ForceRepo, material_id: str, fp: str) -> Version | None:
    """The (last) version with fingerprint ``fp``."""
    matches = [v for v in versions(repo, material_id) if v.fingerprint == fp]
    return matches[-1] if matches else None


def describe(version: Version) -> str:
    """One version in plain words, as ``handle-docs history MATERIAL`` prints it."""
    c = version.commit
    lines = [f"version {version.number}  ({short(version.fingerprint)})",
             f"  edited by {c.author} on {c.when.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC: {c.message}"]
    if version.decisions:
        for d in version.decisions:
            word = "approved by" if d.decision == APPROVED else "changes asked for by"
            lines.append(f"  {word} {d.name}, {d.role}, on {d.date.isoformat()}" + (f": {d.note}" if d.note else ""))
    else:
        lines.append("  not approved")
    lines.append("  change: " + version.change_words().replace("\n", "\n    "))
    return "\n".join(lines)
