"""Review and approval of materials before anything is printed.

* :mod:`.fingerprint`: what a version is (content, shared content, templates,
  assets) and its SHA-256;
* :mod:`.policy`: what approval means (``content/review-policy.yaml``);
* :mod:`.signoffs`: the sign-off records in ``review/<material-id>.yaml``;
* :mod:`.registry`: the reviewer registry ``content/reviewers.yaml``;
* :mod:`.statement`: the exact bytes a sign-off's signature covers;
* :mod:`.sshsign`: SSH signatures: checking, and signing with a key file,
  ssh-agent or the workspace's key;
* :mod:`.pin`: the registry's trust anchor (``review/reviewers.root``,
  ``HANDLE_DOCS_REGISTRY_ROOT``);
* :mod:`.trust`: which sign-offs count (signature, key → person, role,
  removal) and which registry version is approved;
* :mod:`.status`: approved or not, why, and the gate output commands call;
* :mod:`.wording`: the text a resident reads, snapshots and word diffs;
* :mod:`.actions`: approve / request changes, and the diff report.
"""

from __future__ import annotations

from .actions import DiffReport, approve, diff_report, refusals_for, request_changes, sign
from .fingerprints import Part, fingerprint, fingerprint_parts, short
from .policy import POLICY_FILE, Policy, load_policy
from .registry import (
    REGISTRY_FILE,
    REGISTRY_ID,
    Registry,
    RegistryEditError,
    RegistryFileError,
    load_registry,
)
from .signoffs import (
    APPROVED,
    CHANGES_REQUESTED,
    SignOff,
    SignOffFile,
    load_signoffs,
    review_dir_for,
    signoff_path,
)
from .sshsign import (
    NAMESPACE,
    AgentSigner,
    KeyFileSigner,
    KeyProblem,
    PassphraseNeeded,
    Signer,
    WorkspaceSigner,
    sign_statement,
)
from .statement import statement
from .status import (
    TODAY_ENV,
    MaterialStatus,
    ReviewError,
    RunApproval,
    approval_for_letters,
    approval_for_run,
    gate,
    material_status,
    materials_for,
    resolve_today,
    review_status,
    reviewers_status,
    statuses_for,
)
from .trust import RegistryStatus
from .wording import resident_text, snapshot_path, word_diff

DRAFT_WATERMARK = "DRAFT \u2014 NOT APPROVED"

__all__ = [
    "APPROVED",
    "CHANGES_REQUESTED",
    "DRAFT_WATERMARK",
    "NAMESPACE",
    "POLICY_FILE",
    "REGISTRY_FILE",
    "REGISTRY_ID",
    "TODAY_ENV",
    "AgentSigner",
    "DiffReport",
    "KeyFileSigner",
    "KeyProblem",
    "MaterialStatus",
    "Part",
    "PassphraseNeeded",
    "Policy",
    "Registry",
    "RegistryEditError",
    "RegistryFileError",
    "RegistryStatus",
    "ReviewError",
    "RunApproval",
    "SignOff",
    "SignOffFile",
    "Signer",
    "WorkspaceSigner",
    "approval_for_letters",
    "approval_for_run",
    "approve",
    "diff_report",
    "fingerprint",
    "fingerprint_parts",
    "gate",
    "load_policy",
    "load_registry",
    "load_signoffs",
    "material_status",
    "materials_for",
    "refusals_for",
    "request_changes",
    "resident_text",
    "resolve_today",
    "review_dir_for",
    "review_status",
    "reviewers_status",
    "short",
    "sign",
    "sign_statement",
    "signoff_path",
    "snapshot_path",
    "statement",
    "statuses_for",
    "word_diff",
]
