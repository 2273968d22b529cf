"""Every change on the record (issue 31), with real git repositories in temporary folders: a force folder
made by ``handle-docs init``, people saving and approving through the workspace (Flask's test client, signed
in with accounts), ``handle-docs history`` and ``history verify`` on the command line."""

from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from handle_docs.cli import cli
from handle_docs.history.log import versions
from handle_docs.history.repo import ForceRepo, HistoryError
from handle_docs.review.labels import long_date

from .test_web_routes import form_of
from .webaccounts import add, running, sign_in, text

MID = "visit-letter"
OPENING = (
    "On {patrol_date}, police officers strolled around {area}. Thieves have been\n"
    "stealing from cars in this area, so we checked cars parked on your street.\n"
    "We tried the door handles and looked for things left on show.\n"
)


def run(*args, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
    with runner.isolation():
        import os

        before = os.getcwd()
        os.chdir(cwd)
        try:
            return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
        finally:
            os.chdir(before)


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True).stdout


def log(folder: Path) -> list[str]:
    """Author | committer | message of every commit, newest first."""
    return git(folder, "log", "--format=%an|%cn|%s").splitlines()


@pytest.fixture
def force(tmp_path, monkeypatch):
    """A force folder made by ``handle-docs init --sample-approvals`` (the demo's), and an instance with two
    editors (dana, sam) and the two demo reviewers."""
    monkeypatch.setenv("HANDLE_DOCS_TODAY", "2027-01-15")
    folder = tmp_path / "force"
    made = run("init", "--sample-approvals", folder)
    assert made.exit_code == 0, made.output
    instance = tmp_path / "instance"
    add(instance, "dana", "editor")
    add(instance, "sam", "editor")
    add(instance, "priya-lang", "comms-lead")
    add(instance, "tom-okoro", "neighbourhood-sergeant")
    return folder, instance


def as_(app, account_id):
    client = app.test_client()
    assert sign_in(client, account_id).status_code == 303
    return client


def save(client, fields: dict[str, str], form: dict[str, str] | None = None):
    return client.post(f"/materials/{MID}/save", data={**(form or form_of(client, MID)), **fields})


def decide(client, decision: str, role: str, note: str = ""):
    page = text(client.get(f"/materials/{MID}/review"))
    return client.post(
        f"/materials/{MID}/review",
        data={
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
            "decision": decision,
            "role": role,
            "note": note,
            "fingerprint": re.search(r'name="fingerprint" value="([^"]+)"', page).group(1),
        },
    )


def test_two_people_save_and_two_approve_through_the_workspace_each_the_author_of_their_commit(force):
    folder, instance = force
    with running(folder / "content", instance) as app:
        dana, sam = as_(app, "dana"), as_(app, "sam")
        assert save(dana, {"blocks.opening": OPENING}).status_code == 303
        assert save(sam, {"blocks.greeting": "Hello,"}).status_code == 303
        assert decide(as_(app, "priya-lang"), "approved", "comms-lead", "Reads well.").status_code == 303
        assert decide(as_(app, "tom-okoro"), "approved", "neighbourhood-sergeant").status_code == 303
    assert log(folder) == [
        "Sgt Tom Okoro|handle-docs workspace|Visit letter version 3 approved by Sgt Tom Okoro, neighbourhood sergeant",
        "Priya Lang|handle-docs workspace|Visit letter version 3 approved by Priya Lang, comms lead",
        "sam|handle-docs workspace|Visit letter: greeting changed",
        "dana|handle-docs workspace|Visit letter: opening changed",
        "handle-docs command line|handle-docs command line|New force folder: the sample force's wording, templates and review folder",
    ]
    assert git(folder, "status", "--porcelain") == "", "every change was committed"
    # each save is one commit of the material's file only; each sign-off one of its record and wording copy
    assert git(folder, "show", "--name-only", "--format=", "HEAD~3").split() == ["content/letters/visit.yaml"]
    signed = git(folder, "show", "--name-only", "--format=", "HEAD").split()
    assert "review/visit-letter.yaml" in signed and all(name.startswith("review/") for name in signed)

    # the history, in order, with who edited, the change in words and who approved
    found = versions(ForceRepo.of(folder), MID)
    assert [(v.number, v.commit.author) for v in found] == [
        (1, "handle-docs command line"),
        (2, "dana"),
        (3, "sam"),
    ]
    assert [d.name for d in found[2].approvers] == ["Priya Lang", "Sgt Tom Okoro"]
    assert found[1].approvers == [] and "{+strolled+}" in found[1].change_words()
    shown = run("history", MID, "--folder", folder)
    assert shown.exit_code == 0, shown.output
    out = shown.output
    assert out.index("version 1") < out.index("version 2") < out.index("version 3")
    v3 = out[out.index("version 3") :]
    assert (
        "edited by sam on " in v3
        and "approved by Priya Lang, comms lead" in v3
        and "approved by Sgt Tom Okoro" in v3
    )
    assert "[-walked-]{+strolled+}" in out and "edited by dana" in out
    assert run("history", "verify", "--folder", folder).exit_code == 0


