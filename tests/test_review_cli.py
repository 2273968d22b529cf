"""``handle-docs review …`` and the gate in ``handle-docs letters``, at the
command line: exit codes, messages, and (the only renders here) the draft
watermark and the proof, checked on the PDF's own text."""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner

from handle_docs.cli import cli
from handle_docs.review import fingerprint
from handle_docs.wording.content import load_content

from .conftest import approve_all, unsigned
from .signing import DEMO_KEYS
from .synth import write_rows

TODAY = "2027-01-15"
MID = "visit-letter"
DRAFT = "DRAFT — NOT APPROVED"

ROWS = (
    '2026-11-14 18:05,4127,"12 Larkspur Road, Eastmoor, Westmarch",ZZ1 4QX,QZ00 XKB,no,bag;phone,yes,yes,no,,no',
    '2026-11-14 18:09,5583,"7 Tanners Row, Eastmoor, Westmarch",ZZ1 4QY,QZ00 XKD,yes,,yes,no,yes,,no',
)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("HANDLE_DOCS_TODAY", TODAY)


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def review(content: Path, command: str, *args):
    return run("review", command, *args, "--content", content)


PRIYA = ("--reviewer", "priya-lang", "--role", "comms-lead", "--key", DEMO_KEYS / "priya-lang")
TOM = ("--reviewer", "tom-okoro", "--role", "neighbourhood-sergeant", "--key", DEMO_KEYS / "tom-okoro")


def approve_both(content: Path, material: str = MID) -> None:
    a = review(content, "approve", material, *PRIYA, "--note", "Checked.")
    b = review(content, "approve", material, *TOM)
    assert a.exit_code == b.exit_code == 0, a.output + b.output
    assert "is approved for this version" in b.output


def one_word(content: Path) -> None:
    path = content / "letters" / "visit.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("walked around", "strolled around"), encoding="utf-8"
    )


def records(tmp_path: Path) -> Path:
    return write_rows(tmp_path / "records.csv", *ROWS)


def letters(content: Path, tmp_path: Path, out: str, *extra):
    return run(
        "letters",
        records(tmp_path),
        "--out",
        tmp_path / out,
        "--content",
        content,
        "--jobs",
        1,
        "--quiet",
        *extra,
    )


def page_strings(path: Path) -> list[str]:
    """Each page's characters in drawing order, whitespace removed: the
    watermark is drawn rotated, so line-based text extraction scatters it."""
    with pdfplumber.open(path) as pdf:
        return ["".join(c["text"] for c in page.chars if not c["text"].isspace()) for page in pdf.pages]


def squash(text: str) -> str:
    return "".join(text.split())


# --- status ----------------------------------------------------------------------


def test_status_lists_every_material_and_exits_1_when_unapproved(content_copy):
    result = review(unsigned(content_copy), "status")
    assert result.exit_code == 1
    assert "MATERIAL" in result.output and MID in result.output and "NEEDS APPROVAL" in result.output
    assert "needs 2 approvals incl. role comms-lead, has 0" in result.output
    assert "2027-11-30" in result.output and "sha256:" in result.output


def test_status_exits_0_when_all_approved_and_shows_who(content_copy):
    ids = approve_all(unsigned(content_copy))
    result = review(content_copy, "status")
    assert result.exit_code == 0, result.output
    assert f"ready: all {len(ids)} material(s) and the reviewer registry approved" in result.output
    assert (
        "approved" in result.output
        and "Priya Lang (comms-lead), Sgt Tom Okoro (neighbourhood-sergeant)" in result.output
    )
    key = "SHA256:waGjJ6ie3PYXkVXuV06+gehsZFNtvXNwIj4i3h5/fFg"  # ssh-keygen -lf examples/demo-keys/priya-lang.pub
    assert f"approved by Priya Lang [priya-lang] (comms-lead), key {key}" in result.output
    verbose = review(content_copy, "status", "--verbose")
    assert verbose.exit_code == 0, verbose.output
    assert "templates/letters/visit.html.j2" in verbose.output and "fingerprint: sha256:" in verbose.output


def test_status_after_the_review_by_date_exits_1(content_copy):
    approve_both(unsigned(content_copy))
    result = review(content_copy, "status", "--today", "2028-01-01")
    assert result.exit_code == 1
    assert "EXPIRED" in result.output and "review-by date 2027-11-30 has passed" in result.output


