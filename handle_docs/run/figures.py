"""A run's row figures: rows read = rows in letters + rows rejected, with the warnings beside them.

:func:`row_figures` is the one place these are counted; ``summary.txt``,
``stats.json``, ``manifest.json``, the command's last line and the operation
report all show what it returns, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Protocol

from handle_docs.models import Reject, RowWarning


class _HasRows(Protocol):
    @property
    def source_rows(self) -> Sequence[int]: ...


@dataclass(frozen=True)
class RowFigures:
    rows_read: int
    rows_in_letters: int
    rejected_rows: int
    warnings: int  # one per cell read as a default, in rows that are in a letter
    rows_with_warnings: int

    @property
    def balanced(self) -> bool:
        return self.rows_in_letters + self.rejected_rows == self.rows_read

    def as_dict(self) -> dict[str, int]:
        """The figures under the names stats.json and manifest.json use."""
        return asdict(self)

    def check_line(self) -> str:
        return (
            f"check: rows in letters + rows rejected = rows read: {self.rows_in_letters} + "
            f"{self.rejected_rows} = {self.rows_read} (warnings: {self.warnings} in {self.rows_with_warnings} rows)"
        )


def kept_warnings(warnings: Iterable[RowWarning], letters: Iterable[_HasRows]) -> list[RowWarning]:
    """The warnings of rows that are in a letter (a row rejected later needs none), in row order."""
    in_letters = {row for letter in letters for row in letter.source_rows}
    return sorted((w for w in warnings if w.row in in_letters), key=lambda w: w.row)


def row_figures(
    rows_read: int,
    letters: Sequence[_HasRows],
    rejects: Iterable[Reject],
    warnings: Iterable[RowWarning] = (),
) -> RowFigures:
    kept = kept_warnings(warnings, letters)
    return RowFigures(
        rows_read=rows_read,
        rows_in_letters=sum(len(letter.source_rows) for letter in letters),
        rejected_rows=len({reject.row for reject in rejects}),
        warnings=len(kept),
        rows_with_warnings=len({w.row for w in kept}),
    )
