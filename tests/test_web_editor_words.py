"""Issue 28, the editor of every material: each box named in words a comms officer knows (never a key's
words), the placeholders a box may use offered as Insert buttons (a QR code's description too), and a Save
button within 5 Tab stops of every box, counted in the page's Tab order (the browser test presses Tab for
the visit letter; this checks every material quickly)."""

from __future__ import annotations

import re
import shutil

import pytest
from lxml import html

from handle_docs.history.messages import saved
from handle_docs.models import Problem
from handle_docs.web import Settings, create_app
from handle_docs.wording.content import load_content
from handle_docs.wording.edit import editable_fields
from handle_docs.wording.labels import field_name, plain_message
from tests.conftest import CONTENT, ROOT, TEMPLATES

SAMPLE = load_content(CONTENT, TEMPLATES)
FOCUSABLE = "//input[not(@type='hidden')]|//textarea|//select|//button|//a[@href]|//summary"


def workspace_app(root):
    shutil.copytree(CONTENT, root / "content")
    shutil.copytree(TEMPLATES, root / "templates")
    shutil.copytree(ROOT / "review", root / "review")
    app = create_app(Settings(content=root / "content", instance=root / "instance"))
    app.config["TESTING"] = True
    return app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = workspace_app(tmp_path_factory.mktemp("editor-words"))
    yield app.test_client()
    app.extensions["handle_docs"]["previewer"].close()


def form_of(client, material_id: str) -> dict[str, str]:
    page = client.get(f"/materials/{material_id}/edit").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    base = re.search(r'name="base_sha256" value="([^"]+)"', page).group(1)
    return {"csrf_token": csrf, "base_sha256": base}


def editor_page(client, material_id: str):
    response = client.get(f"/materials/{material_id}/edit")
    assert response.status_code == 200
    return html.fromstring(response.get_data(as_text=True))


def tab_order(page) -> list:
    """The page's Tab stops in order, as a browser walks them with every section open: a toolbar is one stop
    (its buttons after the first have tabindex -1)."""
    return [e for e in page.xpath(FOCUSABLE) if e.get("tabindex") != "-1" and e.get("disabled") is None]


@pytest.mark.parametrize("material_id", sorted(SAMPLE.materials))
def test_save_is_within_five_tab_stops_of_every_box(client, material_id):
    stops = tab_order(editor_page(client, material_id))
    boxes = [i for i, e in enumerate(stops) if e.tag in ("input", "textarea") and e.get("name") != "scenario"]
    assert boxes
    for i in boxes:
        to_save = next(n for n, e in enumerate(stops[i + 1 :], 1) if "save" in (e.get("class") or "").split())
        assert to_save <= 5, (material_id, stops[i].get("id"), to_save)


@pytest.mark.parametrize("material_id", sorted(SAMPLE.materials))
def test_every_box_is_named_in_words_not_by_its_key(client, material_id):
    page = editor_page(client, material_id)
    material = SAMPLE.material(material_id)
    for f in editable_fields(material, SAMPLE.docs[material.source], SAMPLE.links):
        label = page.xpath(f"//label[@for='{f.html_id}']")[0].text_content()
        assert "_" not in label and not label.startswith("Label: "), (f.key, label)
        if f.key.startswith("link_labels."):
            link_id = f.key.split(".", 1)[1]
            assert SAMPLE.links.links[link_id].label in label and link_id not in label.split()


def test_the_labels_and_item_names_read_as_what_they_print():
    names = {
        f.key: f.label
        for f in editable_fields(SAMPLE.material("visit-letter"), SAMPLE.docs["letters/visit.yaml"])
    }
    assert names["labels.qr_alt"] == "Description of a QR code, read aloud by screen readers"
    assert names["labels.vehicle_secure"] == "Answer when the car was locked"
    assert names["items.unnamed"] == "Item name: things the officer did not name"
    assert field_name("labels.qr_alt") == names["labels.qr_alt"]
    # the History tab's "what changed" names a label as its box does
    assert saved("visit letter", ["labels.qr_alt"]) == (
        "Visit letter: description of a QR code, read aloud by screen readers changed"
    )


def test_a_qr_codes_description_has_its_own_insert_buttons_and_its_own_message(client):
    page = editor_page(client, "visit-letter")
    bar = page.xpath("//div[@data-target='field-labels-qr-alt']")[0]
    tokens = [b.get("data-insert") for b in bar.xpath(".//button")]
    assert tokens == ["{label}", "{short}"]
    hints = [b.get("title") for b in bar.xpath(".//button")]
    assert hints[0].startswith("the label of the QR code's link, now “Join Neighbourhood Watch”")
    assert hints[1].startswith("the QR code's short web address, now “")
    assert not page.xpath("//div[@data-target='field-labels-date']")  # a plain label has none
    message = plain_message(
        Problem("unknown placeholder {area} (allowed: {label}, {short})", "x.yaml", 3, "labels.qr_alt")
    )
    assert message == "{area} is not something the letter can fill in. You can use: {label}, {short}."


def test_a_refused_qr_description_stays_on_the_editor_with_one_plain_message(client):
    refused = client.post(
        "/materials/visit-letter/edit",
        data=form_of(client, "visit-letter") | {"labels.qr_alt": "QR code: {label}, {area}"},
    )
    assert refused.status_code == 422
    box = html.fromstring(refused.get_data(as_text=True))
    error = box.xpath("//div[@id='error-field-labels-qr-alt']")[0].text_content().strip()
    assert error == "{area} is not something the letter can fill in. You can use: {label}, {short}."
    assert box.xpath("//input[@id='field-labels-qr-alt']")[0].get("value") == "QR code: {label}, {area}"


def test_what_changed_names_a_changed_label_and_item_as_the_editor_does(tmp_path):
    """The review page's What changed (the History tab's uses the same web/diffview.sections_view)."""
    app = workspace_app(tmp_path)
    client = app.test_client()
    try:
        saved_now = client.post(
            "/materials/visit-letter/edit",
            data=form_of(client, "visit-letter")
            | {"labels.vehicle_secure": "Yes, locked", "items.unnamed": "a thing (not noted)"},
        )
        assert saved_now.status_code == 303
        shown = html.fromstring(client.get("/materials/visit-letter/review").get_data(as_text=True))
        changes = " ".join(d.text_content() for d in shown.xpath("//div[contains(@class, 'diff')]"))
        assert "Answer when the car was locked:  [removed: Yes] [added: Yes, locked]" in changes
        assert "things the officer did not name:  [removed: an item] [added: a thing]" in changes
        assert "vehicle_secure" not in changes and "unnamed" not in changes
    finally:
        app.extensions["handle_docs"]["previewer"].close()
