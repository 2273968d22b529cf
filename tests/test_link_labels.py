"""Each QR code is labelled in the letter's own language, and its alt text too; lists of things
on show are joined the way the letter's readers write them (the Welsh "a"/"ac").

The labels and the alt text's wording are content of each translation (``link_labels``,
``labels.qr_alt``), inside its fingerprint; the addresses stay in links.yaml only."""

from __future__ import annotations

import datetime as dt
import json

import pikepdf
import pytest
from click.testing import CliRunner
from docx import Document

from handle_docs.cli import cli
from handle_docs.compose.context import letter_context
from handle_docs.compose.letters import findings_for
from handle_docs.models import Letter, VehicleCheck
from handle_docs.outputs.contingency import render_pack
from handle_docs.outputs.leaflets import render_leaflet
from handle_docs.pdf.structure_tree import resolve_role, role_names, struct_type, walk_structure
from handle_docs.review import gate, material_status
from handle_docs.review.wording import resident_text
from handle_docs.wording.edit import editable_fields, file_sha256, save_edits

from .conftest import edit, line_of, load, problems_of
from .pdfsee import qr_payloads, words
from .rtl import render_letter
from .textread import poppler_pages, poppler_words

TODAY = dt.date(2027, 1, 15)
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
ENGLISH = ("Join Neighbourhood Watch", "Get free local crime alerts", "Report a crime online")
WELSH = {"nws": "Ymuno â Gwarchod Cymdogaeth", "cms": "Cael rhybuddion trosedd lleol am ddim"}
ARABIC = {"nws": "انضموا إلى برنامج مراقبة الحي", "cms": "اشتركوا في تنبيهات الجرائم المجانية"}
POLISH_LEAFLET = (
    "Dołącz do straży sąsiedzkiej",
    "Bezpłatne powiadomienia o przestępstwach w okolicy",
    "Zgłoś przestępstwo przez internet",
)


def sample_letter_file(out, language: str):
    letters = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["letters"]
    return out / next(letter["file"] for letter in letters if letter["language"] == language)


# --- what a resident sees ------------------------------------------------------------


#: What each letter prints beside its QR codes, as Poppler reads it back (Arabic's "إلى", a
#: lam-alef ligature, included: the text layer's /ActualText says what is printed).
PRINTED = {
    "cy-GB": {"nws": f"{WELSH['nws']}:", "cms": f"{WELSH['cms']}:"},
    "ar": {"nws": f"{ARABIC['nws']}:", "cms": f"{ARABIC['cms']}:"},
}


@pytest.mark.parametrize("language", sorted(PRINTED))
def test_the_welsh_and_arabic_letters_label_each_qr_code_in_their_own_language(sample_run, language):
    out, _, _ = sample_run
    path = sample_letter_file(out, language)
    printed = PRINTED[language]
    seen = poppler_words(path)
    for label in printed.values():
        assert label in seen
    for english in ENGLISH:
        assert english not in seen
    # each label stands on the page of its QR code, and the codes still scan to links.yaml's addresses
    pages = [
        (" ".join(text.split()), payloads)
        for text, payloads in zip(poppler_pages(path), qr_payloads(path), strict=False)
    ]
    with_codes = [(text, payloads) for text, payloads in pages if payloads]
    assert with_codes
    for text, payloads in with_codes:
        assert [p.split("?")[0] for p in payloads] == [
            "https://www.westmarch-alert.example/register",
            "https://www.westmarch-police.example/neighbourhood-watch/join",
        ]
        assert printed["nws"] in text and printed["cms"] in text


def test_the_arabic_letters_qr_images_are_described_in_arabic_to_a_screen_reader(sample_run):
    out, _, _ = sample_run
    with pikepdf.open(sample_letter_file(out, "ar")) as pdf:
        root = pdf.Root.StructTreeRoot
        roles = role_names(root)
        alts = [
            str(visit.elem.get("/Alt"))
            for visit in walk_structure(root)
            if resolve_role(struct_type(visit.elem), roles) == "Figure"
        ]
    assert alts == [
        "رمز QR: انضموا إلى برنامج مراقبة الحي، westmarch-police.example/watch",
        "رمز QR: اشتركوا في تنبيهات الجرائم المجانية، westmarch-alert.example",
    ]


def test_the_polish_lock_it_leaflet_labels_its_qr_codes_in_polish(tmp_path, content):
    result = render_leaflet(content, content.material("lock-it-leaflet-pl"), tmp_path, "a4")
    seen = words(tmp_path / result.reading_copy)
    for label in POLISH_LEAFLET:
        assert f"{label}:" in seen
    for english in ENGLISH:
        assert english not in seen


