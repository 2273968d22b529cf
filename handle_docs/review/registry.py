"""The reviewer registry, ``content/reviewers.yaml``: who may sign, with which keys.

::

    reviewers:
      priya-lang:                      # the id a sign-off names (lower-case words and hyphens)
        name: Priya Lang               # shown in review status, proofs and manifests
        roles: [comms-lead]            # roles this person may sign in
        keys:                          # public SSH keys, as in authorized_keys / a .pub file
          - ssh-ed25519 AAAAC3Nz… priya@laptop
        removed: 2027-03-01            # optional: left; sign-offs dated after this do not count
        subject: 7f3c…                 # optional: their subject (sub) at the force's single sign-on provider
        demo_only: false               # true for the bundled demo reviewers only
    workspace_keys:                    # keys the workspace signs with for a signed-in reviewer
      westmarch-workspace:
        key: ssh-ed25519 AAAAC3Nz… handle-docs workspace
    policy: sha256:9c1e…               # the approval rules (content/review-policy.yaml) this version approves

``policy`` makes the approval rules part of what the reviewers sign: the rules
a version names are kept beside its copy (``review/reviewers.versions/policy-
<fingerprint>.yaml``) and judge the next version; ``handle-docs reviewers
rules`` writes it after the rules were edited.

The registry is itself approved like a material (see :mod:`.trust`); this
module only reads, checks, fingerprints, copies and rewrites the file.  Its
fingerprint covers what the YAML says (comments and layout aside), never any
material's: adding a reviewer does not reopen every material.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import AfterValidator, Field, ValidationError, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from handle_docs.models import Problem
from handle_docs.util import atomic
from handle_docs.wording.content import validate_model
from handle_docs.wording.schema import SLUG, Strict
from handle_docs.wording.yamlfile import YamlDoc, load_yaml, parse_yaml

from .fingerprints import FINGERPRINT_RE, PREFIX, SHORT_HEX, canonical_json, hex_of
from .policy import POLICY_FILE, Policy, load_policy, policy_fingerprint, read_policy
from .sshsign import parse_public_key

REGISTRY_FILE = "reviewers.yaml"
#: The registry's id where a material's would be: review/reviewers.yaml, statements, review status.
REGISTRY_ID = "reviewers"
MAX_NAME = 80
#: Bumped if the recipe changes, so an old fingerprint can never match a new one.
FORMAT = 1


def _key_line(line: str) -> str:
    if "\n" in line:
        raise ValueError("a key must be one line: 'ssh-ed25519 AAAA… comment'")
    parse_public_key(line)  # ValueError says why
    return " ".join(line.split())


#: One authorized_keys line, checked and with its spacing normalised.
KeyLine = Annotated[str, AfterValidator(_key_line)]


class ReviewerEntry(Strict):
    name: str = Field(min_length=1, max_length=MAX_NAME, description="display name")
    roles: list[str] = Field(min_length=1)
    keys: list[KeyLine] = Field(min_length=1, description="public SSH keys, one authorized_keys line each")
    removed: dt.date | None = None
    demo_only: bool = False
    #: The person's subject (``sub``) at the single sign-on provider: signed in by it, they sign with the workspace key.
    subject: str | None = Field(default=None, min_length=1, max_length=255)

    @field_validator("name")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if not value.isprintable():
            raise ValueError("name must be one line of printable text")
        return value

    @field_validator("subject")
    @classmethod
    def _subject(cls, value: str | None) -> str | None:
        if value is not None and (not value.isprintable() or " " in value):
            raise ValueError(
                "subject must be the provider's subject (sub) as it sends it: one word, no spaces"
            )
        return value

    @field_validator("roles")
    @classmethod
    def _slugs(cls, value: list[str]) -> list[str]:
        for role in value:
            if not re.match(SLUG, role):
                raise ValueError(f"role {role!r} must be lower-case words joined by hyphens")
        if len(set(value)) != len(value):
            raise ValueError("a role is listed twice")
        return value


class WorkspaceKey(Strict):
    key: KeyLine
    demo_only: bool = False


class RegistryData(Strict):
    reviewers: dict[str, ReviewerEntry] = Field(default_factory=dict)
    workspace_keys: dict[str, WorkspaceKey] = Field(default_factory=dict)
    #: The fingerprint of the approval rules this version approves (:func:`.policy.policy_fingerprint`).
    policy: str | None = Field(default=None, pattern=FINGERPRINT_RE.pattern)

    @field_validator("reviewers", "workspace_keys", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        for name in value if isinstance(value, dict) else ():
            if not isinstance(name, str) or not re.match(SLUG, name):
                raise ValueError(
                    f"id {name!r} must be lower-case letters, digits and hyphens, like priya-lang"
                )
        return value


@dataclass(frozen=True)
class KeyOwner:
    """Whose a key is: a reviewer's own, or a workspace key."""

    kind: str  # "reviewer" or "workspace"
    id: str


