"""Check a records file before any letter is made: what an upload check page shows.

:func:`check_records` reads a CSV or Forms ``.xlsx`` exactly as a letters run
would (same reader, same rules, same font screening) and returns a
:class:`RecordsCheck`: first the problems with the file itself (not a CSV or
``.xlsx``, missing columns, unknown headers), then the rows that would get no
letter and the rows whose letter is made with an answer assumed, each with its
row number as a spreadsheet shows it, the field, what is wrong and what to do.

Corrections (row number -> {field: value}) are applied to this reading only;
the file is never changed.  The same corrections given to
:func:`handle_docs.records.read.read_records` make the run, whose manifest
then lists the corrected rows.  Nothing here holds a cell's value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from handle_docs.models import ProblemsError, RecordSet, Severity
from handle_docs.records.printable import screen
from handle_docs.records.read import Corrections, read_records
from handle_docs.records.rules import what_to_do


@dataclass(frozen=True)
class FileProblem:
    """Something about the whole file; ``stops`` is True when no letter can be made from it."""

    message: str
    column: str = ""  # the column or header it is about, if any
    stops: bool = True


@dataclass(frozen=True)
class RowProblem:
    """One row: rejected (``assumed`` is "") or kept with an answer assumed."""

    row: int  # as a spreadsheet numbers it: the header is row 1
    fields: tuple[str, ...]  # record columns, or ("row",) when the row could not be read
    what_is_wrong: str
    what_to_do: str
    assumed: str = ""  # for a warning: what the letter does instead
    still: bool = False  # rejected although corrected for this run: the correction still fails


@dataclass
class RecordsCheck:
    source_name: str
    file_problems: list[FileProblem] = field(default_factory=list)  # the ones that stop the run first
    rejected: list[RowProblem] = field(default_factory=list)  # rows that get no letter
    warnings: list[RowProblem] = field(default_factory=list)  # rows whose letter is made with an assumption
    rows_read: int = 0
    corrected_rows: list[int] = field(default_factory=list)  # corrected and now accepted
    still_rejected: list[int] = field(default_factory=list)  # corrected, and still not accepted
    recordset: RecordSet | None = None  # what a run would use (None when the file cannot be used)

    @property
    def usable(self) -> bool:
        """Whether letters can be made (some rows may still be rejected)."""
        return self.recordset is not None and not any(p.stops for p in self.file_problems)

    @property
    def rows_in_letters(self) -> int:
        return self.rows_read - len(self.rejected)


def check_records(
    path: Path, column_map: Path | None = None, corrections: Corrections | None = None
) -> RecordsCheck:
    """Check ``path`` as a letters run would read it, with ``corrections`` applied."""
    path = Path(path)
    result = RecordsCheck(source_name=path.name)
    try:
        recordset = screen(read_records(path, column_map, corrections))
    except ProblemsError as exc:
        problems = [FileProblem(p.message, p.key, stops=p.severity == Severity.ERROR) for p in exc.problems]
        result.file_problems = sorted(problems, key=lambda p: not p.stops)  # what stops the run first
        return result
    result.recordset = recordset
    result.rows_read = recordset.rows_read
    result.corrected_rows = list(recordset.corrected_rows)
    rejected = {reject.row for reject in recordset.rejects}
    tried = set(corrections or {})
    result.still_rejected = sorted(tried & rejected)
    result.file_problems = [FileProblem(p.message, p.key, stops=False) for p in recordset.warnings]
    for row in sorted(tried - set(recordset.corrected_rows) - rejected):
        result.file_problems.append(
            FileProblem(f"the correction for row {row} was not used: that row holds no record", stops=False)
        )
    for reject in sorted(recordset.rejects, key=lambda r: r.row):
        fields = tuple(reject.field.split(", "))
        todo = dict.fromkeys(what_to_do(name) for name in fields)  # in order, each once
        result.rejected.append(
            RowProblem(reject.row, fields, reject.reason, "; ".join(todo), still=reject.row in tried)
        )
    for warning in sorted(recordset.row_warnings, key=lambda w: w.row):
        if warning.row in rejected:  # (the font cannot print it): no letter, so nothing is assumed
            continue
        result.warnings.append(
            RowProblem(
                warning.row, (warning.field,), warning.found, what_to_do(warning.field), warning.assumed
            )
        )
    return result
