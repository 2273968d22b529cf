"""Test helpers for signed sign-offs: the demo keys, fresh keys, and enrolling
a new reviewer into a test copy's registry (approved by the demo reviewers)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from handle_docs.review import KeyFileSigner, load_policy, sign
from handle_docs.review import registry as registry_lib
from handle_docs.wording.content import load_content

from .conftest import ROOT

DEMO_KEYS = ROOT / "examples" / "demo-keys"
SIGNED_ON = dt.date(2027, 1, 10)


def demo_signer(name: str) -> KeyFileSigner:
    return KeyFileSigner(DEMO_KEYS / name)


def new_key(
    folder: Path, name: str, kind: str = "ed25519", passphrase: str | None = None
) -> tuple[Path, Path]:
    """A fresh SSH key pair in OpenSSH format: (private file, .pub file)."""
    key = ed25519.Ed25519PrivateKey.generate() if kind == "ed25519" else rsa.generate_private_key(65537, 3072)
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    private = folder / name
    private.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, encryption)
    )
    private.chmod(0o600)
    public = folder / f"{name}.pub"
    line = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    public.write_text(line.decode() + f" {name}@test\n", encoding="utf-8")
    return private, public


def approve_registry(content_dir: Path, today: dt.date = SIGNED_ON) -> None:
    """The two demo reviewers approve the registry as it is now."""
    content = load_content(content_dir, content_dir.parent / "templates")
    for rid, role in (("priya-lang", "comms-lead"), ("tom-okoro", "neighbourhood-sergeant")):
        sign(content, "reviewers", reviewer=rid, role=role, signer=demo_signer(rid), today=today)


def approve_rules(content_dir: Path, today: dt.date = SIGNED_ON) -> None:
    """After a test edits the copy's approval rules (review-policy.yaml): record them in the registry
    (handle-docs reviewers rules) and have the demo reviewers approve that version, as the rules before
    require; from then on the edited rules are the ones materials are judged by."""
    registry_lib.set_rules(content_dir)
    approve_registry(content_dir, today)


def enrol(
    content_dir: Path, rid: str, name: str, roles: list[str], *, kind: str = "ed25519", approve: bool = True
) -> KeyFileSigner:
    """Add a person with a fresh key to the test copy's registry (approved
    by the demo reviewers unless ``approve`` is false); their signer."""
    private, public = new_key(content_dir.parent, rid, kind)
    policy, _ = load_policy(content_dir)
    registry_lib.add_reviewer(
        content_dir,
        rid,
        name=name,
        roles=roles,
        keys=[public.read_text(encoding="utf-8").strip()],
        allowed_roles=policy.roles,
    )
    if approve:
        approve_registry(content_dir)
    return KeyFileSigner(private)


def entry_text(
    material: str,
    fingerprint: str,
    reviewer: str,
    role: str,
    *,
    date: dt.date = SIGNED_ON,
    note: str = "",
    decision: str = "approved",
    signer=None,
    via: str | None = None,
) -> str:
    """One sign-off entry typed by hand, as a person editing the YAML would,
    signed by ``signer`` over its own statement when one is given."""
    from handle_docs.review.statement import statement

    lines = [
        f"  - fingerprint: {fingerprint}",
        f"    reviewer: {reviewer}",
        f"    role: {role}",
        f"    decision: {decision}",
        f"    date: {date.isoformat()}",
        f"    note: '{note}'",
    ]
    if signer is not None:
        armored = signer.sign(
            statement(
                material=material,
                fingerprint=fingerprint,
                decision=decision,
                reviewer=reviewer,
                role=role,
                date=date,
                note=note,
            )
        )
        lines.append(f"    key: {signer.public_key.fingerprint}")
        lines.append("    signature: |")
        lines += [f"      {line}" for line in armored.splitlines()]
    if via:
        lines.append(f"    via: {via}")
    return "\n".join(lines) + "\n"
