"""The versions of a material, read from the force folder's history.

A *version* is a commit after which the material's fingerprint (what an
approval is of: its wording, the shared content and the templates it uses) is
not what it was before.  Versions are numbered 1, 2, 3… per material in the
order of its history.  For each: who edited it (the commit's author), when,
the change in the words a resident reads (review/wording.py's word diff), and
who approved it (the approvals in the sign-off record for that fingerprint,
and who committed them).  Every version is read from the repository's objects
(``git ls-tree``/``cat-file`` into a private temporary folder): the working
files are never touched.  What each commit holds is read once ever and kept on
disk by commit id (:mod:`.cache`), and the versions at a new HEAD are those at
the last commit walked before plus what the commits since changed, so a save or
a sign-off costs one commit's reading, not a walk of the whole history.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from handle_docs.models import ProblemsError
from handle_docs.review.fingerprints import fingerprint, short
from handle_docs.review.signoffs import APPROVED, CHANGES_REQUESTED
from handle_docs.review.wording import SectionDiff, diff_sections, resident_text
from handle_docs.starter import CONTENT, REVIEW, TEMPLATES
from handle_docs.wording.content import Content, load_content

from . import cache
from .repo import COMMAND_LINE, WORKSPACE, ForceRepo, HistoryError, git

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
    editor: str = ""  # who edited it: the commit's author, or for the starter the material's last_edited_by

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


def commits(repo: ForceRepo, *paths: str, until: str = "HEAD") -> list[Commit]:
    """The commits touching ``paths`` (all commits when none), oldest first, up to ``until``."""
    if until == "HEAD" and repo.head() is None:
        return []  # a repository with no commit yet
    fmt = "%H%x1f%an%x1f%ae%x1f%cn%x1f%cI%x1f%s%x1e"
    out = git(repo.root, "log", "--reverse", f"--format={fmt}", until, "--", *paths).stdout.decode(
        "utf-8", "replace"
    )
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


#: Who commits when no person made the change (``init``'s starter): a version they committed is credited to the
#: person its file names in ``last_edited_by``.
TOOL_ADDRESSES = {WORKSPACE.email, COMMAND_LINE.email}


@dataclass(frozen=True)
class _Step:
    """One version as the history made it; its decisions and its editor's name are read at the HEAD asked
    about (the sign-off record and the reviewer registry there)."""

    commit: Commit
    fingerprint: str
    text: str
    changes: tuple[SectionDiff, ...]
    edited_by_id: str | None  # last_edited_by, when the commit was a tool's (init's starter)


#: Every material's versions up to a commit: material id → its versions, oldest first.
_Walk = dict[str, tuple[_Step, ...]]

#: The walks of the last few lists of commits walked, by (repository, digest of the list's commit ids): a new
#: HEAD starts from the walk of the longest start of its list walked before (its parent's, after a save) and
#: reads only what is new; keyed by the whole list, not its last commit, so a merge that brings older commits
#: into the list is walked afresh, as before.  Bounded by count, whatever the history's length; what each
#: commit holds is on disk (cache.py), never here.
_WALKS: OrderedDict[tuple[str, str], _Walk] = OrderedDict()
_WALKS_KEPT = 4
_walking = threading.Lock()  # one thread walks the history at a time; the others then find its walk


def _prefixes(history: tuple[Commit, ...]) -> list[str]:
    """For each commit of ``history``, a digest of the ids of the commits up to it."""
    found, digest = [], hashlib.sha256()
    for commit in history:
        digest.update(commit.id.encode())
        found.append(digest.hexdigest())
    return found


def _walk(root: str, history: tuple[Commit, ...]) -> _Walk:
    """Every material's versions over ``history`` (the commits touching what a version is made of, oldest
    first): from the walk of the longest start of it walked before, each later commit read from the cache
    or, the first time ever, from git."""
    keys = [(root, prefix) for prefix in _prefixes(history)]
    with _walking:
        start = next((i for i in range(len(keys) - 1, -1, -1) if keys[i] in _WALKS), -1)
        walk = _WALKS[keys[start]] if start >= 0 else {}
        if start >= 0:
            _WALKS.move_to_end(keys[start])
        if start == len(history) - 1:
            return walk
        walk, complete = _walked(root, walk, history[start + 1 :])
        if complete:  # a commit git could not give is tried again by the next page
            _WALKS[keys[-1]] = walk
            while len(_WALKS) > _WALKS_KEPT:
                _WALKS.popitem(last=False)
        return walk


def _walked(root: str, walk: _Walk, later: tuple[Commit, ...]) -> tuple[_Walk, bool]:
    """``walk`` carried on over the ``later`` commits, and whether each could be read; a damaged cache is
    emptied and the commits read again."""
    with cache.opened(ForceRepo(Path(root))) as store:
        try:
            return _steps(store, root, walk, later)
        except cache.Damaged:
            store.empty()
        try:
            return _steps(store, root, walk, later)
        except cache.Damaged as exc:
            store.let_go(exc)  # damaged again: this reading goes without it
        return _steps(store, root, walk, later)


def _steps(store: cache.Store, root: str, walk: _Walk, later: tuple[Commit, ...]) -> tuple[_Walk, bool]:
    growing: dict[str, list[_Step]] = {}
    complete = True
    for commit in later:
        held = store.get(commit.id)
        if held is None:
            read = _read_materials(root, commit.id)
            if read is None:
                complete = False  # git or the disk failed: not kept, so the next page tries again
                continue
            held = store.put(commit.id, read)
        for material_id, now in held.items():
            steps = growing.get(material_id)
            if steps is None:
                steps = growing[material_id] = list(walk.get(material_id, ()))
            last = steps[-1] if steps else None
            if last is not None and last.fingerprint == now.fingerprint:
                continue
            text = store.text(now.text_sha)
            changes = tuple(diff_sections(last.text, text)) if last is not None else ()
            by = now.last_edited_by if commit.email in TOOL_ADDRESSES else None
            steps.append(_Step(commit, now.fingerprint, text, changes, by))
    return {**walk, **{m: tuple(steps) for m, steps in growing.items()}}, complete


def _read_materials(root: str, commit: str) -> dict[str, tuple[str, str, str | None]] | None:
    """Every material at ``commit`` ({} where that commit's content does not load); None when git or the disk
    failed."""
    repo = ForceRepo(Path(root))
    with tempfile.TemporaryDirectory(prefix="handle-docs-version-") as tmp:
        try:
            content = content_at(repo, commit, Path(tmp))
        except ProblemsError:
            return {}
        except (HistoryError, OSError):
            return None
        found = {}
        for material_id, material in content.materials.items():
            try:
                found[material_id] = (
                    fingerprint(content, material_id),
                    resident_text(content, material_id),
                    material.spec.last_edited_by,
                )
            except (ProblemsError, KeyError, OSError):
                continue
        return found


@functools.lru_cache(maxsize=8)
def _commits_at(root: str, head: str) -> tuple[Commit, ...]:
    """The commits touching what a version is made of, oldest first, up to ``head``."""
    return tuple(commits(ForceRepo(Path(root)), *VERSION_FOLDERS, until=head))


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=16)
def _names_at(root: str, head: str) -> dict[str, str]:
    """The reviewer registry's names by id at ``head``, read once per commit."""
    repo = ForceRepo(Path(root))
    if not repo.has(head, f"{CONTENT}/reviewers.yaml"):
        return {}
    registry = yaml.load(repo.show(head, f"{CONTENT}/reviewers.yaml"), Loader=_LOADER) or {}
    return {k: (v or {}).get("name", k) for k, v in (registry.get("reviewers") or {}).items()}


def _decisions(
    repo: ForceRepo, head: str, material_id: str
) -> tuple[dict[str, list[Decision]], dict[str, str]]:
    """Every decision in the material's sign-off record at ``head``, by fingerprint; and the reviewer
    registry's names by id."""
    path = f"{REVIEW}/{material_id}.yaml"
    names = _names_at(str(repo.root), head)
    if not repo.has(head, path):
        return {}, names
    data = yaml.load(repo.show(head, path), Loader=_LOADER) or {}
    found: dict[str, list[Decision]] = {}
    for entry in data.get("signoffs") or []:
        if not isinstance(entry, dict) or entry.get("decision") not in (APPROVED, CHANGES_REQUESTED):
            continue
        day = entry.get("date")
        reviewer = str(entry.get("reviewer", ""))
        found.setdefault(str(entry.get("fingerprint", "")), []).append(
            Decision(
                reviewer,
                names.get(reviewer, reviewer),
                str(entry.get("role", "")),
                entry["decision"],
                day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)),
                str(entry.get("note") or ""),
            )
        )
    return found, names