def test_one_version_number_on_every_page_and_the_command_line_after_two_saves(force):
    """The editor, the review page, the materials page, the History tab and ``handle-docs history`` say the same
    "Version N, edited by … on … at …" (the force folder's history numbers versions; the sign-off record
    alone would call the third version the second: it names only the approved first)."""
    folder, instance = force
    with running(folder / "content", instance) as app:
        dana = as_(app, "dana")
        assert save(dana, {"blocks.opening": OPENING}).status_code == 303
        assert save(dana, {"blocks.greeting": "Hello,"}).status_code == 303
        editor = text(dana.get(f"/materials/{MID}/edit"))
        review = text(dana.get(f"/materials/{MID}/review"))
        tab = text(dana.get(f"/materials/{MID}/history"))
        materials = text(dana.get("/"))
    said = re.compile(r"Version (\d+), edited by ([\w ]+) on (\d{1,2} \w+ \d{4}) at (\d\d:\d\d)")
    in_editor = said.search(editor[editor.index('class="facts"') :]).groups()
    in_review = said.search(review[review.index('id="state-heading"') :]).groups()
    in_tab = said.search(tab[tab.index('id="version-3"') :]).groups()
    row = re.search(rf'<tr id="material-{MID}">(.*?)</tr>', materials, re.S).group(1)
    assert in_editor == in_review == in_tab == said.search(row).groups()
    assert in_editor[:2] == ("3", "dana")
    assert 'id="version-4"' not in tab
    shown = run("history", MID, "--folder", folder)
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith(f"{MID}: 3 versions") and "version 3 " in shown.output
    assert (
        f"edited by dana on {in_editor[2]} at {in_editor[3]}"
        in shown.output[shown.output.index("version 3 ") :]
    )


