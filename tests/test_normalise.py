"""Unit tests for the cell normalisers in handle_docs.records.normalise."""

from __future__ import annotations

import datetime as dt

import pytest

from handle_docs.models import RECORD_COLUMNS, Reject, VisitRecord
from handle_docs.records import vocab
from handle_docs.records.normalise import (
    FieldError,
    item_key,
    normalise_address,
    normalise_items,
    normalise_language,
    normalise_officer,
    normalise_postcode,
    normalise_vrm,
    parse_submitted_at,
    parse_yes_no,
)
from handle_docs.records.rules import RULES, build_record, build_row

# ---------------------------------------------------------------------------
# registration
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("QZ00 XKB", "QZ00 XKB"),
        ("qz00xkb", "QZ00 XKB"),
        ("  Qz00-xKb ", "QZ00 XKB"),
        ("QZ 00 X K B", "QZ00 XKB"),
        ("Q123 ZZZ", "Q123 ZZZ"),  # prefix
        ("q1zzz", "Q1 ZZZ"),  # prefix, one digit
        ("ZZZ 123Q", "ZZZ 123Q"),  # suffix
        ("zzz1q", "ZZZ 1Q"),  # suffix, one digit
        ("QZ 1", "QZ 1"),  # dateless letters then digits
        ("ZZZ1234", "ZZZ 1234"),
        ("1234 QZ", "1234 QZ"),  # dateless digits then letters
        ("1 Z", "1 Z"),
    ],
)
def test_vrm_accepted_and_spaced(typed: str, expected: str) -> None:
    assert normalise_vrm(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["QZ00 XK9Q", "QZ00XKBB", "12345", "ABCDE", "QZ00 XK!", "QZ00 XKÉ", "Q", "QZ00XKBQZ00XKB", "ZZZZZ 1"],
)
def test_vrm_rejected_without_echoing(typed: str) -> None:
    with pytest.raises(FieldError) as err:
        normalise_vrm(typed)
    assert err.value.reason == "registration is not in a recognised UK format"
    assert typed.strip() not in err.value.reason


@pytest.mark.parametrize("blank", ["", "   ", None, " - "])
def test_vrm_required(blank: object) -> None:
    with pytest.raises(FieldError, match="registration is missing"):
        normalise_vrm(blank)


# ---------------------------------------------------------------------------
# postcode
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ZZ1 4QX", "ZZ1 4QX"),
        ("zz14qx", "ZZ1 4QX"),
        (" zz1  4qx ", "ZZ1 4QX"),
        ("ZZ10 4QX", "ZZ10 4QX"),
        ("ZZ1A 4QX", "ZZ1A 4QX"),
        ("M1 1AE", "M1 1AE"),  # A9
        ("B33 8TH", "B33 8TH"),  # A99
        ("CR2 6XH", "CR2 6XH"),  # AA9
        ("DN55 1PT", "DN55 1PT"),  # AA99
        ("W1A 0AX", "W1A 0AX"),  # A9A
        ("EC1A 1BB", "EC1A 1BB"),  # AA9A
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_postcode_normalised(typed: str, expected: str) -> None:
    assert normalise_postcode(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "ZZ1 7H",
        "ZZ1",
        "ZZ1 4QC",
        "ZZ1 QX4",
        "1ZZ 4QX",
        "Q1 1AA",
        "ZZ1 4QX9",
        "ZZ1-4QX",
        "ZZ123 4QX",
        "ZZ1 4ÉX",
    ],
)
def test_postcode_rejected(typed: str) -> None:
    with pytest.raises(FieldError) as err:
        normalise_postcode(typed)
    assert err.value.reason == "postcode is not a valid UK postcode"


def test_postcode_required() -> None:
    with pytest.raises(FieldError, match="postcode is missing"):
        normalise_postcode("  ")


# ---------------------------------------------------------------------------
# yes / no
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["yes", "Y", "TRUE", "1", "Ticked", " yes ", True, 1, 1.0])
def test_yes(typed: object) -> None:
    assert parse_yes_no(typed, "advice_given") is True


