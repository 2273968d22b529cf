"""The workspace's routes through Flask's test client: what each page shows,
what a save does, and the security baseline (CSRF, CSP, cookies, ids, sizes)."""

from __future__ import annotations

import os
import re
import stat

import pytest
from click.testing import CliRunner

from handle_docs.cli import cli
from handle_docs.review import diff_report, review_status
from handle_docs.review.labels import state_sentence, version_number
from handle_docs.web import Settings, create_app
from handle_docs.web.common import state_words
from handle_docs.wording.content import load_content

from .conftest import CONTENT, line_of

TODAY = "2027-01-15"
VISIT = "letters/visit.yaml"


@pytest.fixture
def folders(content_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("HANDLE_DOCS_TODAY", TODAY)
    return content_copy, tmp_path / "instance"


@pytest.fixture
def app(folders):
    content, instance = folders
    app = create_app(Settings(content=content, instance=instance))
    app.config["TESTING"] = True
    yield app
    app.extensions["handle_docs"]["previewer"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def form_of(client, material_id="visit-letter"):
    """The editor's hidden fields: the CSRF token and the file's hash."""
    page = client.get(f"/materials/{material_id}/edit").get_data(as_text=True)
    return {
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
        "base_sha256": re.search(r'name="base_sha256" value="([^"]+)"', page).group(1),
    }


def text(response) -> str:
    return response.get_data(as_text=True)


# --- the materials page ----------------------------------------------------------------


def test_the_materials_page_shows_what_review_status_says(client, folders):
    content_dir, _ = folders
    page = text(client.get("/"))
    statuses, _ = review_status(load_content(content_dir, content_dir.parent / "templates"))
    for status in statuses:
        row = re.search(rf'<tr id="material-{status.material_id}">(.*?)</tr>', page, re.S).group(1)
        assert f"Version {version_number(status)}" in row  # a number, never the fingerprint
        assert status.short not in row and f"{status.review_by.day} {status.review_by:%B %Y}" in row
        assert f">{state_words(status)}<" in row and state_sentence(status) in row
    assert page.count('<tr id="material-') == len(statuses) == 15
    assert ">approved<" in page and "needs approval" not in page
    welsh = re.search(r'<tr id="material-visit-letter-cy">(.*?)</tr>', page, re.S).group(1)
    assert "a qualified Welsh translator must still approve it before it is used for real" in welsh
    english = re.search(r'<tr id="material-visit-letter">(.*?)</tr>', page, re.S).group(1)
    assert "qualified translator" not in english
    assert '<td data-label="Language">Welsh (Cymraeg)</td>' in welsh  # as the preview's picker names it
    assert '<td data-label="Language">English</td>' in english
    arabic = re.search(r'<tr id="material-lock-it-leaflet-ar">(.*?)</tr>', page, re.S).group(1)
    assert '<td data-label="Language">Arabic (العربية)</td>' in arabic


def test_after_a_save_the_material_needs_approval_on_the_page_and_in_review_status(client, folders):
    content_dir, _ = folders
    response = client.post(
        "/materials/visit-letter/save", data={**form_of(client), "blocks.greeting": "Dear neighbour,"}
    )
    assert response.status_code == 303
    row = re.search(r'<tr id="material-visit-letter">(.*?)</tr>', text(client.get("/")), re.S).group(1)
    assert ">needs approval<" in row
    result = CliRunner().invoke(cli, ["review", "status", "--content", str(content_dir)])
    line = next(row for row in result.output.splitlines() if row.startswith("visit-letter"))
    assert "NEEDS APPROVAL" in line and result.exit_code == 1


# --- the editor ------------------------------------------------------------------------


def test_every_block_label_heading_and_item_is_a_labelled_control_in_reading_order(client):
    page = text(client.get("/materials/visit-letter/edit"))
    controls = re.findall(r'<(?:textarea|input type="text") id="([^"]+)" name="([^"]+)"', page)
    names = [name for _, name in controls]
    assert names.index("blocks.greeting") < names.index("blocks.opening") < names.index("blocks.closing")
    assert {"title", "blocks.advice.heading", "labels.vehicle_secure", "items.sat_nav"} <= set(names)
    for html_id, _ in controls:
        assert f'<label for="{html_id}">' in page
    assert "<title>Edit: Advice after our vehicle crime patrol – Letters workspace</title>" in page
    assert 'data-insert="{patrol_date}"' in page and "**like this**" in page
    assert f"letters/visit.yaml:{line_of(CONTENT / VISIT, '  opening: |')}: blocks.opening" in page
    # the boxes are named as a person names the letter's parts; keys and lines only in Technical details
    assert (
        '<label for="field-blocks-findings-insecure-vehicle-text">What we found › a car not locked: text'
        in page
    )
    assert "On this computer, without accounts" in page and "local editor" not in page


def test_lint_messages_of_the_unsaved_wording_come_beside_their_block(client):
    response = client.post(
        "/materials/visit-letter/check",
        data={**form_of(client), "blocks.opening": "We found an insecure car on your drive."},
    )
    beside = re.search(
        r'<div id="lint-field-blocks-opening" hx-swap-oob="innerHTML">(.*?)</div>', text(response), re.S
    )
    assert "Advice:</strong> avoid &#34;insecure&#34; (police jargon)" in beside.group(1)
    assert "(line " not in beside.group(1)  # where it is in the file is nobody's business in the editor
    assert "&#34;not locked&#34;" in beside.group(1)
    score = re.search(
        r'<p id="score-field-blocks-findings-insecure-vehicle-text" hx-swap-oob="innerHTML">(.*?)</p>',
        text(response),
        re.S,
    ).group(1)
    assert score.startswith("Reading ease ")


def test_a_change_that_would_not_load_is_shown_in_place_and_not_saved(client, folders):
    content_dir, _ = folders
    before = (content_dir / VISIT).read_bytes()
    response = client.post(
        "/materials/visit-letter/save",
        data={**form_of(client), "blocks.opening": "Hello {resident}, <b>hi</b>"},
    )
    assert response.status_code == 422
    page = text(response)
    assert "Not saved: 1 thing to change" in page
    line = line_of(content_dir / VISIT, "  opening: |")
    technical = page[page.index('<details class="details technical">') :]
    assert (
        f"{content_dir / VISIT}:{line}: blocks.opening: error: unknown placeholder {{resident}}" in technical
    )
    field = re.search(
        r'<div class="field-error" id="error-field-blocks-opening">(.*?)</div>', page, re.S
    ).group(1)
    assert "{resident} is not something the letter can fill in. You can use: {area}, " in field
    assert "Hello {resident}, &lt;b&gt;hi&lt;/b&gt;</textarea>" in page  # what was typed is still there
    assert (content_dir / VISIT).read_bytes() == before

    live = text(client.post("/materials/visit-letter/check", data={**form_of(client), "blocks.closing": ""}))
    assert re.search(
        r'id="error-field-blocks-closing" hx-swap-oob="innerHTML">\s*<p>[^<]*Must not be empty', live
    )


def test_a_conflicting_save_is_refused_with_both_versions_and_nothing_lost(client, folders):
    content_dir, _ = folders
    form = form_of(client)
    path = content_dir / VISIT
    theirs = path.read_text(encoding="utf-8").replace("Dear resident,", "Dear householder,")
    path.write_text(theirs, encoding="utf-8")
    response = client.post(
        "/materials/visit-letter/save", data={**form, "blocks.greeting": "Dear neighbour,"}
    )
    assert response.status_code == 409
    page = text(response)
    assert ">Dear householder,</pre>" in page and ">Dear neighbour,</textarea>" in page
    assert path.read_text(encoding="utf-8") == theirs
    again = dict(form, base_sha256=re.search(r'name="base_sha256" value="([^"]+)"', page).group(1))
    assert (
        client.post(
            "/materials/visit-letter/save", data={**again, "blocks.greeting": "Dear neighbour,"}
        ).status_code
        == 303
    )
    assert "greeting: Dear neighbour," in path.read_text(encoding="utf-8")


def test_after_a_save_the_editor_links_to_the_word_diff_of_review_diff(client, folders):
    content_dir, _ = folders
    saved = client.post(
        "/materials/visit-letter/save",
        data={**form_of(client), "blocks.greeting": "Dear neighbour,"},
        follow_redirects=True,
    )
    assert "needs approval before it can be printed" in text(saved)
    assert 'href="/materials/visit-letter/review#changes"' in text(saved)
    assert client.get("/materials/visit-letter/changes").headers["Location"].endswith("/review#changes")
    page = text(client.get("/materials/visit-letter/review"))
    report = diff_report(load_content(content_dir, content_dir.parent / "templates"), "visit-letter")
    assert "[-resident,-]{+neighbour,+}" in report.text()
    assert re.search(r'<del class="removed"><span class="visually-hidden">\[removed: </span>resident,', page)
    assert re.search(r'<ins class="added"><span class="visually-hidden">\[added: </span>neighbour,', page)


def test_script_and_braces_in_wording_are_shown_and_saved_as_typed(client, folders):
    content_dir, _ = folders
    wording = "<script>alert(1)</script> {{ 7*7 }}"
    client.post("/materials/visit-letter/save", data={**form_of(client), "blocks.greeting": wording})
    assert wording in (content_dir / VISIT).read_text(encoding="utf-8")
    page = text(client.get("/materials/visit-letter/edit"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in page and "<script>alert(1)" not in page


# --- the preview -------------------------------------------------------------------------


def test_the_preview_shows_page_images_and_a_repeat_is_served_from_the_cache(client):
    form = {
        **form_of(client),
        "blocks.opening": "A short opening for the preview test.",
        "scenario": "several",
    }
    first = text(client.post("/materials/visit-letter/preview", data=form))
    # shared-back (the sample letter): two pages about the address, then the shared page
    assert "Several cars at one address, DRAFT, not approved: 3 pages" in first
    images = re.findall(r'<img src="([^"]+)"[^>]* alt="Page (\d) of 3 as it will print">', first)
    assert len(images) == 3
    png = client.get(images[0][0])
    assert png.status_code == 200 and png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    assert text(client.post("/materials/visit-letter/preview", data=form)) == first
    assert client.get("/previews/" + "0" * 64 + "/page-1.png").status_code == 404
    assert client.get("/previews/..%2F..%2Fsecret_key/page-1.png").status_code == 404


def test_a_preview_of_wording_that_would_not_load_keeps_the_last_pages(client):
    response = client.post(
        "/materials/visit-letter/preview", data={**form_of(client), "blocks.opening": "{nope}"}
    )
    assert response.status_code == 200 and "HX-Reswap" not in response.headers
    assert "The last saved wording (yours cannot be used yet)" in text(
        response
    )  # the last good version's pages


# --- security ----------------------------------------------------------------------------


def test_a_post_without_a_csrf_token_is_refused_and_nothing_saved(client, folders):
    content_dir, _ = folders
    before = (content_dir / VISIT).read_bytes()
    form = form_of(client)
    for url in (
        "/materials/visit-letter/save",
        "/materials/visit-letter/preview",
        "/materials/visit-letter/check",
    ):
        response = client.post(url, data={"base_sha256": form["base_sha256"], "blocks.greeting": "Hi"})
        assert response.status_code == 403 and "Page expired" in text(response)
    bad = client.post(
        "/materials/visit-letter/save", data={**form, "csrf_token": "forged", "blocks.greeting": "Hi"}
    )
    assert bad.status_code == 403
    assert (content_dir / VISIT).read_bytes() == before


@pytest.mark.parametrize(
    "url", ["/", "/materials/visit-letter/edit", "/materials/visit-letter/changes", "/nowhere"]
)
def test_every_page_has_a_strict_content_security_policy_and_no_inline_script_or_style(client, url):
    response = client.get(url)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    page = text(response)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"\sstyle=|\son[a-z]+=|<style", page)
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_csrf_cookie_is_httponly_samesite_and_signed_with_a_private_secret(client, folders):
    _, instance = folders
    response = client.get("/materials/visit-letter/edit")
    cookie = response.headers["Set-Cookie"]  # Flask's signed cookie holds the CSRF token only (issue 26)
    assert cookie.startswith("handle_docs_csrf=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert stat.S_IMODE(os.stat(instance).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(instance / "secret_key").st_mode) == 0o600


@pytest.mark.parametrize(
    "url",
    [
        "/materials/..%2F..%2Fetc%2Fpasswd/edit",
        "/materials/../../etc/passwd/edit",
        "/materials/%2E%2E/edit",
        "/materials/no-such-material/edit",
        "/materials/visit-letter%00/changes",
    ],
)
def test_material_ids_that_are_not_in_the_content_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_a_path_as_material_id_on_post_is_not_found(client):
    form = form_of(client)
    assert client.post("/materials/..%2F..%2Fetc%2Fpasswd/save", data=form).status_code == 404


def test_request_bodies_over_the_limit_are_refused(client, folders):
    content_dir, _ = folders
    before = (content_dir / VISIT).read_bytes()
    response = client.post(
        "/materials/visit-letter/save", data={**form_of(client), "blocks.opening": "x" * 600_000}
    )
    assert response.status_code == 413 and "nothing was saved" in text(response)
    assert (content_dir / VISIT).read_bytes() == before


# --- handle-docs serve --------------------------------------------------------------------


def test_serve_without_accounts_refuses_any_host_but_loopback_and_says_why(folders):
    content_dir, instance = folders
    result = CliRunner().invoke(
        cli, ["serve", "--content", str(content_dir), "--instance", str(instance), "--host", "0.0.0.0"]
    )
    assert result.exit_code == 2
    assert "--host 0.0.0.0 refused: this workspace has no accounts" in result.output
    assert "handle-docs users add" in result.output
    assert not instance.exists()
