"""``handle-docs reviewers …`` and the signed ``review`` commands at the
command line: exit codes and what a person reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from .conftest import line_of
from .signing import DEMO_KEYS, new_key
from .test_review_cli import run

TODAY = "2027-01-15"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("HANDLE_DOCS_TODAY", TODAY)


def reviewers(content: Path, command: str, *args):
    return run("reviewers", command, *args, "--content", content)


def registry(content: Path) -> dict:
    return yaml.safe_load((content / "reviewers.yaml").read_text(encoding="utf-8"))


def test_list_shows_people_roles_key_fingerprints_and_demo_marks(content_copy):
    result = reviewers(content_copy, "list")
    assert result.exit_code == 0, result.output
    assert "registry " in result.output and ": approved" in result.output
    [priya] = [line for line in result.output.splitlines() if line.startswith("priya-lang ")]
    assert priya.split()[1:4] == ["Priya", "Lang", "comms-lead"]
    assert (
        "SHA256:waGjJ6ie3PYXkVXuV06+gehsZFNtvXNwIj4i3h5/fFg" in result.output and "DEMO ONLY" in result.output
    )
    assert "demo-workspace" in result.output


def test_add_writes_the_registry_and_it_counts_only_once_approved(content_copy, tmp_path):
    private, public = new_key(tmp_path, "ade")
    added = reviewers(
        content_copy,
        "add",
        "ade-mensah",
        "--name",
        "Ade Mensah",
        "--role",
        "comms-lead",
        "--role",
        "inspector",
        "--key",
        public,
    )
    assert added.exit_code == 0, added.output
    assert "added ade-mensah (Ade Mensah; comms-lead, inspector)" in added.output
    assert (
        "handle-docs review approve reviewers" in added.output
        and "who can: agnieszka-wojcik, ayesha-qureshi, eleri-pryce, ioana-popescu, priya-lang, samir-haddad, tom-okoro"
        in added.output
    )
    entry = registry(content_copy)["reviewers"]["ade-mensah"]
    assert entry["roles"] == ["comms-lead", "inspector"] and entry["keys"][0].endswith("ade@test")
    assert "not approved yet" in reviewers(content_copy, "list").output
    status = run("review", "status", "--content", content_copy)
    assert (
        status.exit_code == 1
        and "reviewers (registry)" in status.output
        and "NEEDS APPROVAL" in status.output
    )
    assert "by reviewers of the approved version sha256:" in status.output
    # Ade cannot sign yet; the two approved reviewers approve the change; then Ade can
    early = run(
        "review",
        "approve",
        "visit-letter",
        "--reviewer",
        "ade-mensah",
        "--role",
        "comms-lead",
        "--key",
        private,
        "--content",
        content_copy,
    )
    assert (
        early.exit_code == 2
        and "added by a registry change" in early.output
        and "not approved yet" in early.output
    )
    for rid, role in (("priya-lang", "comms-lead"), ("tom-okoro", "neighbourhood-sergeant")):
        ok = run(
            "review",
            "approve",
            "reviewers",
            "--reviewer",
            rid,
            "--role",
            role,
            "--key",
            DEMO_KEYS / rid,
            "--content",
            content_copy,
        )
        assert ok.exit_code == 0, ok.output
    assert "reviewers is approved for this version" in ok.output
    later = run(
        "review",
        "request-changes",
        "visit-letter",
        "--reviewer",
        "ade-mensah",
        "--role",
        "inspector",
        "--key",
        private,
        "--note",
        "Check the phone number.",
        "--content",
        content_copy,
    )
    assert later.exit_code == 0, later.output
    assert "recorded: Ade Mensah [ade-mensah] (inspector) asked for changes to visit-letter" in later.output


def test_wrong_ids_roles_and_keys_are_usage_errors(content_copy, tmp_path):
    _, public = new_key(tmp_path, "x")
    before = (content_copy / "reviewers.yaml").read_bytes()
    cases = [
        (
            ("add", "Ade Mensah", "--name", "Ade", "--role", "comms-lead", "--key", public),
            "must be lower-case",
        ),
        (
            ("add", "priya-lang", "--name", "P", "--role", "comms-lead", "--key", public),
            "already in the registry",
        ),
        (("add", "ade", "--name", "Ade", "--role", "chief", "--key", public), "unknown role chief"),
        (
            ("add", "ade", "--name", "Ade", "--role", "comms-lead", "--key", DEMO_KEYS / "priya-lang.pub"),
            "is already in the registry (reviewer priya-lang)",
        ),
        (
            ("add", "ade", "--name", "Ade", "--role", "comms-lead", "--key", DEMO_KEYS / "README.md"),
            "public key",
        ),
        (("remove", "nobody"), "no reviewer 'nobody'"),
        (("add-workspace-key", "demo-workspace", "--key", public), "already in the registry"),
    ]
    for args, expected in cases:
        result = reviewers(content_copy, *args)
        assert result.exit_code == 2 and expected in result.output, (args, result.output)
    assert (content_copy / "reviewers.yaml").read_bytes() == before


def test_remove_keeps_the_person_with_the_date(content_copy):
    result = reviewers(content_copy, "remove", "tom-okoro")
    assert result.exit_code == 0 and "removed tom-okoro (Sgt Tom Okoro) as of 2027-01-15" in result.output
    assert registry(content_copy)["reviewers"]["tom-okoro"]["removed"] == dt.date(2027, 1, 15)
    assert "# THE BUNDLED SAMPLE" in (content_copy / "reviewers.yaml").read_text(
        encoding="utf-8"
    )  # header kept
    again = reviewers(content_copy, "remove", "tom-okoro")
    assert again.exit_code == 2 and "already removed on 2027-01-15" in again.output


def test_add_workspace_key(content_copy, tmp_path):
    _, public = new_key(tmp_path, "ws")
    result = reviewers(content_copy, "add-workspace-key", "westmarch-workspace", "--key", public)
    assert result.exit_code == 0 and "added workspace key westmarch-workspace" in result.output
    assert registry(content_copy)["workspace_keys"]["westmarch-workspace"]["key"].startswith("ssh-ed25519 ")


def test_a_broken_registry_file_is_named_by_file_and_line(content_copy):
    path = content_copy / "reviewers.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    - comms-lead\n", "    - comms lead!\n", 1))
    listed = reviewers(content_copy, "list")
    assert (
        listed.exit_code == 1
        and f"{path}:{line_of(path, '    roles:')}: reviewers.priya-lang.roles" in listed.output
    )
    added = reviewers(content_copy, "remove", "tom-okoro")
    assert added.exit_code == 1 and "the reviewer registry cannot be used" in added.output


def test_letters_refuses_a_tampered_sign_off_naming_the_entry(content_copy, tmp_path):
    path = content_copy.parent / "review" / "visit-letter.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("approved for the demo", "approved, all of it", 1)
    )
    records = tmp_path / "records.csv"
    records.write_text(
        "submitted_at,officer,address,postcode,vrm,vehicle_secure,items_on_display,advice_given,nws_interest,"
        "cms_interest,language,large_print\n"
        '2026-11-14 18:05,4127,"12 Larkspur Road, Eastmoor, Westmarch",ZZ1 4QX,QZ00 XKB,no,bag,yes,yes,no,,no\n',
        encoding="utf-8",
    )
    result = run(
        "letters", records, "--out", tmp_path / "out", "--content", content_copy, "--jobs", 1, "--quiet"
    )
    assert result.exit_code == 1
    assert (
        f"{path}:8: signoffs.0: error: sign-off by priya-lang (approved, 2026-11-25) does not count"
        in result.output
    )
    assert "the signature does not match this entry" in result.output
    assert not (tmp_path / "out").exists()


def test_a_passphrase_key_without_a_terminal_fails_clearly(content_copy, tmp_path):
    private, _ = new_key(tmp_path, "locked", passphrase="secret words")
    result = run(
        "review",
        "approve",
        "visit-letter",
        "--reviewer",
        "priya-lang",
        "--role",
        "comms-lead",
        "--key",
        private,
        "--content",
        content_copy,
    )
    assert result.exit_code == 1
    assert "is protected by a passphrase" in result.output and "ssh-add" in result.output


def test_a_public_key_without_an_agent_says_what_to_do(content_copy, monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    result = run(
        "review",
        "approve",
        "visit-letter",
        "--reviewer",
        "priya-lang",
        "--role",
        "comms-lead",
        "--key",
        DEMO_KEYS / "priya-lang.pub",
        "--content",
        content_copy,
    )
    assert result.exit_code == 1 and "no ssh-agent is running" in result.output
