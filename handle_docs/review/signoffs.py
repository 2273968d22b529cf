"""Sign-off records: ``review/<material-id>.yaml``.

One file per material (and ``review/reviewers.yaml`` for the reviewer
registry), readable in a diff, append-only in normal use::

    material: visit-letter
    signoffs:
      - fingerprint: sha256:4f0c…(64 hex)
        reviewer: priya-lang              # an id in content/reviewers.yaml
        role: comms-lead
        decision: approved
        date: 2026-11-24
        note: Checked against the force style guide.
        key: SHA256:…                     # the signing key, as ssh-keygen -l prints it
        signature: |                      # SSH signature over the statement (statement.py)
          -----BEGIN SSH SIGNATURE-----
          …
          -----END SSH SIGNATURE-----
        via: westmarch-workspace          # only when signed by a workspace key

This module reads the file and checks each entry's *shape*; every problem
names file and line, and a file with a shape error counts for nothing until it
is fixed (a hand-edited record is not trusted half-way).  Whether an entry's
signature and signer check out is :mod:`.trust`'s job: an entry that fails
there does not count, and says why, but leaves the others standing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from handle_docs.util import atomic
from handle_docs.wording.yamlfile import YamlDoc, load_yaml, parse_yaml

from ..models import Problem, Severity
from .fingerprints import FINGERPRINT_RE
from .policy import Policy

APPROVED = "approved"
CHANGES_REQUESTED = "changes-requested"
DECISIONS = (APPROVED, CHANGES_REQUESTED)
ENTRY_KEYS = ("fingerprint", "reviewer", "role", "decision", "date", "note", "key", "signature", "via")
#: Keys every entry must have for its shape to be sound (a missing signature
#: is judged by trust.py: the entry does not count, the file stays usable).
REQUIRED_KEYS = ("fingerprint", "reviewer", "role", "decision", "date")
MAX_SIGNATURE = 8000
MAX_NAME = 80
MAX_NOTE = 2000
#: A sign-off dated tomorrow is accepted: reviewers and CI may be in different time zones.
CLOCK_SLACK = dt.timedelta(days=1)


@dataclass(frozen=True)
class SignOff:
    """One decision by one reviewer on one exact version."""

    fingerprint: str
    reviewer: str
    role: str
    decision: str
    date: dt.date
    note: str = ""
    line: int | None = None  # where it is in the file, for messages
    index: int = 0  # position in the file, to order same-day entries
    key: str = ""  # SHA256:… of the key that signed
    signature: str = ""  # armored SSH signature
    via: str = ""  # the workspace key name, when the workspace signed for the reviewer
    person: str = ""  # display name from the registry, once verified

    @property
    def who(self) -> str:
        return norm_name(self.reviewer)

    @property
    def shown(self) -> str:
        """The verified person's name, or the id the entry gives."""
        return self.person or self.reviewer

    def brief(self) -> dict[str, str]:
        return {
            "reviewer": self.shown,
            "id": self.reviewer,
            "role": self.role,
            "date": self.date.isoformat(),
            "key": self.key,
            **({"via": self.via} if self.via else {}),
        }


@dataclass
class SignOffFile:
    path: Path
    material_id: str
    exists: bool = False
    entries: list[SignOff] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == Severity.ERROR]

    @property
    def usable(self) -> bool:
        return not self.errors


def norm_name(name: str) -> str:
    """Names compared the way people read them: case and spacing do not count."""
    return " ".join(name.split()).casefold()


def review_dir_for(content_root: Path) -> Path:
    """``review/`` beside the content folder (it is not part of any version)."""
    return Path(content_root).parent / "review"


def signoff_path(review_dir: Path, material_id: str) -> Path:
    return Path(review_dir) / f"{material_id}.yaml"


def check_reviewer(name: str) -> str | None:
    """Why ``name`` cannot be a reviewer's name, or None."""
    if not name.strip():
        return "reviewer name is empty"
    if len(name) > MAX_NAME:
        return f"reviewer name is longer than {MAX_NAME} characters"
    if any(ch in name for ch in "\n\r\t") or not name.isprintable():
        return "reviewer name must be one line of printable text"
    return None