def test_the_welsh_word_letter_labels_and_describes_its_qr_codes_in_welsh(content_copy, tmp_path):
    pdf = render_letter(content_copy, "cy", tmp_path / "run", docx=True)
    document = Document(str(pdf.with_suffix(".docx")))
    cells = [
        p.text
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for p in cell.paragraphs
    ]
    text = " ".join([p.text for p in document.paragraphs] + cells)
    assert f"{WELSH['nws']}:" in cells and f"{WELSH['cms']}:" in cells
    assert not any(english in text for english in ENGLISH)
    assert [p.get("descr") for p in document.element.body.iter(f"{WP}docPr")] == [
        f"Cod QR: {WELSH['nws']}, westmarch-police.example/watch",
        f"Cod QR: {WELSH['cms']}, westmarch-alert.example",
    ]
    # the PDF beside it says the same
    assert f"{WELSH['nws']}:" in words(pdf)


def test_the_english_letter_keeps_the_labels_of_links_yaml(content):
    letter = things_on_show("bag")
    codes = letter_context(letter, content, content.material("visit-letter"))["qr_codes"]
    assert [(c["label"], c["alt"]) for c in codes] == [
        ("Join Neighbourhood Watch", "QR code: Join Neighbourhood Watch, westmarch-police.example/watch"),
        ("Get free local crime alerts", "QR code: Get free local crime alerts, westmarch-alert.example"),
    ]


# --- lists of things on show -----------------------------------------------------------


def things_on_show(*items: str) -> Letter:
    vehicles = (VehicleCheck("AB12 CDE", secure=True, items_on_display=items),)
    return Letter(
        "L0001", ("3 Millbrook Close", "Eastmoor"), "ZZ1 2LS", vehicles, findings_for(vehicles), (2,)
    )


@pytest.mark.parametrize(
    "material_id, items, written",
    [
        ("visit-letter-cy", ("bag", "phone", "cash"), "bag, ffôn ac arian parod neu geiniogau"),
        ("visit-letter-cy", ("bag", "cash", "phone"), "bag, arian parod neu geiniogau a ffôn"),
        ("visit-letter-cy", ("phone", "tools"), "ffôn ac offer"),
        ("visit-letter-cy", ("tools", "keys", "parcel", "bag"), "offer, allweddi, parsel a bag"),
        ("visit-letter-pl", ("bag", "phone", "keys"), "torba, telefon i klucze"),
        ("visit-letter", ("bag", "phone", "keys"), "a bag, a phone and keys"),
    ],
)
def test_things_on_show_are_listed_as_the_letters_readers_write_a_list(content, material_id, items, written):
    context = letter_context(things_on_show(*items), content, content.material(material_id))
    assert context["vehicles"][0]["items"] == written


def test_the_welsh_sample_letter_lists_a_bag_and_cash_with_ac(sample_run):
    out, _, _ = sample_run
    assert "bag ac arian parod neu geiniogau" in words(sample_letter_file(out, "cy-GB"))


# --- the content rules: file, line and key ---------------------------------------------


def test_a_translation_missing_the_label_of_a_link_it_shows_is_refused_by_key(content_copy):
    welsh = content_copy / "letters" / "visit.cy.yaml"
    edit(welsh, f"  cms: {WELSH['cms']}\n", "")
    leaflet = content_copy / "leaflets" / "lock-it.pl.yaml"
    edit(leaflet, "  report_online: Zgłoś przestępstwo przez internet\n", "")
    problems = problems_of(content_copy)
    assert (
        f"{welsh}:{line_of(welsh, 'link_labels:')}: link_labels.cms: error: missing the label of the QR code "
        "for 'cms' (in links.yaml: \"Get free local crime alerts\"): a translation gives the label of every "
        "link it shows, in its own language"
    ) in problems
    assert any(
        p.startswith(
            f"{leaflet}:{line_of(leaflet, 'link_labels:')}: link_labels.report_online: error: "
            "missing the label of the QR code for 'report_online'"
        )
        for p in problems
    ), problems
    result = CliRunner().invoke(cli, ["review", "status", "--content", str(content_copy)])
    assert result.exit_code == 1
    assert "link_labels.cms" in result.output


def test_a_translation_with_no_link_labels_at_all_is_refused_at_its_translation_of(content_copy):
    polish = content_copy / "letters" / "visit.pl.yaml"
    text = polish.read_text(encoding="utf-8")
    start = text.index("link_labels:")
    polish.write_text(text[:start] + text[text.index("\nblocks:", start) :], encoding="utf-8")
    problems = problems_of(content_copy)
    where = f"{polish}:{line_of(polish, 'translation_of:')}"
    assert [p.split(" error: ")[0] for p in problems] == [
        f"{where}: link_labels.nws:",
        f"{where}: link_labels.cms:",
    ]


