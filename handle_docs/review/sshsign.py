"""SSH signatures (the SSHSIG format git and ``ssh-keygen -Y`` use) over sign-off statements.

* Checking a signature: the ``sshsig`` package (the verifying half of
  OpenSSH's ``PROTOCOL.sshsig`` in Python, on ``cryptography``); it accepts
  ed25519 and RSA keys, which is what we accept.
* Signing: ``sshsig`` only verifies, so a private key file is signed here
  with ``cryptography`` (:class:`KeyFileSigner`; also what the workspace uses
  for its own key, :class:`WorkspaceSigner`), and a key held in ``ssh-agent``
  through ``ssh-keygen -Y sign -f KEY.pub`` (:class:`AgentSigner`).  ed25519
  signatures are deterministic: the same statement and key give the same
  bytes from either path.

Every signature is made in the namespace :data:`NAMESPACE`, so a sign-off
signature can never be replayed as a git commit signature or the reverse.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sshsig
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import SSHPrivateKeyTypes

NAMESPACE = "handle-docs-signoff@v1"
ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----"
ARMOR_END = "-----END SSH SIGNATURE-----"
#: Key types a reviewer may use (what sshsig can check).
KEY_TYPES = ("ssh-ed25519", "ssh-rsa")
MIN_RSA_BITS = 2048
SSH_KEYGEN = "ssh-keygen"
AGENT_TIMEOUT = 30  # seconds for ssh-keygen to get a signature from the agent


class KeyProblem(Exception):
    """A key cannot be used: the message says why and what to do."""


class PassphraseNeeded(KeyProblem):
    """The private key is protected by a passphrase and none (or a wrong one) was given."""


class BadSignature(Exception):
    """A signature does not check out; the message says why."""


# --- public keys -------------------------------------------------------------


@dataclass(frozen=True)
class PublicKey:
    """One public key in authorized_keys form (``type base64 [comment]``)."""

    kind: str
    blob: bytes  # the SSH wire encoding of the key

    @property
    def openssh(self) -> str:
        return f"{self.kind} {base64.b64encode(self.blob).decode('ascii')}"

    @property
    def fingerprint(self) -> str:
        """``SHA256:…`` exactly as ``ssh-keygen -l`` prints it."""
        return key_fingerprint(self.blob)


def key_fingerprint(blob: bytes) -> str:
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")
    return f"SHA256:{digest}"


def parse_public_key(line: str) -> PublicKey:
    """Read one authorized_keys line; ValueError says why it is not usable.

    Options before the key type (``from="…"``, ``restrict``) are not accepted:
    the registry lists bare keys.
    """
    parts = (line or "").strip().split()
    if len(parts) < 2:
        raise ValueError(
            "not an SSH public key: expected 'ssh-ed25519 AAAA… comment' (one line of a .pub file)"
        )
    kind, data = parts[0], parts[1]
    if kind not in KEY_TYPES:
        raise ValueError(f"key type {kind!r} is not accepted (use one of: {', '.join(KEY_TYPES)})")
    try:
        blob = base64.b64decode(data, validate=True)
    except (ValueError, binascii.Error):
        raise ValueError("the key's base64 text is damaged") from None
    try:
        parsed = sshsig.PublicKey.from_openssh_str(f"{kind} {data}")
    except (ValueError, NotImplementedError) as exc:
        raise ValueError(f"the key cannot be read ({exc})") from None
    if parsed.algo_name != kind:
        raise ValueError(f"the key says {kind!r} but holds a {parsed.algo_name!r} key")
    if kind == "ssh-rsa":
        bits = _rsa_bits(blob)
        if bits < MIN_RSA_BITS:
            raise ValueError(f"RSA key of {bits} bits is too short (at least {MIN_RSA_BITS})")
    return PublicKey(kind, blob)


def _rsa_bits(blob: bytes) -> int:
    fields = _strings(blob)
    return int.from_bytes(fields[2], "big").bit_length() if len(fields) >= 3 else 0


def _strings(blob: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos + 4 <= len(blob):
        (n,) = struct.unpack(">I", blob[pos : pos + 4])
        out.append(blob[pos + 4 : pos + 4 + n])
        pos += 4 + n
    return out


def read_public_key_file(path: Path) -> PublicKey:
    """The key in a ``.pub`` file; KeyProblem with the reason otherwise."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyProblem(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if len(lines) != 1:
        raise KeyProblem(f"{path} must hold exactly one public key line (has {len(lines)})")
    try:
        return parse_public_key(lines[0])
    except ValueError as exc:
        raise KeyProblem(f"{path}: {exc}") from None


