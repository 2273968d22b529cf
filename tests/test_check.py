"""The upload check (records/check.py): what a check page lists before anything is made."""

from __future__ import annotations

from pathlib import Path

import pytest

from handle_docs.models import RECORD_COLUMNS
from handle_docs.records.check import check_records

from .conftest import CONTENT
from .test_rules import BASE, write_csv, write_forms_xlsx

COLUMN_MAP = CONTENT / "forms-columns.yaml"
WRITERS = {"csv": write_csv, "xlsx": write_forms_xlsx}

ROWS = [
    BASE,
    {**BASE, "vehicle_secure": ""},  # row 3: rejected
    {**BASE, "nws_interest": "maybe"},  # row 4: kept, warned
    {**BASE, "address": "", "vrm": "QZ00"},  # row 5: rejected (address); registration not looked at
]


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_rejected_rows_then_warnings_each_with_what_to_do(tmp_path, kind):
    path = WRITERS[kind](tmp_path / f"records.{kind}", ROWS)
    check = check_records(path, COLUMN_MAP)
    assert check.usable and check.file_problems == []
    assert (check.rows_read, check.rows_in_letters) == (4, 2)
    assert [(p.row, p.fields) for p in check.rejected] == [(3, ("vehicle_secure",)), (5, ("address",))]
    assert "locked" in check.rejected[0].what_to_do and "house number or name" in check.rejected[1].what_to_do
    assert [(p.row, p.fields, p.what_to_do) for p in check.warnings] == [
        (4, ("nws_interest",), "answer yes or no")
    ]
    assert "ask the resident" in check.warnings[0].assumed


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_corrections_make_rejected_rows_good_for_this_check_only(tmp_path, kind):
    path = WRITERS[kind](tmp_path / f"records.{kind}", ROWS)
    before = path.read_bytes()
    corrections = {
        3: {"vehicle_secure": "Locked"},
        5: {"address": "16 Tanners Row, Eastmoor"},
        4: {"nws_interest": "yes"},
    }
    check = check_records(path, COLUMN_MAP, corrections)
    assert check.rejected == [] and check.warnings == []
    assert check.corrected_rows == [3, 4, 5] == check.recordset.corrected_rows
    assert check.recordset.corrections_key
    records = {r.row: r for r in check.recordset.records}
    assert (
        records[3].vehicle_secure
        and records[4].nws_interest
        and records[5].address == "16 Tanners Row, Eastmoor"
    )
    assert path.read_bytes() == before
    again = check_records(path, COLUMN_MAP)
    assert [p.row for p in again.rejected] == [3, 5] and again.corrected_rows == []


def test_a_row_that_could_not_be_read_can_be_retyped_in_full(tmp_path):
    path = write_csv(tmp_path / "records.csv", [BASE])
    text = path.read_text(encoding="utf-8")
    path.write_text(text + text.splitlines()[1] + ",an unquoted comma\n", encoding="utf-8")
    check = check_records(path)
    assert [(p.row, p.fields) for p in check.rejected] == [(3, ("row",))]
    assert "open the file in a spreadsheet" in check.rejected[0].what_to_do
    retyped = {name: value for name, value in BASE.items()}
    fixed = check_records(path, corrections={3: retyped})
    assert fixed.rejected == [] and fixed.corrected_rows == [3] and fixed.rows_read == 2


def test_a_correction_for_a_row_with_no_record_is_said_and_not_used(tmp_path):
    path = write_csv(tmp_path / "records.csv", [BASE])
    check = check_records(path, corrections={9: {"vehicle_secure": "yes"}})
    assert check.usable and check.corrected_rows == []
    assert [(p.message, p.stops) for p in check.file_problems] == [
        ("the correction for row 9 was not used: that row holds no record", False)
    ]


def test_a_correction_naming_no_record_column_is_a_file_problem(tmp_path):
    path = write_csv(tmp_path / "records.csv", [BASE])
    check = check_records(path, corrections={2: {"colour": "blue"}})
    assert not check.usable and check.recordset is None
    assert [p.message for p in check.file_problems] == [
        "a correction names 'colour', which is not a record column"
    ]


def test_missing_columns_come_first_then_unknown_headers(tmp_path):
    header = [name for name in RECORD_COLUMNS if name not in ("vrm", "postcode")] + ["Notes"]
    path = tmp_path / "records.csv"
    path.write_text(",".join(header) + "\n", encoding="utf-8")
    check = check_records(path)
    assert not check.usable
    assert [(p.column, p.stops) for p in check.file_problems] == [
        ("postcode", True),
        ("vrm", True),
        ("Notes", False),
    ]
    assert "required column 'postcode' is missing" in check.file_problems[0].message


def test_unknown_headers_alone_do_not_stop_the_run(tmp_path):
    path = write_csv(tmp_path / "records.csv", [BASE])
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(f"{lines[0]},Notes\n{lines[1]},\n", encoding="utf-8")
    check = check_records(path)
    assert check.usable and [(p.column, p.stops) for p in check.file_problems] == [("Notes", False)]


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("records.pdf", b"%PDF-1.7", "give a .csv or an .xlsx file"),
        ("records.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "not a text CSV file"),
        ("records.xlsx", b"a,b,c\n", "not a readable Excel file"),
    ],
)
def test_a_file_that_is_not_a_csv_or_a_workbook_is_one_file_problem(tmp_path, name, data, said):
    path = tmp_path / name
    path.write_bytes(data)
    check = check_records(Path(path), COLUMN_MAP)
    assert not check.usable and check.rejected == [] and check.warnings == []
    assert said in check.file_problems[0].message and check.file_problems[0].stops