@functools.lru_cache(maxsize=128)
def _versions_at(root: str, head: str, material_id: str) -> tuple[Version, ...]:
    """The versions of ``material_id`` as the history stands at ``head``: cached per (repository, HEAD,
    material), so a page that labels every material does not look once per material per request; a new
    commit (a save, a sign-off) is a new HEAD, so nothing stale is ever read."""
    repo = ForceRepo(Path(root))
    decided, names = _decisions(repo, head, material_id)
    steps = _walk(root, _commits_at(root, head)).get(material_id, ())
    return tuple(
        Version(
            number,
            step.commit,
            step.fingerprint,
            step.text,
            list(step.changes),
            decided.get(step.fingerprint, []),
            names.get(step.edited_by_id, step.edited_by_id) if step.edited_by_id else step.commit.author,
        )
        for number, step in enumerate(steps, start=1)
    )


def versions(repo: ForceRepo, material_id: str, head: str | None = None) -> list[Version]:
    """Every version of ``material_id`` in the history up to ``head`` (the repository's HEAD when not
    given), oldest (1) first.

    A version is a commit after which the material's fingerprint differs from the one before it (commits
    that change other materials, or sign-offs, leave it as it was and so make no version)."""
    head = head or repo.head()
    if head is None:
        return []  # a repository with no commit yet
    return list(_versions_at(str(repo.root), head, material_id))