# --- the SSHSIG wire format ---------------------------------------------------


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _signed_data(message: bytes, hash_name: str) -> bytes:
    """What the key actually signs (PROTOCOL.sshsig: the wrapper around H(message))."""
    digest = hashlib.new(hash_name, message).digest()
    return (
        b"SSHSIG" + _string(NAMESPACE.encode()) + _string(b"") + _string(hash_name.encode()) + _string(digest)
    )


def _armor(blob: bytes) -> str:
    text = base64.b64encode(blob).decode("ascii")
    lines = [text[i : i + 70] for i in range(0, len(text), 70)]  # as ssh-keygen writes it
    return "\n".join([ARMOR_BEGIN, *lines, ARMOR_END]) + "\n"


def _envelope(public_blob: bytes, hash_name: str, signature: bytes) -> bytes:
    return (
        b"SSHSIG"
        + struct.pack(">I", 1)
        + _string(public_blob)
        + _string(NAMESPACE.encode())
        + _string(b"")
        + _string(hash_name.encode())
        + _string(signature)
    )


def signature_key(armored: str) -> PublicKey:
    """The public key a signature says it was made with (not yet checked)."""
    try:
        outer = sshsig.sshsig.SshsigSignature.from_armored(armored)
        key = sshsig.PublicKey.from_ssh_encoding(outer.public_key)
    except (ValueError, NotImplementedError, IndexError, struct.error, binascii.Error) as exc:
        raise BadSignature(f"the signature cannot be read ({exc or type(exc).__name__})") from None
    if key.algo_name not in KEY_TYPES:
        raise BadSignature(f"the signature was made with a {key.algo_name} key, which is not accepted")
    return PublicKey(key.algo_name, bytes(outer.public_key))


def check_signature(message: bytes, armored: str) -> PublicKey:
    """The key that signed ``message`` in our namespace; BadSignature otherwise."""
    if not isinstance(armored, str) or ARMOR_BEGIN not in armored or ARMOR_END not in armored:
        raise BadSignature(f"not an armored SSH signature ({ARMOR_BEGIN} … {ARMOR_END})")
    key = signature_key(armored)
    try:
        sshsig.check_signature(message, armored, namespace=NAMESPACE)
    except sshsig.InvalidSignature as exc:
        if "Namespace" in str(exc):
            raise BadSignature(
                f"the signature is not for handle-docs sign-offs (namespace must be {NAMESPACE})"
            ) from None
        raise BadSignature("the signature does not match the statement") from None
    except (ValueError, NotImplementedError) as exc:
        raise BadSignature(f"the signature cannot be checked ({exc})") from None
    return key


# --- signers ---------------------------------------------------------------------


class Signer:
    """Something that signs statements with one SSH key."""

    #: The registry's workspace key name, when this signer is the workspace's key.
    via: str | None = None

    @property
    def public_key(self) -> PublicKey:  # pragma: no cover - abstract
        raise NotImplementedError

    def sign(self, message: bytes) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