def test_two_saves_of_the_same_file_at_once_give_one_commit_and_one_changed_since_you_opened_it(force):
    folder, instance = force
    before = len(log(folder))
    with running(folder / "content", instance) as app:
        dana, sam = as_(app, "dana"), as_(app, "sam")
        forms = [form_of(dana, MID), form_of(sam, MID)]  # both opened the same version
        assert forms[0]["base_sha256"] == forms[1]["base_sha256"]
        start = threading.Barrier(2)
        answers: dict[str, object] = {}

        def send(name, client, form, value):
            start.wait()
            answers[name] = save(client, {"blocks.greeting": value}, form)

        threads = [
            threading.Thread(target=send, args=("dana", dana, forms[0], "Hello,")),
            threading.Thread(target=send, args=("sam", sam, forms[1], "Good morning,")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    codes = sorted(a.status_code for a in answers.values())
    assert codes == [303, 409], codes
    refused = next(a for a in answers.values() if a.status_code == 409)
    assert "changed this material" in text(refused) and "after you opened it" in text(refused)
    assert len(log(folder)) == before + 1, "one commit"
    assert git(folder, "status", "--porcelain") == ""


def test_a_failed_commit_leaves_the_file_as_it_was_and_says_so(force):
    folder, instance = force
    hook = folder / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\necho 'the force refuses this commit' >&2\nexit 1\n")
    hook.chmod(0o700)
    path = folder / "content" / "letters" / "visit.yaml"
    before = path.read_bytes()
    with running(folder / "content", instance) as app:
        dana = as_(app, "dana")
        answer = save(dana, {"blocks.greeting": "Hello,"})
        assert answer.status_code == 303
        page = text(dana.get(answer.headers["Location"]))
    assert (
        "Not saved: The change could not be kept in the history, so it was undone and nothing changed" in page
    )
    assert "git" not in page.split('class="notice"')[1].split("</div>")[0], (
        "no command or git message in the page"
    )
    assert path.read_bytes() == before, "the file is as it was"
    assert len(log(folder)) == 1 and git(folder, "status", "--porcelain") == ""


def test_the_workspace_never_commits_into_the_handle_docs_source_checkout(
    tmp_path, content_copy, monkeypatch
):
    monkeypatch.setenv("HANDLE_DOCS_TODAY", "2027-01-15")
    root = content_copy.parent
    (root / "pyproject.toml").write_text('[project]\nname = "handle-docs"\n')
    git(root, "init", "-q")
    with pytest.raises(HistoryError, match="handle-docs' own source"):
        ForceRepo.of(content_copy)
    instance = tmp_path / "instance"
    add(instance, "dana", "editor")
    with running(content_copy, instance) as app:
        dana = as_(app, "dana")
        answer = save(dana, {"blocks.greeting": "Hello,"})
        page = text(dana.get(answer.headers["Location"]))
    assert "Saved, but not kept in the history: this is the handle-docs program&#39;s own folder" in page
    assert "Hello," in (content_copy / "letters" / "visit.yaml").read_text(encoding="utf-8")
    assert subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root).returncode != 0, (
        "no commit"
    )


def test_review_approve_on_the_command_line_commits_its_sign_off_as_the_reviewer(force):
    from .signing import DEMO_KEYS

    folder, _ = force
    path = folder / "content" / "letters" / "visit.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("walked around", "strolled around"), encoding="utf-8"
    )
    git(folder, "commit", "-qam", "hand edit")
    done = run(
        "review",
        "approve",
        MID,
        "--reviewer",
        "priya-lang",
        "--role",
        "comms-lead",
        "--key",
        DEMO_KEYS / "priya-lang",
        cwd=folder,
    )
    assert done.exit_code == 0, done.output
    assert "on the record: commit" in done.output
    assert (
        log(folder)[0]
        == "Priya Lang|handle-docs command line|Visit letter version 2 approved by Priya Lang, comms lead"
    )
    assert git(folder, "status", "--porcelain") == ""


def test_history_verify_finds_a_hand_edit_to_a_sign_off_record_and_a_file_changed_outside(force):
    folder, _ = force
    sound = run("history", "verify", "--folder", folder)
    assert sound.exit_code == 0, sound.output
    assert "each added by a commit" in sound.output and "its chain starts at the pinned root" in sound.output
    record = folder / "review" / "visit-letter.yaml"
    text_now = record.read_text(encoding="utf-8")
    record.write_text(text_now.replace("date: 2026-11-25", "date: 2026-11-24", 1), encoding="utf-8")
    (folder / "content" / "links.yaml").write_text(
        (folder / "content" / "links.yaml").read_text() + "\n# x\n"
    )
    found = run("history", "verify", "--folder", folder)
    assert found.exit_code == 1, found.output
    assert re.search(
        r"review/visit-letter\.yaml: the approved by \S+ dated 2026-11-24 was not added by any commit",
        found.output,
    ), found.output
    assert "  content/links.yaml" in found.output and "  review/visit-letter.yaml" in found.output
    assert "THE RECORD DOES NOT MATCH THE FOLDER" in found.output


def test_history_verify_finds_a_registry_chain_that_does_not_start_at_the_pin(force):
    folder, _ = force
    pin = folder / "review" / "reviewers.root"
    pin.write_text(re.sub(r"sha256:[0-9a-f]{64}", "sha256:" + "0" * 64, pin.read_text()))
    git(folder, "commit", "-qam", "pin moved")
    found = run("history", "verify", "--folder", folder)
    assert found.exit_code == 1
    assert "reviewer registry: its chain starts at the pinned root" not in found.output


