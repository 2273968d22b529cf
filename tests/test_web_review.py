"""The review page through Flask's test client: the diff, who signed, and
Approve / Request changes signed with the workspace key for the signed-in
reviewer — the gate opens only with two different people, an editor cannot
approve their own edit, a note is shown as text, and ``handle-docs letters``
then runs."""

from __future__ import annotations

import re

from handle_docs.review import material_status
from handle_docs.wording.content import load_content

from .test_review_cli import letters, one_word
from .test_web_routes import form_of
from .webaccounts import add, app, csrf, folders, running, sign_in, text  # noqa: F401 (fixtures)

MID = "visit-letter"


def status(content_dir):
    return material_status(load_content(content_dir, content_dir.parent / "templates"), MID)


def decide(client, decision: str, role: str, note: str = ""):
    """Open the review page and send its form: the CSRF token and the fingerprint it shows."""
    page = client.get(f"/materials/{MID}/review").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    seen = re.search(r'name="fingerprint" value="([^"]+)"', page)
    return client.post(
        f"/materials/{MID}/review",
        data={
            "csrf_token": token,
            "decision": decision,
            "role": role,
            "note": note,
            "fingerprint": seen.group(1) if seen else "",
        },
    )


def as_(app, account_id):
    client = app.test_client()
    assert sign_in(client, account_id).status_code == 303
    return client


def test_two_reviewers_approve_a_changed_letter_in_turn_and_letters_then_runs(app, folders, tmp_path):
    content_dir, _ = folders
    one_word(content_dir)
    assert not status(content_dir).approved
    priya = as_(app, "priya-lang")
    page = text(priya.get(f"/materials/{MID}/review"))
    assert re.search(r'<del class="removed"><span class="visually-hidden">\[removed: </span>walked', page)
    assert re.search(r'<ins class="added"><span class="visually-hidden">\[added: </span>strolled', page)
    assert "{+strolled+}" in page  # the command line's words only in the technical details
    assert page.index('id="diff"') < page.index('id="decide"')
    assert decide(priya, "approved", "comms-lead", "Reads well.").status_code == 303
    assert not status(content_dir).approved
    tom = as_(app, "tom-okoro")
    response = decide(tom, "approved", "neighbourhood-sergeant")
    assert response.status_code == 303
    after = status(content_dir)
    assert after.approved
    assert {(e.reviewer, e.via) for e in after.tally.approvers} == {
        ("priya-lang", "demo-workspace"),
        ("tom-okoro", "demo-workspace"),
    }
    shown = text(tom.get(f"/materials/{MID}/review"))
    assert "Approved by " in shown and ": nothing more is needed." in shown
    assert "Sgt Tom Okoro</strong> (neighbourhood sergeant) approved on" in shown
    assert "Priya Lang</strong> (comms lead) approved on" in shown
    assert "via workspace key demo-workspace" in shown and after.tally.approvers[0].key in shown
    assert letters(content_dir, tmp_path, "out").exit_code == 0


def test_the_same_account_approving_twice_does_not_open_the_gate(app, folders, tmp_path):
    content_dir, _ = folders
    one_word(content_dir)
    priya = as_(app, "priya-lang")
    decide(priya, "approved", "comms-lead")
    page = text(priya.get(f"/materials/{MID}/review"))
    button = re.search(r'<button[^>]*id="approve-comms-lead"[^>]*>', page).group(0)
    assert "disabled" in button and "already approved this version" in page
    again = decide(priya, "approved", "comms-lead")
    assert again.status_code == 303
    assert "Not signed" in text(priya.get(f"/materials/{MID}/review"))
    assert not status(content_dir).approved
    assert len(status(content_dir).tally.approvers) == 1
    assert letters(content_dir, tmp_path, "out").exit_code == 1


