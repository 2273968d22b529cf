"""The records rules, case by case, for a CSV and for a Microsoft Forms .xlsx export.

Every case is one row as an officer might have typed it: either the letter is
kept (maybe with a line in warnings.csv saying what was found and what was
assumed) or the row is rejected with a reason.  The upload check
(records/check.py) must say the same thing as the reader.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from handle_docs.compose.context import letter_context
from handle_docs.compose.letters import build_letters
from handle_docs.models import RECORD_COLUMNS, VisitRecord
from handle_docs.records.check import check_records
from handle_docs.records.read import load_column_map, read_records
from handle_docs.wording.content import load_content

from .conftest import CONTENT, TEMPLATES

COLUMN_MAP = CONTENT / "forms-columns.yaml"
WHEN = dt.datetime(2026, 11, 14, 19, 5)

#: One ordinary check, as typed; each case changes some cells.
BASE: dict[str, object] = {
    "submitted_at": "14/11/2026 19:05",
    "officer": "4127",
    "address": "14 Tanners Row, Eastmoor, Westmarch",
    "postcode": "ZZ1 7HD",
    "vrm": "QZ00 XKB",
    "vehicle_secure": "No",
    "items_on_display": "Bag;Phone;",
    "advice_given": "Yes",
    "nws_interest": "No",
    "cms_interest": "No",
    "language": "English",
    "large_print": "No",
    "format": "",
}


@dataclass(frozen=True)
class Kept:
    """The letter is made; ``warning`` is the field listed in warnings.csv (None: no warning)."""

    check: Callable[[VisitRecord], bool]
    warning: str | None = None
    found: str = ""  # the warning's "found" starts with this
    assumed: str = ""  # the warning's "assumed" contains this


@dataclass(frozen=True)
class Rejected:
    fields: str
    reason: str  # the reason contains this


CASES: dict[str, tuple[dict[str, object], Kept | Rejected]] = {
    # --- kept, with a warning -------------------------------------------------------------
    "free text in advice_given counts as advice given": (
        {"advice_given": "told them to lock it"},
        Kept(lambda r: r.advice_given, "advice_given", "free text, 20 characters", "counted as advice given"),
    ),
    "maybe for Neighbourhood Watch is no, to follow up": (
        {"nws_interest": "maybe"},
        Kept(lambda r: not r.nws_interest, "nws_interest", "free text, 5 characters", "ask the resident"),
    ),
    "an unknown messaging answer is no, to follow up": (
        {"cms_interest": "ask again"},
        Kept(lambda r: not r.cms_interest, "cms_interest", "free text, 9 characters", "treated as no"),
    ),
    "an unknown large print answer is no, to follow up": (
        {"large_print": "not sure"},
        Kept(lambda r: not r.large_print, "large_print", "free text, 8 characters", "treated as no"),
    ),
    "two ticked options that disagree are an unknown answer": (
        {"nws_interest": "Yes;No;"},
        Kept(lambda r: not r.nws_interest, "nws_interest", "2 options ticked", "treated as no"),
    ),
    "a format we cannot make is large print, to follow up": (
        {"format": "audio tape"},
        Kept(
            lambda r: r.format == "large_print", "format", "free text, 10 characters", "sent in large print"
        ),
    ),
    "an unknown language means English": (
        {"language": "Klingon"},
        Kept(lambda r: r.language == "en-GB", "language", "free text, 7 characters", "in English"),
    ),
    "a missing registration: the letter says a car": (
        {"vrm": ""},
        Kept(lambda r: r.vrm == "", "vrm", "blank", '"a car"'),
    ),
    "a malformed registration: the letter says a car": (
        {"vrm": "QZ00 XK9Q"},
        Kept(lambda r: r.vrm == "", "vrm", "free text, 9 characters", '"a car"'),
    ),
    "a missing postcode: made for hand delivery": (
        {"postcode": "  "},
        Kept(lambda r: r.postcode == "", "postcode", "blank", "hand delivery"),
    ),
    "an invalid postcode: made for hand delivery": (
        {"postcode": "ZZ1 7H"},
        Kept(lambda r: r.postcode == "", "postcode", "free text, 6 characters", "hand delivery"),
    ),
    "a time that cannot be read: dated the patrol date": (
        {"submitted_at": "31/11/2026 19:05"},
        Kept(lambda r: r.submitted_at is None, "submitted_at", "free text, 16 characters", "patrol date"),
    ),
    "no officer: not needed for the letter": (
        {"officer": ""},
        Kept(lambda r: r.officer == "", "officer", "blank", "does not need it"),
    ),
    # --- kept: common answers understood, no warning ------------------------------------
    "Locked means secure": ({"vehicle_secure": "Locked"}, Kept(lambda r: r.vehicle_secure)),
    "unlocked in capitals with stray spaces means not secure": (
        {"vehicle_secure": "  UNLOCKED "},
        Kept(lambda r: not r.vehicle_secure),
    ),
    "secure means secure": ({"vehicle_secure": "secure"}, Kept(lambda r: r.vehicle_secure)),
    "insecure means not secure": ({"vehicle_secure": "Insecure"}, Kept(lambda r: not r.vehicle_secure)),
    "a ticked Forms box means yes": ({"vehicle_secure": "Yes;"}, Kept(lambda r: r.vehicle_secure)),
    "y means yes": ({"nws_interest": "y"}, Kept(lambda r: r.nws_interest)),
    "TRUE means yes": ({"large_print": "TRUE"}, Kept(lambda r: r.large_print)),
    "Braille asks for braille": ({"format": " Braille "}, Kept(lambda r: r.format == "braille")),
    "a Forms box ticked for braille asks for braille": (
        {"format": "Braille;"},
        Kept(lambda r: r.format == "braille"),
    ),
    "large print in the format column is large print": (
        {"format": "Large print"},
        Kept(lambda r: r.format == "large_print"),
    ),
    "No in the format column is the print letter": ({"format": "No"}, Kept(lambda r: r.format == "")),
    "false means no": ({"cms_interest": "false"}, Kept(lambda r: not r.cms_interest)),
    "N means no advice": ({"advice_given": " N "}, Kept(lambda r: not r.advice_given)),
    "a Forms checkbox with the same answer twice": (
        {"cms_interest": "Yes; yes;"},
        Kept(lambda r: r.cms_interest),
    ),
    "blank optional answers are no": (
        {
            "advice_given": "",
            "nws_interest": "",
            "cms_interest": "",
            "large_print": "",
            "language": "",
            "format": "",
        },
        Kept(lambda r: not (r.advice_given or r.nws_interest or r.cms_interest or r.large_print or r.format)),
    ),
    # --- rejected: the letter cannot be made right ----------------------------------------
    "no address": ({"address": ""}, Rejected("address", "address is missing")),
    "an address without a letter in it": ({"address": "14, 16"}, Rejected("address", "at least one letter")),
    "secure left blank": ({"vehicle_secure": ""}, Rejected("vehicle_secure", "blank")),
    "secure answered maybe": ({"vehicle_secure": "maybe"}, Rejected("vehicle_secure", "yes or no")),
    "secure ticked both ways": (
        {"vehicle_secure": "Locked;Unlocked;"},
        Rejected("vehicle_secure", "yes or no"),
    ),
    "a control character in the address (an unreadable cell)": (
        {"address": "14 Tanners Row\x7f"},
        Rejected("address", "control characters"),
    ),
    "no address and no secure answer: one reject naming both": (
        {"address": "", "vehicle_secure": ""},
        Rejected("address, vehicle_secure", "address is missing"),
    ),
}


def write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(RECORD_COLUMNS)
        for row in rows:
            writer.writerow([row[name] for name in RECORD_COLUMNS])
    return path


def write_forms_xlsx(path: Path, rows: list[dict[str, object]]) -> Path:
    """The rows as Microsoft Forms exports them (see examples/generate_sample.py):
    Forms' own columns, then one column per question headed by its text;
    the completion time is a date cell unless a case typed something else."""
    question = {name: header for header, name in load_column_map(COLUMN_MAP).items()}
    fields = [name for name in RECORD_COLUMNS if name != "submitted_at"]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        ["ID", "Start time", "Completion time", "Email", "Name"] + [question[name] for name in fields]
    )
    for number, row in enumerate(rows, start=1):
        completed = WHEN if row["submitted_at"] == BASE["submitted_at"] else row["submitted_at"]
        sheet.append(
            [
                number,
                WHEN - dt.timedelta(minutes=2),
                completed or None,
                "officer@westmarch-police.example",
                "PC",
            ]
            + [row[name] if row[name] != "" else None for name in fields]
        )
    workbook.save(path)
    return path


WRITERS = {"csv": write_csv, "xlsx": write_forms_xlsx}


@pytest.fixture(params=sorted(WRITERS))
def kind(request) -> str:
    return request.param


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_each_odd_answer_keeps_the_letter_or_rejects_the_row_with_a_reason(tmp_path, kind, case):
    changes, expected = CASES[case]
    path = WRITERS[kind](tmp_path / f"records.{kind}", [{**BASE, **changes}])
    recordset = read_records(path, COLUMN_MAP)
    check = check_records(path, COLUMN_MAP)
    assert recordset.rows_read == check.rows_read == 1
    assert check.usable and not [p for p in check.file_problems if p.stops]
    if isinstance(expected, Rejected):
        assert recordset.records == [] and recordset.row_warnings == []
        [reject] = recordset.rejects
        assert (reject.row, reject.field) == (2, expected.fields)
        assert expected.reason in reject.reason
        [problem] = check.rejected
        assert (problem.row, ", ".join(problem.fields), problem.what_is_wrong) == (
            2,
            expected.fields,
            reject.reason,
        )
        assert problem.what_to_do and not problem.assumed
        assert check.warnings == []
    else:
        assert recordset.rejects == [] and check.rejected == []
        [record] = recordset.records
        assert expected.check(record)
        if expected.warning is None:
            assert recordset.row_warnings == [] and check.warnings == []
        else:
            [warning] = recordset.row_warnings
            assert (warning.row, warning.field) == (2, expected.warning)
            assert warning.found.startswith(expected.found), warning.found
            assert expected.assumed in warning.assumed
            [shown] = check.warnings
            assert (shown.row, shown.fields, shown.what_is_wrong, shown.assumed) == (
                2,
                (expected.warning,),
                warning.found,
                warning.assumed,
            )
            assert shown.what_to_do
    # Never the typed text itself: it could be personal data.
    said = " ".join(
        [r.reason for r in recordset.rejects] + [w.found + " " + w.assumed for w in recordset.row_warnings]
    )
    for value in changes.values():
        text = str(value).strip(" ;")
        if len(text) >= 4:
            assert text.lower() not in said.lower()


def test_a_tick_box_cell_in_a_workbook_is_its_value(tmp_path):
    path = write_forms_xlsx(
        tmp_path / "records.xlsx", [{**BASE, "vehicle_secure": True, "large_print": False}]
    )
    [record] = read_records(path, COLUMN_MAP).records
    assert record.vehicle_secure is True and record.large_print is False


def test_a_letter_without_a_registration_says_a_car_in_its_table(tmp_path):
    path = write_csv(tmp_path / "records.csv", [{**BASE, "vrm": ""}, {**BASE, "vrm": "QZ00 XKC"}])
    content = load_content(CONTENT, TEMPLATES)
    [letter] = build_letters(read_records(path).records)
    context = letter_context(letter, content, content.material("visit-letter"))
    assert [vehicle["vrm"] for vehicle in context["vehicles"]] == ["A car (not noted)", "QZ00 XKC"]
    assert context["labels"]["registration"] == "Registration"


def test_a_row_without_a_postcode_joins_its_address_letter_and_a_lone_one_prints_no_postcode(tmp_path):
    rows = [
        {**BASE, "postcode": ""},
        {**BASE, "vrm": "QZ00 XKC"},
        {**BASE, "address": "3 Millbrook Close, Eastmoor, Westmarch", "postcode": "ZZ1 7H"},
    ]
    content = load_content(CONTENT, TEMPLATES)
    letters = build_letters(read_records(write_csv(tmp_path / "records.csv", rows)).records)
    by_rows = {letter.source_rows: letter for letter in letters}
    assert set(by_rows) == {(2, 3), (4,)}
    assert by_rows[(2, 3)].postcode == "ZZ1 7HD"
    lone = letter_context(by_rows[(4,)], content, content.material("visit-letter"))
    assert lone["recipient"] == ["The Occupier", "3 Millbrook Close", "Eastmoor", "Westmarch"]
