"""Part H1: the approval rules (content/review-policy.yaml) are signed with the reviewer registry.

* a registry version names the rules' fingerprint (``policy:``); a version is judged by the rules of the
  approved version before it, never by the rules it brings;
* rules in the folder that the approved version does not name make nothing count, and the command line,
  the letters gate and the workspace say why;
* ``handle-docs reviewers rules`` records edited rules; the reviewers then approve the registry.

Started as a person does: the command line from the force folder with relative paths, the workspace
through its routes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from handle_docs.review import load_policy, load_registry, material_status
from handle_docs.review.policy import policy_fingerprint
from handle_docs.review.registry import policy_copy_path, read_copy
from handle_docs.services.letters_gate import refusals_before_run
from handle_docs.wording.content import load_content

from .signing import DEMO_KEYS
from .test_review_cli import one_word
from .test_trust_anchor import (  # noqa: F401 (fixture)
    SAMPLE_ROOT,
    SAMPLE_SECOND,
    force,
    records_in,
    refused_run_page,
    run,
)
from .test_web_runs import make, run_id_of, signed_in, small_csv, upload  # noqa: F401 (fixtures)
from .webaccounts import running, text

TODAY = "2027-01-15"
CHANGED = (
    "The approval rules (content/review-policy.yaml) changed since the reviewer list was approved: "
    "nothing counts as approved until the reviewer list is approved again"
)
PLAIN = "The rules for what counts as approved have changed since the reviewers last confirmed"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("HANDLE_DOCS_TODAY", TODAY)


def lower_the_rules(folder: Path) -> None:
    """What a reviewer who is also an editor does: one approval is enough, and it may be their own."""
    path = folder / "content" / "review-policy.yaml"
    text_now = path.read_text(encoding="utf-8")
    lowered = text_now.replace("required_approvals: 2", "required_approvals: 1").replace(
        "editor_may_approve: false", "editor_may_approve: true"
    )
    assert lowered != text_now
    path.write_text(lowered, encoding="utf-8")


def priya_edits_the_letter(folder: Path) -> None:
    visit = folder / "content" / "letters" / "visit.yaml"
    visit.write_text(
        visit.read_text(encoding="utf-8").replace(
            "last_edited_by: Dana Whitlock", "last_edited_by: Priya Lang"
        ),
        encoding="utf-8",
    )
    one_word(folder / "content")


def approve(folder: Path, material: str, reviewer: str, role: str):
    return run(
        "review",
        "approve",
        material,
        "--reviewer",
        reviewer,
        "--role",
        role,
        "--key",
        DEMO_KEYS / reviewer,
        cwd=folder,
    )


def visit_status(folder: Path):
    content = load_content(folder / "content", folder / "templates")
    return material_status(content, "visit-letter", review_dir=folder / "review")


def test_the_sample_registry_names_its_rules_and_old_versions_keep_their_fingerprints(force):
    policy, problems = load_policy(force / "content")
    assert problems == []
    assert load_registry(force / "content").registry.data.policy == policy_fingerprint(policy)
    for fp in (SAMPLE_ROOT, SAMPLE_SECOND):  # from before versions named rules: hashed as then
        kept = read_copy(force / "review", fp)
        assert kept is not None and kept.fingerprint == fp and kept.data.policy is None
    status = run("review", "status", cwd=force)
    assert status.exit_code == 0 and "ready: all" in status.output, status.output


def test_a_reviewer_editor_who_lowers_the_rules_cannot_approve_their_own_edit_alone(force):
    priya_edits_the_letter(force)
    lower_the_rules(force)
    # directly: the rules are not the approved ones, so nothing counts and nothing can be signed
    refused = approve(force, "visit-letter", "priya-lang", "comms-lead")
    assert refused.exit_code != 0 and CHANGED in refused.output, refused.output
    status = run("review", "status", cwd=force)
    assert status.exit_code == 1 and "RULES CHANGED" in status.output and CHANGED in status.output
    assert "content/review-policy.yaml: review_rules: error" in status.output
    content = load_content(force / "content", force / "templates")
    leaflet = material_status(content, "lock-it-leaflet", review_dir=force / "review")  # approved before
    assert leaflet.refused and all(
        "the approval rules changed since the reviewer registry was approved" in p.message
        for p in leaflet.refused
    )
    made = run("letters", records_in(force), "--out", "out", "--jobs", 1, "--quiet", cwd=force)
    assert made.exit_code == 1 and CHANGED in made.output, made.output
    assert not (force / "out").exists()
    # through the registry: the version naming the lowered rules is judged by the rules before it
    recorded = run("reviewers", "rules", cwd=force)
    assert recorded.exit_code == 0 and "recorded the approval rules" in recorded.output, recorded.output
    alone = approve(force, "reviewers", "priya-lang", "comms-lead")
    assert alone.exit_code == 0, alone.output
    status = run("review", "status", cwd=force)
    assert status.exit_code == 1 and CHANGED in status.output
    registry_row = next(line for line in status.output.splitlines() if line.startswith("reviewers"))
    assert (
        "RULES CHANGED" in registry_row and "needs 2 approvals incl. role comms-lead, has 1" in registry_row
    )
    again = approve(force, "visit-letter", "priya-lang", "comms-lead")
    assert again.exit_code != 0 and CHANGED in again.output
    assert not visit_status(force).approved


def test_a_rules_change_counts_once_approved_as_the_rules_before_require(force):
    priya_edits_the_letter(force)
    lower_the_rules(force)
    assert run("reviewers", "rules", cwd=force).exit_code == 0
    for reviewer, role in (("priya-lang", "comms-lead"), ("tom-okoro", "neighbourhood-sergeant")):
        assert approve(force, "reviewers", reviewer, role).exit_code == 0
    # the new rules count now: one approval, and the editor's own
    done = approve(force, "visit-letter", "priya-lang", "comms-lead")
    assert done.exit_code == 0, done.output
    status = visit_status(force)
    assert status.approved and [s.reviewer for s in status.counted_approvers] == ["priya-lang"]
    assert status.registry.rules_problem is None and status.registry.approved
    # the rules the approved version names were kept: edited again, the next version is judged by them
    kept = list((force / "review" / "reviewers.versions").glob("policy-*.yaml"))
    assert len(kept) == 2


def test_a_changed_copy_of_the_rules_that_judge_the_next_version_stops_the_chain(force):
    copy = policy_copy_path(force / "review", policy_fingerprint(load_policy(force / "content")[0]))
    lower_the_rules(force)
    assert run("reviewers", "rules", cwd=force).exit_code == 0
    assert approve(force, "reviewers", "priya-lang", "comms-lead").exit_code == 0
    # the rules of the approved version are now only in their copy: lowered to let her sign-off through alone
    copy.write_text(
        copy.read_text(encoding="utf-8").replace("required_approvals: 2", "required_approvals: 1"),
        encoding="utf-8",
    )
    status = run("review", "status", cwd=force)
    assert status.exit_code == 1 and "ready: all" not in status.output
    assert "cannot be checked: the approval rules it is judged by have no copy" in status.output
    assert not visit_status(force).registry.approved
    refused = approve(force, "reviewers", "tom-okoro", "neighbourhood-sergeant")
    assert refused.exit_code != 0


def test_reviewers_rules_edits_the_registry_in_place_and_says_when_nothing_changed(force):
    registry = force / "content" / "reviewers.yaml"
    same = run("reviewers", "rules", cwd=force)
    assert same.exit_code == 0 and "already names these approval rules" in same.output, same.output
    lower_the_rules(force)
    before = registry.read_text(encoding="utf-8")
    assert run("reviewers", "rules", cwd=force).exit_code == 0
    after = registry.read_text(encoding="utf-8")
    assert after.startswith(before.split("reviewers:")[0])  # the comments at the top are kept
    policy, _ = load_policy(force / "content")
    assert f"policy: {policy_fingerprint(policy)}" in after and after.count("policy: sha256:") == 1


def test_inits_new_force_names_its_rules_in_its_first_registry(tmp_path):
    made = run("init", "westmarch", cwd=tmp_path)
    assert made.exit_code == 0, made.output
    content = tmp_path / "westmarch" / "content"
    policy, _ = load_policy(content)
    assert load_registry(content).registry.data.policy == policy_fingerprint(policy)


def test_the_workspace_and_the_gate_say_why_nothing_is_approved_in_plain_words(force, tmp_path):
    lower_the_rules(force)
    with running(force / "content", tmp_path / "instance") as app:
        client = app.test_client()
        for url in ("/", "/materials/visit-letter/review"):
            page = text(client.get(url))
            assert PLAIN in page and "Technical details" in page, url
            shown = page.split("Technical details")[0]
            assert "review-policy.yaml" not in shown and "handle-docs" not in shown.split(PLAIN)[1]
            assert ">approved<" not in page
            # each material's own sentence gives the same reason, not "Needs two more approvals"
            assert "have not yet confirmed them: no version counts as approved until they do." in page, url
            assert "Needs" not in shown, url
    refusals = refusals_before_run(force / "content", force / "templates", force / "review", None, False)
    assert refusals and refusals[0].key == "review_rules" and CHANGED in refusals[0].message


def test_the_workspace_refuses_a_run_while_the_rules_are_not_approved_in_plain_words(
    force, tmp_path, signed_in, small_csv
):
    lower_the_rules(force)
    page = refused_run_page(force, tmp_path / "instance", small_csv)
    assert PLAIN in page and "Technical details" in page and CHANGED in page
    assert "review-policy.yaml" not in page.split("Technical details")[0]


def test_a_lost_copy_of_the_approved_rules_is_said_before_anyone_signs(force):
    lower_the_rules(force)
    for kept in (force / "review" / "reviewers.versions").glob("policy-*.yaml"):
        kept.unlink()
    status = run("review", "status", cwd=force)
    assert status.exit_code == 1 and "no later version of the reviewer list can be approved" in status.output
    assert CHANGED in status.output


def test_a_registry_version_naming_rules_nobody_kept_cannot_be_signed(force):
    lower_the_rules(force)
    assert run("reviewers", "rules", cwd=force).exit_code == 0
    policy = force / "content" / "review-policy.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace("required_approvals: 1", "required_approvals: 3")
    )
    refused = approve(force, "reviewers", "priya-lang", "comms-lead")
    assert refused.exit_code != 0 and "no copy of them is kept" in refused.output, refused.output
    assert "handle-docs reviewers rules" in refused.output
    status = run("review", "status", cwd=force)
    registry_row = next(line for line in status.output.splitlines() if line.startswith("reviewers"))
    assert "record the edited rules of review-policy.yaml (handle-docs reviewers rules)" in registry_row
