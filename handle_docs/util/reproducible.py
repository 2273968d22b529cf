"""The one reading of ``SOURCE_DATE_EPOCH``: same inputs, same bytes.

Every writer that stamps a date into a file (PDF metadata, the joined batch,
the booklet imposition, Word core properties) takes it from here.
"""

from __future__ import annotations

import datetime as dt
import os


def source_datetime() -> dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` as an aware UTC datetime, or None when unset."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