CMS_LINE = f"  cms: {WELSH['cms']}\n"
QR_ALT_LINE = '  qr_alt: "Cod QR: {label}, {short}"\n'


@pytest.mark.parametrize(
    "old, new, key, message",
    [
        (
            CMS_LINE,
            CMS_LINE + "  parking: Parcio\n",
            "link_labels.parking",
            "unknown link 'parking' (links.yaml has: nws, cms, report_online)",
        ),
        (
            CMS_LINE,
            CMS_LINE + "  report_online: Rhoi gwybod ar-lein\n",
            "link_labels.report_online",
            "this letter shows no QR code for 'report_online' (it shows: nws, cms)",
        ),
        (
            QR_ALT_LINE,
            '  qr_alt: "Cod QR: {short}"\n',
            "labels.qr_alt",
            "must contain {label}: the alt text says what the code is for",
        ),
        (
            QR_ALT_LINE,
            '  qr_alt: "Cod QR: {label}, {url}"\n',
            "labels.qr_alt",
            "unknown placeholder {url} (allowed: {label}, {short})",
        ),
    ],
)
def test_a_label_for_a_link_not_shown_or_alt_wording_without_the_label_is_refused_by_key(
    content_copy, old, new, key, message
):
    welsh = content_copy / "letters" / "visit.cy.yaml"
    edit(welsh, old, new)
    line = line_of(welsh, new.splitlines()[-1].strip())
    assert f"{welsh}:{line}: {key}: error: {message}" in problems_of(content_copy)


def test_an_original_showing_qr_codes_needs_the_alt_text_wording(content_copy):
    leaflet = content_copy / "leaflets" / "stay-connected.yaml"
    edit(leaflet, '  qr_alt: "QR code: {label}, {short}"\n', "  unused: x\n")
    problems = problems_of(content_copy)
    assert any(
        p.startswith(f"{leaflet}:{line_of(leaflet, 'labels:')}: labels: error: missing label 'qr_alt'")
        for p in problems
    ), problems


def test_a_list_joining_word_before_vowels_needs_the_vowels(content_copy):
    welsh = content_copy / "letters" / "visit.cy.yaml"
    edit(welsh, "  vowels: aâeêiîoôuûwŵyŷ\n", "")
    assert (
        f"{welsh}:{line_of(welsh, 'list_and:')}: list_and: error: before_vowel and vowels go together: "
        "give both or neither" in problems_of(content_copy)
    )


# --- review: the labels are the translation's own wording -----------------------------------


def test_changing_a_welsh_label_in_the_workspace_makes_only_the_welsh_translations_approval_stale(
    content_copy,
):
    content = load(content_copy)
    assert material_status(content, "visit-letter-cy", today=TODAY).approved
    path = content_copy / "letters" / "visit.cy.yaml"
    outcome = save_edits(
        content, "visit-letter-cy", file_sha256(path), {"link_labels.nws": "Ymunwch â Gwarchod Cymdogaeth"}
    )
    assert outcome.saved and "  nws: Ymunwch â Gwarchod Cymdogaeth\n" in path.read_text(encoding="utf-8")
    content = load(content_copy)
    assert not material_status(content, "visit-letter-cy", today=TODAY).approved
    assert material_status(content, "visit-letter", today=TODAY).approved
    [refusal] = gate(content, ["visit-letter-cy"], TODAY)
    assert "visit-letter-cy: not approved for this version" in str(refusal)


def test_the_reviewer_reads_the_translations_labels_and_the_editor_offers_them(content):
    material = content.material("visit-letter-cy")
    text = resident_text(content, "visit-letter-cy")
    assert f"nws: {WELSH['nws']}: westmarch-police.example/watch" in text
    assert "Join Neighbourhood Watch" not in text
    fields = {f.key: f.value for f in editable_fields(material, content.docs[material.source])}
    assert fields["link_labels.nws"] == WELSH["nws"] and fields["labels.qr_alt"] == "Cod QR: {label}, {short}"


def test_the_contingency_packs_welsh_generic_letter_labels_its_qr_codes_in_welsh(content, tmp_path):
    render_pack(content, tmp_path / "pack", letter_ids=["visit-letter-cy"], leaflet_ids=[], sheets=1)
    seen = words(tmp_path / "pack" / "generic-letter-visit-letter-cy.pdf")
    assert f"{WELSH['nws']}:" in seen and f"{WELSH['cms']}:" in seen
    assert not any(english in seen for english in ENGLISH)
