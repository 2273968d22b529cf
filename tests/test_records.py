"""Tests for handle_docs.records.read: CSV and Forms .xlsx reading, guards, the sample."""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import os
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import openpyxl
import openpyxl.xml
import pytest

from handle_docs.models import RECORD_COLUMNS, ProblemsError, RecordSet, Severity, VisitRecord
from handle_docs.records import read as records_module
from handle_docs.records.read import load_column_map, read_records

from .synth import HEADER_LINE, row_values

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SAMPLE_CSV = EXAMPLES / "patrol-records.csv"
SAMPLE_XLSX = EXAMPLES / "patrol-forms-export.xlsx"
COLUMN_MAP = ROOT / "content" / "forms-columns.yaml"

GOOD_ROW = '2026-11-14 18:05:07,4127,"14 Tanners Row, Eastmoor",ZZ1 7HD,QZ00 XKB,no,bag;phone,yes,,,,,'


def write(tmp_path: Path, text: str | bytes, name: str = "records.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def problems_of(path: Path, column_map: Path | None = None) -> str:
    with pytest.raises(ProblemsError) as err:
        read_records(path, column_map)
    return str(err.value)


def reconciles(result: RecordSet) -> bool:
    return result.rows_read == len(result.records) + len(result.rejects)


# ---------------------------------------------------------------------------
# CSV: encodings, header, blank rows
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    row = '2026-11-14 18:05,4127,"Café £5 Shop, 1 Larkspur Road",ZZ1 4QX,QZ00 XKB,yes,,,,,,'
    path = write(tmp_path, f"{HEADER_LINE}\r\n{row}\r\n", encoding=encoding)
    result = read_records(path)
    assert result.rows_read == 1 and not result.rejects
    assert result.records[0].address == "Café £5 Shop, 1 Larkspur Road"
    assert result.source_name == "records.csv"


def test_header_only_is_zero_rows(tmp_path: Path) -> None:
    result = read_records(write(tmp_path, HEADER_LINE + "\n"))
    assert result.rows_read == 0 and result.records == [] and result.rejects == []


def test_header_names_are_case_and_space_insensitive(tmp_path: Path) -> None:
    header = ",".join(f"  {name.replace('_', ' ').upper()} " for name in RECORD_COLUMNS)
    result = read_records(write(tmp_path, f"{header}\n{GOOD_ROW}\n"))
    assert len(result.records) == 1 and not result.warnings


def test_rows_are_spreadsheet_rows_and_blank_rows_skipped(tmp_path: Path) -> None:
    multi_line = GOOD_ROW.replace('"14 Tanners Row, Eastmoor"', '"14 Tanners Row\nEastmoor"')
    text = f"{HEADER_LINE}\n{GOOD_ROW}\n\n,,,,,,,,,,,\n{multi_line}\n{GOOD_ROW.replace(',no,', ',maybe,')}\n"
    result = read_records(write(tmp_path, text))
    assert [r.row for r in result.records] == [2, 5]
    assert result.records[1].address == "14 Tanners Row, Eastmoor"
    assert [r.row for r in result.rejects] == [6]
    assert result.rows_read == 3 and reconciles(result)


def test_mixed_line_endings(tmp_path: Path) -> None:
    text = f"{HEADER_LINE}\r\n{GOOD_ROW}\n{GOOD_ROW}\r{GOOD_ROW}\r\n"
    result = read_records(write(tmp_path, text))
    assert [r.row for r in result.records] == [2, 3, 4]


def test_unknown_column_is_a_warning(tmp_path: Path) -> None:
    result = read_records(write(tmp_path, f"{HEADER_LINE},notes\n{GOOD_ROW},something\n"))
    assert len(result.records) == 1
    assert [(w.severity, w.key, w.line) for w in result.warnings] == [(Severity.WARNING, "notes", 1)]
    assert "something" not in str(result.warnings[0])


def test_optional_column_missing_is_a_warning(tmp_path: Path) -> None:
    header = HEADER_LINE.replace(",large_print", "")
    result = read_records(write(tmp_path, f"{header}\n{GOOD_ROW[:-1]}\n"))
    assert len(result.records) == 1 and result.records[0].large_print is False
    assert [w.key for w in result.warnings] == ["large_print"]


def test_row_longer_than_header_is_rejected(tmp_path: Path) -> None:
    result = read_records(write(tmp_path, f"{HEADER_LINE}\n{GOOD_ROW},extra\n{GOOD_ROW},\n"))
    assert [(r.row, r.field) for r in result.rejects] == [(2, "row")]
    assert [r.row for r in result.records] == [3]


def test_one_reject_per_row_with_all_fields(tmp_path: Path) -> None:
    row = "31/11/2026 19:00,4127,,ZZ1,QZ00 XK9Q,,,maybe,,,,"
    result = read_records(write(tmp_path, f"{HEADER_LINE}\n{row}\n"))
    assert result.rows_read == 1 and len(result.rejects) == 1
    reject = result.rejects[0]
    assert reject.field == "address, vehicle_secure"
    assert reject.reason.count("; ") == 1
    assert result.row_warnings == []  # a rejected row's other cells do not matter


# ---------------------------------------------------------------------------
# CSV: files that cannot be used
# ---------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    assert "file not found" in problems_of(tmp_path / "nope.csv")


def test_unsupported_extension(tmp_path: Path) -> None:
    assert "unsupported file type" in problems_of(write(tmp_path, HEADER_LINE, name="records.txt"))


@pytest.mark.parametrize("content", [b"", b"  \r\n \n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    assert "file is empty" in problems_of(write(tmp_path, content))


def test_blank_lines_only_has_no_header(tmp_path: Path) -> None:
    assert "no header row" in problems_of(write(tmp_path, ",,,\n,,\n"))


@pytest.mark.parametrize(
    "content",
    [
        bytes(range(256)) * 40,  # arbitrary binary
        SAMPLE_XLSX.read_bytes(),  # a workbook renamed .csv
        b"\x00" * 100,
    ],
)
def test_binary_file(tmp_path: Path, content: bytes) -> None:
    assert "not a text CSV file" in problems_of(write(tmp_path, content))


def test_utf16_file(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER_LINE}\n{GOOD_ROW}\n".encode("utf-16"))
    assert "UTF-16" in problems_of(path)


def test_undecodable_file(tmp_path: Path) -> None:
    # 0x81 is undefined in Windows-1252 and invalid UTF-8
    message = problems_of(write(tmp_path, f"{HEADER_LINE}\n".encode() + b"2026-11-14,\x81\x81\n"))
    assert "not UTF-8 or Windows-1252" in message and "records.csv:2" in message


@pytest.mark.parametrize(("delimiter", "label"), [(";", "semicolons"), ("\t", "tabs")])
def test_wrong_delimiter(tmp_path: Path, delimiter: str, label: str) -> None:
    text = f"{HEADER_LINE.replace(',', delimiter)}\n{GOOD_ROW.replace(',', delimiter)}\n"
    message = problems_of(write(tmp_path, text))
    assert f"separated by {label}" in message
    assert "QZ00" not in message


def test_missing_columns_all_listed(tmp_path: Path) -> None:
    header = HEADER_LINE.replace("postcode,vrm,", "").replace("officer,", "")
    with pytest.raises(ProblemsError) as err:
        read_records(write(tmp_path, header + "\n"))
    keys = [p.key for p in err.value.problems]
    assert keys == ["officer", "postcode", "vrm"]
    assert all(p.line == 1 and p.file == "records.csv" for p in err.value.problems)


def test_no_header_row_does_not_echo_data(tmp_path: Path) -> None:
    message = problems_of(write(tmp_path, GOOD_ROW + "\n" + GOOD_ROW + "\n"))
    assert "none of the expected column names" in message
    for value in ("QZ00", "Tanners", "ZZ1", "4127"):
        assert value not in message


def test_duplicate_column(tmp_path: Path) -> None:
    message = problems_of(write(tmp_path, f"{HEADER_LINE},VRM\n"))
    assert "both give vrm" in message


# ---------------------------------------------------------------------------
# CSV: hostile cells
# ---------------------------------------------------------------------------


def test_huge_field_becomes_reject(tmp_path: Path) -> None:
    huge = GOOD_ROW.replace("14 Tanners Row, Eastmoor", "x" * 100_000)
    result = read_records(write(tmp_path, f"{HEADER_LINE}\n{huge}\n{GOOD_ROW}\n"))
    assert [(r.row, r.field, r.reason) for r in result.rejects] == [
        (2, "address", "address is longer than 200 characters")
    ]
    assert [r.row for r in result.records] == [3]


def test_field_beyond_csv_limit_becomes_reject(tmp_path: Path) -> None:
    limit_before = csv.field_size_limit()
    huge = GOOD_ROW.replace('"14 Tanners Row, Eastmoor"', "x" * (records_module.MAX_CELL_CHARS + 10))
    result = read_records(write(tmp_path, f"{HEADER_LINE}\n{huge}\n{GOOD_ROW}\n"))
    assert [(r.row, r.field) for r in result.rejects] == [(2, "row")]
    assert "could not be read" in result.rejects[0].reason
    assert [r.row for r in result.records] == [3]
    assert reconciles(result)
    assert csv.field_size_limit() == limit_before  # restored


def test_nul_in_field_rejects_the_row(tmp_path: Path) -> None:
    bad = GOOD_ROW.replace("Tanners", "Tan\x00ners")
    result = read_records(write(tmp_path, f"{HEADER_LINE}\n{GOOD_ROW}\n{bad}\n{GOOD_ROW}\n"))
    assert [(r.row, r.field) for r in result.rejects] == [(3, "address")]
    assert "control characters" in result.rejects[0].reason
    assert len(result.records) == 2 and reconciles(result)


def test_forms_csv_with_column_map(tmp_path: Path) -> None:
    questions = load_column_map(COLUMN_MAP)
    field_to_header = {name: header for header, name in questions.items()}
    header = ",".join(f'"{field_to_header[name]}"' for name in RECORD_COLUMNS)
    path = write(tmp_path, f"{header}\n{GOOD_ROW}\n")
    assert len(read_records(path, COLUMN_MAP).records) == 1
    assert "missing from the header row" in problems_of(path)  # no map: canonical names only


# ---------------------------------------------------------------------------
# the sample: CSV and Forms export give the same records
# ---------------------------------------------------------------------------


def _comparable(record: VisitRecord) -> dict[str, object]:
    return dataclasses.asdict(record)


def test_sample_csv_and_xlsx_agree() -> None:
    from_csv = read_records(SAMPLE_CSV)
    from_xlsx = read_records(SAMPLE_XLSX)
    for result in (from_csv, from_xlsx):
        assert reconciles(result)
        assert result.rows_read == 127
        assert len(result.records) == 125
        assert len(result.rejects) == 2
        assert len(result.row_warnings) == 5
        assert result.warnings == []
    assert [_comparable(r) for r in from_csv.records] == [_comparable(r) for r in from_xlsx.records]
    assert from_csv.rejects == from_xlsx.rejects
    assert [(w.row, w.field) for w in from_csv.row_warnings] == [
        (w.row, w.field) for w in from_xlsx.row_warnings
    ]


def test_sample_mix() -> None:
    result = read_records(SAMPLE_CSV)
    recs = result.records
    assert sum(r.insecure for r in recs) == 35
    assert sum(r.has_items for r in recs) == 40
    assert any(r.insecure and r.has_items for r in recs)
    assert 1 <= sum(r.keys_visible for r in recs) <= 5
    addresses = [r.address for r in recs]
    assert sum(addresses.count(a) >= 2 for a in set(addresses)) >= 5
    assert any(a.startswith("Flat ") for a in addresses)
    assert {"cy", "pl"} <= {r.language for r in recs}
    assert sum(r.large_print for r in recs) >= 2
    assert any(r.nws_interest for r in recs) and any(r.cms_interest for r in recs)
    assert {r.officer for r in recs} == {"4127", "5583"}
    assert all(r.postcode.startswith("ZZ") for r in recs if r.postcode)
    assert all(r.vrm[0] in "QZ" and r.vrm[2:4] == "00" for r in recs if r.vrm)
    assert all(r.submitted_at.date().isoformat() == "2026-11-14" for r in recs if r.submitted_at)
    assert all(18 <= r.submitted_at.hour < 22 for r in recs if r.submitted_at)
    reasons = {r.field: r.reason for r in result.rejects}
    assert set(reasons) == {"address", "vehicle_secure"}
    assumed = {w.field: w.assumed for w in result.row_warnings}
    assert set(assumed) == {"vrm", "postcode", "submitted_at", "advice_given", "nws_interest"}
    assert [sum(not getattr(r, name) for r in recs) for name in ("vrm", "postcode", "submitted_at")] == [
        1,
        1,
        1,
    ]


@pytest.mark.parametrize("path", [SAMPLE_CSV, SAMPLE_XLSX], ids=["csv", "xlsx"])
def test_no_cell_value_in_any_reject_or_warning(path: Path) -> None:
    result = read_records(path)
    values = row_values(path, {r.row for r in result.rejects} | {w.row for w in result.row_warnings})
    assert values  # the check below is not vacuous
    for reject in result.rejects:
        for value in values:
            assert value not in reject.reason and value not in reject.field
    for warning in result.row_warnings:
        for value in values:
            assert value not in warning.found and value not in warning.assumed


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_sample", EXAMPLES / "generate_sample.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_sample_files_are_up_to_date_and_deterministic(tmp_path: Path) -> None:
    generator = _load_generator()
    assert generator.main(["--out", str(tmp_path / "a")]) == 0
    assert generator.main(["--out", str(tmp_path / "b")]) == 0
    a, b = tmp_path / "a", tmp_path / "b"
    assert (a / "patrol-records.csv").read_bytes() == SAMPLE_CSV.read_bytes()
    assert (a / "patrol-forms-export.xlsx").read_bytes() == (b / "patrol-forms-export.xlsx").read_bytes()
    # compressed bytes can differ between zlib builds; the parts must not
    with zipfile.ZipFile(a / "patrol-forms-export.xlsx") as new, zipfile.ZipFile(SAMPLE_XLSX) as old:
        assert new.namelist() == old.namelist()
        for name in new.namelist():
            assert new.read(name) == old.read(name), name


# ---------------------------------------------------------------------------
# .xlsx guards
# ---------------------------------------------------------------------------


def test_defusedxml_in_use() -> None:
    assert openpyxl.xml.DEFUSEDXML is True


def _xlsx_with(tmp_path: Path, replace: dict[str, bytes], name: str = "export.xlsx") -> Path:
    """The sample workbook with some parts replaced (or added)."""
    path = tmp_path / name
    with zipfile.ZipFile(SAMPLE_XLSX) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.pop(info.filename, source.read(info)))
        for extra, data in replace.items():
            target.writestr(extra, data)
    return path


def test_zip_bomb_member_ratio(tmp_path: Path) -> None:
    path = _xlsx_with(tmp_path, {"xl/media/padding.bin": b"\x00" * (8 * 1024 * 1024)})
    assert "zip bomb" in problems_of(path)


def test_zip_bomb_total_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records_module, "XLSX_MAX_UNCOMPRESSED", 10_000)
    assert "unpacks to more than" in problems_of(SAMPLE_XLSX)


def test_too_many_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records_module, "XLSX_MAX_MEMBERS", 5)
    assert "more than 5 parts" in problems_of(SAMPLE_XLSX)


