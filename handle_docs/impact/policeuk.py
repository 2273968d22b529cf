"""Reading police.uk street-level crime files, streaming, keeping vehicle crime only.

police.uk publishes one CSV per force per month (``2026-03-<force>-street.csv``), in monthly folders of
the archive's zip. :func:`load_crimes` takes a folder of such files (searched recursively), the zip as
downloaded, or one CSV; any number of months and forces. Rows are read one at a time and only counts are
kept: per month and LSOA, per LSOA and street, and each LSOA's snap points (for the buffer ring).

A wrong file is not a crash: each problem is a :class:`~handle_docs.models.Problem` naming the file, the
row (as a spreadsheet shows it: the header is row 1) and the column. police.uk data are public and
anonymised (locations are snap points over street centres), so nothing here is personal data.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from handle_docs.models import Problem, ProblemsError

HEADER: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
VEHICLE_CRIME = "Vehicle crime"
#: Only the street-level files are read; outcomes and stop-and-search files beside them are skipped.
FILE_SUFFIX = "-street.csv"
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
LOCATION_PREFIX = "On or near "
#: Problems kept per file before the rest of it is skipped (a wrong file would otherwise list every row).
MAX_PROBLEMS_PER_FILE = 5

_COL = {name: i for i, name in enumerate(HEADER)}


@dataclass(frozen=True)
class Crime:
    """One vehicle crime, as far as handle-docs needs it."""

    month: str  # YYYY-MM
    force: str  # "Falls within"
    street: str  # "Larch Close" from "On or near Larch Close"; "" when the crime has no location
    lsoa_code: str  # "" when the crime has no location
    lsoa_name: str
    point: tuple[float, float] | None  # (longitude, latitude) of the snap point
    vehicle: bool = True  # False: another crime type, read only for its month (a month with no vehicle crime)


@dataclass
class Crimes:
    """Counts of vehicle crime read from police.uk files."""

    by_month_lsoa: Counter = field(default_factory=Counter)  # (month, lsoa_code) -> crimes
    by_month_lsoa_street: Counter = field(default_factory=Counter)  # (month, lsoa_code, street) -> crimes
    lsoa_names: dict[str, str] = field(default_factory=dict)
    lsoa_force: dict[str, str] = field(default_factory=dict)  # the force the LSOA's crimes fall within
    points: dict[str, set[tuple[float, float]]] = field(default_factory=lambda: defaultdict(set))
    months: set[str] = field(default_factory=set)  # every month present in the files (any crime type)
    files: int = 0
    rows: int = 0  # vehicle crimes read
    no_location: int = 0  # vehicle crimes without a location (not counted in any LSOA)

    def add(self, crime: Crime) -> None:
        if not crime.lsoa_code:
            self.no_location += 1
            return
        self.by_month_lsoa[(crime.month, crime.lsoa_code)] += 1
        if crime.street:
            self.by_month_lsoa_street[(crime.month, crime.lsoa_code, crime.street)] += 1
        self.lsoa_names.setdefault(crime.lsoa_code, crime.lsoa_name)
        self.lsoa_force.setdefault(crime.lsoa_code, crime.force)
        if crime.point is not None:
            self.points[crime.lsoa_code].add(crime.point)

    @property
    def by_lsoa_street(self) -> Counter:
        """(lsoa_code, street) -> crimes over every month read."""
        found: Counter = Counter()
        for (_month, code, street), n in self.by_month_lsoa_street.items():
            found[(code, street)] += n
        return found

    @property
    def lsoas(self) -> list[str]:
        return sorted(self.lsoa_names)

    def series(self, lsoas: set[str] | frozenset[str]) -> dict[str, int]:
        """Vehicle crimes per month (every month in the files, 0 where none) in ``lsoas``."""
        out = {month: 0 for month in sorted(self.months)}
        for (month, code), n in self.by_month_lsoa.items():
            if code in lsoas:
                out[month] = out.get(month, 0) + n
        return dict(sorted(out.items()))


# --- where the files are -----------------------------------------------------------------


def _sources(path: Path) -> Iterator[tuple[str, TextIO]]:
    """(display name, open text stream) for each street-level CSV under ``path``, in name order."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(FILE_SUFFIX))
        for p in files:
            with p.open("r", encoding="utf-8-sig", newline="") as stream:
                yield p.relative_to(path).as_posix(), stream
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = sorted(n for n in archive.namelist() if n.lower().endswith(FILE_SUFFIX))
            for name in names:
                with archive.open(name) as raw:
                    yield f"{path.name}:{name}", io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    else:
        with path.open("r", encoding="utf-8-sig", newline="") as stream:
            yield path.name, stream


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def read_file(name: str, stream: TextIO, problems: list[Problem]) -> Iterator[Crime]:
    """The vehicle crimes of one street-level CSV; problems (file, row, column) appended to ``problems``."""
    found = 0

    def problem(message: str, row: int, column: str = "") -> bool:
        nonlocal found
        found += 1
        problems.append(Problem(message, name, row, column))
        if found >= MAX_PROBLEMS_PER_FILE:
            problems.append(Problem("more problems in this file were not listed", name))
            return True
        return False

    reader = csv.reader(stream)
    try:
        header = next(reader, None)
        if header is None:
            problem("the file is empty: a police.uk street-level file starts with its header row", 1)
            return
        header = [cell.strip() for cell in header]
        if tuple(header) != HEADER:
            for i, expected in enumerate(HEADER):
                got = header[i] if i < len(header) else ""
                if got != expected:
                    problem(
                        f"column {i + 1} should be '{expected}' but is '{got[:40]}': not a police.uk "
                        "street-level crime file",
                        1,
                        expected,
                    )
                    return
            problem(
                f"{len(header) - len(HEADER)} more columns than a police.uk street-level file has",
                1,
                header[len(HEADER)][:40],
            )
            return
        for row_number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(HEADER):
                if problem(f"{len(row)} columns where the header has {len(HEADER)}", row_number):
                    return
                continue
            if row[_COL["Crime type"]].strip() != VEHICLE_CRIME:
                month = row[_COL["Month"]].strip()
                if MONTH_RE.match(month):
                    yield Crime(month, "", "", "", "", None, vehicle=False)
                continue
            month = row[_COL["Month"]].strip()
            if not MONTH_RE.match(month):
                if problem(f"'{month[:20]}' is not a month written YYYY-MM", row_number, "Month"):
                    return
                continue
            lon_text, lat_text = row[_COL["Longitude"]].strip(), row[_COL["Latitude"]].strip()
            point = None
            if lon_text or lat_text:
                lon, lat = _float(lon_text), _float(lat_text)
                if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    column = "Longitude" if lon is None or not -180 <= lon <= 180 else "Latitude"
                    if problem("not a longitude and latitude in degrees", row_number, column):
                        return
                    continue
                point = (round(lon, 6), round(lat, 6))
            location = row[_COL["Location"]].strip()
            street = location[len(LOCATION_PREFIX) :].strip() if location.startswith(LOCATION_PREFIX) else ""
            code = row[_COL["LSOA code"]].strip()
            yield Crime(
                month, row[_COL["Falls within"]].strip(), street, code, row[_COL["LSOA name"]].strip(), point
            )
    except UnicodeDecodeError:
        problem("the file is not UTF-8 text", reader.line_num + 1)
    except csv.Error as exc:
        problem(f"the file cannot be read as CSV ({exc})", reader.line_num)


def load_crimes(path: Path) -> Crimes:
    """Every vehicle crime under ``path`` (folder, zip or CSV), counted; :class:`ProblemsError` listing
    every wrong file (file, row, column) when any is wrong, or when there is no street-level file at all."""
    path = Path(path)
    if not path.exists():
        raise ProblemsError([Problem("not found", str(path))])
    crimes = Crimes()
    problems: list[Problem] = []
    try:
        for name, stream in _sources(path):
            crimes.files += 1
            for crime in read_file(name, stream, problems):
                crimes.months.add(crime.month)
                if crime.vehicle:
                    crimes.rows += 1
                    crimes.add(crime)
    except (OSError, zipfile.BadZipFile) as exc:
        problems.append(Problem(f"cannot be read ({type(exc).__name__})", str(path)))
    if not problems and crimes.files == 0:
        problems.append(
            Problem(f"no police.uk street-level files (names ending '{FILE_SUFFIX}') found", str(path))
        )
    if problems:
        raise ProblemsError(problems)
    return crimes


__all__ = ["HEADER", "VEHICLE_CRIME", "Crime", "Crimes", "load_crimes", "read_file"]
