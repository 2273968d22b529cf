"""The workspace's own SSH key: it signs the sign-offs reviewers make in the
browser, naming the signed-in reviewer.  Made on first start in the instance
folder (ed25519, 0600) unless ``serve --key FILE`` gives another; sign-offs
it makes count only once the reviewer registry lists it as a workspace key."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from handle_docs.review import WorkspaceSigner, load_registry
from handle_docs.review.sshsign import KeyFileSigner
from handle_docs.util import atomic

KEY_FILE = "workspace_key"
UNLISTED = (
    "unlisted-workspace-key"  # the name a key not in the registry signs under (such sign-offs never count)
)


def ensure_key(path: Path) -> Path:
    """The private key at ``path``, made (with its .pub) when there is none."""
    path = Path(path)
    if not path.exists():
        key = ed25519.Ed25519PrivateKey.generate()
        atomic.write_bytes(
            path,
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
            ),
        )
        public = key.public_key().public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
        atomic.write_text(
            path.with_name(path.name + ".pub"), public.decode("ascii") + " handle-docs-workspace\n"
        )
    return path


def listed_name(content_root: Path, key_path: Path) -> str | None:
    """The name the registry file lists this key under as a workspace key, or None."""
    registry = load_registry(Path(content_root)).registry
    if registry is None:
        return None
    owner = registry.owner(KeyFileSigner(key_path).public_key.fingerprint)
    return owner.id if owner is not None and owner.kind == "workspace" else None


def signer_for(content_root: Path, key_path: Path) -> WorkspaceSigner:
    return WorkspaceSigner(key_path, listed_name(content_root, key_path) or UNLISTED)


def public_key_file(key_path: Path) -> Path:
    """A .pub file for the key (written beside it from the private key when missing)."""
    pub = Path(key_path).with_name(Path(key_path).name + ".pub")
    if not pub.is_file():
        atomic.write_text(pub, KeyFileSigner(key_path).public_key.openssh + " handle-docs-workspace\n")
    return pub


def add_key_hint(content_dir: Path, key_path: Path) -> str:
    """The command that lists this key in the registry."""
    return (
        f"handle-docs reviewers add-workspace-key workspace --key {public_key_file(key_path)} "
        f"--content {content_dir}"
    )
