"""Read officers' check records from a canonical CSV or a Microsoft Forms export.

:func:`read_records` is the entry point.  It raises :class:`ProblemsError`
only when the file itself cannot be used (missing, empty, not text, not a
readable workbook, wrong delimiter, required columns missing, a bad column
map).  Otherwise every non-blank data row becomes exactly one
:class:`VisitRecord` or one :class:`Reject`, so
``rows_read == len(records) + len(rejects)``.

Row numbers are the ones a spreadsheet shows: the header is row 1 and the
first record row 2.  Completely blank rows are skipped: they are neither
records nor rejects and are not counted in ``rows_read``, but they still take
up a row number, exactly as they do when the file is opened in Excel.

No message produced here contains a cell value (they are personal data);
column names and row numbers only.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from handle_docs.models import RECORD_COLUMNS, Problem, ProblemsError, RecordSet, Reject, Severity
from handle_docs.records.rules import build_row
from handle_docs.starter import CONTENT, starter_path
from handle_docs.wording.yamlfile import YamlDoc, load_yaml

#: Cell corrections for one reading: spreadsheet row number -> {field: value}.
Corrections = Mapping[int, Mapping[str, object]]

#: Column map used for .xlsx files when none is given: the starter's (packaged, or the checkout's).
DEFAULT_COLUMN_MAP = starter_path(CONTENT, "forms-columns.yaml")

#: Columns a file must have; the others default (blank = no / en-GB) when absent.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "submitted_at",
    "officer",
    "address",
    "postcode",
    "vrm",
    "vehicle_secure",
    "items_on_display",
)
#: Microsoft Forms' own columns: ignored without a warning unless mapped.
FORMS_METADATA_COLUMNS = frozenset(
    {"id", "start time", "completion time", "email", "name", "last modified time"}
)

MAX_FILE_BYTES = 50 * 1024 * 1024  # the file on disk (CSV or .xlsx)
MAX_CELL_CHARS = 1_000_000  # csv.field_size_limit while reading
MAX_ROWS = 100_000  # non-blank data rows
MAX_ROW_NUMBER = 1_048_576  # Excel's last row; blank rows count here
MAX_COLUMNS = 200  # .xlsx columns looked at
SNIFF_BYTES = 8192
MAX_CONTROL_RATIO = 0.05  # share of control bytes in the first 8 KB that means "binary"
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 100
XLSX_RATIO_MIN_BYTES = 1024 * 1024  # smaller parts cannot cost anything, whatever the ratio
XLSX_MAX_MEMBERS = 1000

_BINARY_SIGNATURES = (
    b"PK\x03\x04",  # zip (e.g. an .xlsx renamed .csv)
    b"\xd0\xcf\x11\xe0",  # OLE (old .xls, protected workbooks)
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c")


# ---------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------


def read_records(
    path: Path, column_map: Path | None = None, corrections: Corrections | None = None
) -> RecordSet:
    """Read ``path`` (.csv or .xlsx, by extension) into a :class:`RecordSet`.

    ``column_map`` is a ``forms-columns.yaml`` mapping column headers to
    fields.  .xlsx files use :data:`DEFAULT_COLUMN_MAP` when it is None; a
    CSV uses the canonical column names, plus the map if one is given.

    ``corrections`` (spreadsheet row number -> {field: value}) replace those
    cells as the rows are read, for this reading only (the file is not
    touched); ``RecordSet.corrected_rows`` lists the rows they made acceptable
    (a row whose corrections still fail the rules stays rejected, and is not listed).
    A row that could not be read at all is built from its corrections alone.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_records(path, column_map, corrections)
    if suffix == ".xlsx":
        return read_xlsx_records(path, column_map, corrections)
    raise ProblemsError([Problem("unsupported file type: give a .csv or an .xlsx file", path.name)])