def _check_keys(doc: YamlDoc, key: str, raw: dict[str, Any], problems: list[Problem]) -> None:
    """Add a problem for each key of sign-off ``key`` that is not known, and each required one missing."""
    for name in raw:
        if name not in ENTRY_KEYS:
            problems.append(
                doc.problem(f"{key}.{name}", f"unknown key (expected one of: {', '.join(ENTRY_KEYS)})")
            )
    for name in REQUIRED_KEYS:
        if name not in raw or raw[name] in (None, ""):
            problems.append(doc.problem(key, f"sign-off is missing '{name}'"))


def _check_date(doc: YamlDoc, key: str, date: Any, today: dt.date, problems: list[Problem]) -> None:
    """Add a problem when sign-off ``key``'s date is not a calendar date, or is later than today
    (allowing for a clock a little ahead)."""
    if date not in (None, ""):
        if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
            problems.append(doc.problem(f"{key}.date", "date must be a calendar date written YYYY-MM-DD"))
        elif date > today + CLOCK_SLACK:
            problems.append(
                doc.problem(
                    f"{key}.date", f"date {date.isoformat()} is in the future (today is {today.isoformat()})"
                )
            )


def _entry(
    doc: YamlDoc, i: int, raw: Any, policy: Policy, today: dt.date, problems: list[Problem]
) -> SignOff | None:
    """Sign-off ``i`` of ``doc`` as a SignOff, or None with its problems added to ``problems``."""
    key = f"signoffs.{i}"
    if not isinstance(raw, dict):
        problems.append(doc.problem(key, "each sign-off must be a mapping with " + ", ".join(ENTRY_KEYS)))
        return None
    before = len(problems)
    _check_keys(doc, key, raw, problems)
    fp, reviewer, role = raw.get("fingerprint"), raw.get("reviewer"), raw.get("role")
    decision, date, note = raw.get("decision"), raw.get("date"), raw.get("note", "")
    if fp not in (None, "") and not (isinstance(fp, str) and FINGERPRINT_RE.match(fp)):
        problems.append(
            doc.problem(
                f"{key}.fingerprint",
                "fingerprint must be 'sha256:' and 64 hex digits, as written by 'handle-docs review approve'",
            )
        )
    if reviewer not in (None, ""):
        why = check_reviewer(reviewer) if isinstance(reviewer, str) else "reviewer must be a name"
        if why:
            problems.append(doc.problem(f"{key}.reviewer", why))
    if role not in (None, "") and role not in policy.roles:
        problems.append(
            doc.problem(
                f"{key}.role", f"unknown role {role!r} (review-policy.yaml allows: {', '.join(policy.roles)})"
            )
        )
    if decision not in (None, "") and decision not in DECISIONS:
        problems.append(
            doc.problem(
                f"{key}.decision", f"decision must be one of: {', '.join(DECISIONS)} (not {decision!r})"
            )
        )
    _check_date(doc, key, date, today, problems)
    if note is None:
        note = ""
    if not isinstance(note, str):
        problems.append(doc.problem(f"{key}.note", "note must be text"))
    elif len(note) > MAX_NOTE:
        problems.append(doc.problem(f"{key}.note", f"note is longer than {MAX_NOTE} characters"))
    key_fp, signature, via = raw.get("key"), raw.get("signature"), raw.get("via")
    for name, value in (("key", key_fp), ("signature", signature), ("via", via)):
        if value is not None and not isinstance(value, str):
            problems.append(doc.problem(f"{key}.{name}", f"{name} must be text"))
    if isinstance(signature, str) and len(signature) > MAX_SIGNATURE:
        problems.append(
            doc.problem(f"{key}.signature", f"signature is longer than {MAX_SIGNATURE} characters")
        )
    if len(problems) > before:
        return None
    # each required key is there and was checked above
    assert isinstance(fp, str) and isinstance(reviewer, str) and isinstance(date, dt.date)
    assert isinstance(role, str) and isinstance(decision, str)
    return SignOff(
        fingerprint=fp,
        reviewer=" ".join(reviewer.split()),
        role=role,
        decision=decision,
        date=date,
        note=note.strip(),
        line=doc.line_of(key),
        index=i,
        key=(key_fp or "").strip(),
        signature=signature or "",
        via=(via or "").strip(),
    )