def edit_then_fail_to_approve(priya, content_dir) -> None:
    """Priya Lang, signed in with ``priya``, saves a change to the visit letter; the review page then offers
    her no approval of it, and an approval she sends anyway is not counted."""
    form = form_of(priya, MID)
    assert priya.post(f"/materials/{MID}/save", data={**form, "blocks.greeting": "Hello,"}).status_code == 303
    review = text(priya.get(f"/materials/{MID}/review"))
    button = re.search(r'<button[^>]*id="approve-comms-lead"[^>]*>', review).group(0)
    assert (
        "disabled" in button
        and "Priya Lang last edited “Advice after our vehicle crime patrol” and may not approve it" in review
    )
    decide(priya, "approved", "comms-lead")
    assert status(content_dir).tally.approvers == []


def test_past_its_review_by_date_the_refusal_under_approve_is_in_words_not_its_key(app, folders, monkeypatch):
    content_dir, _ = folders
    one_word(content_dir)
    monkeypatch.setenv(
        "HANDLE_DOCS_TODAY", "2027-12-01"
    )  # the visit letter is to be checked by 30 November 2027
    page = text(as_(app, "priya-lang").get(f"/materials/{MID}/review"))
    why = re.search(r'<div class="why" id="why-approve-comms-lead">(.*?</details>)', page, re.S).group(1)
    words = re.sub(r'<details class="details technical">.*?</details>', "", why, flags=re.S)
    assert "Its review-by date 30 November 2027 has passed: a later review-by date must be set first" in words
    assert "review_by" not in words and "2027-11-30" not in words
    assert "review_by" in why  # the key, for those who need it, under Technical details


def test_a_reviewer_who_edited_the_version_cannot_approve_it(folders, tmp_path):
    content_dir, _ = folders
    instance = tmp_path / "both-roles"
    add(instance, "priya-lang", "comms-lead", "editor")
    with running(content_dir, instance) as app:
        edit_then_fail_to_approve(as_(app, "priya-lang"), content_dir)


def test_an_editor_cannot_approve(app, folders):
    content_dir, _ = folders
    one_word(content_dir)
    dana = as_(app, "dana")
    page = text(dana.get(f"/materials/{MID}/review"))
    assert "Approve as" not in page and "not a reviewer" in page
    assert decide(dana, "approved", "comms-lead").status_code == 403
    refused = decide(as_(app, "priya-lang"), "approved", "comms-officer")  # a role of the policy, not hers
    assert refused.status_code == 403 and "Priya Lang cannot sign as communications officer." in text(refused)
    assert status(content_dir).tally.approvers == []


def test_a_note_with_script_is_shown_as_text(app, folders):
    content_dir, _ = folders
    one_word(content_dir)
    priya = as_(app, "priya-lang")
    assert (
        decide(priya, "changes-requested", "comms-lead", "<script>alert(1)</script> fix").status_code == 303
    )
    page = text(priya.get(f"/materials/{MID}/review"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; fix" in page and "<script>alert" not in page
    assert "Changes were asked for by Priya Lang (comms lead)" in page


def test_a_decision_without_a_csrf_token_is_403_and_signs_nothing(app, folders):
    content_dir, _ = folders
    one_word(content_dir)
    priya = as_(app, "priya-lang")
    response = priya.post(f"/materials/{MID}/review", data={"decision": "approved", "role": "comms-lead"})
    assert response.status_code == 403
    assert status(content_dir).tally.approvers == []


def test_a_workspace_key_the_registry_does_not_list_signs_nothing_and_serve_says_how_to_list_it(
    folders, tmp_path
):
    content_dir, instance = folders
    one_word(content_dir)
    with running(content_dir, instance, key=tmp_path / "own_key") as app:
        priya = as_(app, "priya-lang")
        page = text(priya.get(f"/materials/{MID}/review"))
        assert "not listed" in page or "would not count" in page
        decide(priya, "approved", "comms-lead")
        assert status(content_dir).tally.approvers == []
    from handle_docs.web.workspace_key import add_key_hint

    assert add_key_hint(content_dir, tmp_path / "own_key").startswith(
        f"handle-docs reviewers add-workspace-key workspace --key {tmp_path / 'own_key.pub'}"
    )