def test_history_verify_finds_approval_rules_changed_without_the_reviewers_approval(force):
    folder, _ = force
    rules = folder / "content" / "review-policy.yaml"
    rules.write_text(rules.read_text().replace("required_approvals: 2", "required_approvals: 1"))
    git(folder, "commit", "-qam", "one approval is enough")
    found = run("history", "verify", "--folder", folder)
    assert found.exit_code == 1
    assert "changed since the reviewer list was approved" in found.output, found.output


def test_the_history_tab_lists_versions_and_a_past_versions_proof_equals_one_from_a_checkout(force, tmp_path):
    folder, instance = force
    with running(folder / "content", instance) as app:
        dana = as_(app, "dana")
        assert save(dana, {"blocks.opening": OPENING}).status_code == 303
        working = {p: p.read_bytes() for p in (folder / "content").rglob("*.yaml")}
        page = text(dana.get(f"/materials/{MID}/history"))
        assert page.index("Version 2") < page.index("Version 1"), "newest first"
        assert re.search(
            r"Version 2, edited by dana on \d{1,2} \w+ \d{4} at \d\d:\d\d: Visit letter: opening changed",
            page,
        ), "who and when, in words"
        assert "Approved by Priya Lang (comms lead)" in page and "Not approved." in page
        first_commit = re.search(
            r"Commit <code>([0-9a-f]{40})</code>", page[page.index('id="version-1"') :]
        ).group(1)
        hashes = re.sub(r"<details.*?</details>", "", page, flags=re.S)
        assert not re.search(r"[0-9a-f]{12,}", hashes), "no hash outside Technical details"
        outside = re.sub(r"<details.*?</details>", "", page, flags=re.S)
        assert "[-" not in outside and "{+" not in outside, "the change in words, not in diff marks"
        assert re.search(
            r'<del class="removed"><span class="visually-hidden">\[removed: </span>walked', outside
        )
        assert re.search(
            r'<ins class="added"><span class="visually-hidden">\[added: </span>strolled', outside
        )
        compared = text(dana.get(f"/materials/{MID}/history?a=1&b=2"))
        assert "From version 1 to version 2" in compared
        assert re.search(r'<del class="removed">.*walked.*</del>\s*<ins class="added">.*strolled', compared)
        answer = dana.get(f"/materials/{MID}/history/1/proof")
        assert answer.status_code == 200 and answer.mimetype == "application/pdf"
        from_history = answer.data
    assert {p: p.read_bytes() for p in (folder / "content").rglob("*.yaml")} == working, (
        "working files untouched"
    )
    assert git(folder, "status", "--porcelain") == ""
    # the same version checked out by hand, and its proof made as a person makes one
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", str(folder), str(checkout)], check=True)
    git(checkout, "checkout", "-q", first_commit)
    made = run("review", "proof", MID, "--out", tmp_path / "proofs", cwd=checkout)
    assert made.exit_code == 0, made.output
    assert (tmp_path / "proofs" / f"{MID}-proof.pdf").read_bytes() == from_history
    cli = run("history", "proof", MID, "1", "--out", tmp_path / "cli-proof", "--folder", folder)
    assert cli.exit_code == 0, cli.output
    assert (tmp_path / "cli-proof" / f"{MID}-proof.pdf").read_bytes() == from_history
    diff = run("history", "diff", MID, "1", "2", "--folder", folder)
    assert "[-walked-]{+strolled+}" in diff.output