@dataclass
class Registry:
    """One version of the registry, checked."""

    data: RegistryData
    fingerprint: str
    source: str  # the file it was read from (the current file or a copy in review/)
    owners: dict[str, KeyOwner] = field(default_factory=dict)  # key fingerprint → owner

    @property
    def short(self) -> str:
        return PREFIX + hex_of(self.fingerprint)[:SHORT_HEX]

    def reviewer(self, reviewer_id: str) -> ReviewerEntry | None:
        return self.data.reviewers.get(reviewer_id)

    def display(self, reviewer_id: str) -> str:
        entry = self.reviewer(reviewer_id)
        return entry.name if entry is not None else reviewer_id

    def reviewer_with_subject(self, subject: str) -> str | None:
        """The id of the reviewer whose entry names the single sign-on ``subject``, or None."""
        for rid, entry in self.data.reviewers.items():
            if entry.subject is not None and entry.subject == subject:
                return rid
        return None

    def owner(self, key_fingerprint: str) -> KeyOwner | None:
        return self.owners.get(key_fingerprint)

    def keys_of(self, reviewer_id: str) -> list[str]:
        return [fp for fp, owner in self.owners.items() if owner == KeyOwner("reviewer", reviewer_id)]


def registry_fingerprint(data: RegistryData) -> str:
    """What the registry says, hashed: who is who, with which roles, keys and single sign-on subject, and the
    approval rules it names. An entry without a subject, and a version naming no rules, hash as before
    subjects and rules existed, so approved registries keep their fingerprints."""
    dumped = data.model_dump(mode="json")
    for entry in dumped["reviewers"].values():
        if entry.get("subject") is None:
            entry.pop("subject", None)
    if dumped.get("policy") is None:
        dumped.pop("policy", None)
    text = canonical_json({"format": FORMAT, "registry": dumped})
    return PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def registry_path(content_root: Path) -> Path:
    return Path(content_root) / REGISTRY_FILE


def check_registry(doc: YamlDoc, roles: list[str] | None = None) -> tuple[Registry | None, list[Problem]]:
    """The registry in ``doc``, or the problems (file:line:key) that stop it.

    ``roles``: the policy's roles, when a role nobody may sign in should be an
    error (the current file; not old copies, judged by the policy of their day).
    """
    problems: list[Problem] = []
    if doc.data is None and not doc.problems:
        doc.data = {}
    data = validate_model(doc, RegistryData, problems)
    if data is None:
        return None, problems
    owners: dict[str, KeyOwner] = {}
    where: dict[str, str] = {}

    def own(line: str, key_path: str, owner: KeyOwner) -> None:
        fp = parse_public_key(line).fingerprint
        if fp in owners:
            problems.append(
                doc.problem(
                    key_path,
                    f"key {fp} is already listed at {where[fp]}: one key belongs to one reviewer or workspace",
                )
            )
            return
        owners[fp] = owner
        where[fp] = f"line {doc.line_of(key_path)}"

    subjects: dict[str, str] = {}
    for rid, entry in data.reviewers.items():
        if entry.subject is not None:
            if entry.subject in subjects:
                problems.append(
                    doc.problem(
                        f"reviewers.{rid}.subject",
                        f"this subject is already reviewer "
                        f"{subjects[entry.subject]}'s: one person, one subject",
                    )
                )
            subjects.setdefault(entry.subject, rid)
        for i, line in enumerate(entry.keys):
            own(line, f"reviewers.{rid}.keys.{i}", KeyOwner("reviewer", rid))
        if roles is not None:
            for role in entry.roles:
                if role not in roles:
                    problems.append(
                        doc.problem(
                            f"reviewers.{rid}.roles",
                            f"unknown role {role!r} (review-policy.yaml allows: {', '.join(roles)})",
                        )
                    )
    for name, wk in data.workspace_keys.items():
        own(wk.key, f"workspace_keys.{name}.key", KeyOwner("workspace", name))
    if problems:
        return None, problems
    return Registry(data, registry_fingerprint(data), doc.path, owners), []


