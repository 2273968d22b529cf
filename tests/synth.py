"""Invented check records for tests, and the helpers that write and compare runs of them: no real data."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

from handle_docs.models import RECORD_COLUMNS

HEADER = list(RECORD_COLUMNS)
HEADER_LINE = ",".join(HEADER)
STREETS = ["Larkspur Road", "Tanners Row", "Millbrook Close"]
LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"


def plate(i: int) -> str:
    return f"Q{LETTERS[i % 22]}00 {LETTERS[(i // 22) % 22]}{LETTERS[(i // 484) % 22]}X"


def write_records(path: Path, n: int, officer: str = "4127") -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(n):
            writer.writerow(
                [
                    f"2026-11-14 19:{i % 60:02d}",
                    officer,
                    f"{i // 3 + 1} {STREETS[i % 3]}, Eastmoor, Westmarch",
                    f"ZZ{1 + i % 3} 4QX",
                    plate(i),
                    "no" if i % 3 == 0 else "yes",
                    "bag" if i % 4 == 0 else "",
                    "yes",
                    "yes" if i % 5 == 0 else "",
                    "",
                    "",
                    "",
                    "",
                ]
            )
    return path


def write_rows(path: Path, *rows: str, encoding: str = "utf-8") -> Path:
    """A records file: the header line, then ``rows`` as typed (each one CSV line)."""
    path.write_text(HEADER_LINE + "\n" + "".join(row.rstrip("\n") + "\n" for row in rows), encoding=encoding)
    return path


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path: two runs compare byte for byte."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run_records(
    records: Path,
    out: Path,
    *,
    content_dir: Path | None = None,
    templates: Path | None = None,
    jobs: int = 1,
    prices=None,
    **settings,
):
    """Run the real letters pipeline on ``records`` into ``out`` (no review gate).

    Returns (result, recordset).  ``settings`` go to RunSettings, e.g.
    ``leaflet_id="lock-it-leaflet"``; ``prices`` (costs.Prices) adds the
    print cost as ``handle-docs letters`` does with a price file.
    """
    from handle_docs.records.read import read_records
    from handle_docs.run.batch import RunSettings
    from handle_docs.run.pipeline import RunOptions, file_sha256, run_letters
    from handle_docs.wording.content import load_content

    from .conftest import CONTENT, TEMPLATES

    content_dir = content_dir or CONTENT
    templates = templates or TEMPLATES
    content = load_content(content_dir, templates)
    recordset = read_records(records)
    run_settings = RunSettings(content_root=content_dir, templates=templates, **settings)
    result = run_letters(
        recordset, file_sha256(records), content, run_settings, out, RunOptions(jobs=jobs, prices=prices)
    )
    return result, recordset


def row_values(path: Path, rows: set[int]) -> set[str]:
    """What was typed in the given spreadsheet rows of a records file (.csv or .xlsx): each cell
    of three characters or more that is not a bare number or yes/no, and its words of four or more."""
    if path.suffix == ".csv":
        table = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    else:
        import openpyxl

        workbook = openpyxl.load_workbook(path, read_only=True)
        table = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
        workbook.close()
    values: set[str] = set()
    for number in rows:
        for cell in table[number - 1]:
            text = str(cell).strip() if cell is not None else ""
            if len(text) >= 3 and not text.isdigit() and text.lower() not in {"yes", "no"}:
                values.add(text)
                values.update(part for part in text.replace(",", " ").split() if len(part) >= 4)
    return values


# --- personal data: what must never appear in a report, a card or a log ----------------------


def personal_data(recordset) -> dict[str, set[str]]:
    """Addresses, streets, postcodes, registrations and officers of ``recordset``."""
    streets, officers = set(), set()
    for record in recordset.records:
        for part in record.address.split(", "):
            match = re.match(r"^(?:flat \w+ )?\d+[a-z]? (.+)$", part, re.IGNORECASE)
            if match:
                streets.add(match.group(1))
        officers.add(record.officer)
    return {
        "address": {r.address for r in recordset.records},
        "street": streets,
        "postcode": {r.postcode for r in recordset.records if r.postcode},
        "registration": {r.vrm for r in recordset.records if r.vrm},
        "officer": officers - {""},
    }


def personal_data_in(text: str, recordset) -> list[str]:
    """Each piece of ``recordset``'s personal data found in ``text`` (as a whole word), as "kind: value"."""
    found = []
    for kind, values in personal_data(recordset).items():
        for value in values:
            if re.search(r"(?<![\w])" + re.escape(value) + r"(?![\w])", text, re.IGNORECASE):
                found.append(f"{kind}: {value}")
    return sorted(found)


def assert_no_personal_data(text: str, recordset) -> None:
    found = personal_data_in(text, recordset)
    assert not found, found