def test_malformed_xml(tmp_path: Path) -> None:
    path = _xlsx_with(tmp_path, {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row r='1'><c"})
    message = problems_of(path)
    assert "not a readable Excel file" in message
    assert "Traceback" not in message


def test_entity_expansion_refused(tmp_path: Path) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    path = _xlsx_with(tmp_path, {"xl/worksheets/sheet1.xml": laughs})
    assert "not a readable Excel file" in problems_of(path)


@pytest.mark.parametrize(
    "content", [b"just some text, not a workbook\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600]
)
def test_not_a_zip(tmp_path: Path, content: bytes) -> None:
    message = problems_of(write(tmp_path, content, name="export.xlsx"))
    assert "not a readable Excel file" in message


def test_missing_workbook_part(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert "not a readable Excel file" in problems_of(path)


def _forms_workbook(tmp_path: Path, header: list[str], rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    return path


def test_forms_export_details(tmp_path: Path) -> None:
    import datetime as dt

    questions = {name: header for header, name in load_column_map(COLUMN_MAP).items()}
    fields = [name for name in RECORD_COLUMNS if name != "submitted_at"]
    header = ["ID", "Start time", "Completion time", "Email", "Name"] + [questions[f] for f in fields]
    header[-1] = header[-1].upper() + "  "  # case and spaces do not matter
    when = dt.datetime(2026, 11, 14, 18, 5, 7)
    answers = [
        4127,
        "14 Tanners Row",
        "zz1 7hd",
        "QZ00XKB",
        "No",
        "Bag;Phone;Keys;",
        "Yes",
        "No",
        "No",
        "Polish",
        "No",
    ]
    path = _forms_workbook(
        tmp_path,
        [*header, "Anything else?"],
        [
            [1, when, when, "officer-4127@westmarch-police.example", "PC 4127", *answers, None],
            [None] * 5,
            [3, when, "not a date", "e", "n", *answers, None],
        ],
    )
    result = read_records(path)
    assert [r.row for r in result.records] == [2, 4]
    record = result.records[0]
    assert record.submitted_at == when and record.officer == "4127"
    assert record.items_on_display == ("bag", "phone", "keys") and record.keys_visible
    assert record.language == "pl"
    assert result.records[1].submitted_at is None
    assert [(w.row, w.field, w.found) for w in result.row_warnings] == [
        (4, "submitted_at", "free text, 10 characters: submitted_at is not a recognised date and time")
    ]
    assert result.rows_read == 2 and not result.rejects
    assert [w.key for w in result.warnings] == ["Anything else?"]  # Forms' own columns are not warned


def test_xlsx_missing_questions(tmp_path: Path) -> None:
    path = _forms_workbook(tmp_path, ["ID", "Completion time", "Postcode"], [])
    with pytest.raises(ProblemsError) as err:
        read_records(path)
    assert {p.key for p in err.value.problems} == {
        "officer",
        "address",
        "vrm",
        "vehicle_secure",
        "items_on_display",
    }


def test_xlsx_header_only(tmp_path: Path) -> None:
    path = _forms_workbook(tmp_path, list(RECORD_COLUMNS), [])
    result = read_records(path)
    assert result.rows_read == 0 and not result.records


# ---------------------------------------------------------------------------
# the column map
# ---------------------------------------------------------------------------


def test_shipped_column_map_is_valid() -> None:
    mapping = load_column_map(COLUMN_MAP)
    assert mapping["Completion time"] == "submitted_at"
    assert set(mapping.values()) == set(RECORD_COLUMNS)


def _bad_map(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "forms-columns.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsError) as err:
        load_column_map(path)
    # read_records reports the same problems for an .xlsx
    with pytest.raises(ProblemsError) as again:
        read_records(SAMPLE_XLSX, path)
    assert again.value.problems == err.value.problems
    return [str(p) for p in err.value.problems]


MAP_OK = """\
columns:
  "Completion time": submitted_at
  "Your collar number": officer
  "Address": address
  "Postcode": postcode
  "Vehicle registration": vrm
  "Was the vehicle secure?": vehicle_secure
  "Items on display": items_on_display
"""


def test_column_map_unknown_field(tmp_path: Path) -> None:
    problems = _bad_map(tmp_path, MAP_OK.replace("officer", "offcer"))
    path = tmp_path / "forms-columns.yaml"
    assert problems[0].startswith(f"{path}:3: columns.Your collar number: error: unknown field 'offcer'")
    assert any("required field 'officer'" in p for p in problems)


def test_column_map_duplicate_field(tmp_path: Path) -> None:
    problems = _bad_map(tmp_path, MAP_OK + '  "Registration again": vrm\n')
    assert problems == [
        f"{tmp_path / 'forms-columns.yaml'}:9: columns.Registration again: error: "
        "duplicate field 'vrm' (already given for 'Vehicle registration')"
    ]


def test_column_map_duplicate_key(tmp_path: Path) -> None:
    problems = _bad_map(tmp_path, MAP_OK + '  "Postcode": language\n')
    assert len(problems) == 1 and ":9: columns.Postcode:" in problems[0] and "duplicate key" in problems[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a\n- b\n", ":1: error: the file must be a mapping"),
        ("columns: [a, b]\n", ":1: columns: error: 'columns' must be a mapping"),
        ("colums:\n  a: vrm\n", ":1: colums: error: unknown key 'colums'"),
        ("columns:\n  a: [vrm\n", "YAML syntax"),
    ],
)
def test_column_map_shape(tmp_path: Path, text: str, expected: str) -> None:
    problems = _bad_map(tmp_path, text)
    assert any(expected in p for p in problems), problems


def test_column_map_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProblemsError, match="cannot read file"):
        load_column_map(tmp_path / "nope.yaml")


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_default_column_map_path_exists() -> None:
    assert records_module.DEFAULT_COLUMN_MAP == COLUMN_MAP and COLUMN_MAP.is_file()


def test_xlsx_cells_beyond_header_are_a_warning(tmp_path: Path) -> None:
    row = ["2026-11-14 18:05", "4127", "14 Tanners Row", "ZZ1 7HD", "QZ00 XKB", "yes", "", "", "", "", "", ""]
    path = _forms_workbook(tmp_path, list(RECORD_COLUMNS), [[*row, None, "a note"]])
    result = read_records(path)
    assert len(result.records) == 1
    assert [w.message for w in result.warnings] == ["column 14 has data but no header and was ignored"]


def test_csv_unlabelled_column_is_a_warning(tmp_path: Path) -> None:
    result = read_records(write(tmp_path, f"{HEADER_LINE},,\n{GOOD_ROW},,x\n{GOOD_ROW},,\n"))
    assert len(result.records) == 2
    assert [w.message for w in result.warnings] == ["column 15 has data but no header and was ignored"]


def test_row_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, f"{HEADER_LINE}\n{GOOD_ROW}\n{GOOD_ROW}\n\n\n")
    monkeypatch.setattr(records_module, "MAX_ROWS", 1)
    assert "more than 1 rows of records" in problems_of(path)
    monkeypatch.setattr(records_module, "MAX_ROWS", 10)
    monkeypatch.setattr(records_module, "MAX_ROW_NUMBER", 4)
    assert "more than 4 rows" in problems_of(path)


def test_a_language_written_in_its_own_name_and_script_is_understood(tmp_path: Path) -> None:
    rows = [GOOD_ROW[:-3] + f",{name},," for name in ("العربية", "Cymraeg", "polski", "اردو")]
    result = read_records(write(tmp_path, "\n".join([HEADER_LINE, *rows]) + "\n"))
    assert [r.language for r in result.records] == ["ar", "cy", "pl", "ur"]
    assert result.rejects == [] and result.row_warnings == []