@dataclass
class RegistryFile:
    path: Path
    exists: bool
    registry: Registry | None
    problems: list[Problem]


def load_registry(content_root: Path, roles: list[str] | None = None) -> RegistryFile:
    """``content/reviewers.yaml`` as it is now (which may not be approved yet)."""
    path = registry_path(content_root)
    if not path.exists():
        return RegistryFile(path, False, None, [])
    registry, problems = check_registry(load_yaml(path, display_name=str(path)), roles)
    return RegistryFile(path, True, registry, problems)


# --- copies of versions, in review/ ---------------------------------------------


def versions_dir(review_dir: Path) -> Path:
    return Path(review_dir) / f"{REGISTRY_ID}.versions"


def copy_path(review_dir: Path, fp: str) -> Path:
    return versions_dir(review_dir) / f"{hex_of(fp)[:SHORT_HEX]}.yaml"


def write_copy(review_dir: Path, registry_file: Path, fp: str) -> Path:
    """Keep the file as it is in version ``fp``, so the version can be judged
    after the registry changes.  The copy proves itself: it is used only if
    what it says has fingerprint ``fp``."""
    path = copy_path(review_dir, fp)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(path, Path(registry_file).read_bytes())
    with contextlib.suppress(OSError):  # review records are shared in git, not private like run outputs
        path.chmod(0o644)
    return path


def read_copy(review_dir: Path, fp: str) -> Registry | None:
    """Version ``fp`` of the registry from its copy, or None when there is no
    copy or the copy says something else (edited copies are never used)."""
    path = copy_path(review_dir, fp)
    if not path.is_file():
        return None
    registry, problems = check_registry(load_yaml(path, display_name=str(path)))
    if problems or registry is None or registry.fingerprint != fp:
        return None
    return registry


def policy_copy_path(review_dir: Path, fp: str) -> Path:
    return versions_dir(review_dir) / f"policy-{hex_of(fp)[:SHORT_HEX]}.yaml"


def write_policy_copy(review_dir: Path, content_root: Path, fp: str) -> Path | None:
    """Keep the approval rules ``fp`` a signed registry version names, so they can judge the next version
    after the rules are edited; only when the folder's rules are those (else None, nothing written)."""
    path = Path(content_root) / POLICY_FILE
    if path.exists():
        policy, problems = read_policy(path)
        text = path.read_bytes() if policy is not None else b""
    else:  # no file: the built-in rules, written out
        policy, problems = Policy(), []
        text = yaml.safe_dump(policy.model_dump(mode="json"), sort_keys=False).encode("utf-8")
    if problems or policy is None or policy_fingerprint(policy) != fp:
        return None
    target = policy_copy_path(review_dir, fp)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(target, text)
    with contextlib.suppress(OSError):  # shared in git like the registry's copies
        target.chmod(0o644)
    return target


def read_policy_copy(review_dir: Path, fp: str) -> Policy | None:
    """The approval rules ``fp`` from their copy, or None when there is no copy or it says something else."""
    path = policy_copy_path(review_dir, fp)
    if not path.is_file():
        return None
    policy, problems = read_policy(path)
    if problems or policy is None or policy_fingerprint(policy) != fp:
        return None
    return policy


# --- changing the registry (reviewers add / remove / add-workspace-key) --------------


class RegistryEditError(Exception):
    """A registry change asked for cannot be made: wrong id, role or key (usage)."""


HEADER = """\
# The reviewer registry: who may sign off materials, in which roles, with which
# SSH keys; and the workspace keys trusted to sign for a signed-in reviewer.
# Change it with 'handle-docs reviewers add / remove / add-workspace-key'.
# A change counts only once approved like a material:
#   handle-docs review approve reviewers --reviewer ID --role ROLE --key KEY
# by reviewers of the previously approved version (see SECURITY.md).
"""