def wait_for(check, seconds: float = 30.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def remote_head(bare: Path) -> str | None:
    if not bare.is_dir():
        return None
    done = subprocess.run(
        ["git", "rev-parse", "--verify", "-q", "refs/heads/main"], cwd=bare, capture_output=True, text=True
    )
    return done.stdout.strip() or None


def test_each_commit_is_pushed_to_a_bare_repository_and_a_failed_push_is_shown_and_retried(force, tmp_path):
    folder, instance = force
    bare = tmp_path / "offsite.git"
    settings = folder / "content" / "workspace.yaml"
    settings.write_text(
        settings.read_text().replace("time_zone: Europe/London", "time_zone: America/New_York")
        + f"history:\n  push_to: {bare}\n  retry_seconds: 0.2\n"
    )
    git(folder, "commit", "-qam", "off-site copy")
    with running(folder / "content", instance) as app:
        dana = as_(app, "dana")
        assert save(dana, {"blocks.greeting": "Hello,"}).status_code == 303, "a save never waits for the push"
        head = git(folder, "rev-parse", "HEAD").strip()
        assert remote_head(bare) is None, "nothing there yet: the remote does not exist"
        pusher = app.extensions["handle_docs"]["pusher"]
        assert wait_for(lambda: pusher.problem is not None)
        assert "has not been updated" not in text(dana.get(f"/materials/{MID}/history")), (
            "admins are told, not dana"
        )
        add(instance, "ivo-admin", "admin")
        admin = as_(app, "ivo-admin")
        page = text(admin.get(f"/materials/{MID}/history"))
        assert "The off-site copy of this history has not been updated since" in page
        since = pusher.problem.since.astimezone(ZoneInfo("America/New_York"))  # the force's zone, in words
        assert f"updated since {long_date(since.date())} at {since:%H:%M}." in page and "UTC" not in page
        assert str(bare) not in re.sub(
            r'<details class="details technical">.*?</details>', "", page, flags=re.S
        ), "the address only in details"
        subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
        assert wait_for(lambda: remote_head(bare) == head), "retried until it worked"
        assert wait_for(lambda: pusher.problem is None)
        assert "has not been updated" not in text(admin.get(f"/materials/{MID}/history"))
        assert save(dana, {"blocks.greeting": "Good morning,"}).status_code == 303
        head = git(folder, "rev-parse", "HEAD").strip()
        assert wait_for(lambda: remote_head(bare) == head), "the next commit is pushed too"
        pusher.close()
    assert git(bare, "log", "-1", "--format=%an|%s", "main") == "dana|Visit letter: greeting changed\n"


def test_a_letter_from_a_run_made_three_versions_ago_is_made_again_byte_for_byte(force, tmp_path):
    from .test_review_cli import records

    folder, instance = force
    rows = records(tmp_path)
    made = run("letters", rows, "--out", tmp_path / "run", "--jobs", 1, "--quiet", cwd=folder)
    assert made.exit_code == 0, made.output
    manifest = tmp_path / "run" / "manifest.json"
    import json

    history = json.loads(manifest.read_text())["history"]
    assert (
        history["commit"] == git(folder, "rev-parse", "HEAD").strip() and not history["uncommitted_changes"]
    )
    original = (tmp_path / "run" / "letters" / "L0001.pdf").read_bytes()
    # three new versions of the letter since, each saved through the workspace
    with running(folder / "content", instance) as app:
        dana = as_(app, "dana")
        for greeting in ("Hello,", "Good evening,", "Dear neighbour,"):
            assert save(dana, {"blocks.greeting": greeting}).status_code == 303
    assert len(versions(ForceRepo.of(folder), MID)) == 4
    working = (folder / "content" / "letters" / "visit.yaml").read_bytes()
    again = run(
        "reprint",
        manifest,
        "--letter",
        "L0001",
        "--records",
        rows,
        "--out",
        tmp_path / "again",
        "--folder",
        folder,
    )
    assert again.exit_code == 0, again.output
    assert "byte for byte the letter the run made" in again.output
    assert (tmp_path / "again" / "L0001.pdf").read_bytes() == original
    assert (folder / "content" / "letters" / "visit.yaml").read_bytes() == working, "working files untouched"
    # the records deleted: the proof of that version's wording, saying so
    proof = run("reprint", manifest, "--letter", "L0001", "--out", tmp_path / "proof", "--folder", folder)
    assert proof.exit_code == 0, proof.output
    assert "invented details" in proof.output and "not the letter" in proof.output
    assert (tmp_path / "proof" / "L0001-proof-invented-details.pdf").read_bytes().startswith(b"%PDF")
    unknown = run("reprint", manifest, "--letter", "L9999", "--folder", folder)
    assert unknown.exit_code == 1 and "the run has no letter L9999" in unknown.output


def test_a_change_to_the_reviewer_list_on_the_command_line_is_one_commit_and_verify_stays_sound(tmp_path):
    import getpass

    from .signing import DEMO_KEYS

    folder = tmp_path / "force"
    assert run("init", folder).exit_code == 0
    added = run(
        "reviewers",
        "add",
        "alice-brook",
        "--name",
        "Alice Brook",
        "--role",
        "comms-lead",
        "--key",
        DEMO_KEYS / "priya-lang.pub",
        cwd=folder,
    )
    assert added.exit_code == 0, added.output
    assert "on the record: commit" in added.output
    assert log(folder)[0] == f"{getpass.getuser()}|handle-docs command line|Reviewer list: alice-brook added"
    assert git(folder, "show", "--name-only", "--format=", "HEAD").split() == ["content/reviewers.yaml"]
    sound = run("history", "verify", "--folder", folder)
    assert "no file changed since the last commit" in sound.output, sound.output


def test_a_change_is_credited_to_the_name_and_address_given_to_users_add(force):
    folder, instance = force
    added = CliRunner().invoke(
        cli,
        [
            "users",
            "add",
            "rhian",
            "--role",
            "editor",
            "--name",
            "Rhian Pryce",
            "--email",
            "rhian.pryce@westmarch.police.example",
            "--content",
            str(folder / "content"),
            "--instance",
            str(instance),
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert added.exit_code == 0, added.output
    refused = CliRunner().invoke(
        cli,
        [
            "users",
            "add",
            "rhys",
            "--role",
            "editor",
            "--email",
            "not an address",
            "--content",
            str(folder / "content"),
            "--instance",
            str(instance),
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert refused.exit_code != 0 and "is not an e-mail address" in refused.output
    with running(folder / "content", instance) as app:
        rhian = app.test_client()
        assert sign_in(rhian, "rhian", "a long enough password").status_code == 303
        assert "Signed in as Rhian Pryce" in text(rhian.get("/"))
        assert save(rhian, {"blocks.greeting": "Hello,"}).status_code == 303
    assert (
        git(folder, "log", "-1", "--format=%an <%ae>")
        == "Rhian Pryce <rhian.pryce@westmarch.police.example>\n"
    )


def test_each_commit_is_read_once_not_once_per_material_or_per_visit(force, monkeypatch):
    from handle_docs.history import log as history_log

    folder, instance = force
    read: list[str] = []
    real = history_log._read_materials
    monkeypatch.setattr(
        history_log, "_read_materials", lambda root, commit: read.append(commit) or real(root, commit)
    )
    with running(folder / "content", instance) as app:
        dana = as_(app, "dana")
        assert "Version 1, edited by " in text(dana.get("/"))
        first = list(read)
        assert first and len(first) == len(set(first)), "each commit read once, for every material"
        assert "Version 1, edited by " in text(dana.get("/"))
        assert read == first, "a second visit reads nothing again"
        assert save(dana, {"blocks.opening": OPENING}).status_code == 303
        assert "Version 2, edited by dana" in text(dana.get("/"))
        assert len(read) == len(first) + 1, "a save: only its commit is read"


def test_a_version_edited_by_hand_and_not_committed_is_the_next_number_when_its_file_was_written(force):
    from handle_docs.history.numbering import Numbering
    from handle_docs.review import material_status
    from handle_docs.wording.content import load_content

    folder, _ = force
    path = folder / "content" / "letters" / "visit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("walked", "strolled"), encoding="utf-8")
    content = load_content(folder / "content", folder / "templates")
    label = Numbering.of(folder / "content").label(material_status(content, MID), "priya-lang")
    assert (label.number, label.edited_by) == (2, "Priya Lang")  # the history has version 1 only
    assert abs(label.edited_at.timestamp() - path.stat().st_mtime) < 1