def load_signoffs(path: Path, material_id: str, policy: Policy, today: dt.date) -> SignOffFile:
    """Read and check one sign-off file; a missing file is simply empty."""
    path = Path(path)
    result = SignOffFile(path=path, material_id=material_id)
    if not path.exists():
        return result
    result.exists = True
    doc = load_yaml(path, display_name=str(path))
    if doc.problems:
        result.problems.extend(doc.problems)
        return result
    if doc.data is None:
        return result  # an empty file: no sign-offs yet
    if not isinstance(doc.data, dict):
        result.problems.append(Problem("expected 'material:' and 'signoffs:' at the top level", str(path), 1))
        return result
    for name in doc.data:
        if name not in ("material", "signoffs"):
            result.problems.append(
                doc.problem(str(name), "unknown key (expected one of: material, signoffs)")
            )
    named = doc.data.get("material")
    if named != material_id:
        result.problems.append(
            doc.problem(
                "material",
                f"this file is for material '{material_id}' (its name) but says material: {named!r}",
            )
        )
    raw = doc.data.get("signoffs")
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        result.problems.append(doc.problem("signoffs", "signoffs must be a list of sign-off entries"))
        return result
    for i, item in enumerate(raw):
        entry = _entry(doc, i, item, policy, today, result.problems)
        if entry is not None:
            result.entries.append(entry)
    return result


# --- writing -----------------------------------------------------------------


def _header(material_id: str) -> str:
    return (
        f"# Sign-offs for '{material_id}'. Append-only: add entries with\n"
        f"#   handle-docs review approve {material_id} --reviewer ID --role ROLE --key KEY\n"
        f"#   handle-docs review request-changes {material_id} --reviewer ID --role ROLE --key KEY --note TEXT\n"
        "# An entry counts only for the exact version (fingerprint) it names, and only\n"
        "# if its SSH signature checks out against content/reviewers.yaml.\n"
        f"material: {material_id}\n"
        "signoffs:\n"
    )


def entry_yaml(entry: SignOff) -> str:
    """One list item, indented under ``signoffs:``, keys in a fixed order."""
    data = {
        "fingerprint": entry.fingerprint,
        "reviewer": entry.reviewer,
        "role": entry.role,
        "decision": entry.decision,
        "date": entry.date,
        "note": entry.note,
        "key": entry.key,
        "signature": entry.signature,
    }
    if entry.via:
        data["via"] = entry.via
    text = yaml.dump(
        [data], Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )
    return "".join("  " + line if line.strip() else line for line in text.splitlines(keepends=True))


class _Dumper(yaml.SafeDumper):
    """Writes an armored signature as a literal block, as it looks in a .sig file."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if value.startswith("-----BEGIN ") and value.endswith("\n"):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_str(value)


_Dumper.add_representer(str, _str)


class SignOffWriteError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def append_signoff(path: Path, material_id: str, entry: SignOff) -> None:
    """Append ``entry`` to the file (creating it), keeping comments and history.

    The new text is parsed again before it replaces the file: if the result
    would not read back as the same list plus this entry, nothing is written.
    """
    path = Path(path)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if not old.strip():
        old = _header(material_id)
    elif re.search(r"^signoffs:\s*\[\]\s*$", old, flags=re.MULTILINE):
        old = re.sub(r"^signoffs:\s*\[\]\s*$", "signoffs:", old, flags=re.MULTILINE)
    if not old.endswith("\n"):
        old += "\n"
    new = old + entry_yaml(entry)
    before = parse_yaml(old, str(path))
    after = parse_yaml(new, str(path))
    old_list = (before.data or {}).get("signoffs") if isinstance(before.data, dict) else None
    new_list = (after.data or {}).get("signoffs") if isinstance(after.data, dict) else None
    if (
        after.problems
        or not isinstance(new_list, list)
        or new_list[:-1] != (old_list or [])
        or not new_list
        or new_list[-1].get("fingerprint") != entry.fingerprint
    ):
        raise SignOffWriteError(
            [
                Problem(
                    "cannot append a sign-off safely: 'signoffs:' must be the last key in the file, "
                    "its entries indented by two spaces",
                    str(path),
                    before.line_of("signoffs"),
                )
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(path, new)
    with contextlib.suppress(OSError):  # review records are shared in git, not private like run outputs
        path.chmod(0o644)
