"""The live preview (services/proofs.py draws, services/previews.py caches) and its sample scenarios
(compose/scenarios.py): the real document, unsaved wording, DRAFT, the cache."""

from __future__ import annotations

import io
import re
import shutil

import pdfplumber
import pytest
from PIL import Image

from handle_docs.compose.scenarios import SITUATIONS, scenario, scenarios
from handle_docs.models import Finding
from handle_docs.render.html import HtmlRenderer
from handle_docs.review import DRAFT_WATERMARK
from handle_docs.services import proofs
from handle_docs.services.previews import Previewer, preview_key
from handle_docs.services.proofs import make_proof, page_images, preview_pdf, render_pages
from handle_docs.wording.content import load_content
from handle_docs.wording.edit import edited_content
from tests.conftest import CONTENT, TEMPLATES, with_link_labels


@pytest.fixture(scope="module")
def content():
    return load_content(CONTENT, TEMPLATES)


def pdf_text(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def drawn_chars(data: bytes) -> list[str]:
    """Each page's characters in drawing order, without spaces (the watermark
    is drawn rotated, so line-based extraction scatters it)."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return ["".join(c["text"] for c in page.chars if not c["text"].isspace()) for page in pdf.pages]


def test_each_scenario_is_a_sample_patrol_letter_that_shows_its_situation(content):
    found = {s.id: s for s in scenarios(content, "visit-letter")}
    assert [sid for sid in found if not sid.startswith("lang-")] == list(SITUATIONS)
    assert found["all-secure"].letter.findings == (Finding.ALL_SECURE,)
    assert Finding.INSECURE_VEHICLE in found["not-locked"].letter.findings
    assert Finding.ITEMS_ON_DISPLAY in found["on-show"].letter.findings
    assert Finding.KEYS_VISIBLE in found["keys"].letter.findings
    assert len(found["several"].letter.vehicles) > 1
    assert found["large-print"].letter.large_print
    assert scenario(content, "visit-letter", "no-such").id == "not-locked"


def test_every_translation_of_a_letter_adds_a_scenario_in_its_language(content):
    languages = [s.id for s in scenarios(content, "visit-letter") if s.id.startswith("lang-")]
    assert languages == ["lang-ar", "lang-cy-GB", "lang-pl-PL", "lang-ro-RO", "lang-ur"]
    cy = scenario(content, "visit-letter", "lang-cy-GB")
    assert cy.id == "lang-cy-GB" and cy.letter.language == "cy-GB"
    pages = pdf_text(preview_pdf(content, "visit-letter", cy, None))
    assert "Annwyl breswylydd," in pages[0]


def test_a_letter_preview_is_the_real_letter_with_the_unsaved_wording_and_draft_on_every_page(content):
    edited, problems, _ = edited_content(content, "visit-letter", {"blocks.greeting": "Dear neighbour,"})
    assert not problems
    chosen = scenario(edited, "visit-letter", "several")
    data = preview_pdf(edited, "visit-letter", chosen, DRAFT_WATERMARK)
    pages = pdf_text(data)
    assert len(pages) == 3  # shared-back: two pages about this address, then the shared page
    assert "Dear neighbour," in pages[0] and "Dear resident," not in pages[0]
    assert all("".join(DRAFT_WATERMARK.split()) in page for page in drawn_chars(data))
    assert chosen.letter.vehicles[1].vrm in "\n".join(pages)  # the vehicles table lists both cars


@pytest.mark.parametrize("material_id", ["lock-it-leaflet", "social-card", "paper-check-form"])
def test_leaflets_cards_and_forms_preview_as_page_images(content, material_id):
    images = render_pages(content, material_id, None, DRAFT_WATERMARK)
    assert len(images) >= 1
    assert all(Image.open(io.BytesIO(png)).format == "PNG" for png in images)


def test_a_proof_leaves_the_shared_renderers_template_globals_as_a_fresh_renderers(content, tmp_path):
    """Proofs and previews draw with the same per-thread renderers: the proof's version line is passed
    to its own document, never put in the renderers' shared template globals."""
    proof = make_proof(content, "lock-it-leaflet", tmp_path)
    assert all("Version" in page for page in drawn_chars(proof.path.read_bytes()))
    shared, _pdf = proofs._RENDERERS.get(content.templates)
    assert set(shared.env.globals) == set(HtmlRenderer(content.templates).env.globals)


def test_page_images_are_drawn_at_the_preview_resolution(content):
    data = preview_pdf(content, "lock-it-leaflet", None, None)
    first = Image.open(io.BytesIO(page_images(data, dpi=72)[0]))
    assert first.size in {(595, 842), (596, 842)}  # A4 in points (595.3 × 841.9), rounded


def test_the_cache_key_follows_what_shapes_the_preview(content):
    chosen = scenario(content, "visit-letter", "keys")
    key = preview_key(content, "visit-letter", chosen, None)
    edited, _, _ = edited_content(content, "visit-letter", {"blocks.greeting": "Dear neighbour,"})
    assert preview_key(content, "visit-letter", chosen, None) == key
    assert preview_key(edited, "visit-letter", chosen, None) != key
    assert preview_key(content, "visit-letter", chosen, DRAFT_WATERMARK) != key
    assert preview_key(content, "visit-letter", scenario(content, "visit-letter", "all-secure"), None) != key


def test_a_repeated_preview_is_a_cache_hit_and_the_cache_survives_a_new_previewer(content, tmp_path):
    previewer = Previewer(tmp_path / "cache")
    try:
        key, job = previewer.request(content, "lock-it-leaflet", None, None)
        preview = job.result(timeout=60)
        assert preview.pages == 2 and previewer.page(key, 2).read_bytes().startswith(b"\x89PNG")
        # each page's size is known before its image is fetched, so the page holds its place while it loads
        assert preview.size(2) == Image.open(previewer.page(key, 2)).size and preview.size(3) is None
        again_key, again = previewer.request(content, "lock-it-leaflet", None, None)
        assert again_key == key and again.done() and again.result() == preview
        assert previewer.page(key, 3) is None and previewer.page("../" + key[3:], 1) is None
    finally:
        previewer.close()
    fresh = Previewer(tmp_path / "cache")
    assert fresh.cached(key) == preview
    fresh.close()
    shutil.rmtree(tmp_path / "cache")


# --- the workspace's picker: every language a translation exists in ------------------------

#: language tag → the greeting each sample translation is given here.
GREETINGS = {"cy": "Annwyl breswylydd,", "pl": "Szanowni Państwo,", "ar": "عزيزي الساكن،"}


def add_translation(content_dir, lang: str, greeting: str) -> None:
    """A copy of the visit letter as its translation into ``lang``, greeting changed."""
    text = (content_dir / "letters" / "visit.yaml").read_text(encoding="utf-8")
    text = text.replace("id: visit-letter", f"id: visit-letter-{lang}\ntranslation_of: visit-letter")
    text = text.replace("language: en-GB", f"language: {lang}").replace("Dear resident,", greeting)
    (content_dir / "letters" / f"visit.{lang}.yaml").write_text(
        with_link_labels(text, content_dir), encoding="utf-8"
    )


@pytest.fixture
def client(content_copy, tmp_path, monkeypatch):
    from handle_docs.web import Settings, create_app

    monkeypatch.setenv("HANDLE_DOCS_TODAY", "2027-01-15")
    for lang, greeting in GREETINGS.items():
        add_translation(content_copy, lang, greeting)
    app = create_app(Settings(content=content_copy, instance=tmp_path / "instance"))
    app.config["TESTING"] = True
    yield app.test_client()
    app.extensions["handle_docs"]["previewer"].close()


def test_the_picker_offers_every_language_a_translation_exists_in_named_in_english_and_in_itself(client):
    page = client.get("/materials/visit-letter/edit").get_data(as_text=True)
    picker = page[page.index('<select id="scenario"') : page.index("</select>")]
    offered = re.findall(r'<option value="(lang-[^"]+)">([^<]+)</option>', picker)
    # the sample's five (three rewritten by the fixture), each named in English and in itself
    assert offered == [
        ("lang-ar", "Arabic (العربية)"),
        ("lang-cy", "Welsh (Cymraeg)"),
        ("lang-pl", "Polish (Polski)"),
        ("lang-ro-RO", "Romanian (Română)"),
        ("lang-ur", "Urdu (اردو)"),
    ]
    assert '<optgroup label="The letter in another language">' in picker
    assert '<option value="not-locked">A car not locked</option>' in picker  # the situations are still there


def test_previewing_a_language_shows_that_translations_letter_and_names_the_language(client):
    page = client.get("/materials/visit-letter/edit").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    base = re.search(r'name="base_sha256" value="([^"]+)"', page).group(1)
    shown = client.post(
        "/materials/visit-letter/preview",
        data={"csrf_token": csrf, "base_sha256": base, "scenario": "lang-cy"},
    ).get_data(as_text=True)
    for _ in range(120):  # the preview is made in the background: follow its polling URL until it is ready
        if "<img" in shown:
            break
        poll = re.search(r'hx-get="([^"]+)"', shown).group(1).replace("&amp;", "&")
        shown = client.get(poll).get_data(as_text=True)
    assert "Welsh (Cymraeg), DRAFT, not approved: " in shown
    images = re.findall(r'<img src="([^"]+)"[^>]* alt="Page 1 of \d as it will print">', shown)
    png = client.get(images[0])
    assert png.status_code == 200 and png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")


def test_a_translations_editor_shows_sentence_and_word_length_instead_of_a_reading_ease(client):
    page = client.get("/materials/visit-letter-pl/edit").get_data(as_text=True)
    score = re.search(r'<p class="score" id="score-[^"]*opening[^"]*">([^<]*)</p>', page)
    assert score and "words a sentence, the longest" in score.group(1)
    assert "Flesch is for English only" in score.group(1) and "Reading ease" not in page