def warm(repo: ForceRepo) -> None:
    """Walk the history to HEAD, reading each commit not yet in the cache (cache.py; the slow part: about half
    a second a commit, once ever), so the first page that labels every material finds it walked; the
    workspace runs this in the background when it starts."""
    head = repo.head()
    if head is not None:
        _walk(str(repo.root), _commits_at(str(repo.root), head))


def forget() -> None:
    """Let go of everything this process holds of any history (what the cache on disk holds stays): as a
    process that has just started."""
    with _walking:
        _WALKS.clear()
    _versions_at.cache_clear()
    _commits_at.cache_clear()
    _names_at.cache_clear()


def version_of(repo: ForceRepo, material_id: str, fp: str) -> Version | None:
    """The (last) version with fingerprint ``fp``."""
    matches = [v for v in versions(repo, material_id) if v.fingerprint == fp]
    return matches[-1] if matches else None


def describe(version: Version, edited: str, role_name: Callable[[str], str] = str) -> str:
    """One version in plain words, as ``handle-docs history MATERIAL`` prints it: ``edited`` says who edited it
    and when ("edited by Dana Whitlock on 14 November 2026 at 10:32", history/numbering.py), ``role_name`` a
    role as the policy names it."""
    lines = [
        f"version {version.number}  ({short(version.fingerprint)})",
        f"  {edited}: {version.commit.message}",
    ]
    if version.decisions:
        for d in version.decisions:
            word = "approved by" if d.decision == APPROVED else "changes asked for by"
            lines.append(
                f"  {word} {d.name}, {role_name(d.role)}, on {d.date.isoformat()}"
                + (f": {d.note}" if d.note else "")
            )
    else:
        lines.append("  not approved")
    lines.append("  change: " + version.change_words().replace("\n", "\n    "))
    return "\n".join(lines)
