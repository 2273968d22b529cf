"""Every resident can read their letter: the sample run's letter in each of the five sample
languages and its bilingual Welsh letter, looked at as printed (text, fonts, sizes, language,
QR codes) and passed through ``handle-docs check``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from handle_docs.cli import cli
from handle_docs.compose.qr import tracked_url
from handle_docs.wording.content import load_content

from .conftest import CONTENT, TEMPLATES
from .pdfsee import LETTER_FONTS, catalog_facts, font_sizes_and_names, qr_payloads
from .textread import poppler_words

#: Words each language's letter prints, with the language's own letters (from the sample's
#: translations: the title, and a word with its diacritics or its script's shaped letters).
EXPECTED = {
    "cy-GB": ["Annwyl", "breswylydd", "â"],
    "pl-PL": ["Szanowni", "Państwo", "ś"],
    "ro-RO": ["Stimate", "ș"],
    "ar": ["عزيزي المقيم،", "إلى"],
    "ur": ["محترم رہائشی،"],
}

LANGUAGES = ["cy-GB", "pl-PL", "ro-RO", "ar", "ur", "cy-GB+en-GB"]


def letter_in(out, language: str) -> dict:
    letters = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["letters"]
    return next(letter for letter in letters if letter["language"] == language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sample_has_a_letter_in_the_language_made_from_its_translation(sample_run, language):
    out, _, _ = sample_run
    letter = letter_in(out, language)
    first = language.split("+")[0]
    if first != "en-GB":
        assert letter["material_id"].startswith("visit-letter-") and not letter["fallback"]


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_the_letter_reads_in_its_language_with_its_own_letters(sample_run, language):
    out, _, _ = sample_run
    seen = poppler_words(out / letter_in(out, language)["file"])  # a reader that honours /ActualText
    for word in EXPECTED[language]:
        assert word in seen, word
    assert "Dear resident" not in seen


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_letter_is_large_print_in_the_bundled_fonts_and_says_its_language(sample_run, language):
    out, _, _ = sample_run
    path = out / letter_in(out, language)["file"]
    smallest, names = font_sizes_and_names(path)
    assert smallest >= 16.0
    assert names and all(n.replace("-", "").startswith(LETTER_FONTS) for n in names), names
    assert catalog_facts(path)["lang"] == language.split("+")[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_qr_codes_still_decode_to_the_tracked_links(sample_run, language):
    out, _, _ = sample_run
    content = load_content(CONTENT, TEMPLATES)
    campaign = content.operation.operation.id
    expected = sorted(
        tracked_url(content.links.links[n].url, source="letter", campaign=campaign) for n in ("nws", "cms")
    )
    found = sorted(p for page in qr_payloads(out / letter_in(out, language)["file"]) for p in page)
    halves = 2 if "+" in language else 1  # a bilingual letter has the codes in each language's letter
    assert found == sorted(expected * halves)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_letter_passes_every_check_glyphs_included(sample_run, language):
    out, _, _ = sample_run
    path = out / letter_in(out, language)["file"]
    result = CliRunner().invoke(cli, ["check", "--json", str(path)])
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.output)["files"]
    checks = {c["check"]: c["status"] for c in report["checks"]}
    assert (
        checks["glyphs"] == checks["language"] == checks["font-families"] == checks["qr-codes"] == "PASS"
    ), checks
