"""The trust anchor of the reviewer registry: which version its chain of
approvals must start at.

The pin is read from two places, and both are always read:

* ``review/reviewers.root`` in the force's folder, beside the registry's
  sign-offs (``review/reviewers.yaml``) and copies
  (``review/reviewers.versions/``); ``handle-docs init`` writes it, the
  bundled sample ships its own.  One line that is not a comment: the
  fingerprint of the registry's first approved version, or
  ``awaiting-first-approval`` in a new folder, until the first version is
  approved (the approval that completes it writes the fingerprint here);
* ``HANDLE_DOCS_REGISTRY_ROOT``: the same fingerprint given from outside the
  folder (a print pipeline, the server's environment), so that someone who
  can rewrite the folder cannot re-pin it.

When both name a fingerprint they must agree.  With no pin at all (no file,
no variable) nothing counts as approved unless the person running the
command said ``--allow-unpinned-registry`` (which sets
``HANDLE_DOCS_ALLOW_UNPINNED_REGISTRY`` for the process and those it starts);
every status, gate and manifest then says so.

This module reads and writes the pin; :mod:`.trust` applies it.  The file is
part of no material's fingerprint.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from handle_docs.models import Problem
from handle_docs.util import atomic

from .fingerprints import FINGERPRINT_RE

PIN_FILE = "reviewers.root"
ROOT_ENV = "HANDLE_DOCS_REGISTRY_ROOT"
ALLOW_ENV = "HANDLE_DOCS_ALLOW_UNPINNED_REGISTRY"
ALLOW_FLAG = "--allow-unpinned-registry"
AWAITING = "awaiting-first-approval"
#: The key of a problem about the pin (so an edge can put it in its user's words).
PIN_KEY = "registry_pin"
#: What a run's manifest records when no pin was used.
UNPINNED_RECORD = f"none ({ALLOW_FLAG})"


HEADER = """\
# The reviewer registry's trust anchor: the fingerprint of its first approved
# version. Every later version counts only if it was approved by the reviewers
# of the version before, back to this one; a registry whose approvals do not
# start here is refused (review status, every output, the workspace).
# Changing this line changes who may approve anything: treat a change to this
# file like a change of reviewers (see SECURITY.md, "Sign-offs").
"""

AWAITING_TEXT = (
    HEADER
    + f"""\
# Nothing is pinned yet: the first version of content/reviewers.yaml that is
# approved (handle-docs review approve reviewers ...) is written here.
{AWAITING}
"""
)


@dataclass
class Pin:
    """What the force folder and the environment say the registry's root is."""

    path: Path  # review/reviewers.root
    file_value: str | None  # the fingerprint in the file, if any
    awaiting: bool  # the file says awaiting-first-approval
    env_value: str | None  # HANDLE_DOCS_REGISTRY_ROOT, if set
    allow_unpinned: bool  # --allow-unpinned-registry was given
    problems: list[Problem] = field(default_factory=list)  # the file or the variable cannot be used

    @property
    def root(self) -> str | None:
        """The fingerprint the chain must start at (None: no pin)."""
        return self.env_value or self.file_value

    @property
    def disagree(self) -> bool:
        return bool(self.env_value and self.file_value and self.env_value != self.file_value)

    @property
    def where(self) -> str:
        if self.env_value and self.file_value:
            return f"{self.path} and {ROOT_ENV}"
        return ROOT_ENV if self.env_value else str(self.path)


def allow_unpinned_from_env() -> bool:
    return (os.environ.get(ALLOW_ENV) or "").strip().lower() in ("1", "yes", "true")


def allow_unpinned() -> None:
    """Let this process, and the processes it starts, use an unpinned registry
    (what ``--allow-unpinned-registry`` does)."""
    os.environ[ALLOW_ENV] = "1"


def pin_path(review_dir: Path) -> Path:
    return Path(review_dir) / PIN_FILE


def _fingerprint(text: str) -> str | None:
    value = text.strip().lower()
    return value if FINGERPRINT_RE.match(value) else None


def read_pin(review_dir: Path) -> Pin:
    """The pin of the force folder whose review folder is ``review_dir``, and
    the one in the environment."""
    path = pin_path(review_dir)
    problems: list[Problem] = []
    env_text = (os.environ.get(ROOT_ENV) or "").strip()
    env_value = _fingerprint(env_text) if env_text else None
    if env_text and env_value is None:
        problems.append(
            Problem(
                f"{ROOT_ENV} must be a registry fingerprint sha256:<64 hex digits>, not {env_text!r}",
                ROOT_ENV,
            )
        )
    file_value, awaiting = None, False
    if path.exists():
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            lines = []
            problems.append(Problem(f"cannot be read ({type(exc).__name__})", str(path)))
        values = [
            (n, line.strip())
            for n, line in enumerate(lines, 1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
        if len(values) > 1:
            problems.append(
                Problem("must hold one fingerprint (one line that is not a comment)", str(path), values[1][0])
            )
        elif values:
            number, text = values[0]
            if text == AWAITING:
                awaiting = True
            else:
                file_value = _fingerprint(text)
                if file_value is None:
                    problems.append(
                        Problem(
                            f"must be a registry fingerprint sha256:<64 hex digits> or {AWAITING}, not {text!r}",
                            str(path),
                            number,
                        )
                    )
        else:
            problems.append(Problem(f"holds no fingerprint (and not {AWAITING})", str(path)))
    return Pin(path, file_value, awaiting, env_value, allow_unpinned_from_env(), problems)


def pin_text(fingerprint: str) -> str:
    if not FINGERPRINT_RE.match(fingerprint):
        raise ValueError(f"not a registry fingerprint: {fingerprint!r}")
    return HEADER + fingerprint + "\n"


def write_pin(review_dir: Path, fingerprint: str) -> Path:
    """Pin ``fingerprint`` as the registry's root (atomic; a shared file like the sign-offs)."""
    path = pin_path(review_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(path, pin_text(fingerprint))
    with contextlib.suppress(OSError):  # pragma: no cover
        path.chmod(0o644)
    return path


def write_awaiting(review_dir: Path) -> Path:
    """A new force's pin: nothing yet, the first approved version will be written here."""
    path = pin_path(review_dir)
    atomic.write_text(path, AWAITING_TEXT)
    return path
