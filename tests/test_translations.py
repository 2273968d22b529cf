"""Translations as content: the sample translations, the rules a translation
must keep (file:line:key problems), and the review policy's translator roles
(the gate and ``review status``)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner

from handle_docs.cli import cli
from handle_docs.review import gate, material_status, sign
from handle_docs.wording.content import OPTIONAL_BLOCKS

from .conftest import CONTENT, edit, line_of, load, problems_of, unsigned
from .signing import approve_rules, demo_signer

TODAY = dt.date(2027, 1, 15)
LANGUAGES = ("cy", "pl", "ro", "ar", "ur")
ORIGINALS = {"visit-letter": "letters/visit", "lock-it-leaflet": "leaflets/lock-it"}
LEAD = dict(reviewer="priya-lang", role="comms-lead", signer=demo_signer("priya-lang"))
SERGEANT = dict(reviewer="tom-okoro", role="neighbourhood-sergeant", signer=demo_signer("tom-okoro"))
WELSH_TRANSLATOR = dict(reviewer="eleri-pryce", role="translator-cy", signer=demo_signer("eleri-pryce"))


def wording_keys(material) -> set[str]:
    keys = {f"labels.{k}" for k in material.spec.labels} | {f"items.{k}" for k in material.spec.items}
    optional = OPTIONAL_BLOCKS.get(material.spec.kind, ())
    for name, block in material.blocks.items():
        if name not in optional:
            keys.add(f"blocks.{name}" + (".heading" if block.heading else ""))
    return keys


def all_wording(material) -> str:
    parts = [material.spec.title, *material.spec.labels.values(), *material.spec.items.values()]
    for block in material.blocks.values():
        parts += [block.heading or "", block.text]
    return "\n".join(parts)


# --- the sample translations ---------------------------------------------------------


@pytest.mark.parametrize("original", sorted(ORIGINALS))
@pytest.mark.parametrize("code", LANGUAGES)
def test_every_sample_translation_loads_with_every_key_of_its_original(content, original, code):
    translation = content.material(f"{original}-{code}")
    source = content.material(original)
    assert translation.spec.translation_of == original and translation.spec.kind == source.spec.kind
    assert translation.spec.language.split("-")[0] == code
    assert wording_keys(translation) == wording_keys(source)
    assert translation.spec.title != source.spec.title
    # placeholders and bold markup survive translation exactly
    for name, block in source.blocks.items():
        if name in OPTIONAL_BLOCKS.get(source.spec.kind, ()):
            continue
        theirs = translation.block(name).text
        assert sorted(re.findall(r"\{\w+\}", theirs)) == sorted(re.findall(r"\{\w+\}", block.text)), name
        assert theirs.count("**") == block.text.count("**"), name
        assert theirs.count("\n- ") + theirs.startswith("- ") == block.text.count(
            "\n- "
        ) + block.text.startswith("- ")


@pytest.mark.parametrize("path", sorted(CONTENT.glob("*/*.??.yaml")), ids=lambda p: p.name)
def test_every_sample_translation_file_says_it_needs_a_qualified_translator(path):
    head = path.read_text(encoding="utf-8").splitlines()[0]
    assert head == "# DEMO TRANSLATION - NOT CHECKED BY A QUALIFIED TRANSLATOR."


def test_romanian_uses_comma_below_letters_and_welsh_its_circumflexes(content):
    for original in ORIGINALS:
        romanian = all_wording(content.material(f"{original}-ro"))
        assert "\u0219" in romanian and "\u021b" in romanian  # ș ț
        assert not set("\u015f\u0163\u015e\u0162") & set(romanian)  # ş ţ Ş Ţ (cedilla)
        welsh = all_wording(content.material(f"{original}-cy"))
        assert "ŵ" in welsh or "ŷ" in welsh


def test_arabic_and_urdu_are_written_in_their_own_letters(content):
    for original in ORIGINALS:
        urdu = all_wording(content.material(f"{original}-ur"))
        arabic = all_wording(content.material(f"{original}-ar"))
        # Urdu has its own yeh, heh and keheh; Arabic has none of them
        assert {"ی", "ہ", "ک"} <= set(urdu) and not {"ي", "ك"} & set(urdu)
        assert {"ي", "ك"} <= set(arabic) and not {"ی", "ہ", "ک"} & set(arabic)


def test_only_the_english_and_welsh_letters_carry_the_welsh_welcome(content):
    assert (
        content.material("visit-letter").block("welsh_welcome").text == "We welcome correspondence in Welsh."
    )
    assert (
        content.material("visit-letter-cy").block("welsh_welcome").text
        == "Mae croeso i chi ohebu â ni yn Gymraeg."
    )
    assert "welsh_welcome" not in content.material("visit-letter-pl").blocks


# --- what a translation must keep -------------------------------------------------


def test_a_translation_missing_a_block_or_heading_or_with_an_extra_one_is_refused_by_key(content_copy):
    welsh = content_copy / "letters" / "visit.cy.yaml"
    edit(welsh, "  sign_off: Yn gywir,\n", "  sign_off: Yn gywir,\n  farewell: Hwyl,\n")
    edit(welsh, "    heading: Sut i roi gwybod am drosedd\n", "")
    leaflet = content_copy / "leaflets" / "lock-it.cy.yaml"
    edit(leaflet, "  keyless:\n", "  keyless_gone:\n")
    problems = problems_of(content_copy)
    assert (
        f"{leaflet}:{line_of(leaflet, 'blocks:')}: blocks.keyless: error: missing block 'blocks.keyless' "
        "that lock-it-leaflet (leaflets/lock-it.yaml) has" in problems
    )
    assert (
        f"{welsh}:{line_of(welsh, '  report:')}: blocks.report.heading: error: missing heading "
        "'blocks.report.heading' that visit-letter (letters/visit.yaml) has" in problems
    )
    assert (
        f"{welsh}:{line_of(welsh, 'farewell:')}: blocks.farewell: error: block 'blocks.farewell' is not in "
        "visit-letter (letters/visit.yaml): a translation has the same keys" in problems
    )


def test_a_translation_missing_a_label_or_item_is_refused_by_key(content_copy):
    polish = content_copy / "letters" / "visit.pl.yaml"
    edit(polish, "  keys: klucze\n", "")
    problems = problems_of(content_copy)
    items_line = polish.read_text(encoding="utf-8").splitlines().index("items:") + 1
    assert (
        f"{polish}:{items_line}: items.keys: error: missing item 'items.keys' that "
        "visit-letter (letters/visit.yaml) has" in problems
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "translation_of: visit-letter",
            "translation_of: visit-leter",
            "translation_of: no material with id 'visit-leter'",
        ),
        (
            "translation_of: visit-letter",
            "translation_of: lock-it-leaflet",
            "translation_of: lock-it-leaflet (leaflets/lock-it.yaml) is a leaflet, this is a letter",
        ),
        (
            "translation_of: visit-letter",
            "translation_of: visit-letter-cy",
            "translation_of: visit-letter-cy (letters/visit.cy.yaml) is itself a translation (of 'visit-letter'): name the original",
        ),
        (
            "language: pl-PL",
            "language: en-US",
            "language: 'en-US' is the language of visit-letter (letters/visit.yaml): a translation needs another language",
        ),
        (
            "language: pl-PL",
            "language: cy",
            "language: letters/visit.cy.yaml is already the 'cy' translation of visit-letter: one translation per language",
        ),
    ],
)
def test_a_wrong_translation_of_or_language_is_refused_with_file_line_and_key(
    content_copy, old, new, message
):
    polish = content_copy / "letters" / "visit.pl.yaml"
    edit(polish, old, new)
    problems = problems_of(content_copy)
    key, text = message.split(": ", 1)
    assert f"{polish}:{line_of(polish, new)}: {key}: error: {text}" in problems, problems


# --- the review policy's translator roles --------------------------------------------


def test_a_translation_approved_without_its_translator_is_refused_naming_the_role(content_copy):
    content = load(unsigned(content_copy))
    sign(content, "visit-letter-cy", today=TODAY, **LEAD)
    sign(content, "visit-letter-cy", today=TODAY, **SERGEANT)
    status = material_status(content, "visit-letter-cy", today=TODAY)
    assert not status.approved
    [refusal] = gate(content, ["visit-letter-cy"], TODAY)
    assert "visit-letter-cy: not approved for this version" in str(refusal)
    assert (
        "needs 2 approvals incl. role comms-lead, translator-cy, has 2 (none with role translator-cy)"
        in str(refusal)
    )
    sign(content, "visit-letter-cy", today=TODAY, **WELSH_TRANSLATOR)
    assert material_status(content, "visit-letter-cy", today=TODAY).approved
    assert gate(content, ["visit-letter-cy"], TODAY) == []


def test_the_original_needs_no_translator(content_copy):
    content = load(unsigned(content_copy))
    sign(content, "visit-letter", today=TODAY, **LEAD)
    sign(content, "visit-letter", today=TODAY, **SERGEANT)
    status = material_status(content, "visit-letter", today=TODAY)
    assert status.approved and status.missing() == []


def test_a_translator_role_must_be_a_listed_role(content_copy):
    edit(content_copy / "review-policy.yaml", "  pl: translator-pl", "  pl: translator-polish")
    result = CliRunner().invoke(cli, ["review", "status", "--content", str(content_copy)])
    assert result.exit_code != 0
    assert "translator_roles: role 'translator-polish' for pl not listed in roles" in result.output


def test_review_status_shows_every_sample_translation_still_needs_a_qualified_translator(monkeypatch):
    monkeypatch.setenv("HANDLE_DOCS_TODAY", TODAY.isoformat())
    result = CliRunner().invoke(cli, ["review", "status", "--content", str(CONTENT)])
    assert result.exit_code == 0, result.output
    rows: dict[str, str] = {}
    for line in result.output.splitlines():
        if line.strip():
            rows.setdefault(line.split()[0], line)  # the table comes first
    for original in ORIGINALS:
        assert "needs a qualified translator" not in rows[original]
        for code in LANGUAGES:
            row = rows[f"{original}-{code}"]
            assert " approved " in row
            assert (
                f"needs a qualified translator (translator-{code}) before real use: "
                f"the translator-{code} sign-off is by a DEMO ONLY reviewer"
            ) in row


def test_a_translation_whose_language_has_no_translator_role_says_so(content_copy):
    edit(content_copy / "review-policy.yaml", "  ro: translator-ro\n", "")
    approve_rules(content_copy)
    content = load(unsigned(content_copy))
    sign(content, "visit-letter-ro", today=TODAY, **LEAD)
    sign(content, "visit-letter-ro", today=TODAY, **SERGEANT)
    status = material_status(content, "visit-letter-ro", today=TODAY)
    assert status.approved
    assert status.missing() == [
        "needs a qualified translator before real use (review-policy.yaml names no translator role for 'ro' "
        "in translator_roles)"
    ]


def test_an_original_with_problems_of_its_own_is_reported_once_not_by_each_translation(content_copy):
    visit = content_copy / "letters" / "visit.yaml"
    edit(visit, "kind: letter", "kind: poster")
    problems = problems_of(content_copy)
    assert [p for p in problems if "translation" in p] == []
    assert any(p.startswith(f"{visit}:{line_of(visit, 'kind: poster')}: kind: error") for p in problems)


def test_a_language_tag_is_read_the_same_way_everywhere():
    from handle_docs.util.langtag import primary_subtag

    assert [primary_subtag(t) for t in ("cy-GB", "ur_PK", "AR", " pl ", "", None)] == [
        "cy",
        "ur",
        "ar",
        "pl",
        "",
        "",
    ]
