"""Grouping records into letters: pure data, no rendering."""

import datetime as dt

from handle_docs.compose.letters import build_letters
from handle_docs.models import Finding, VisitRecord


def record(row, address, vrm, secure=True, items=(), keys=False, postcode="ZZ1 4QX", language="en-GB"):
    return VisitRecord(
        row=row,
        submitted_at=dt.datetime(2026, 11, 14, 19, 0),
        officer="4127",
        address=address,
        postcode=postcode,
        vrm=vrm,
        vehicle_secure=secure,
        items_on_display=tuple(items),
        advice_given=True,
        nws_interest=False,
        cms_interest=False,
        language=language,
        keys_visible=keys,
    )


def test_several_vehicles_at_one_address_make_one_letter():
    letters = build_letters(
        [
            record(2, "12 Larkspur Road, Eastmoor", "QZ00 AAA", secure=False),
            record(3, "12  larkspur road,  Eastmoor", "QZ00 AAB", items=("bag",)),
            record(4, "14 Larkspur Road, Eastmoor", "QZ00 AAC"),
        ]
    )
    assert len(letters) == 2
    first = next(letter for letter in letters if 2 in letter.source_rows)
    assert first.source_rows == (2, 3)
    assert [v.vrm for v in first.vehicles] == ["QZ00 AAA", "QZ00 AAB"]
    assert first.findings == (Finding.INSECURE_VEHICLE, Finding.ITEMS_ON_DISPLAY)


def test_all_secure_gets_the_thank_you_finding_only():
    (letter,) = build_letters([record(2, "3 Mill Close", "QZ00 AAA")])
    assert letter.findings == (Finding.ALL_SECURE,)
    assert letter.recipient == "The Occupier"


def test_keys_visible_is_its_own_finding():
    (letter,) = build_letters([record(2, "3 Mill Close", "QZ00 AAA", items=("keys",), keys=True)])
    assert letter.findings == (Finding.ITEMS_ON_DISPLAY, Finding.KEYS_VISIBLE)
    (plain,) = build_letters([record(2, "3 Mill Close", "QZ00 AAA", items=("bag",))])
    assert plain.findings == (Finding.ITEMS_ON_DISPLAY,)


def test_walking_order_is_street_then_odd_side_up_then_even_side_back():
    addresses = [
        "2 B Street",
        "1 A Road",
        "4 A Road",
        "3 A Road",
        "2 A Road",
        "Flat 2, 5 A Road",
        "Flat 10, 5 A Road",
        "Rose Cottage, A Road",
    ]
    letters = build_letters([record(i + 2, a, f"QZ00 A{i:02d}"[:8]) for i, a in enumerate(addresses)])
    order = [", ".join(letter.address_lines) for letter in letters]
    assert order == [
        "1 A Road",
        "3 A Road",
        "Flat 2, 5 A Road",
        "Flat 10, 5 A Road",
        "4 A Road",
        "2 A Road",
        "Rose Cottage, A Road",
        "2 B Street",
    ]


def test_ids_are_sequence_numbers_not_addresses():
    letters = build_letters([record(2, "9 Mill Close", "QZ00 AAA"), record(3, "1 Mill Close", "QZ00 AAB")])
    assert [letter.letter_id for letter in letters] == ["L0001", "L0002"]
    assert letters[0].source_rows == (3,)
