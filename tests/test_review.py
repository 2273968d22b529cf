"""Review: fingerprints, sign-offs, policy, status, the gate and wording diffs.

No PDFs are rendered here; see test_review_cli.py for the draft watermark and
proofs.  Every test works on a private copy of content/, templates/ and
review/ (fixture ``content_copy``).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from handle_docs.models import Severity
from handle_docs.review import (
    ReviewError,
    approval_for_run,
    diff_report,
    fingerprint,
    fingerprint_parts,
    gate,
    material_status,
    materials_for,
    review_status,
    short,
    sign,
    word_diff,
)
from handle_docs.review import fingerprints as fingerprint_module
from handle_docs.review.policy import Policy
from handle_docs.review.signoffs import load_signoffs
from handle_docs.review.statement import statement as stmt
from handle_docs.wording.content import load_content

from .conftest import CONTENT, TEMPLATES, TRANSLATORS, edit, unsigned
from .signing import approve_rules, demo_signer, enrol

MID = "visit-letter"
TODAY = dt.date(2027, 1, 15)
LEAD = dict(reviewer="priya-lang", role="comms-lead", signer=demo_signer("priya-lang"))
SERGEANT = dict(reviewer="tom-okoro", role="neighbourhood-sergeant", signer=demo_signer("tom-okoro"))


# --- helpers -------------------------------------------------------------------


def load(content_dir: Path):
    return load_content(content_dir, content_dir.parent / "templates")


def fresh(content_dir: Path):
    """Content whose review folder is empty: nothing approved yet."""
    return load(unsigned(content_dir))


def officer(content_dir: Path) -> dict:
    """A third reviewer, Ade Mensah (comms-officer), enrolled and approved."""
    return dict(
        reviewer="ade-mensah",
        role="comms-officer",
        signer=enrol(content_dir, "ade-mensah", "Ade Mensah", ["comms-officer"]),
    )


def approve(content, who, **kwargs):
    return sign(content, MID, today=kwargs.pop("today", TODAY), **who, **kwargs)


def approved(content_dir: Path):
    content = fresh(content_dir)
    approve(content, LEAD, note="Checked.")
    approve(content, SERGEANT)
    return load(content_dir)


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def visit(content_dir: Path) -> Path:
    return content_dir / "letters" / "visit.yaml"


def signoff_file(content_dir: Path) -> Path:
    return content_dir.parent / "review" / f"{MID}.yaml"


def messages(problems) -> str:
    return "\n".join(str(p) for p in problems)


# --- the bundled sample ----------------------------------------------------------


def test_bundled_materials_are_approved():
    content = load_content(CONTENT, TEMPLATES)
    problems = gate(content, sorted(content.materials))
    assert not problems, (
        "The bundled sample must ship approved (make demo refuses otherwise), but:\n"
        + messages(problems)
        + "\n\nIf you changed content/ or templates/ on purpose, re-sign the sample with the demo keys from the "
        "repository root:\n  bash scripts/approve-sample.sh\n"
        "and commit review/ (the .yaml and the new snapshot in review/*.versions/)."
    )


# --- fingerprints ------------------------------------------------------------------


def test_fingerprint_is_a_sha256_with_a_short_form(content_copy):
    fp = fingerprint(load(content_copy), MID)
    assert fp.startswith("sha256:") and len(fp) == len("sha256:") + 64
    assert short(fp) == fp[: len("sha256:") + 12]


def test_reindenting_and_comments_do_not_change_the_fingerprint(content_copy):
    before = fingerprint(load(content_copy), MID)
    data = yaml.safe_load(visit(content_copy).read_text(encoding="utf-8"))
    visit(content_copy).write_text(
        "# a comment added by comms\n" + yaml.safe_dump(data, indent=4, width=60, sort_keys=True),
        encoding="utf-8",
    )
    links = content_copy / "links.yaml"
    links.write_text("# reordered, same data\n" + links.read_text(encoding="utf-8"), encoding="utf-8")
    assert fingerprint(load(content_copy), MID) == before


@pytest.mark.parametrize(
    "what, change",
    [
        ("one word of wording", lambda c: edit(visit(c), "walked around", "strolled around")),
        ("a label", lambda c: edit(visit(c), "Locked?", "Locked")),
        ("the review-by date", lambda c: edit(visit(c), "review_by: 2027-11-30", "review_by: 2027-12-01")),
        ("a link", lambda c: edit(c / "links.yaml", "/report\n", "/report-it\n")),
        ("a contact detail", lambda c: edit(c / "operation.yaml", "01632 960 418", "01632 960 419")),
        (
            "the letter template",
            lambda c: edit(c.parent / "templates/letters/visit.html.j2", "{{ title }}", "{{ title }} now"),
        ),
        (
            "the letter CSS",
            lambda c: append(c.parent / "templates/letters/letter.css", "h1 { margin: 0; }\n"),
        ),
        ("the shared CSS", lambda c: append(c.parent / "templates/base.css", "p { margin: 0; }\n")),
        (
            "a new file in the letter folder",
            lambda c: (c.parent / "templates/letters/visit.docx").write_bytes(b"PK"),
        ),
        (
            "a renamed shared template",
            lambda c: (c.parent / "templates/macros.html.j2").rename(c.parent / "templates/macros2.html.j2"),
        ),
    ],
)
def test_any_change_to_what_the_public_reads_is_a_new_version(content_copy, what, change):
    before = fingerprint(load(content_copy), MID)
    change(content_copy)
    after = fingerprint(load(content_copy), MID)
    assert after != before, f"changing {what} must change the fingerprint"


def test_a_change_to_the_fonts_is_a_new_version(content_copy, tmp_path, monkeypatch):
    content = load(content_copy)
    before = fingerprint(content, MID)
    assets = tmp_path / "assets"
    shutil.copytree(fingerprint_module.ASSETS, assets)
    monkeypatch.setattr(fingerprint_module, "ASSETS", assets)
    assert fingerprint(content, MID) == before
    (assets / "fonts" / "OFL.txt").write_text("changed", encoding="utf-8")
    assert fingerprint(content, MID) != before


def test_records_sign_offs_other_kinds_and_hidden_files_never_change_the_version(content_copy):
    content = approved(content_copy)
    before = fingerprint(content, MID)
    (content_copy.parent / "records.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (content_copy.parent / "templates" / "leaflets").mkdir(exist_ok=True)
    (content_copy.parent / "templates" / "leaflets" / "lock-it.html.j2").write_text(
        "<p>x</p>", encoding="utf-8"
    )
    (content_copy.parent / "templates" / "letters" / ".visit.html.j2.swp").write_bytes(b"swap")
    approve(content, officer(content_copy))  # writes review/ and changes the reviewer registry
    assert fingerprint(load(content_copy), MID) == before


def test_fingerprint_parts_say_what_went_in(content_copy):
    names = [p.name for p in fingerprint_parts(load(content_copy), MID)]
    assert names[:3] == ["letters/visit.yaml", "operation.yaml", "links.yaml"]
    assert "templates/base.css" in names and "templates/letters/visit.html.j2" in names
    assert any(n.startswith("assets/fonts/") for n in names)
    assert not any("review" in n for n in names)


# --- approval and the gate -----------------------------------------------------------


def test_nothing_signed_means_the_gate_is_closed_and_says_how_to_open_it(content_copy):
    content = fresh(content_copy)
    problems = gate(content, [MID], TODAY)
    text = messages(problems)
    assert len(problems) == 1
    assert f"{MID}: not approved for this version ({short(fingerprint(content, MID))})" in text
    assert "needs 2 approvals incl. role comms-lead, has 0" in text
    assert f"handle-docs review diff {MID}" in text
    assert f"handle-docs review approve {MID} --reviewer ID --role ROLE --key KEY" in text
    assert str(signoff_file(content_copy)) in text


def test_approve_then_one_word_change_then_reapprove_by_two(content_copy):
    content = approved(content_copy)
    assert gate(content, [MID], TODAY) == []

    edit(visit(content_copy), "walked around", "strolled around")
    content = load(content_copy)
    problems = gate(content, [MID], TODAY)
    assert problems and "not approved for this version" in messages(problems)
    assert "has 0" in messages(problems)

    approve(content, LEAD)
    assert "has 1" in messages(gate(content, [MID], TODAY))
    approve(content, SERGEANT)
    assert gate(content, [MID], TODAY) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda c: edit(visit(c), "Thieves look into", "Thieves peer into"),
        lambda c: edit(c.parent / "templates/letters/visit.html.j2", "{{ title }}", "{{ title }} today"),
        lambda c: edit(c / "links.yaml", "/neighbourhood-watch/join", "/neighbourhood-watch/signup"),
    ],
    ids=["wording", "template", "link"],
)
def test_the_gate_closes_on_a_one_word_change_to_wording_template_or_link(content_copy, change):
    assert gate(approved(content_copy), [MID], TODAY) == []
    change(content_copy)
    problems = gate(load(content_copy), [MID], TODAY)
    assert len(problems) == 1 and "visit-letter: not approved for this version" in str(problems[0])


def test_the_same_person_twice_is_refused_and_counted_once(content_copy):
    content = fresh(content_copy)
    approve(content, LEAD)
    with pytest.raises(ReviewError) as refused:
        approve(content, LEAD, note="Again.")
    text = messages(refused.value.problems)
    assert "already approved this version" in text and f"{signoff_file(content_copy)}:" in text

    # the same signed approval copied in twice by hand: a warning naming the line, counted once
    path = signoff_file(content_copy)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    entry = lines[lines.index("signoffs:\n") + 1 :]
    path.write_text("".join(lines) + "".join(entry), encoding="utf-8")
    status = material_status(content, MID, today=TODAY)
    assert not status.approved and len(status.tally.approvers) == 1
    dup = [p for p in status.problems if "already approved" in p.message]
    assert dup and dup[0].severity == Severity.WARNING and dup[0].line == len(lines) + 1
    assert "has 1" in messages(gate(content, [MID], TODAY))


def test_past_the_review_by_date_the_material_is_refused(content_copy):
    content = approved(content_copy)
    assert gate(content, [MID], dt.date(2027, 11, 30)) == []  # the date itself is still in date
    problems = gate(content, [MID], dt.date(2027, 12, 1))
    text = messages(problems)
    assert "review-by date 2027-11-30 has passed" in text and "re-approval" in text
    assert "letters/visit.yaml" in text
    with pytest.raises(ReviewError, match="has passed"):
        sign(content, MID, today=dt.date(2027, 12, 1), **SERGEANT)


def test_the_last_editor_may_not_approve_their_own_version(content_copy):
    """last_edited_by says 'Dana Whitlock': her registry id dana-whitlock is that person."""
    dana = dict(
        reviewer="dana-whitlock",
        role="comms-lead",
        signer=enrol(content_copy, "dana-whitlock", "Dana Whitlock", ["comms-lead"]),
    )
    content = fresh(content_copy)
    with pytest.raises(ReviewError) as refused:
        approve(content, dana)
    problem = refused.value.problems[0]
    assert "may not approve" in problem.message and problem.file.endswith("visit.yaml") and problem.line
    # signed with her own key and written in by hand, it does not count either
    approve(content, SERGEANT)
    fp = fingerprint(content, MID)
    statement = stmt(
        material=MID,
        fingerprint=fp,
        decision="approved",
        reviewer="dana-whitlock",
        role="comms-lead",
        date=TODAY,
        note="",
    )
    signature = dana["signer"].sign(statement)
    with signoff_file(content_copy).open("a", encoding="utf-8") as handle:
        handle.write(
            f"  - fingerprint: {fp}\n    reviewer: dana-whitlock\n    role: comms-lead\n    decision: approved\n"
            f"    date: {TODAY.isoformat()}\n    note: ''\n    key: {dana['signer'].public_key.fingerprint}\n"
            "    signature: |\n" + "".join(f"      {line}\n" for line in signature.splitlines())
        )
    status = material_status(content, MID, today=TODAY)
    assert not status.approved and not status.refused  # her signature checks out ...
    assert any(
        "Dana Whitlock last edited" in p.message and "may not approve" in p.message for p in status.problems
    )


def test_changes_requested_after_an_approval_withdraws_it(content_copy):
    content = approved(content_copy)
    sign(
        content, MID, decision="changes-requested", note="Say 'vehicle', not 'car'.", today=TODAY, **SERGEANT
    )
    problems = gate(content, [MID], TODAY)
    assert "changes requested by Sgt Tom Okoro" in messages(problems)
    assert "has 1" in messages(problems)
    approve(content, SERGEANT)
    assert gate(content, [MID], TODAY) == []


def test_a_changes_request_by_a_third_person_holds_the_version_back(content_copy):
    ade = officer(content_copy)
    content = approved(content_copy)
    sign(content, MID, decision="changes-requested", note="Wrong phone number.", today=TODAY, **ade)
    assert "changes requested by Ade Mensah" in messages(gate(content, [MID], TODAY))
    with pytest.raises(ReviewError, match="note is required"):
        sign(content, MID, decision="changes-requested", note="", today=TODAY, **ade)


def test_policy_decides_what_approval_means(content_copy):
    content = fresh(content_copy)
    policy = content_copy / "review-policy.yaml"
    policy.write_text(
        "required_approvals: 1\nrequired_roles: [neighbourhood-sergeant]\n"
        f"roles: [comms-lead, neighbourhood-sergeant, {', '.join(TRANSLATORS)}]\n",
        encoding="utf-8",
    )
    approve_rules(content_copy)
    approve(content, LEAD)
    assert (
        "needs 1 approval incl. role neighbourhood-sergeant, has 1 (none with role neighbourhood-sergeant)"
        in messages(gate(content, [MID], TODAY))
    )
    approve(content, SERGEANT)
    assert gate(content, [MID], TODAY) == []


def test_a_broken_policy_approves_nothing_and_names_file_and_line(content_copy):
    content = approved(content_copy)
    policy = content_copy / "review-policy.yaml"
    policy.write_text(
        "required_approvals: 2\nrequired_roles: [comms-lead]\nroles: [comms-lead]\nminimum: 3\n",
        encoding="utf-8",
    )
    text = messages(gate(content, [MID], TODAY))
    assert f"{policy}:4: minimum: error: unknown key" in text and "no material counts as approved" in text


def test_an_unknown_material_is_refused_by_the_gate_and_by_sign(content_copy):
    content = load(content_copy)
    text = messages(gate(content, ["nope"], TODAY))
    assert "no material with id 'nope' (have: " in text and MID in text
    with pytest.raises(ReviewError, match="no material with id 'nope'"):
        sign(content, "nope", today=TODAY, **LEAD)


def test_a_run_needs_its_translations_approved_too(content_copy):
    content = approved(content_copy)
    translations = [f"{MID}-{code}" for code in ("ar", "cy", "pl", "ro", "ur")]
    assert materials_for(content, MID) == [MID, *translations]
    problems = gate(content, materials_for(content, MID), TODAY)
    assert [str(p).split(": not approved")[0].rsplit(" ", 1)[-1] for p in problems] == translations
    for code, translator in (
        ("ar", "samir-haddad"),
        ("cy", "eleri-pryce"),
        ("pl", "agnieszka-wojcik"),
        ("ro", "ioana-popescu"),
        ("ur", "ayesha-qureshi"),
    ):
        sign(content, f"{MID}-{code}", today=TODAY, **LEAD)
        sign(
            content,
            f"{MID}-{code}",
            today=TODAY,
            reviewer=translator,
            role=f"translator-{code}",
            signer=demo_signer(translator),
        )
    assert gate(content, materials_for(content, MID), TODAY) == []


def test_approval_for_run_records_fingerprint_and_approvers_for_the_manifest(content_copy):
    content = approved(content_copy)
    run = approval_for_run(content, [MID], today=TODAY)
    assert run.open
    record = run.manifest_extra["materials"][MID]
    assert run.manifest_extra["draft"] is False and run.manifest_extra["approval"] == "APPROVED"
    assert record["fingerprint"] == fingerprint(content, MID) and record["version"] == 1
    assert [a["reviewer"] for a in record["approved_by"]] == ["Priya Lang", "Sgt Tom Okoro"]
    assert record["approved_by"][0] == {
        "reviewer": "Priya Lang",
        "id": "priya-lang",
        "role": "comms-lead",
        "date": "2027-01-15",
        "key": demo_signer("priya-lang").public_key.fingerprint,
    }
    assert "Priya Lang (comms-lead)" in run.summary_line
    draft = approval_for_run(fresh(content_copy), [MID], draft=True, today=TODAY)
    assert (
        not draft.open
        and draft.manifest_extra["approval"] == "DRAFT"
        and draft.manifest_extra["draft"] is True
    )


# --- bad sign-off files: each names file and line, none counts ---------------------------


def _write(content_dir: Path, text: str) -> Path:
    path = signoff_file(content_dir)
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _entry(fp: str, reviewer: str, role: str, **extra) -> str:
    lines = [
        f"  - fingerprint: {fp}",
        f"    reviewer: {reviewer}",
        f"    role: {role}",
        f"    decision: {extra.get('decision', 'approved')}",
        f"    date: {extra.get('date', '2027-01-10')}",
    ]
    return "\n".join(lines) + "\n"


def test_a_sign_off_file_edited_into_nonsense(content_copy):
    content = fresh(content_copy)
    path = _write(
        content_copy, "material: visit-letter\nsignoffs:\n  - fingerprint: [unclosed\n    reviewer: x\n"
    )
    problems = gate(content, [MID], TODAY)
    text = messages(problems)
    assert f"{path}:" in text and "YAML syntax" in text
    assert "no sign-off in it counts" in text


@pytest.mark.parametrize(
    "mangle, expected, line",
    [
        (lambda e: e.replace("role: neighbourhood-sergeant", "role: chief"), "unknown role 'chief'", 10),
        (
            lambda e: e.replace(
                "decision: approved\n    date: 2027-01-10\n" + "", "decision: ok\n    date: 2027-01-10\n"
            ),
            "decision must be one of",
            11,
        ),
        (lambda e: e.replace("date: 2027-01-10\n", "date: 10/01/2027\n"), "calendar date", 12),
        (lambda e: e.replace("date: 2027-01-10\n", "date: 2031-01-10\n"), "in the future", 12),
        (lambda e: e + "    colour: blue\n", "colour: error: unknown key", 13),
        (lambda e: e.replace("    reviewer: Sgt Tom Okoro\n", ""), "missing 'reviewer'", 8),
        (lambda e: e.replace("fingerprint: sha256:", "fingerprint: sha256:zz"), "64 hex digits", 8),
    ],
)
def test_a_bad_entry_names_file_and_line_and_nothing_counts(content_copy, mangle, expected, line):
    content = fresh(content_copy)
    fp = fingerprint(content, MID)
    good = _entry(fp, "Priya Lang", "comms-lead")
    bad = mangle(_entry(fp, "Sgt Tom Okoro", "neighbourhood-sergeant"))
    path = _write(content_copy, "material: visit-letter\nsignoffs:\n" + good + bad)
    status = material_status(content, MID, today=TODAY)
    assert not status.approved and status.state == "SIGN-OFF RECORD BROKEN"
    hits = [p for p in status.errors if expected in str(p)]
    assert hits, messages(status.problems)
    assert hits[0].file == str(path) and hits[0].line == line, messages(status.problems)
    assert "no sign-off in it counts" in messages(gate(content, [MID], TODAY))


def test_a_file_for_another_material_is_an_error(content_copy):
    content = fresh(content_copy)
    fp = fingerprint(content, MID)
    _write(
        content_copy,
        "material: lock-it\nsignoffs:\n"
        + _entry(fp, "Priya Lang", "comms-lead")
        + _entry(fp, "Sgt Tom Okoro", "neighbourhood-sergeant"),
    )
    text = messages(material_status(content, MID, today=TODAY).errors)
    assert ":1: material: error:" in text and "lock-it" in text


def test_a_fingerprint_for_a_version_that_never_existed(content_copy):
    content = fresh(content_copy)
    made_up = "sha256:" + "ab" * 32
    path = _write(
        content_copy,
        "material: visit-letter\nsignoffs:\n"
        + _entry(made_up, "Priya Lang", "comms-lead")
        + _entry(made_up, "Sgt Tom Okoro", "neighbourhood-sergeant"),
    )
    status = material_status(content, MID, today=TODAY)
    assert not status.approved
    warnings = [p for p in status.problems if "matches neither the current version" in p.message]
    assert [(p.file, p.line) for p in warnings] == [(str(path), 3), (str(path), 8)]
    assert "no approval for the current version" in "; ".join(status.missing())
    assert "not approved for this version" in messages(gate(content, [MID], TODAY))


def test_sign_offs_for_an_unknown_material_are_reported(content_copy):
    content = fresh(content_copy)
    _write(content_copy, "")
    (content_copy.parent / "review" / "old-leaflet.yaml").write_text("material: old-leaflet\nsignoffs: []\n")
    _, extra = review_status(content, today=TODAY)
    assert any("unknown material 'old-leaflet'" in p.message for p in extra)


def test_approving_appends_and_keeps_comments_and_history(content_copy):
    content = fresh(content_copy)
    path = _write(
        content_copy,
        "# kept\nmaterial: visit-letter\nsignoffs:\n"
        + _entry("sha256:" + "cd" * 32, "Old Hand", "comms-lead", date="2026-01-02"),
    )
    before = path.read_text(encoding="utf-8")
    approve(content, LEAD, note="Line one: with a colon, and 'quotes' #hash")
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)
    parsed = load_signoffs(path, MID, Policy(), TODAY)
    assert parsed.usable and parsed.entries[-1].note == "Line one: with a colon, and 'quotes' #hash"
    assert parsed.entries[-1].fingerprint == fingerprint(content, MID)


def test_a_file_that_cannot_be_appended_to_safely_is_left_alone(content_copy):
    content = fresh(content_copy)
    path = _write(content_copy, "signoffs: []\nmaterial: visit-letter\n")
    with pytest.raises(ReviewError, match="cannot append a sign-off safely"):
        approve(content, LEAD)
    assert path.read_text(encoding="utf-8") == "signoffs: []\nmaterial: visit-letter\n"


# --- wording diff -------------------------------------------------------------------------


def test_word_diff_marks_words_like_git():
    lines = word_diff(
        ["the cat sat on the mat", "unchanged line"], ["the dog sat on the mat", "unchanged line"]
    )
    assert lines == [("the [-cat-]{+dog+} sat on the mat", True), ("unchanged line", False)]


def test_diff_shows_what_a_resident_reads_changed_since_the_approved_version(content_copy):
    approved(content_copy)
    edit(visit(content_copy), "walked around", "strolled around")
    edit(content_copy / "operation.yaml", "01632 960 418", "01632 960 999")
    report = diff_report(load(content_copy), MID, today=TODAY)
    text = report.text()
    assert "[opening]" in text and "police officers [-walked-]{+strolled+} around Eastmoor." in text
    assert "on 01632 960 [-418.-]{+999.+}" in text  # placeholders filled: the phone in the closing paragraph
    assert "approved 2027-01-15 by Priya Lang (comms-lead), Sgt Tom Okoro (neighbourhood-sergeant)" in text
    assert "blocks:" not in text and "text: |" not in text  # never YAML syntax
    assert "[advice]" not in text  # unchanged sections are not shown


def test_diff_names_a_change_outside_the_wording(content_copy):
    approved(content_copy)
    append(content_copy.parent / "templates/letters/letter.css", "h1 { margin: 0; }\n")
    text = diff_report(load(content_copy), MID, today=TODAY).text()
    assert "The wording a resident reads is unchanged." in text
    assert "changed  template templates/letters/letter.css" in text


def test_diff_without_a_snapshot_says_so(content_copy):
    approved(content_copy)
    for snap in (content_copy.parent / "review" / f"{MID}.versions").glob("*.txt"):
        snap.unlink()
    edit(visit(content_copy), "walked around", "strolled around")
    report = diff_report(load(content_copy), MID, today=TODAY)
    assert report.missing_snapshot is not None and "No wording snapshot" in report.text()


def test_diff_with_nothing_approved_yet_says_so(content_copy):
    text = diff_report(fresh(content_copy), MID, today=TODAY).text()
    assert "no version has been approved yet" in text


def test_approved_version_has_no_changes(content_copy):
    assert "No changes" in diff_report(approved(content_copy), MID, today=TODAY).text()


def test_a_new_patrol_does_not_need_the_wording_approved_again(content_copy):
    """The operation block (id, name, area, date) is run data, like the records."""
    before = fingerprint(load_content(content_copy), MID)
    edit(content_copy / "operation.yaml", "patrol_date: 2026-11-14", "patrol_date: 2026-12-02")
    edit(content_copy / "operation.yaml", "  area: Eastmoor", "  area: Northgate")
    assert fingerprint(load_content(content_copy), MID) == before
    edit(content_copy / "operation.yaml", "name: Sergeant Robin Ashdown", "name: Sergeant Robin Ashdowne")
    assert fingerprint(load_content(content_copy), MID) != before
