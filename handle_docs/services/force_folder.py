"""Create a new force's folder from the starter (``handle-docs init DIR``).

DIR gets ``content/`` and ``templates/`` (the sample force's, to be made its
own), ``review/`` with a note saying what must be approved before anything is
printed (the sample approvals are left out: invented reviewers approved
invented wording) and the registry's pin awaiting its first approved version
(``review/reviewers.root``), and ``examples/`` with the invented sample records to try.
The folder is built beside DIR and renamed into place, so DIR is either
complete or not there; folders are 0700 and files 0600.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from handle_docs.review import DRAFT_WATERMARK, load_policy
from handle_docs.review.pin import PIN_FILE, write_awaiting
from handle_docs.review.policy import policy_fingerprint
from handle_docs.starter import CONTENT, EXAMPLES, REVIEW, SAMPLE_RECORDS, TEMPLATES, starter_root
from handle_docs.util import atomic
from handle_docs.wording.content import Content, load_content

#: The note written in place of the sample approvals.
REVIEW_NOTE = "README.txt"
REGISTRY_FILE = "reviewers.yaml"
EMPTY_REGISTRY = """\
# The reviewer registry: who may sign off materials, in which roles, with which
# SSH keys; and the workspace keys trusted to sign for a signed-in reviewer.
# Empty on purpose: the sample's reviewers are invented and their private keys
# are published. Add your own with
#   handle-docs reviewers add ID --name "NAME" --role ROLE --key FILE.pub
# A change counts only once approved like a material (see review/README.txt).
# The approval rules (content/review-policy.yaml) this version approves. After
# editing the rules, record them with 'handle-docs reviewers rules'.
policy: {policy}
reviewers: {}
workspace_keys: {}
"""
_SKIP = ("__pycache__", ".*", "*.pyc", "*~")


class FolderInUse(Exception):
    """DIR already holds something: init never writes over anything."""


@dataclass(frozen=True)
class NewForce:
    root: Path
    materials: tuple[str, ...]  # ids that must be approved before use
    sample_approvals: bool


def _copy_tree(source: Path, target: Path) -> None:
    """Copy the files under ``source`` (not hidden files, caches or backups) as private files."""
    atomic.private_dir(target)
    for path in sorted(source.iterdir()):
        if any(fnmatch(path.name, pattern) for pattern in _SKIP):
            continue
        if path.is_dir():
            _copy_tree(path, target / path.name)
        elif path.is_file():
            atomic.write_bytes(target / path.name, path.read_bytes())


def empty_registry(content: Content) -> str:
    """A new force's registry: nobody yet, and the starter's approval rules named, so that its first approved
    version covers them."""
    policy, _ = load_policy(content.root)
    return EMPTY_REGISTRY.replace("{policy}", policy_fingerprint(policy))


def review_note(content: Content) -> str:
    """What must happen before a new force prints anything: the note in ``review/``."""
    policy, _ = load_policy(content.root)
    materials = sorted(content.materials.values(), key=lambda m: m.id)
    width = max(len(m.id) for m in materials)
    listed = "\n".join(f"  {m.id.ljust(width)}  {m.spec.kind:<8}  {CONTENT}/{m.source}" for m in materials)
    return f"""Nothing in this folder is approved yet.

handle-docs prints a material only when its exact version is approved:
{policy.describe()} (content/review-policy.yaml says who may approve).
The sample force's approvals were left out on purpose: invented reviewers
approved invented wording.

Before you print anything for residents:

1. Put your force's details in content/operation.yaml (force, team, address,
   phone numbers, who signs the letters) and your web addresses in
   content/links.yaml.
2. Make the wording in content/ your force's own, and check it:
       handle-docs lint
3. List your reviewers' roles in content/review-policy.yaml and record
   those rules in the registry (the reviewers approve them with it):
       handle-docs reviewers rules
   Add your reviewers, each with their own public SSH key, to the (empty)
   registry content/reviewers.yaml:
       handle-docs reviewers add ID --name "NAME" --role ROLE --key ~/.ssh/id_ed25519.pub
   The registry is approved like a material, the first version by people
   it lists, under the rules it names:
       handle-docs review approve reviewers --reviewer ID --role ROLE --key ~/.ssh/id_ed25519
   The approval that completes it pins that version in review/{PIN_FILE}:
   from then on only reviewers it lists, and those they approve, can
   approve anything. Commit that file, and treat any change to it as a
   change of reviewers (SECURITY.md says why).
4. Make a proof of each material below, read it, and approve it, each by
   enough people, each signing with their own key:
       handle-docs review proof MATERIAL --out proofs
       handle-docs review approve MATERIAL --reviewer ID --role ROLE --key ~/.ssh/id_ed25519
5. See what is still missing with:
       handle-docs review status

Materials that must be approved:
{listed}

Until they are, --draft makes drafts to check, every page marked
"{DRAFT_WATERMARK}": never for delivery. Try one on the invented
sample records:
       handle-docs letters examples/patrol-records.csv --out out/letters --draft

Approvals are recorded in this folder: MATERIAL.yaml for each material, and
MATERIAL.versions/ with the wording each approved version had.
"""


def create_force(target: Path, *, sample_approvals: bool = False) -> NewForce:
    """Make ``target`` a force's working folder from the starter.

    Raises :class:`FolderInUse` when ``target`` exists and is not an empty
    folder; nothing is written then.  With ``sample_approvals`` the sample
    force's approvals are copied too (to try the tool on it, never for a real
    force); otherwise ``review/`` holds only the note.
    """
    target = Path(target).absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        what = "a folder that is not empty" if target.is_dir() else "not a folder"
        raise FolderInUse(f"{target} is {what}: give a new folder (init never writes over anything)")
    source = starter_root()
    content = load_content(source / CONTENT, source / TEMPLATES)  # the starter itself must be sound

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.init-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)  # left by a run that was killed
    try:
        atomic.private_dir(staging)
        for folder in (CONTENT, TEMPLATES):
            _copy_tree(source / folder, staging / folder)
        if sample_approvals:
            _copy_tree(source / REVIEW, staging / REVIEW)
        else:
            atomic.private_dir(staging / REVIEW)
            atomic.write_text(staging / REVIEW / REVIEW_NOTE, review_note(content))
            write_awaiting(staging / REVIEW)  # the first approved registry version will be pinned here
            # The sample registry lists invented people whose private keys are published:
            # a real force starts with nobody who can sign.
            atomic.write_text(staging / CONTENT / REGISTRY_FILE, empty_registry(content))
        atomic.private_dir(staging / EXAMPLES)
        for name in SAMPLE_RECORDS:
            atomic.write_bytes(staging / EXAMPLES / name, (source / EXAMPLES / name).read_bytes())
        if target.exists():
            target.rmdir()  # empty, checked above
        os.replace(staging, target)
        atomic.fsync_dir(target.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return NewForce(target, tuple(sorted(content.materials)), sample_approvals)
