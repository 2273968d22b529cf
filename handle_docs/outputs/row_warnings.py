"""``warnings.csv``: the rows whose letter was made with a cell read as a default.

One line per cell: the row number as a spreadsheet shows it (the header is
row 1), the field, what was found there described in words (never the cell
itself) and what was assumed, so someone can follow each one up.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from handle_docs.models import RowWarning
from handle_docs.util.tables import write_csv

FILE_NAME = "warnings.csv"
HEADER = ["row", "field", "found", "assumed"]


def write_warnings(folder: Path, warnings: Sequence[RowWarning]) -> Path:
    path = Path(folder) / FILE_NAME
    write_csv(path, HEADER, [(w.row, w.field, w.found, w.assumed) for w in warnings])
    return path