def load_column_map(path: Path) -> dict[str, str]:
    """Read a column map (``columns: {header: field}``); problems name file:line:key."""
    doc = load_yaml(path)
    problems = list(doc.problems)
    result: dict[str, str] = {}
    if not problems:
        data = doc.data
        if not isinstance(data, dict):
            problems.append(doc.problem("", "the file must be a mapping with a 'columns' key"))
        else:
            for key in data:
                if key != "columns":
                    problems.append(doc.problem(str(key), f"unknown key {key!r}; expected 'columns'"))
            columns = data.get("columns")
            if not isinstance(columns, dict):
                problems.append(
                    doc.problem("columns", "'columns' must be a mapping of column header -> field")
                )
            else:
                result = _check_columns(doc, columns, problems)
    if problems:
        raise ProblemsError(problems)
    return result


def check_xlsx_container(path: Path) -> list[Problem]:
    """Zip-bomb and sanity checks on an .xlsx package, before any XML is parsed."""
    source = path.name
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        return [Problem(f"cannot read file ({exc.strerror or 'read error'})", source)]
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except Exception:  # BadZipFile, OSError on bad offsets, struct errors...
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            return [
                Problem(
                    "not a readable Excel file: it is password-protected or an old .xls; "
                    "save it as an unprotected .xlsx",
                    source,
                )
            ]
        return [Problem("not a readable Excel file (.xlsx): it is not a zip package", source)]
    problems: list[Problem] = []
    if len(members) > XLSX_MAX_MEMBERS:
        problems.append(
            Problem(f"not a readable Excel file: it has more than {XLSX_MAX_MEMBERS} parts", source)
        )
    total = sum(member.file_size for member in members)
    if total > XLSX_MAX_UNCOMPRESSED:
        problems.append(
            Problem(
                f"refusing to open: the workbook unpacks to more than "
                f"{XLSX_MAX_UNCOMPRESSED // (1024 * 1024)} MB",
                source,
            )
        )
    for member in members:
        if member.file_size >= XLSX_RATIO_MIN_BYTES and (
            member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1)
        ):
            problems.append(
                Problem(
                    f"refusing to open: a part of the workbook is compressed more than "
                    f"{XLSX_MAX_RATIO}:1 (a possible zip bomb)",
                    source,
                )
            )
            break
    if any(member.flag_bits & 0x1 for member in members):
        problems.append(Problem("not a readable Excel file: parts of it are encrypted", source))
    return problems


def read_csv_records(
    path: Path, column_map: Path | None = None, corrections: Corrections | None = None
) -> RecordSet:
    """Read a canonical CSV (UTF-8, UTF-8 with BOM or Windows-1252)."""
    source = path.name
    raw = _read_bytes(path, source)
    text = _decode(raw, source)
    if not text.strip():
        raise ProblemsError([Problem("file is empty", source)])
    lookup = _column_lookup(load_column_map(column_map) if column_map else None)
    with _csv_field_limit(MAX_CELL_CHARS):
        return _read_table(source, _csv_rows(text, source), lookup, forms=False, corrections=corrections)


