"""Issue 26: the review gate's trust anchor, approving what you saw, and four eyes on translations.

* the reviewer registry's first approved version is pinned (review/reviewers.root; the
  sample ships its own, ``init`` writes one that the first approval fills in), and a
  forged registry (registry, its versions and every sign-off replaced, own people, own
  keys) is refused by ``review status``, ``letters`` and the workspace;
* no pin: refused unless ``--allow-unpinned-registry``, which warns and is in the manifest;
* a pin from outside (HANDLE_DOCS_REGISTRY_ROOT) that disagrees with the folder's: refused;
* a sign-off on a version the reviewer did not see: refused in the workspace and with --expect;
* a translator who edits a translation in the workspace may not approve it.

Everything is started the way a person does: the command line with relative paths from
the force folder, the workspace through its routes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from handle_docs.cli import cli
from handle_docs.review import KeyFileSigner, fingerprint, load_registry, material_status
from handle_docs.review.pin import ALLOW_ENV, AWAITING, PIN_FILE, ROOT_ENV, UNPINNED_RECORD
from handle_docs.services.letters_gate import refusals_before_run
from handle_docs.web import Settings, create_app
from handle_docs.wording.content import load_content

from .conftest import CONTENT, ROOT, TEMPLATES
from .signing import DEMO_KEYS, entry_text, new_key
from .test_review_cli import one_word, records
from .test_web_routes import form_of
from .test_web_runs import make, run_id_of, signed_in, small_csv, upload  # noqa: F401 (fixtures)
from .webaccounts import add, running, sign_in, text

TODAY = "2027-01-15"
SAMPLE_ROOT = "sha256:bb7f599af2406e68dac629bd922a220d11dac8917c8272e1b67a25a77ea7c934"
SAMPLE_SECOND = "sha256:05fb4ad459f0e3623fc92ae611ab7fd8c21f64c18b8ff975720c6fe31a89818d"
WORDING_CHANGED = "The wording changed since you opened it: read it again."
UNCONFIRMED = (
    "The list of reviewers has not been confirmed, so nothing can be printed. Ask whoever runs the workspace."
)
TRANSLATOR_ROLES = ["translator-cy", "translator-pl", "translator-ro", "translator-ar", "translator-ur"]


@pytest.fixture(autouse=True)
def _env(monkeypatch):
    monkeypatch.setenv("HANDLE_DOCS_TODAY", TODAY)
    for name in (ALLOW_ENV, ROOT_ENV):
        # set, then deleted: monkeypatch then restores the variable after the test, whatever
        # --allow-unpinned-registry set in this process meanwhile
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


def run(*args, cwd: Path):
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="handle-docs")
    finally:
        os.chdir(old)
    assert "Traceback" not in result.output, result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture
def force(tmp_path) -> Path:
    """A force folder that is a copy of the bundled sample (content, templates, review)."""
    folder = tmp_path / "force"
    folder.mkdir()
    shutil.copytree(CONTENT, folder / "content")
    shutil.copytree(TEMPLATES, folder / "templates")
    shutil.copytree(ROOT / "review", folder / "review")
    return folder


def forge(folder: Path) -> None:
    """What someone who can write the folder does: delete the registry's approvals and versions,
    write a registry of their own two people with their own keys, and sign the registry and
    every material with those keys (by hand: ssh-keygen -Y sign would do the same)."""
    review, content_dir = folder / "review", folder / "content"
    (review / "reviewers.yaml").unlink()
    shutil.rmtree(review / "reviewers.versions")
    keys = {}
    for rid in ("mallory", "mallet", "mallow"):
        private, public = new_key(folder, rid)
        keys[rid] = (KeyFileSigner(private), public.read_text(encoding="utf-8").strip())
    roles = {"mallory": ["comms-lead"], "mallet": ["neighbourhood-sergeant"], "mallow": TRANSLATOR_ROLES}
    lines = ["reviewers:"]
    for rid, (_, key) in keys.items():
        lines += [f"  {rid}:", f"    name: {rid.title()}", "    roles:"]
        lines += [f"    - {r}" for r in roles[rid]]
        lines += ["    keys:", f"    - {key}"]
    lines.append("workspace_keys: {}")
    (content_dir / "reviewers.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    content = load_content(content_dir, folder / "templates")
    registry_fp = load_registry(content_dir).registry.fingerprint
    signed = {"reviewers": registry_fp} | {mid: fingerprint(content, mid) for mid in content.materials}
    for mid, fp in signed.items():
        entries = entry_text(mid, fp, "mallory", "comms-lead", signer=keys["mallory"][0])
        translation_of = content.materials[mid].spec.translation_of if mid in content.materials else None
        if translation_of:
            role = "translator-" + content.materials[mid].spec.language.split("-")[0]
            entries += entry_text(mid, fp, "mallow", role, signer=keys["mallow"][0])
        else:
            entries += entry_text(mid, fp, "mallet", "neighbourhood-sergeant", signer=keys["mallet"][0])
        (review / f"{mid}.yaml").write_text(f"material: {mid}\nsignoffs:\n{entries}", encoding="utf-8")


def records_in(folder: Path) -> str:
    records(folder)
    return "records.csv"


# --- the forgery ---------------------------------------------------------------------------------


def test_a_forged_registry_is_refused_by_review_status_and_letters(force):
    forge(force)
    status = run("review", "status", cwd=force)
    assert status.exit_code == 1, status.output
    assert "ready: all" not in status.output and "WRONG ROOT" in status.output
    assert f"do not start at the pinned version {SAMPLE_ROOT[:19]}" in status.output
    made = run("letters", records_in(force), "--out", "out", "--jobs", 1, "--quiet", cwd=force)
    assert made.exit_code == 1, made.output
    assert "refusing to make letters" in made.output and "do not start at the pinned version" in made.output
    assert not (force / "out").exists()
    # --allow-unpinned-registry does not open a pinned folder's gate
    again = run("review", "status", "--allow-unpinned-registry", cwd=force)
    assert again.exit_code == 1 and "WRONG ROOT" in again.output


def test_a_forged_registry_without_the_pin_file_is_refused_too(force):
    forge(force)
    (force / "review" / PIN_FILE).unlink(missing_ok=True)
    status = run("review", "status", cwd=force)
    assert status.exit_code == 1 and "NOT PINNED" in status.output, status.output
    assert "handle-docs reviewers pin" in status.output


def test_the_workspace_refuses_a_forged_registry_in_plain_words(force, tmp_path):
    forge(force)
    with running(force / "content", tmp_path / "instance") as app:
        client = app.test_client()
        page = text(client.get("/"))
        assert UNCONFIRMED in page and "Technical details" in page
        box = re.search(
            r'<div class="problems" role="alert" id="registry-untrusted">(.*?)</details>', page, re.S
        )
        assert '<details class="details technical">' in box.group(1)  # the disclosure every page uses
        assert ">approved<" not in page
        review = text(client.get("/materials/visit-letter/review"))
        assert UNCONFIRMED in review
    refusals = refusals_before_run(force / "content", force / "templates", force / "review", None, False)
    assert refusals and refusals[0].key == "registry_pin"


def refused_run_page(force: Path, instance: Path, small_csv: bytes) -> str:
    """The page an officer gets on asking for the letters of an upload, which the workspace refuses (409);
    no run is made."""
    app = create_app(Settings(content=force / "content", instance=instance))
    app.config["TESTING"] = True
    try:
        client = app.test_client()
        refused = make(client, run_id_of(upload(client, small_csv)))
        assert refused.status_code == 409
        page = text(refused)
    finally:
        app.extensions["handle_docs"]["run_queue"].wait_idle(60)
        app.extensions["handle_docs"]["previewer"].close()
    assert not list(instance.rglob("manifest.json"))
    return page


def test_the_workspace_refuses_a_run_on_a_forged_registry_in_plain_words(
    force, tmp_path, signed_in, small_csv
):
    forge(force)
    page = refused_run_page(force, tmp_path / "instance", small_csv)
    assert (
        UNCONFIRMED in page and "Technical details" in page and "do not start at the pinned version" in page
    )


# --- no pin, --allow-unpinned-registry, pins from outside ---------------------------------------------


def test_without_a_pin_nothing_counts_unless_allowed_and_the_manifest_says_so(force):
    (force / "review" / PIN_FILE).unlink(missing_ok=True)
    status = run("review", "status", cwd=force)
    assert status.exit_code == 1 and "NOT PINNED" in status.output, status.output
    refused = run("letters", records_in(force), "--out", "out", "--jobs", 1, "--quiet", cwd=force)
    assert refused.exit_code == 1 and "is not pinned" in refused.output
    allowed = run("review", "status", "--allow-unpinned-registry", cwd=force)
    assert allowed.exit_code == 0, allowed.output
    assert "WARNING: UNPINNED REVIEWER REGISTRY" in allowed.output and "ready:" in allowed.output
    made = run(
        "letters",
        "records.csv",
        "--out",
        "out",
        "--jobs",
        1,
        "--quiet",
        "--allow-unpinned-registry",
        cwd=force,
    )
    assert made.exit_code == 0, made.output
    assert "WARNING: UNPINNED REVIEWER REGISTRY" in made.output
    manifest = json.loads((force / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["registry_pin"] == UNPINNED_RECORD == "none (--allow-unpinned-registry)"


def test_every_output_command_refuses_without_a_pin_and_takes_the_flag(force):
    (force / "review" / PIN_FILE).unlink(missing_ok=True)
    for command in (
        ("leaflets", "lock-it-leaflet", "--out", "out"),
        ("card", "run", "--out", "cards"),
        ("contingency", "--out", "pack"),
    ):
        (force / "run").mkdir(exist_ok=True)
        refused = run(*command, cwd=force)
        assert refused.exit_code == 1 and "is not pinned" in refused.output, (command, refused.output)
    made = run("leaflets", "lock-it-leaflet", "--out", "out", "--allow-unpinned-registry", cwd=force)
    assert made.exit_code == 0, made.output
    assert "WARNING: UNPINNED REVIEWER REGISTRY" in made.output


def test_a_workspace_without_a_pin_refuses_and_one_started_to_allow_it_says_so(force, tmp_path, monkeypatch):
    (force / "review" / PIN_FILE).unlink(missing_ok=True)
    with running(force / "content", tmp_path / "instance") as app:
        page = text(app.test_client().get("/"))
        assert UNCONFIRMED in page and ">approved<" not in page
    monkeypatch.setenv(
        ALLOW_ENV, "1"
    )  # what serve --allow-unpinned-registry sets for the server and its workers
    with running(force / "content", tmp_path / "instance") as app:
        page = text(app.test_client().get("/"))
        assert "this workspace was started to print anyway" in page and ">approved<" in page
        assert "UNPINNED REVIEWER REGISTRY" in page  # under Technical details


def test_a_pinned_run_records_its_root_in_the_manifest(force):
    made = run("letters", records_in(force), "--out", "out", "--jobs", 1, "--quiet", cwd=force)
    assert made.exit_code == 0, made.output
    assert "UNPINNED" not in made.output
    manifest = json.loads((force / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["registry_pin"] == SAMPLE_ROOT


def test_an_outside_pin_that_disagrees_with_the_folders_is_refused(force, monkeypatch):
    monkeypatch.setenv(ROOT_ENV, SAMPLE_SECOND)  # a later version: approved, but not the root
    status = run("review", "status", cwd=force)
    assert status.exit_code == 1, status.output
    assert "the registry pins disagree" in status.output and "ready: all" not in status.output
    monkeypatch.setenv(ROOT_ENV, SAMPLE_ROOT)
    assert run("review", "status", cwd=force).exit_code == 0


def test_an_outside_pin_alone_works_when_the_folder_has_none(force, monkeypatch):
    (force / "review" / PIN_FILE).unlink(missing_ok=True)
    monkeypatch.setenv(ROOT_ENV, SAMPLE_ROOT)
    status = run("review", "status", cwd=force)
    assert status.exit_code == 0 and "ready:" in status.output, status.output


def test_reviewers_pin_pins_the_first_approved_version_of_a_folder_without_a_pin_and_never_replaces_one(
    force,
):
    (force / "review" / PIN_FILE).unlink(missing_ok=True)  # a folder made before pins existed
    pinned = run("reviewers", "pin", cwd=force)
    assert pinned.exit_code == 0, pinned.output
    assert f"pinned the reviewer registry's root {SAMPLE_ROOT}" in pinned.output
    assert (force / "review" / PIN_FILE).read_text(encoding="utf-8").strip().endswith(SAMPLE_ROOT)
    assert run("review", "status", cwd=force).exit_code == 0
    again = run("reviewers", "pin", "--root", SAMPLE_SECOND, cwd=force)
    assert again.exit_code == 2 and "already pins" in again.output
    assert (force / "review" / PIN_FILE).read_text(encoding="utf-8").strip().endswith(SAMPLE_ROOT)


# --- init: pinned by the first approval -----------------------------------------------------------------


def test_inits_new_folder_is_pinned_by_its_first_approval_and_then_refuses_a_forgery(tmp_path):
    made = run("init", "force", cwd=tmp_path)
    assert (
        made.exit_code == 0 and f"will be pinned in {tmp_path / 'force' / 'review' / PIN_FILE}" in made.output
    )
    force = tmp_path / "force"
    assert (force / "review" / PIN_FILE).read_text(encoding="utf-8").strip().endswith(AWAITING)
    status = run("review", "status", cwd=force)
    assert status.exit_code == 1 and "NOT READY" in status.output and "NOT PINNED" not in status.output, (
        status.output
    )
    for rid, role in (("ann-lee", "comms-lead"), ("bo-tran", "neighbourhood-sergeant")):
        new_key(force, rid)
        added = run(
            "reviewers", "add", rid, "--name", rid.title(), "--role", role, "--key", f"{rid}.pub", cwd=force
        )
        assert added.exit_code == 0, added.output
    for rid, role in (("ann-lee", "comms-lead"), ("bo-tran", "neighbourhood-sergeant")):
        signed = run(
            "review", "approve", "reviewers", "--reviewer", rid, "--role", role, "--key", rid, cwd=force
        )
        assert signed.exit_code == 0, signed.output
    assert "pinned the reviewer registry's first approved version sha256:" in signed.output
    pinned = (force / "review" / PIN_FILE).read_text(encoding="utf-8")
    status = run("review", "status", cwd=force)
    first = re.search(
        r"approved versions, in order: (sha256:[0-9a-f]{64})",
        run("review", "status", "--verbose", cwd=force).output,
    ).group(1)
    assert pinned.strip().endswith(first)
    assert re.search(r"reviewers \(registry\)\s+\S+\s+approved", status.output), status.output
    forge(force)
    forged = run("review", "status", cwd=force)
    assert forged.exit_code == 1 and "WRONG ROOT" in forged.output


# --- approve what you saw ----------------------------------------------------------------------------------


def _decide(client, material_id: str, role: str, fingerprint_seen: str | None):
    page = text(client.get(f"/materials/{material_id}/review"))
    data = {
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
        "decision": "approved",
        "role": role,
        "note": "",
    }
    if fingerprint_seen is not None:
        data["fingerprint"] = fingerprint_seen
    return client.post(f"/materials/{material_id}/review", data=data)


def test_the_workspace_refuses_an_approval_of_wording_that_changed_since_the_page_was_opened(force, tmp_path):
    content_dir = force / "content"
    instance = tmp_path / "instance"
    add(instance, "priya-lang", "comms-lead")
    with running(content_dir, instance) as app:
        priya = app.test_client()
        assert sign_in(priya, "priya-lang").status_code == 303
        one_word(content_dir)  # a version nobody approved yet
        page = text(priya.get("/materials/visit-letter/review"))
        seen = re.search(r'name="fingerprint" value="([^"]+)"', page).group(1)
        path = content_dir / "letters" / "visit.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace("strolled around", "wandered around"), encoding="utf-8"
        )
        response = _decide(priya, "visit-letter", "comms-lead", seen)
        assert response.status_code == 303 and response.headers["Location"].endswith(
            "/materials/visit-letter/review"
        )
        after = text(priya.get("/materials/visit-letter/review"))
        assert WORDING_CHANGED in after
        status = material_status(load_content(content_dir, force / "templates"), "visit-letter")
        assert status.tally.approvers == []
        # the page as it is now carries the new fingerprint, and that approval is signed
        assert _decide(priya, "visit-letter", "comms-lead", status.fingerprint).status_code == 303
        status = material_status(load_content(content_dir, force / "templates"), "visit-letter")
        assert [a.reviewer for a in status.tally.approvers] == ["priya-lang"]


def test_review_approve_expect_refuses_another_version(force):
    content = load_content(force / "content", force / "templates")
    seen = fingerprint(content, "visit-letter")
    one_word(force / "content")
    priya = ("--reviewer", "priya-lang", "--role", "comms-lead", "--key", DEMO_KEYS / "priya-lang")
    before = (force / "review" / "visit-letter.yaml").read_bytes()
    stale = run("review", "approve", "visit-letter", *priya, "--expect", seen[:19], cwd=force)
    assert stale.exit_code == 1, stale.output
    assert WORDING_CHANGED in stale.output
    assert (force / "review" / "visit-letter.yaml").read_bytes() == before
    changes = run(
        "review", "request-changes", "visit-letter", *priya, "--note", "x", "--expect", seen, cwd=force
    )
    assert changes.exit_code == 1 and WORDING_CHANGED in changes.output
    now = fingerprint(load_content(force / "content", force / "templates"), "visit-letter")
    fresh = run("review", "approve", "visit-letter", *priya, "--expect", now[:19], cwd=force)
    assert fresh.exit_code == 0, fresh.output


# --- four eyes on translations -----------------------------------------------------------------------------


def test_a_translator_who_edits_a_translation_in_the_workspace_may_not_approve_it(force, tmp_path):
    content_dir = force / "content"
    instance = tmp_path / "instance"
    add(instance, "eleri-pryce", "translator-cy", "editor")
    mid = "visit-letter-cy"
    source = content_dir / "letters" / "visit.cy.yaml"
    assert "last_edited_by" not in source.read_text(encoding="utf-8")
    comments = [line for line in source.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    with running(content_dir, instance) as app:
        eleri = app.test_client()
        assert sign_in(eleri, "eleri-pryce").status_code == 303
        form = form_of(eleri, mid)
        saved = eleri.post(f"/materials/{mid}/save", data={**form, "blocks.greeting": "Annwyl gymydog,"})
        assert saved.status_code == 303
        written = source.read_text(encoding="utf-8")
        assert "last_edited_by: eleri-pryce\nreview_by:" in written
        assert [line for line in written.splitlines() if line.startswith("#")] == comments  # comments kept
        review = text(eleri.get(f"/materials/{mid}/review"))
        button = re.search(r'<button[^>]*id="approve-translator-cy"[^>]*>', review).group(0)
        assert (
            "disabled" in button
            and "Eleri Pryce last edited “Cyngor ar ôl ein patrôl troseddau cerbydau” and may not approve it"
            in review
        )
        now = material_status(load_content(content_dir, force / "templates"), mid).fingerprint
        _decide(eleri, mid, "translator-cy", now)
        assert material_status(load_content(content_dir, force / "templates"), mid).tally.approvers == []