def registry_yaml(data: RegistryData, header: str = HEADER) -> str:
    dumped = data.model_dump(mode="python", exclude_defaults=True)  # dates stay YAML dates
    dumped.setdefault("reviewers", {})
    dumped.setdefault("workspace_keys", {})
    body = yaml.safe_dump(dumped, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100000)
    return header + body


def _header_of(path: Path) -> str:
    """The comment lines at the top of the file, kept when it is rewritten."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except (OSError, UnicodeDecodeError):
        return HEADER
    head = []
    for line in lines:
        if not line.startswith("#"):
            break
        head.append(line)
    return "".join(head) or HEADER


def _current(content_root: Path) -> tuple[Path, RegistryData]:
    loaded = load_registry(content_root)
    if loaded.problems:
        raise RegistryFileError(loaded.problems)
    return loaded.path, (loaded.registry.data if loaded.registry else RegistryData())


class RegistryFileError(Exception):
    """The registry file itself cannot be used; carries problems with file:line."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _save(path: Path, data: RegistryData) -> RegistryData:
    text = registry_yaml(data, _header_of(path) if path.exists() else HEADER)
    registry, problems = check_registry(parse_yaml(text, str(path)))
    if problems or registry is None or registry.data != data:  # pragma: no cover - a bug, not bad input
        raise RuntimeError("the registry would not read back as written")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(path, text)
    with contextlib.suppress(OSError):  # pragma: no cover
        path.chmod(0o644)
    return data


def _key_or_usage(line: str, what: str) -> str:
    try:
        return _key_line(line)
    except ValueError as exc:
        raise RegistryEditError(f"{what}: {exc}") from None


def _check_new_keys(data: RegistryData, lines: list[str]) -> None:
    have = {}
    for rid, entry in data.reviewers.items():
        for line in entry.keys:
            have[parse_public_key(line).fingerprint] = f"reviewer {rid}"
    for name, wk in data.workspace_keys.items():
        have[parse_public_key(wk.key).fingerprint] = f"workspace key {name}"
    for line in lines:
        fp = parse_public_key(line).fingerprint
        if fp in have:
            raise RegistryEditError(
                f"key {fp} is already in the registry ({have[fp]}): one key belongs to one reviewer"
            )
        have[fp] = "this change"


def _check_id(value: str, what: str) -> None:
    if not re.match(SLUG, value or ""):
        raise RegistryEditError(
            f"{what} {value!r} must be lower-case letters, digits and hyphens, like priya-lang"
        )


def add_reviewer(
    content_root: Path,
    reviewer_id: str,
    *,
    name: str,
    roles: list[str],
    keys: list[str],
    allowed_roles: list[str],
    demo_only: bool = False,
) -> ReviewerEntry:
    """Add a person to ``content/reviewers.yaml`` (a change to approve)."""
    _check_id(reviewer_id, "reviewer id")
    path, data = _current(content_root)
    if reviewer_id in data.reviewers:
        raise RegistryEditError(f"reviewer {reviewer_id!r} is already in the registry ({path})")
    unknown = [r for r in roles if r not in allowed_roles]
    if unknown or not roles:
        raise RegistryEditError(
            f"unknown role {', '.join(unknown) or '(none given)'} "
            f"(review-policy.yaml allows: {', '.join(allowed_roles)})"
        )
    lines = [_key_or_usage(line, "--key") for line in keys]
    if not lines:
        raise RegistryEditError("give at least one public key (--key FILE.pub)")
    _check_new_keys(data, lines)
    try:
        entry = ReviewerEntry(
            name=" ".join((name or "").split()),
            roles=list(dict.fromkeys(roles)),
            keys=lines,
            demo_only=demo_only,
        )
    except ValueError as exc:
        raise RegistryEditError(f"--name: {str(exc).splitlines()[-1] if str(exc) else exc}") from None
    _save(path, data.model_copy(update={"reviewers": {**data.reviewers, reviewer_id: entry}}))
    return entry


