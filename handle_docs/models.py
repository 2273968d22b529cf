"""Typed data that flows through handle-docs.

Pure data: nothing here reads files, renders or logs.  Every stage takes some of
these and returns others, so each stage can be tested on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

# ---------------------------------------------------------------------------
# Problems: errors are values until the CLI edge prints them.
# ---------------------------------------------------------------------------


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can.

    ``file`` and ``line`` point a person at the place to fix; ``key`` is the
    dotted path of the YAML key (``blocks.findings.insecure_vehicle``) or the
    column name of a record.  Messages never contain personal data.
    """

    message: str
    file: str = ""
    line: int | None = None
    key: str = ""
    severity: Severity = Severity.ERROR

    @property
    def where(self) -> str:
        """``file:line: key``, as much of it as is known."""
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.key:
            where += f": {self.key}"
        return where

    def __str__(self) -> str:
        return f"{self.where}: {self.severity.value}: {self.message}"


class ProblemsError(Exception):
    """Raised (once) when validation found problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# ---------------------------------------------------------------------------
# Check records (one row per vehicle checked)
# ---------------------------------------------------------------------------

#: The canonical CSV columns, in order.
RECORD_COLUMNS: tuple[str, ...] = (
    "submitted_at",
    "officer",
    "address",
    "postcode",
    "vrm",
    "vehicle_secure",
    "items_on_display",
    "advice_given",
    "nws_interest",
    "cms_interest",
    "language",
    "large_print",
    "format",
)


@dataclass(frozen=True)
class VisitRecord:
    """One validated, normalised check of one vehicle.

    ``row`` is the row number a person sees when they open the source file in
    a spreadsheet (the header is row 1, the first record row 2), for CSV and
    the Forms export alike, so people can find a record again without anyone
    printing the personal data.
    """

    row: int
    submitted_at: dt.datetime | None  # None: the time could not be read
    officer: str  # "" when not recorded
    address: str  # delivery address, lines separated by ", "
    postcode: str  # normalised, e.g. "ZZ1 4QX"; "" when missing or invalid (hand delivery)
    vrm: str  # normalised registration, e.g. "AB12 CDE"; "" when missing or malformed
    vehicle_secure: bool
    items_on_display: tuple[str, ...]  # canonical item keys, e.g. ("bag", "phone")
    advice_given: bool
    nws_interest: bool
    cms_interest: bool
    language: str = ""  # "" when not stated (records/vocab.NOT_STATED), "cy+en" for Welsh and English
    large_print: bool = False
    format: str = ""  # records/vocab.FORMATS: "" the print letter, "braille", "large_print"
    keys_visible: bool = False

    @property
    def insecure(self) -> bool:
        return not self.vehicle_secure

    @property
    def has_items(self) -> bool:
        return bool(self.items_on_display)


@dataclass(frozen=True)
class Reject:
    """A source row that did not become part of any letter, and why."""

    row: int
    field: str
    reason: str


@dataclass(frozen=True)
class RowWarning:
    """A row whose letter was still made, with one of its cells read as a
    default.  ``found`` describes the cell in words ("free text, 21
    characters", "blank") and never repeats it; ``assumed`` says what the
    letter does instead."""

    row: int
    field: str
    found: str
    assumed: str


@dataclass
class RecordSet:
    """What a records reader returns: every row ends up in exactly one list."""

    source_name: str  # file name only, never a path with personal data in it
    rows_read: int
    records: list[VisitRecord] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # file level, e.g. unknown columns
    row_warnings: list[RowWarning] = field(default_factory=list)  # rows kept with a cell assumed
    corrected_rows: list[int] = field(default_factory=list)  # rows read with corrections (read.py)
    corrections_key: str = ""  # SHA-256 of the corrections applied, for the run's identity ("" for none)
    headers: dict[str, str] = field(default_factory=dict)  # field -> its column's header as the file has it
    # row -> field -> the cell as read, for the rows rejected or read with a warning: only for the person
    # correcting their own upload (a no-store page); never logged, written or put in a report
    found: dict[int, dict[str, str]] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Letters
# ---------------------------------------------------------------------------


class Finding(StrEnum):
    """What the officers found at an address; keys the advice in content."""

    INSECURE_VEHICLE = "insecure_vehicle"
    ITEMS_ON_DISPLAY = "items_on_display"
    KEYS_VISIBLE = "keys_visible"
    ALL_SECURE = "all_secure"


@dataclass(frozen=True)
class VehicleCheck:
    vrm: str  # "" when not recorded: the letter says so in words
    secure: bool
    items_on_display: tuple[str, ...]
    keys_visible: bool = False


@dataclass(frozen=True)
class Letter:
    """One letter to one delivery address: pure data, no wording."""

    letter_id: str
    address_lines: tuple[str, ...]
    postcode: str
    vehicles: tuple[VehicleCheck, ...]
    findings: tuple[Finding, ...]
    source_rows: tuple[int, ...]
    language: str = "en-GB"
    large_print: bool = False
    braille: bool = False  # a braille copy (BRF) besides the print letter (handle_docs/braille/)
    nws_interest: bool = False
    cms_interest: bool = False
    visit_date: dt.date | None = None
    recipient: str = "The Occupier"
