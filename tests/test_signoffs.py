"""Signed sign-offs: only a sign-off provably made by the person it names counts.

Every forgery here is made by hand, the way someone who can edit the files
(but holds no reviewer key) would try it, and each is refused with its reason
and the file:line of the entry.  Genuine ed25519, RSA, ssh-agent and
workspace-key sign-offs count.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from handle_docs.models import Severity
from handle_docs.review import (
    AgentSigner,
    KeyFileSigner,
    PassphraseNeeded,
    ReviewError,
    WorkspaceSigner,
    approve,
    fingerprint,
    gate,
    material_status,
    refusals_for,
    request_changes,
    reviewers_status,
    sign,
    sign_statement,
    statement,
)
from handle_docs.review import registry as registry_lib
from handle_docs.review.pin import read_pin, write_awaiting
from handle_docs.review.sshsign import NAMESPACE, check_signature
from handle_docs.wording.content import load_content

from .signing import DEMO_KEYS, SIGNED_ON, approve_registry, demo_signer, enrol, entry_text, new_key

MID = "visit-letter"
TODAY = dt.date(2027, 1, 15)
PRIYA = demo_signer("priya-lang")
TOM = demo_signer("tom-okoro")


def load(content_dir: Path):
    return load_content(content_dir, content_dir.parent / "templates")


def record(content_dir: Path, material: str = MID) -> Path:
    return content_dir.parent / "review" / f"{material}.yaml"


def unsign_all(content_dir: Path) -> None:
    """Drop every material's sign-offs (the registry's record stays)."""
    for path in (content_dir.parent / "review").glob("*.yaml"):
        if path.name != "reviewers.yaml":
            path.unlink()


def write_entries(content_dir: Path, material: str, *entries: str) -> Path:
    path = record(content_dir, material)
    path.write_text(f"material: {material}\nsignoffs:\n" + "".join(entries), encoding="utf-8")
    return path


def refusal_text(content_dir: Path, material: str = MID) -> str:
    return "\n".join(str(p) for p in gate(load(content_dir), [material], TODAY))


def current_fp(content_dir: Path, material: str = MID) -> str:
    return fingerprint(load(content_dir), material)


# --- genuine sign-offs count ---------------------------------------------------------


def test_the_bundled_sample_is_signed_by_the_demo_reviewers():
    from .conftest import CONTENT, TEMPLATES

    content = load_content(CONTENT, TEMPLATES)
    status = material_status(content, MID)
    assert status.approved and not status.refused
    assert [(s.shown, s.reviewer, s.key) for s in status.tally.approvers] == [
        ("Priya Lang", "priya-lang", PRIYA.public_key.fingerprint),
        ("Sgt Tom Okoro", "tom-okoro", TOM.public_key.fingerprint),
    ]
    registry = reviewers_status(content)
    assert registry.approved and registry.trusted.data.reviewers["priya-lang"].demo_only


def test_genuine_ed25519_and_rsa_sign_offs_count(content_copy):
    rosa = enrol(content_copy, "rosa-reid", "Rosa Reid", ["comms-lead"], kind="rsa")
    unsign_all(content_copy)
    content = load(content_copy)
    approve(content, MID, "rosa-reid", "comms-lead", "RSA key.", signer=rosa, today=TODAY)
    assert "has 1" in refusal_text(content_copy)
    _, status = approve(content, MID, "tom-okoro", "neighbourhood-sergeant", signer=TOM, today=TODAY)
    assert status.approved and gate(content, [MID], TODAY) == []
    assert {(s.shown, s.key) for s in status.tally.approvers} == {
        ("Rosa Reid", rosa.public_key.fingerprint),
        ("Sgt Tom Okoro", TOM.public_key.fingerprint),
    }
    assert "    signature: |\n      -----BEGIN SSH SIGNATURE-----\n" in record(content_copy).read_text(
        encoding="utf-8"
    )


def test_python_signatures_are_ssh_keygen_signatures(tmp_path):
    """Same bytes as `ssh-keygen -Y sign` and accepted by `ssh-keygen -Y verify`."""
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed")
    message = statement(
        material=MID,
        fingerprint="sha256:" + "ab" * 32,
        decision="approved",
        reviewer="priya-lang",
        role="comms-lead",
        date=SIGNED_ON,
        note="line one\nline two",
    )
    for kind in ("ed25519", "rsa"):
        private, public = new_key(tmp_path, f"k-{kind}", kind)
        ours = sign_statement(message, private)
        theirs = subprocess.run(
            ["ssh-keygen", "-q", "-Y", "sign", "-f", str(private), "-n", NAMESPACE, "-"],
            input=message,
            capture_output=True,
            check=True,
        ).stdout.decode()
        assert ours == theirs, kind
        allowed = tmp_path / "allowed"
        allowed.write_text("signer " + public.read_text(encoding="utf-8"), encoding="utf-8")
        sig = tmp_path / "sig"
        sig.write_text(ours, encoding="utf-8")
        checked = subprocess.run(
            [
                "ssh-keygen",
                "-Y",
                "verify",
                "-f",
                str(allowed),
                "-I",
                "signer",
                "-n",
                NAMESPACE,
                "-s",
                str(sig),
            ],
            input=message,
            capture_output=True,
        )
        assert checked.returncode == 0 and b"Good" in checked.stdout, checked.stderr
        assert check_signature(message, theirs).fingerprint == KeyFileSigner(private).public_key.fingerprint


def test_the_statement_is_seven_fixed_lines_with_the_note_escaped():
    text = statement(
        material="visit-letter",
        fingerprint="sha256:" + "0" * 64,
        decision="approved",
        reviewer="priya-lang",
        role="comms-lead",
        date=dt.date(2026, 11, 25),
        note="a\\b\nc\rd",
    )
    assert (
        text
        == (
            "material: visit-letter\n"
            f"fingerprint: sha256:{'0' * 64}\n"
            "decision: approved\n"
            "reviewer: priya-lang\n"
            "role: comms-lead\n"
            "date: 2026-11-25\n"
            "note: a\\\\b\\nc\\rd\n"
        ).encode()
    )


# --- forgeries, each refused with its reason and file:line ------------------------------


def test_a_hand_written_unsigned_entry_does_not_count(content_copy):
    unsign_all(content_copy)
    fp = current_fp(content_copy)
    path = write_entries(
        content_copy,
        MID,
        entry_text(MID, fp, "priya-lang", "comms-lead"),
        entry_text(MID, fp, "tom-okoro", "neighbourhood-sergeant"),
    )
    text = refusal_text(content_copy)
    assert (
        f"{path}:3: signoffs.0: error: sign-off by priya-lang (approved, 2027-01-10) does not count: unsigned"
        in text
    )
    assert f"{path}:9: signoffs.1: error:" in text and "has 0" in text


def test_an_old_style_entry_naming_a_person_does_not_count(content_copy):
    """The forgery of issue 18: `reviewer: Priya Lang` typed into the file."""
    unsign_all(content_copy)
    fp = current_fp(content_copy)
    write_entries(
        content_copy,
        MID,
        entry_text(MID, fp, "Priya Lang", "comms-lead"),
        entry_text(MID, fp, "Sgt Tom Okoro", "neighbourhood-sergeant"),
    )
    status = material_status(load(content_copy), MID, today=TODAY)
    assert not status.approved and status.state == "NEEDS APPROVAL"
    assert [p.line for p in status.refused] == [3, 9]
    assert all("unsigned" in p.message for p in status.refused)


def test_a_valid_signature_copied_to_another_material_or_person_does_not_count(content_copy):
    sample = record(content_copy).read_text(encoding="utf-8")
    priya = sample[
        sample.index("  - fingerprint:") : sample.index(
            "  - fingerprint:", sample.index("reviewer: priya-lang")
        )
    ]
    # onto another material: its own fingerprint, Priya's signature for the letter
    leaflet_fp = current_fp(content_copy, "lock-it-leaflet")
    moved = priya.replace(priya.split("\n")[0], f"  - fingerprint: {leaflet_fp}")
    path = write_entries(content_copy, "lock-it-leaflet", moved)
    status = material_status(load(content_copy), "lock-it-leaflet", today=TODAY)
    assert [(p.file, p.line) for p in status.refused] == [(str(path), 3)]
    assert "the signature does not match this entry" in status.refused[0].message
    # onto another person: Tom's name on Priya's signed entry
    write_entries(content_copy, MID, priya, priya.replace("reviewer: priya-lang", "reviewer: tom-okoro"))
    status = material_status(load(content_copy), MID, today=TODAY)
    assert not status.approved and len(status.tally.approvers) == 1
    assert "does not match this entry" in status.refused[0].message and status.refused[0].line == 17


def test_a_foreign_key_not_in_the_registry_does_not_count(content_copy, tmp_path):
    private, _ = new_key(tmp_path, "comms-officer")
    officer = KeyFileSigner(private)
    unsign_all(content_copy)
    fp = current_fp(content_copy)
    path = write_entries(
        content_copy,
        MID,
        entry_text(MID, fp, "priya-lang", "comms-lead", signer=officer),
        entry_text(MID, fp, "tom-okoro", "neighbourhood-sergeant", signer=officer),
    )
    text = refusal_text(content_copy)
    assert (
        f"{path}:3:" in text
        and f"key {officer.public_key.fingerprint} is not in the approved registry" in text
    )
    with pytest.raises(ReviewError, match="is not in the approved registry"):
        approve(load(content_copy), MID, "priya-lang", "comms-lead", signer=officer, today=TODAY)


@pytest.mark.parametrize(
    "field, old, new",
    [
        ("note", "note: 'Sample material: approved for the demo'", "note: 'Approved, subject to legal.'"),
        ("date", "date: 2026-11-25", "date: 2026-11-26"),
        ("role", "role: comms-lead", "role: neighbourhood-sergeant"),
        ("decision", "decision: approved", "decision: changes-requested"),
    ],
)
def test_a_changed_field_breaks_the_signature(content_copy, field, old, new):
    path = record(content_copy)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    status = material_status(load(content_copy), MID, today=TODAY)
    assert not status.approved, field
    hits = [p for p in status.refused if "the signature does not match this entry" in p.message]
    assert hits and hits[0].file == str(path) and hits[0].line == 8
    assert "visit-letter.yaml:8: signoffs.0: error:" in refusal_text(content_copy)


def test_a_changed_fingerprint_breaks_the_signature(content_copy):
    """An approval of an old version re-pointed at a new one."""
    path = record(content_copy)
    old_fp = current_fp(content_copy)
    visit = content_copy / "letters" / "visit.yaml"
    visit.write_text(
        visit.read_text(encoding="utf-8").replace("walked around", "strolled around"), encoding="utf-8"
    )
    new_fp = current_fp(content_copy)
    path.write_text(path.read_text(encoding="utf-8").replace(old_fp, new_fp), encoding="utf-8")
    status = material_status(load(content_copy), MID, today=TODAY)
    assert not status.approved and len(status.refused) == 2
    assert all("does not match this entry" in p.message for p in status.refused)


def test_a_role_the_person_does_not_hold_does_not_count(content_copy):
    unsign_all(content_copy)
    fp = current_fp(content_copy)
    path = write_entries(
        content_copy,
        MID,
        entry_text(MID, fp, "priya-lang", "neighbourhood-sergeant", signer=PRIYA),
        entry_text(MID, fp, "tom-okoro", "comms-lead", signer=TOM),
    )
    status = material_status(load(content_copy), MID, today=TODAY)
    assert [(p.line, p.message.split(": ", 1)[1]) for p in status.refused] == [
        (3, "Priya Lang does not hold the role 'neighbourhood-sergeant' (registry: comms-lead)"),
        (17, "Sgt Tom Okoro does not hold the role 'comms-lead' (registry: neighbourhood-sergeant)"),
    ]
    assert all(p.file == str(path) for p in status.refused)
    with pytest.raises(ReviewError, match="does not hold the role"):
        approve(load(content_copy), MID, "priya-lang", "neighbourhood-sergeant", signer=PRIYA, today=TODAY)


def test_a_removed_reviewer_counts_before_removal_not_after(content_copy):
    registry_lib.remove_reviewer(content_copy, "tom-okoro", on=dt.date(2027, 1, 12))
    approve_registry(content_copy, today=dt.date(2027, 1, 12))
    # his sample sign-off (2026-11-25) still counts
    assert material_status(load(content_copy), MID, today=TODAY).approved
    unsign_all(content_copy)
    fp = current_fp(content_copy)
    path = write_entries(
        content_copy,
        MID,
        entry_text(MID, fp, "priya-lang", "comms-lead", signer=PRIYA),
        entry_text(MID, fp, "tom-okoro", "neighbourhood-sergeant", date=dt.date(2027, 1, 13), signer=TOM),
    )
    text = refusal_text(content_copy)
    assert f"{path}:17: signoffs.1: error:" in text
    assert "Sgt Tom Okoro was removed from the registry on 2027-01-12; this sign-off is dated after" in text
    with pytest.raises(ReviewError, match="was removed from the registry"):
        approve(load(content_copy), MID, "tom-okoro", "neighbourhood-sergeant", signer=TOM, today=TODAY)


def test_a_reviewer_added_by_an_unapproved_registry_change_cannot_sign(content_copy):
    ade = enrol(content_copy, "ade-mensah", "Ade Mensah", ["comms-lead"], approve=False)
    registry = reviewers_status(load(content_copy), today=TODAY)
    assert registry.state == "NEEDS APPROVAL" and registry.pending is not None
    with pytest.raises(ReviewError, match=r"added by a registry change .* that is not approved yet"):
        approve(load(content_copy), MID, "ade-mensah", "comms-lead", signer=ade, today=TODAY)
    unsign_all(content_copy)
    fp = current_fp(content_copy)
    write_entries(
        content_copy,
        MID,
        entry_text(MID, fp, "ade-mensah", "comms-lead", signer=ade),
        entry_text(MID, fp, "tom-okoro", "neighbourhood-sergeant", signer=TOM),
    )
    assert "'ade-mensah' is added by a registry change" in refusal_text(content_copy)
    # the new person cannot approve the change that adds them: only the approved version's people can
    with pytest.raises(ReviewError, match="not approved yet"):
        sign(
            load(content_copy), "reviewers", reviewer="ade-mensah", role="comms-lead", signer=ade, today=TODAY
        )
    approve_registry(content_copy, today=TODAY)
    assert reviewers_status(load(content_copy), today=TODAY).approved
    assert gate(load(content_copy), [MID], TODAY) == []


def test_a_comms_officer_cannot_approve_by_adding_themselves_to_the_registry(content_copy, tmp_path):
    """The threat model: files editable, no reviewer key."""
    private, public = new_key(tmp_path, "mallory")
    mallory = KeyFileSigner(private)
    path = content_copy / "reviewers.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "workspace_keys:",
            "  mallory:\n    name: Mallory\n    roles: [comms-lead, neighbourhood-sergeant]\n    keys:\n"
            f"    - {public.read_text(encoding='utf-8').strip()}\nworkspace_keys:",
        ),
        encoding="utf-8",
    )
    content = load(content_copy)
    with pytest.raises(ReviewError, match="not approved yet"):
        sign(content, "reviewers", reviewer="mallory", role="comms-lead", signer=mallory, today=TODAY)
    # signed in by hand, her approval of her own registry change does not count either
    reg = reviewers_status(content, today=TODAY)
    rpath = content_copy.parent / "review" / "reviewers.yaml"
    registry_lib.write_copy(content_copy.parent / "review", path, reg.fingerprint)
    with rpath.open("a", encoding="utf-8") as handle:
        for role in ("comms-lead", "neighbourhood-sergeant"):
            handle.write(entry_text("reviewers", reg.fingerprint, "mallory", role, signer=mallory))
    reg = reviewers_status(load(content_copy), today=TODAY)
    assert not reg.approved and reg.trusted is not None
    assert any("'mallory' is not a reviewer in the approved registry" in p.message for p in reg.problems)
    unsign_all(content_copy)
    fp = current_fp(content_copy)
    write_entries(content_copy, MID, entry_text(MID, fp, "mallory", "comms-lead", signer=mallory))
    assert "'mallory' is added by a registry change" in refusal_text(content_copy)


# --- the registry's own approval ---------------------------------------------------------


def test_the_first_registry_is_approved_by_the_people_it_lists_and_that_approval_pins_it(content_copy):
    review = content_copy.parent / "review"
    (review / "reviewers.yaml").unlink()
    shutil.rmtree(review / "reviewers.versions")
    write_awaiting(review)  # as in a folder handle-docs init made
    content = load(content_copy)
    registry = reviewers_status(content, today=TODAY)
    assert registry.trusted is None and "first version approves itself" in "; ".join(registry.missing())
    assert "there is no approved reviewer registry yet" in refusal_text(content_copy)
    sign(content, "reviewers", reviewer="priya-lang", role="comms-lead", signer=PRIYA, today=TODAY)
    assert not reviewers_status(content, today=TODAY).approved  # four eyes, as for a material
    sign(content, "reviewers", reviewer="tom-okoro", role="neighbourhood-sergeant", signer=TOM, today=TODAY)
    registry = reviewers_status(content, today=TODAY)
    assert registry.approved and len(registry.approved_versions) == 1
    assert read_pin(review).file_value == registry.approved_versions[0] == registry.pin_record
    assert gate(content, [MID], TODAY) == []


def test_a_pinned_root_refuses_any_other_first_registry(content_copy, monkeypatch):
    monkeypatch.setenv("HANDLE_DOCS_REGISTRY_ROOT", "sha256:" + "0" * 64)
    registry = reviewers_status(load(content_copy), today=TODAY)
    assert registry.trusted is None and not registry.approved
    assert "no approved reviewer registry" in refusal_text(content_copy)


def test_an_edited_copy_of_an_approved_registry_version_is_never_used(content_copy):
    before = reviewers_status(load(content_copy), today=TODAY).approved_versions[-1]
    enrol(
        content_copy, "ade-mensah", "Ade Mensah", ["comms-lead"]
    )  # a new version; the one before only as a copy
    review = content_copy.parent / "review"
    copies = sorted((review / "reviewers.versions").glob("*.yaml"))
    old = next(p for p in copies if before.removeprefix("sha256:").startswith(p.stem))
    old.write_text(
        old.read_text(encoding="utf-8").replace("Priya Lang", "Priya Lang-Smith"), encoding="utf-8"
    )
    registry = reviewers_status(load(content_copy), today=TODAY)
    assert registry.trusted is None
    assert any("no copy of that version" in p.message for p in registry.problems)


# --- the workspace key ----------------------------------------------------------------------


def test_a_workspace_key_signs_for_a_signed_in_reviewer(content_copy):
    unsign_all(content_copy)
    workspace = WorkspaceSigner(DEMO_KEYS / "demo-workspace", "demo-workspace")
    content = load(content_copy)
    entry, _ = approve(
        content, MID, "priya-lang", "comms-lead", "In the browser.", signer=workspace, today=TODAY
    )
    assert entry.via == "demo-workspace" and entry.key == workspace.public_key.fingerprint
    _, status = request_changes(
        content, MID, "tom-okoro", "neighbourhood-sergeant", "Typo.", signer=workspace, today=TODAY
    )
    assert [(s.shown, s.via) for s in status.tally.approvers] == [("Priya Lang", "demo-workspace")]
    assert [s.shown for s in status.tally.requests] == ["Sgt Tom Okoro"]
    path = record(content_copy)
    text = path.read_text(encoding="utf-8")
    assert "    via: demo-workspace\n" in text
    # the same entry with its via taken away, or naming another workspace, does not count
    path.write_text(
        text.replace("    via: demo-workspace\n", "    via: other-workspace\n", 1), encoding="utf-8"
    )
    status = material_status(load(content_copy), MID, today=TODAY)
    assert (
        "signed by the workspace key 'demo-workspace', but the entry says via: other-workspace"
        in status.refused[0].message
    )


def test_the_workspace_can_ask_why_a_reviewer_cannot_approve_without_writing(content_copy):
    workspace = WorkspaceSigner(DEMO_KEYS / "demo-workspace", "demo-workspace")
    before = record(content_copy).read_bytes()
    why = refusals_for(load(content_copy), MID, "priya-lang", "comms-lead", signer=workspace, today=TODAY)
    assert len(why) == 1 and "Priya Lang already approved this version" in why[0].message
    unsign_all(content_copy)
    assert (
        refusals_for(load(content_copy), MID, "priya-lang", "comms-lead", signer=workspace, today=TODAY) == []
    )
    assert not record(content_copy).exists()
    record(content_copy).write_bytes(before)


def test_a_workspace_key_the_registry_does_not_list_cannot_sign(content_copy, tmp_path):
    private, _ = new_key(tmp_path, "rogue-workspace")
    with pytest.raises(ReviewError, match="is not in the approved registry"):
        approve(
            load(content_copy),
            "lock-it-leaflet",
            "priya-lang",
            "comms-lead",
            signer=WorkspaceSigner(private, "rogue"),
            today=TODAY,
        )


# --- keys: passphrases, ssh-agent ------------------------------------------------------------


def test_a_passphrase_protected_key_needs_its_passphrase(content_copy, tmp_path):
    private, _public = new_key(tmp_path, "locked", passphrase="correct horse")
    with pytest.raises(PassphraseNeeded, match="protected by a passphrase"):
        KeyFileSigner(private)
    with pytest.raises(PassphraseNeeded, match="wrong passphrase"):
        KeyFileSigner(private, "wrong")
    assert KeyFileSigner(private, "correct horse").public_key.fingerprint


@pytest.fixture
def agent(tmp_path, monkeypatch):
    """A private ssh-agent for one test, stopped afterwards."""
    if shutil.which("ssh-agent") is None or shutil.which("ssh-add") is None:
        pytest.skip("ssh-agent / ssh-add are not installed")
    sock = tmp_path / "agent.sock"
    started = subprocess.run(["ssh-agent", "-s", "-a", str(sock)], capture_output=True, text=True, check=True)
    pid = int(started.stdout.split("SSH_AGENT_PID=")[1].split(";")[0])
    monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))
    yield sock
    os.kill(pid, signal.SIGTERM)


def test_an_ssh_agent_key_signs_through_ssh_keygen(content_copy, agent):
    """The reviewer gives the .pub file; the private key stays in the agent."""
    signer = enrol(content_copy, "ade-mensah", "Ade Mensah", ["comms-lead"])
    subprocess.run(["ssh-add", "-q", str(signer.path)], check=True, capture_output=True)
    pub = signer.path.with_name(signer.path.name + ".pub")
    moved = signer.path.rename(signer.path.with_name("elsewhere"))  # only the agent holds it now
    unsign_all(content_copy)
    content = load(content_copy)
    entry, _ = approve(
        content, MID, "ade-mensah", "comms-lead", "Via the agent.", signer=AgentSigner(pub), today=TODAY
    )
    _, status = approve(content, MID, "tom-okoro", "neighbourhood-sergeant", signer=TOM, today=TODAY)
    assert status.approved and entry.key == KeyFileSigner(moved).public_key.fingerprint


def test_an_agent_without_the_key_says_so(content_copy, agent, tmp_path):
    _, pub = new_key(tmp_path, "not-loaded")
    with pytest.raises(ReviewError, match="ssh-agent could not sign"):
        approve(load(content_copy), MID, "priya-lang", "comms-lead", signer=AgentSigner(pub), today=TODAY)


def test_the_refused_entries_are_warnings_not_a_broken_record(content_copy):
    """A forged entry next to genuine ones does not take the genuine ones down."""
    fp = current_fp(content_copy)
    with record(content_copy).open("a", encoding="utf-8") as handle:
        handle.write(entry_text(MID, fp, "priya-lang", "comms-lead", date=TODAY, note="forged"))
    status = material_status(load(content_copy), MID, today=TODAY)
    assert status.approved and status.refused and status.refused[0].severity == Severity.WARNING
