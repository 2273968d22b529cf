"""Can the bundled fonts print this text?

A letter must never silently drop part of an address: a character no
bundled font has a glyph for (emoji, or a script none of them covers) would
be drawn as an empty box, or pulled from whatever font the machine happens
to have.  Records whose printed fields hold such characters are rejected
with a reason, before any letter is laid out.  Every bundled font counts
(Latin, Arabic and Urdu today; see ``util/fonts.py``), since the
templates' font stack draws each character with the first font that has it.
"""

from __future__ import annotations

from dataclasses import replace

from handle_docs.models import RecordSet, Reject, VisitRecord
from handle_docs.util.fonts import covered

#: Fields a letter prints, as (field name, getter).
PRINTED_FIELDS = (
    ("address", lambda r: r.address),
    ("postcode", lambda r: r.postcode),
    ("vrm", lambda r: r.vrm),
    ("items_on_display", lambda r: " ".join(r.items_on_display)),
)


def unprintable_fields(record: VisitRecord) -> list[str]:
    chars = covered()
    return [
        name
        for name, get in PRINTED_FIELDS
        if any(ord(ch) not in chars and not ch.isspace() for ch in get(record))
    ]


def screen(recordset: RecordSet) -> RecordSet:
    """Move records the font cannot print into the rejects, with a reason."""
    keep: list[VisitRecord] = []
    rejects = list(recordset.rejects)
    for record in recordset.records:
        fields = unprintable_fields(record)
        if fields:
            rejects.append(
                Reject(
                    row=record.row,
                    field=", ".join(fields),
                    reason="contains characters the letter fonts cannot print (such as emoji, or a script "
                    "no bundled font covers); write the letter by hand or retype the field",
                )
            )
        else:
            keep.append(record)
    refused = {reject.row for reject in rejects}
    corrected = [
        row for row in recordset.corrected_rows if row not in refused
    ]  # corrected, yet not printable
    return replace(recordset, records=keep, rejects=rejects, corrected_rows=corrected)