def remove_reviewer(content_root: Path, reviewer_id: str, *, on: dt.date) -> ReviewerEntry:
    """Mark a person removed from ``on``: kept, so their earlier sign-offs can still be judged."""
    path, data = _current(content_root)
    entry = data.reviewers.get(reviewer_id)
    if entry is None:
        raise RegistryEditError(
            f"no reviewer {reviewer_id!r} in {path} (have: {', '.join(sorted(data.reviewers)) or 'none'})"
        )
    if entry.removed is not None:
        raise RegistryEditError(
            f"reviewer {reviewer_id!r} was already removed on {entry.removed.isoformat()}"
        )
    changed = entry.model_copy(update={"removed": on})
    _save(path, data.model_copy(update={"reviewers": {**data.reviewers, reviewer_id: changed}}))
    return changed


def set_subject(content_root: Path, reviewer_id: str, subject: str | None) -> ReviewerEntry:
    """Name (or, with None, no longer name) the person's subject at the single sign-on provider: who signs in as
    that subject signs as this reviewer (a change to approve)."""
    path, data = _current(content_root)
    entry = data.reviewers.get(reviewer_id)
    if entry is None:
        raise RegistryEditError(
            f"no reviewer {reviewer_id!r} in {path} (have: {', '.join(sorted(data.reviewers)) or 'none'})"
        )
    if subject is not None:
        subject = subject.strip()
        owner = next(
            (rid for rid, r in data.reviewers.items() if r.subject == subject and rid != reviewer_id), None
        )
        if owner is not None:
            raise RegistryEditError(
                f"subject {subject!r} is already reviewer {owner}'s: one person, one subject"
            )
    try:
        changed = ReviewerEntry.model_validate({**entry.model_dump(), "subject": subject})
    except ValidationError as exc:
        raise RegistryEditError(f"subject: {exc.errors()[0]['msg'].removeprefix('Value error, ')}") from None
    _save(path, data.model_copy(update={"reviewers": {**data.reviewers, reviewer_id: changed}}))
    return changed


def add_workspace_key(content_root: Path, name: str, *, key: str, demo_only: bool = False) -> WorkspaceKey:
    """Trust a workspace's key to sign for signed-in reviewers (a change to approve)."""
    _check_id(name, "workspace key name")
    path, data = _current(content_root)
    if name in data.workspace_keys:
        raise RegistryEditError(f"workspace key {name!r} is already in the registry ({path})")
    line = _key_or_usage(key, "--key")
    _check_new_keys(data, [line])
    entry = WorkspaceKey(key=line, demo_only=demo_only)
    _save(path, data.model_copy(update={"workspace_keys": {**data.workspace_keys, name: entry}}))
    return entry


RULES_COMMENT = (
    "The approval rules (content/review-policy.yaml) this version approves: written by\n"
    "'handle-docs reviewers rules' after the rules were edited; they count once this version is approved."
)


def set_rules(content_root: Path) -> tuple[str, bool]:
    """Name the folder's approval rules in ``content/reviewers.yaml`` (``policy:``), the file edited in place
    so its comments stay: a change to approve like any change of reviewers.  Returns the rules' fingerprint
    and whether the file changed."""
    policy, problems = load_policy(content_root)
    if problems:
        raise RegistryFileError(problems)
    fp = policy_fingerprint(policy)
    path, data = _current(content_root)
    if data.policy == fp:
        return fp, False
    if not path.exists():
        _save(path, data.model_copy(update={"policy": fp}))
        return fp, True
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 100000
    doc = rt.load(path.read_text(encoding="utf-8")) or CommentedMap()
    new_key = "policy" not in doc
    doc["policy"] = fp
    if new_key:
        doc.yaml_set_comment_before_after_key("policy", before=RULES_COMMENT)
    out = io.StringIO()
    rt.dump(doc, out)
    text = out.getvalue()
    registry, problems = check_registry(parse_yaml(text, str(path)))
    expected = data.model_copy(update={"policy": fp})
    if problems or registry is None or registry.data != expected:  # pragma: no cover - a bug, not bad input
        raise RuntimeError("the registry would not read back as written")
    atomic.write_text(path, text)
    with contextlib.suppress(OSError):  # pragma: no cover
        path.chmod(0o644)
    return fp, True