@pytest.mark.parametrize("typed", ["no", "N", "False", "0", False, 0])
def test_no(typed: object) -> None:
    assert parse_yes_no(typed, "advice_given") is False


@pytest.mark.parametrize("name", ["advice_given", "nws_interest", "cms_interest", "large_print"])
def test_blank_optional_is_no(name: str) -> None:
    assert parse_yes_no("", name) is False
    assert parse_yes_no(None, name) is False


def test_blank_vehicle_secure_rejected() -> None:
    with pytest.raises(FieldError) as err:
        parse_yes_no(" ", "vehicle_secure", required=True)
    assert err.value.reason == "vehicle_secure is blank"


@pytest.mark.parametrize("typed", ["maybe", "yes please", "2", 2, dt.datetime(2026, 1, 1)])
def test_yes_no_junk_rejected(typed: object) -> None:
    with pytest.raises(FieldError, match=r"^nws_interest must be yes or no$"):
        parse_yes_no(typed, "nws_interest")


# ---------------------------------------------------------------------------
# items on display
# ---------------------------------------------------------------------------


def test_forms_multichoice_with_trailing_semicolon() -> None:
    assert normalise_items("Bag;Phone;") == ("bag", "phone")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("handbag, mobile phone", ("bag", "phone")),
        ("Rucksack; SMARTPHONE; GPS", ("bag", "phone", "sat_nav")),
        ("sat nav;satnav;Sat_Nav", ("sat_nav",)),
        ("loose change; coins", ("cash",)),
        ("power tools;toolbox", ("tools",)),
        ("iPad", ("laptop",)),
        ("Charger/cable; charging cable", ("charger",)),
        ("car keys", ("keys",)),
        ("jacket;coat", ("clothing",)),
        ("V5", ("documents",)),
        ("parcel; sunglasses", ("parcel", "sunglasses")),
        ("bags; phones", ("bag", "phone")),  # simple plurals
        ("none", ()),
        ("Nothing; nil; ;;", ()),
        ("", ()),
        (None, ()),
        ("  Golf   clubs ; golf clubs; bag", ("Golf clubs", "bag")),  # free text kept, deduplicated
        ("phone; bag; phone", ("phone", "bag")),  # order kept
    ],
)
def test_items(typed: object, expected: tuple[str, ...]) -> None:
    assert normalise_items(typed) == expected


def test_item_free_text_too_long() -> None:
    with pytest.raises(FieldError) as err:
        normalise_items("bag; " + "x" * 61)
    assert err.value.reason == "items_on_display has an item longer than 60 characters"
    assert normalise_items("y" * 60) == ("y" * 60,)


def test_vocab_every_alias_maps_to_its_key() -> None:
    assert tuple(vocab.ITEM_ALIASES) == vocab.ITEM_KEYS
    for key, aliases in vocab.ITEM_ALIASES.items():
        assert item_key(key) == key
        assert item_key(key.replace("_", " ")) == key
        for alias in aliases:
            assert item_key(alias) == key
            assert item_key(alias.upper()) == key


# ---------------------------------------------------------------------------
# submitted_at
# ---------------------------------------------------------------------------

WHEN = dt.datetime(2026, 11, 14, 18, 5, 7)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-14T18:05:07", WHEN),
        ("2026-11-14 18:05:07", WHEN),
        ("2026-11-14T18:05:07Z", WHEN),  # November: UK time is UTC
        ("2026-11-14T19:05:07+01:00", WHEN),
        ("2026-11-14", dt.datetime(2026, 11, 14)),
        ("14/11/2026 18:05:07", WHEN),
        ("14/11/2026 18:05", WHEN.replace(second=0)),
        ("14/11/2026", dt.datetime(2026, 11, 14)),
        (WHEN, WHEN),
        (dt.date(2026, 11, 14), dt.datetime(2026, 11, 14)),
    ],
)
def test_submitted_at(typed: object, expected: dt.datetime) -> None:
    result = parse_submitted_at(typed)
    assert result == expected
    assert result.tzinfo is None