def load_private_key(
    path: Path, passphrase: str | None = None
) -> rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey:
    """An ed25519 or RSA private key from an OpenSSH or PEM file."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise KeyProblem(f"cannot read the private key {path}: {exc.strerror}") from None
    if data.lstrip().startswith(b"ssh-"):
        raise KeyProblem(f"{path} is a public key; give the private key file, or load the key into ssh-agent")
    password = passphrase.encode("utf-8") if passphrase else None
    key: PrivateKeyTypes | SSHPrivateKeyTypes
    try:
        if b"OPENSSH PRIVATE KEY" in data:
            # cryptography needs bcrypt (a dependency) to open a passphrase-protected OpenSSH key.
            key = serialization.load_ssh_private_key(data, password=password)
        else:
            key = serialization.load_pem_private_key(data, password=password)
    except TypeError:
        # cryptography: "Password was not given but private key is encrypted" (or the reverse)
        if password is None:
            raise PassphraseNeeded(
                f"{path} is protected by a passphrase: type it when asked, or load the key into ssh-agent "
                f"(ssh-add {path}) and give its .pub file to --key"
            ) from None
        key = _load_unencrypted(data)
    except ValueError as exc:
        if password is not None:
            raise PassphraseNeeded(f"wrong passphrase for {path} (or the key file is damaged)") from None
        raise KeyProblem(f"{path} is not a private key this tool can read ({exc})") from None
    except Exception as exc:  # cryptography raises a few kinds for damaged files
        raise KeyProblem(f"{path} is not a private key this tool can read ({type(exc).__name__})") from None
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < MIN_RSA_BITS:
            raise KeyProblem(f"{path}: RSA key of {key.key_size} bits is too short (at least {MIN_RSA_BITS})")
    elif not isinstance(key, ed25519.Ed25519PrivateKey):
        raise KeyProblem(f"{path}: only ed25519 and RSA keys can sign sign-offs")
    return key


def _load_unencrypted(data: bytes) -> PrivateKeyTypes | SSHPrivateKeyTypes:
    if b"OPENSSH PRIVATE KEY" in data:
        return serialization.load_ssh_private_key(data, password=None)
    return serialization.load_pem_private_key(data, password=None)


class KeyFileSigner(Signer):
    """Signs in Python with a private key file (ed25519 or RSA)."""

    def __init__(self, path: Path, passphrase: str | None = None):
        self.path = Path(path)
        self._key = load_private_key(self.path, passphrase)
        raw = self._key.public_key().public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
        self._public = parse_public_key(raw.decode("ascii"))

    @property
    def public_key(self) -> PublicKey:
        return self._public

    def sign(self, message: bytes) -> str:
        if isinstance(self._key, ed25519.Ed25519PrivateKey):
            hash_name = "sha512"
            raw = self._key.sign(_signed_data(message, hash_name))
            signature = _string(b"ssh-ed25519") + _string(raw)
        else:
            hash_name = "sha512"
            raw = self._key.sign(_signed_data(message, hash_name), padding.PKCS1v15(), hashes.SHA512())
            signature = _string(b"rsa-sha2-512") + _string(raw)
        return _armor(_envelope(self._public.blob, hash_name, signature))


class WorkspaceSigner(KeyFileSigner):
    """The workspace's own key, listed under ``workspace_keys`` as ``name``:
    it signs for the reviewer who is signed in to the workspace."""

    def __init__(self, key_path: Path, name: str, passphrase: str | None = None):
        super().__init__(key_path, passphrase)
        self.via = name


class AgentSigner(Signer):
    """Signs with a key held in ssh-agent: ``ssh-keygen -Y sign -f KEY.pub``."""

    def __init__(self, public_key_path: Path):
        self.path = Path(public_key_path)
        self._public = read_public_key_file(self.path)
        if shutil.which(SSH_KEYGEN) is None:
            raise KeyProblem(
                "ssh-keygen is not installed, so an ssh-agent key cannot be used; give the private key file"
            )
        if not os.environ.get("SSH_AUTH_SOCK"):
            raise KeyProblem(
                f"{self.path} is a public key and no ssh-agent is running (SSH_AUTH_SOCK is not set): "
                "start ssh-agent and ssh-add your key, or give the private key file"
            )

    @property
    def public_key(self) -> PublicKey:
        return self._public

    def sign(self, message: bytes) -> str:
        with tempfile.TemporaryDirectory(prefix="handle-docs-sign-") as tmp:
            pub = Path(tmp) / "key.pub"  # a private copy: ssh-keygen must not find a private key beside it
            pub.write_text(self._public.openssh + "\n", encoding="ascii")
            try:
                done = subprocess.run(
                    [SSH_KEYGEN, "-q", "-Y", "sign", "-f", str(pub), "-n", NAMESPACE, "-"],
                    input=message,
                    capture_output=True,
                    timeout=AGENT_TIMEOUT,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise KeyProblem(
                    "ssh-agent did not sign in time (is it waiting for a confirmation?)"
                ) from None
        if done.returncode != 0 or ARMOR_BEGIN.encode() not in done.stdout:
            why = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise KeyProblem(
                f"ssh-agent could not sign with the key in {self.path}"
                + (f" ({why[-1]})" if why else "")
                + ": is that key loaded (ssh-add -l)?"
            )
        text = done.stdout.decode("ascii")
        return text[text.index(ARMOR_BEGIN) :]


def sign_statement(statement: bytes | str, private_key_path: Path, passphrase: str | None = None) -> str:
    """The armored SSH signature of ``statement`` by the key in ``private_key_path``."""
    message = statement.encode("utf-8") if isinstance(statement, str) else statement
    return KeyFileSigner(private_key_path, passphrase).sign(message)


def is_public_key_file(path: Path) -> bool:
    try:
        head = Path(path).read_bytes()[:64].lstrip()
    except OSError:
        return False
    return head.startswith(tuple(k.encode() + b" " for k in KEY_TYPES))
