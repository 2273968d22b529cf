"""Dates and lists are written the way the letter's language writes them: the patrol date, the letter's date, the things on show."""

from __future__ import annotations

import datetime as dt

import pytest

from handle_docs.compose.context import letter_context, list_phrase, long_date
from handle_docs.models import Letter
from handle_docs.wording.content import load_content

from .conftest import CONTENT, TEMPLATES

DAY = dt.date(2026, 11, 14)


@pytest.mark.parametrize(
    "language, written",
    [
        ("en-GB", "14 November 2026"),
        ("cy-GB", "14 Tachwedd 2026"),
        ("pl-PL", "14 listopada 2026"),
        ("ro-RO", "14 noiembrie 2026"),
        ("ar", "14 نوفمبر 2026"),
        ("ur", "14 نومبر، 2026"),
    ],
)
def test_a_date_is_written_the_way_its_language_writes_it(language, written):
    assert long_date(DAY, language) == written


def test_a_language_without_a_known_date_form_gets_the_british_english_one():
    assert long_date(DAY, "zz") == "14 November 2026"


def test_the_welsh_letter_gives_the_patrol_date_and_its_own_date_in_welsh():
    content = load_content(CONTENT, TEMPLATES)
    letter = Letter(
        letter_id="L0001",
        recipient="The Occupier",
        address_lines=["Tŷ Gwyn", "Ffordd y Môr"],
        postcode="ZZ1 4QY",
        vehicles=[],
        findings=[],
        visit_date=DAY,
        source_rows=[2],
    )
    context = letter_context(letter, content, content.material("visit-letter-cy"))
    assert context["date"] == "14 Tachwedd 2026"
    opening = "".join(run["text"] for paragraph in context["opening"]["body"] for run in paragraph["runs"])
    assert "14 Tachwedd 2026" in opening and "November" not in opening


@pytest.mark.parametrize(
    "language, joined",
    [
        ("en-GB", "a bag, a phone and keys"),
        ("pl-PL", "a bag, a phone i keys"),
        ("ro-RO", "a bag, a phone și keys"),
        ("ur", "a bag، a phone، اور keys"),
    ],
)
def test_a_list_of_things_on_show_is_joined_the_way_the_language_joins_it(language, joined):
    assert list_phrase(["a bag", "a phone", "keys"], language) == joined