def test_submitted_at_summer_offset_becomes_uk_local() -> None:
    assert parse_submitted_at("2026-07-01T17:00:00Z") == dt.datetime(2026, 7, 1, 18, 0)


@pytest.mark.parametrize(
    "typed", ["31/11/2026 19:12", "11/14/2026", "yesterday evening", "2026-13-01", "14-11-2026", 46340.75]
)
def test_submitted_at_rejected(typed: object) -> None:
    with pytest.raises(FieldError, match=r"^submitted_at is not a recognised date and time$"):
        parse_submitted_at(typed)


@pytest.mark.parametrize("blank", ["", "  ", None])
def test_submitted_at_required(blank: object) -> None:
    with pytest.raises(FieldError, match="submitted_at is missing"):
        parse_submitted_at(blank)


# ---------------------------------------------------------------------------
# address and officer
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  14  Tanners Row ,Eastmoor ", "14 Tanners Row, Eastmoor"),
        ("Flat 2,14 Tanners Row", "Flat 2, 14 Tanners Row"),
        ("Flat 2\n14 Tanners Row\r\nEastmoor", "Flat 2, 14 Tanners Row, Eastmoor"),
        ("1 Rue Café, Eastmoor", "1 Rue Café, Eastmoor"),
    ],
)
def test_address_lines_kept(typed: str, expected: str) -> None:
    assert normalise_address(typed) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "address is missing"),
        (" , , ", "address is missing"),
        (None, "address is missing"),
        ("12, 14", "address must contain at least one letter"),
        (1234, "address must contain at least one letter"),
        ("14 Tanners\x00 Row", "address contains control characters"),
        ("14 Tanners\x1b Row", "address contains control characters"),
        ("a" * 201, "address is longer than 200 characters"),
        ("x" * 100_000, "address is longer than 200 characters"),
    ],
)
def test_address_rejected(typed: object, reason: str) -> None:
    with pytest.raises(FieldError) as err:
        normalise_address(typed)
    assert err.value.reason == reason


def test_address_200_is_fine() -> None:
    assert len(normalise_address("a" * 200)) == 200


def test_officer() -> None:
    assert normalise_officer(" 4127 ") == "4127"
    assert normalise_officer(4127) == "4127"
    assert normalise_officer(4127.0) == "4127"
    assert normalise_officer("PC  4127") == "PC 4127"
    with pytest.raises(FieldError, match="officer is missing"):
        normalise_officer("")
    with pytest.raises(FieldError, match="officer is longer than 60 characters"):
        normalise_officer("x" * 61)
    with pytest.raises(FieldError, match="officer must be text"):
        normalise_officer(dt.datetime(2026, 1, 1))


# ---------------------------------------------------------------------------
# language
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", ""),
        (None, ""),
        ("en-GB", "en-GB"),
        ("EN-gb", "en-GB"),
        ("en_gb", "en-GB"),
        ("en", "en-GB"),
        ("cy", "cy"),
        ("CY", "cy"),
        ("pl", "pl"),
        ("pt-br", "pt-BR"),
        ("zh-hant-hk", "zh-Hant-HK"),
        ("English", "en-GB"),
        ("welsh", "cy"),
        ("Welsh (Cymraeg)", "cy"),
        ("Polish", "pl"),
        ("Romanian", "ro"),
        ("Punjabi", "pa"),
        ("Urdu", "ur"),
        ("Bengali", "bn"),
        ("Gujarati", "gu"),
        ("Arabic", "ar"),
        ("Portuguese", "pt"),
        ("Lithuanian", "lt"),
        ("Somali", "so"),
        ("Cymraeg", "cy"),
        ("polski", "pl"),
        ("Română", "ro"),
        ("العربية", "ar"),
        (" اردو ", "ur"),
        ("Português", "pt"),
        ("Español", "es"),
        ("ਪੰਜਾਬੀ", "pa"),
        ("Saesneg", "en-GB"),
        ("cy+en", "cy+en"),
        ("Welsh and English", "cy+en"),
        ("Cymraeg a Saesneg", "cy+en"),
        ("Bilingual", "cy+en"),
        ("dwyieithog", "cy+en"),
    ],
)
def test_language(typed: object, expected: str) -> None:
    assert normalise_language(typed) == expected