def test_status_names_file_and_line_of_a_broken_record(content_copy):
    unsigned(content_copy)
    path = content_copy.parent / "review" / f"{MID}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text("material: visit-letter\nsignoffs:\n  - reviewer: [\n", encoding="utf-8")
    result = review(content_copy, "status")
    assert result.exit_code == 1
    assert f"{path}:" in result.output and "YAML syntax" in result.output and "RECORD BROKEN" in result.output


# --- approve / request-changes -------------------------------------------------------------


def test_approve_by_the_same_person_twice_is_refused(content_copy):
    unsigned(content_copy)
    first = review(content_copy, "approve", MID, *PRIYA)
    assert first.exit_code == 0 and "not yet approved" in first.output
    assert "recorded: Priya Lang [priya-lang] (comms-lead) approved visit-letter" in first.output
    assert "signed with key SHA256:" in first.output
    again = review(content_copy, "approve", MID, *PRIYA)
    assert again.exit_code == 1
    assert "already approved this version" in again.output and f"{MID}.yaml:8" in again.output
    assert review(content_copy, "status").exit_code == 1


def test_approve_with_bad_input_is_refused_with_a_clear_message(content_copy):
    unsigned(content_copy)
    unknown = review(content_copy, "approve", "no-such-letter", *PRIYA)
    assert unknown.exit_code == 2 and "no material with id 'no-such-letter' (have: " in unknown.output
    assert MID in unknown.output
    nobody = review(
        content_copy,
        "approve",
        MID,
        "--reviewer",
        "a-b",
        "--role",
        "comms-lead",
        "--key",
        DEMO_KEYS / "priya-lang",
    )
    assert (
        nobody.exit_code == 2
        and "no reviewer with id 'a-b'" in nobody.output
        and "priya-lang" in nobody.output
    )
    role = review(content_copy, "approve", MID, *PRIYA[:2], "--role", "chief", *PRIYA[4:])
    assert role.exit_code == 2 and "unknown role 'chief'" in role.output
    not_hers = review(
        content_copy, "approve", MID, *PRIYA[:2], "--role", "neighbourhood-sergeant", *PRIYA[4:]
    )
    assert (
        not_hers.exit_code == 2
        and "Priya Lang does not hold the role 'neighbourhood-sergeant'" in not_hers.output
    )
    toms_key = review(content_copy, "approve", MID, *PRIYA[:4], "--key", DEMO_KEYS / "tom-okoro")
    assert (
        toms_key.exit_code == 2
        and "belongs to Sgt Tom Okoro (tom-okoro), not to priya-lang" in toms_key.output
    )
    bad_day = review(content_copy, "status", "--today", "someday")
    assert bad_day.exit_code == 2 and "YYYY-MM-DD" in bad_day.output
    assert not (content_copy.parent / "review" / f"{MID}.yaml").exists()


def test_request_changes_needs_a_note_and_withdraws_an_approval(content_copy):
    approve_both(unsigned(content_copy))
    no_note = review(content_copy, "request-changes", MID, *PRIYA)
    assert no_note.exit_code == 2 and "note is required" in no_note.output
    asked = review(content_copy, "request-changes", MID, *PRIYA, "--note", "Use 'vehicle'.")
    assert asked.exit_code == 0 and "asked for changes" in asked.output
    status = review(content_copy, "status")
    assert status.exit_code == 1 and "changes requested by Priya Lang" in status.output


# --- diff ---------------------------------------------------------------------------


def test_diff_shows_the_changed_words(content_copy):
    approve_both(unsigned(content_copy))
    one_word(content_copy)
    result = review(content_copy, "diff", MID)
    assert result.exit_code == 0, result.output
    assert "[opening]" in result.output and "[-walked-]{+strolled+}" in result.output
    assert review(content_copy, "diff", "nope").exit_code == 2


# --- the gate in `letters` -------------------------------------------------------------------


def test_letters_refuses_an_unapproved_version_naming_it_and_the_command(content_copy, tmp_path):
    approve_both(unsigned(content_copy))
    one_word(content_copy)
    result = letters(content_copy, tmp_path, "out")
    assert result.exit_code == 1
    assert "refusing to make letters" in result.output
    assert "visit-letter: not approved for this version (sha256:" in result.output
    assert "handle-docs review approve visit-letter --reviewer ID --role ROLE --key KEY" in result.output
    assert "--draft" in result.output
    assert not (tmp_path / "out").exists()


def test_letters_refuses_an_expired_material(content_copy, tmp_path, monkeypatch):
    approve_both(unsigned(content_copy))
    monkeypatch.setenv("HANDLE_DOCS_TODAY", "2027-12-01")
    result = letters(content_copy, tmp_path, "out")
    assert result.exit_code == 1 and "review-by date 2027-11-30 has passed" in result.output


def test_approved_run_passes_and_records_fingerprints_and_approvers(content_copy, tmp_path):
    approve_both(unsigned(content_copy))
    approve_all(content_copy)  # the letter's translations, each by the comms lead and its translator
    fp = fingerprint(load_content(content_copy, content_copy.parent / "templates"), MID)
    result = letters(content_copy, tmp_path, "out")
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["draft"] is False and manifest["approval"] == "APPROVED"
    record = manifest["materials"][MID]
    assert record["fingerprint"] == fp and record["version"] == 1
    assert [(a["reviewer"], a["role"]) for a in record["approved_by"]] == [
        ("Priya Lang", "comms-lead"),
        ("Sgt Tom Okoro", "neighbourhood-sergeant"),
    ]
    summary = (tmp_path / "out" / "summary.txt").read_text(encoding="utf-8")
    assert "approval: visit-letter sha256:" in summary and "Priya Lang (comms-lead)" in summary
    assert all(DRAFT.replace(" ", "") not in page for page in page_strings(tmp_path / "out" / "batch.pdf"))


def test_draft_renders_with_the_watermark_on_every_page(content_copy, tmp_path):
    unsigned(content_copy)
    result = letters(content_copy, tmp_path, "draft", "--draft")
    assert result.exit_code == 0, result.output
    assert "DRAFT" in result.output and "not approved for this version" in result.output
    out = tmp_path / "draft"
    pdfs = [out / "batch.pdf", *sorted((out / "letters").glob("*.pdf"))]
    assert len(pdfs) == 3
    for pdf in pdfs:
        pages = page_strings(pdf)
        assert pages
        for number, page in enumerate(pages, 1):
            assert squash(DRAFT) in page, f"{pdf.name} page {number} has no draft watermark"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["draft"] is True and manifest["approval"] == "DRAFT"
    assert manifest["materials"][MID]["approved"] is False
    assert "DRAFT" in (out / "summary.txt").read_text(encoding="utf-8")


# --- proof ----------------------------------------------------------------------------------


def test_proof_is_watermarked_with_the_fingerprint_on_every_page(content_copy, tmp_path):
    unsigned(content_copy)
    draft = review(content_copy, "proof", MID, "--out", tmp_path / "proofs")
    assert draft.exit_code == 0, draft.output
    path = tmp_path / "proofs" / f"{MID}-proof.pdf"
    fp = draft.output.split("version ")[-1].strip()
    short = fp[: len("sha256:") + 12]
    pages = page_strings(path)
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert squash(DRAFT) in page, f"proof page {number} has no draft watermark"
        assert squash(f"Version {short}") in page, f"proof page {number} has no fingerprint in the footer"
    words = " ".join(squash(p) for p in pages)
    for heading in (
        "Acaratyouraddresswasnotlocked",
        "Thingswereleftonshow",
        "Keyswereleftinsight",
        "Thankyouforkeepingyourcarsafe",
    ):
        assert heading in words, f"the proof must show every finding: {heading}"

    approve_both(content_copy)
    approved = review(content_copy, "proof", MID, "--out", tmp_path / "proofs")
    assert approved.exit_code == 0
    for page in page_strings(path):
        assert f"APPROVED{TODAY}" in page and squash(DRAFT) not in page


def test_a_leaflet_proof_is_watermarked_too(content_copy, tmp_path):
    content = load_content(unsigned(content_copy), content_copy.parent / "templates")
    leaflets = sorted(m.id for m in content.materials.values() if m.spec.kind == "leaflet")
    assert leaflets, "the bundled content has leaflets"
    result = review(content_copy, "proof", leaflets[0], "--out", tmp_path)
    assert result.exit_code == 0, result.output
    short = fingerprint(content, leaflets[0])[: len("sha256:") + 12]
    for page in page_strings(tmp_path / f"{leaflets[0]}-proof.pdf"):
        assert squash(DRAFT) in page and squash(f"Version {short}") in page


def test_a_paper_form_proof_is_drawn_by_the_same_table_as_its_preview(content_copy, tmp_path):
    """One renderer table (services/proofs.py): the paper form, which the workspace previews, has a proof."""
    content = load_content(unsigned(content_copy), content_copy.parent / "templates")
    forms = sorted(m.id for m in content.materials.values() if m.spec.kind == "form")
    assert forms, "the bundled content has a paper form"
    result = review(content_copy, "proof", forms[0], "--out", tmp_path)
    assert result.exit_code == 0, result.output
    short = fingerprint(content, forms[0])[: len("sha256:") + 12]
    for page in page_strings(tmp_path / f"{forms[0]}-proof.pdf"):
        assert squash(DRAFT) in page and squash(f"Version {short}") in page


def test_proof_of_an_unknown_material_is_refused(content_copy, tmp_path):
    result = review(content_copy, "proof", "nope", "--out", tmp_path)
    assert result.exit_code == 2 and "no material with id 'nope'" in result.output