def read_xlsx_records(
    path: Path, column_map: Path | None = None, corrections: Corrections | None = None
) -> RecordSet:
    """Read the first sheet of a Microsoft Forms .xlsx export through a column map."""
    source = path.name
    _check_size(path, source)
    lookup = _column_lookup(load_column_map(column_map or DEFAULT_COLUMN_MAP))
    problems = check_xlsx_container(path)
    if problems:
        raise ProblemsError(problems)
    import openpyxl
    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:
        raise ProblemsError(
            [Problem("refusing to read Excel files: the defusedxml package is not available", source)]
        )
    unreadable = ProblemsError([Problem("not a readable Excel file", source)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Any failure inside openpyxl means the same to a person: not readable.
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception:
            raise unreadable from None
        try:
            try:
                sheets = workbook.worksheets
                if not sheets:
                    raise unreadable
                sheet = sheets[0]
                sheet.reset_dimensions()  # the export's dimension record is not trusted
                rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            except ProblemsError:
                raise
            except Exception:
                raise unreadable from None
            return _read_table(source, _numbered(_guarded(rows)), lookup, forms=True, corrections=corrections)
        except _Unreadable:
            raise unreadable from None
        finally:
            workbook.close()


# ---------------------------------------------------------------------------
# column map
# ---------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Header text compared case- and space-insensitively."""
    return " ".join(text.replace("\ufeff", "").split()).casefold()


def _check_columns(doc: YamlDoc, columns: dict[object, object], problems: list[Problem]) -> dict[str, str]:
    """Validate ``columns:`` entries, appending problems; returns header -> field."""
    result: dict[str, str] = {}
    header_for_field: dict[str, str] = {}
    folded: dict[str, str] = {}
    for header, target in columns.items():
        key = f"columns.{header}"
        if not isinstance(header, str) or not header.strip():
            problems.append(doc.problem(key, "a column header must be text"))
            continue
        if not isinstance(target, str) or target not in RECORD_COLUMNS:
            problems.append(
                doc.problem(key, f"unknown field {target!r}; expected one of: {', '.join(RECORD_COLUMNS)}")
            )
            continue
        if target in header_for_field:
            problems.append(
                doc.problem(
                    key, f"duplicate field {target!r} (already given for {header_for_field[target]!r})"
                )
            )
            continue
        if _fold(header) in folded:
            problems.append(
                doc.problem(key, f"header repeats {folded[_fold(header)]!r} (case and spaces are ignored)")
            )
            continue
        header_for_field[target] = header
        folded[_fold(header)] = header
        result[header] = target
    for name in REQUIRED_COLUMNS:
        if name not in header_for_field:
            problems.append(doc.problem("columns", f"no column header is mapped to required field {name!r}"))
    return result


def _column_lookup(column_map: Mapping[str, str] | None) -> dict[str, str]:
    """Folded header -> field: canonical names (``submitted_at``/``submitted at``) + the map."""
    lookup: dict[str, str] = {}
    for name in RECORD_COLUMNS:
        lookup[_fold(name)] = name
        lookup[_fold(name.replace("_", " "))] = name
    for header, name in (column_map or {}).items():
        lookup[_fold(header)] = name
    return lookup


# ---------------------------------------------------------------------------
# reading the raw rows
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _RawRow:
    number: int  # spreadsheet row number
    cells: Sequence[object]
    error: str = ""  # set when the row itself could not be read


class _Unreadable(Exception):
    """openpyxl failed while reading rows."""


def _check_size(path: Path, source: str) -> None:
    try:
        if path.is_dir():
            raise ProblemsError([Problem("is a folder, not a file", source)])
        size = path.stat().st_size
    except FileNotFoundError:
        raise ProblemsError([Problem("file not found", source)]) from None
    except OSError as exc:
        raise ProblemsError([Problem(f"cannot read file ({exc.strerror or 'read error'})", source)]) from None
    if size > MAX_FILE_BYTES:
        raise ProblemsError([Problem(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", source)])
    if size == 0:
        raise ProblemsError([Problem("file is empty", source)])


def _read_bytes(path: Path, source: str) -> bytes:
    _check_size(path, source)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ProblemsError([Problem(f"cannot read file ({exc.strerror or 'read error'})", source)]) from None


def looks_binary(sample: bytes) -> bool:
    """True for a known binary signature or too many control bytes (NUL etc.)."""
    if sample.startswith(_BINARY_SIGNATURES):
        return True
    if not sample:
        return False
    controls = sum(1 for byte in sample if (byte < 0x20 and byte not in _TEXT_CONTROLS) or byte == 0x7F)
    return controls / len(sample) > MAX_CONTROL_RATIO


def _decode(raw: bytes, source: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; binary is refused."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProblemsError(
            [Problem("file is UTF-16 text, not a text CSV file: save it as 'CSV UTF-8'", source)]
        )
    if looks_binary(raw[:SNIFF_BYTES]):
        raise ProblemsError([Problem("not a text CSV file", source)])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProblemsError([Problem("file is not UTF-8 or Windows-1252 text", source, line)]) from None


@contextlib.contextmanager
def _csv_field_limit(limit: int) -> Iterator[None]:
    old = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _csv_rows(text: str, source: str) -> Iterator[_RawRow]:
    """Records as the csv module yields them, numbered from 1 (blank lines count)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            if "field limit" in str(exc):
                reason = f"row could not be read: a cell is longer than {MAX_CELL_CHARS:,} characters"
            else:
                reason = "row could not be read as CSV"
            yield _RawRow(number, (), reason)
            continue
        number += 1
        yield _RawRow(number, cells)


def _guarded(rows: Iterable[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    """Re-raise any openpyxl failure during iteration as :class:`_Unreadable`."""
    iterator = iter(rows)
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            return
        except Exception as exc:
            raise _Unreadable() from exc
        yield row


def _numbered(rows: Iterable[Sequence[object]]) -> Iterator[_RawRow]:
    for number, cells in enumerate(rows, start=1):
        end = len(cells)
        while end and cells[end - 1] is None:
            end -= 1
        yield _RawRow(number, cells[:end])


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------------------
# header and rows -> RecordSet
# ---------------------------------------------------------------------------


@dataclass
class _Header:
    row: int
    width: int
    fields: dict[int, str] = field(default_factory=dict)  # column index -> field
    unlabelled: set[int] = field(default_factory=set)  # columns with no header text


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _resolve_header(
    row: _RawRow, source: str, lookup: Mapping[str, str], forms: bool
) -> tuple[_Header, list[Problem], list[Problem]]:
    """Map header cells to fields; returns (header, errors, warnings)."""
    header = _Header(row=row.number, width=len(row.cells))
    errors: list[Problem] = []
    notes: list[Problem] = []
    first: dict[str, str] = {}
    texts = ["" if cell is None else " ".join(str(cell).replace("\ufeff", "").split()) for cell in row.cells]
    for index, text in enumerate(texts):
        if not text:
            header.unlabelled.add(index)
            continue
        name = lookup.get(_fold(text))
        if name is None:
            if not (forms and _fold(text) in FORMS_METADATA_COLUMNS):
                notes.append(
                    Problem(
                        f"column {_short(text)!r} is not a known column and was ignored",
                        source,
                        row.number,
                        _short(text),
                        Severity.WARNING,
                    )
                )
            continue
        if name in first:
            errors.append(
                Problem(
                    f"columns {_short(first[name])!r} and {_short(text)!r} both give {name}",
                    source,
                    row.number,
                    name,
                )
            )
            continue
        first[name] = text
        header.fields[index] = name
    missing = [name for name in REQUIRED_COLUMNS if name not in first]
    if missing and not first:
        label = _delimiter_label(row.cells, lookup)
        if label:
            errors.append(
                Problem(
                    f"the columns are separated by {label}, not commas: "
                    "save the file as 'CSV (comma delimited)'",
                    source,
                    row.number,
                )
            )
            return header, errors, notes
        errors.append(Problem("the header row has none of the expected column names", source, row.number))
    for name in missing:
        errors.append(
            Problem(f"required column {name!r} is missing from the header row", source, row.number, name)
        )
    for name in RECORD_COLUMNS:
        if name not in first and name not in REQUIRED_COLUMNS:
            notes.append(
                Problem(
                    f"column {name!r} is missing; every row is read with the default",
                    source,
                    row.number,
                    name,
                    Severity.WARNING,
                )
            )
    return header, errors, notes


def _delimiter_label(cells: Sequence[object], lookup: Mapping[str, str]) -> str:
    """The wrong delimiter ("semicolons"/"tabs") if splitting on it finds known columns."""
    for delimiter, label in ((";", "semicolons"), ("\t", "tabs")):
        parts = [part for cell in cells if isinstance(cell, str) for part in cell.split(delimiter)]
        if sum(_fold(part.strip('"')) in lookup for part in parts) >= 2:
            return label
    return ""


def _check_corrections(source: str, corrections: Corrections) -> None:
    problems = [
        Problem(f"a correction names {str(name)[:60]!r}, which is not a record column", source, row)
        for row, cells in corrections.items()
        for name in cells
        if name not in RECORD_COLUMNS
    ]
    if problems:
        raise ProblemsError(problems)


def _read_header(
    source: str, rows: Iterator[_RawRow], lookup: Mapping[str, str], forms: bool
) -> tuple[_Header, Sequence[object], list[Problem]]:
    """The header row (the first that is not blank, taken from ``rows``), its cells, and the notes on it."""
    for row in rows:
        _check_row_limit(row, source)
        if row.error:
            raise ProblemsError([Problem("the header row could not be read", source, row.number)])
        if not all(_is_blank(cell) for cell in row.cells):
            header, errors, notes = _resolve_header(row, source, lookup, forms)
            if errors:
                # The unknown headers too, after what stops the run; not when no
                # header was recognised (the row may be data, and data is never echoed).
                unknown = [note for note in notes if note.key not in RECORD_COLUMNS] if header.fields else []
                raise ProblemsError(errors + unknown)
            return header, row.cells, notes
    raise ProblemsError([Problem("file has no header row", source)])


def _read_table(
    source: str,
    rows: Iterator[_RawRow],
    lookup: Mapping[str, str],
    forms: bool,
    corrections: Corrections | None = None,
) -> RecordSet:
    """Header row, then one record or reject per non-blank row."""
    corrections = corrections or {}
    _check_corrections(source, corrections)
    header, header_cells, notes = _read_header(source, rows, lookup, forms)
    result = RecordSet(source_name=source, rows_read=0, warnings=notes)
    result.headers = {
        name: " ".join(str(header_cells[i]).replace("\ufeff", "").split())
        for i, name in header.fields.items()
    }
    unlabelled_used: set[int] = set()
    applied: list[int] = []  # rows read with their corrections (accepted or not): the run's identity
    for row in rows:
        _check_row_limit(row, source)
        corrected = corrections.get(row.number)
        if row.error and not corrected:
            result.rows_read += 1
            result.rejects.append(Reject(row.number, "row", row.error))
            continue
        if not row.error and all(_is_blank(cell) for cell in row.cells):
            continue  # (a correction for a blank row holds no record: not applied)
        if row.error:  # retyped in full by the person correcting it
            row = _RawRow(row.number, ())
        result.rows_read += 1
        if result.rows_read > MAX_ROWS:
            raise ProblemsError(
                [Problem(f"file has more than {MAX_ROWS:,} rows of records; split it", source)]
            )
        beyond = [i for i in range(header.width, len(row.cells)) if not _is_blank(row.cells[i])]
        if beyond and not forms:  # in a CSV, a row that shifted right
            if not corrected:
                result.rejects.append(
                    Reject(row.number, "row", "row has more cells than the header row (an unquoted comma?)")
                )
                continue
            row, beyond = _RawRow(row.number, ()), []  # retyped in full by the person correcting it
        unlabelled_used.update(beyond)
        unlabelled_used.update(
            i for i in header.unlabelled if i < len(row.cells) and not _is_blank(row.cells[i])
        )
        cells = {name: row.cells[i] if i < len(row.cells) else None for i, name in header.fields.items()}
        if corrected:
            cells.update(corrected)
            applied.append(row.number)
        outcome = build_row(row.number, cells)
        if outcome.reject is not None or outcome.warnings:
            result.found[row.number] = {name: _cell_text(value) for name, value in cells.items()}
        if outcome.reject is not None:
            result.rejects.append(
                outcome.reject
            )  # a correction that still fails: still rejected, not corrected
        else:
            assert outcome.record is not None
            result.records.append(outcome.record)
            result.row_warnings.extend(outcome.warnings)
            if corrected:
                result.corrected_rows.append(row.number)
    if applied:
        cells_by_row = {str(row): {k: str(v) for k, v in sorted(corrections[row].items())} for row in applied}
        result.corrections_key = hashlib.sha256(
            json.dumps(cells_by_row, sort_keys=True).encode("utf-8")
        ).hexdigest()
    for index in sorted(unlabelled_used):
        result.warnings.append(
            Problem(
                f"column {index + 1} has data but no header and was ignored",
                source,
                header.row,
                severity=Severity.WARNING,
            )
        )
    return result


def _cell_text(value: object) -> str:
    """A cell as a person would retype it: text as it is, a date as YYYY-MM-DD, blank as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _check_row_limit(row: _RawRow, source: str) -> None:
    if row.number > MAX_ROW_NUMBER:
        raise ProblemsError([Problem(f"file has more than {MAX_ROW_NUMBER:,} rows", source)])