@pytest.mark.parametrize("typed", ["xx", "Klingon", "en-GBR", "english please", "e"])
def test_language_rejected(typed: str) -> None:
    with pytest.raises(FieldError, match=r"^language is not a recognised language code or name$"):
        normalise_language(typed)


# ---------------------------------------------------------------------------
# whole row
# ---------------------------------------------------------------------------

GOOD = {
    "submitted_at": "2026-11-14 18:05:07",
    "officer": "4127",
    "address": "Flat 2, 14 Tanners Row, Eastmoor, Westmarch",
    "postcode": "zz17hd",
    "vrm": "qz00xkb",
    "vehicle_secure": "no",
    "items_on_display": "Bag;Car keys;",
    "advice_given": "yes",
    "nws_interest": "",
    "cms_interest": "y",
    "language": "Welsh",
    "large_print": "",
    "format": "",
}


def test_build_record_good_row() -> None:
    record = build_record(7, GOOD)
    assert isinstance(record, VisitRecord)
    assert record.row == 7
    assert record.submitted_at == WHEN
    assert record.postcode == "ZZ1 7HD"
    assert record.vrm == "QZ00 XKB"
    assert record.insecure and record.has_items
    assert record.items_on_display == ("bag", "keys")
    assert record.keys_visible is True
    assert (record.advice_given, record.nws_interest, record.cms_interest) == (True, False, True)
    assert record.language == "cy" and record.large_print is False


def test_build_record_without_keys() -> None:
    record = build_record(2, {**GOOD, "items_on_display": "phone"})
    assert isinstance(record, VisitRecord) and record.keys_visible is False


def test_build_record_rejects_only_what_a_letter_cannot_survive_and_names_every_such_field() -> None:
    row = {**GOOD, "address": "  ", "vehicle_secure": "", "vrm": "QZ00 XK9Q", "language": "Klingon"}
    reject = build_record(12, row)
    assert isinstance(reject, Reject)
    assert reject.row == 12
    assert reject.field == "address, vehicle_secure"
    assert reject.reason == "address is missing; vehicle_secure is blank"


def test_build_row_keeps_the_letter_and_warns_without_echoing_the_cells() -> None:
    row = {**GOOD, "vrm": "QZ00 XK9Q", "postcode": "ZZ1 7H", "language": "Klingon"}
    outcome = build_row(12, row)
    assert outcome.record is not None and outcome.reject is None
    assert (outcome.record.vrm, outcome.record.postcode, outcome.record.language) == ("", "", "en-GB")
    assert [w.field for w in outcome.warnings] == ["postcode", "vrm", "language"]
    for warning in outcome.warnings:
        for value in ("QZ00", "XK9Q", "ZZ1", "7H", "Klingon"):
            assert value not in warning.found and value not in warning.assumed


def test_build_record_nul_in_any_field_rejects_or_warns_as_the_field_rule_says() -> None:
    for name in RECORD_COLUMNS:
        outcome = build_row(3, {**GOOD, name: f"{GOOD[name] or 'x'}\x00"})
        if RULES[name].rejects:
            assert outcome.reject is not None, name
            assert outcome.reject.field == name
            assert "control characters" in outcome.reject.reason
        else:
            assert outcome.record is not None, name
            assert [(w.field, "control characters" in w.found) for w in outcome.warnings] == [(name, True)]


def test_build_record_missing_cells_are_blank() -> None:
    reject = build_record(4, {})
    assert isinstance(reject, Reject)
    assert reject.field == "address, vehicle_secure"
