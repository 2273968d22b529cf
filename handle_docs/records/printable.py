"""Can the bundled font print this text?

A letter must never silently drop part of an address: a character the
bundled font has no glyph for (emoji, or a script other than Latin) would be
drawn as an empty box, or pulled from whatever font the machine happens to
have.  Records whose printed fields hold such characters are rejected with a
reason, before any letter is laid out.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from fontTools.ttLib import TTFont

from handle_docs.models import RecordSet, Reject, VisitRecord
from handle_docs.render.pdf import FONT_DIR

#: Fields a letter prints, as (field name, getter).
PRINTED_FIELDS = (
    ("address", lambda r: r.address),
    ("postcode", lambda r: r.postcode),
    ("vrm", lambda r: r.vrm),
    ("items_on_display", lambda r: " ".join(r.items_on_display)),
)


@lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """Code points every face of the bundled font can draw."""
    points: set[int] | None = None
    for face in ("Regular", "Bold"):
        font = TTFont(FONT_DIR / f"AtkinsonHyperlegible-{face}.ttf", lazy=True)
        cmap = set(font.getBestCmap())
        font.close()
        points = cmap if points is None else points & cmap
    return frozenset(points or ())


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
                    reason="contains characters the letter font cannot print (such as emoji or a non-Latin "
                    "script); write the letter by hand or retype the field",
                )
            )
        else:
            keep.append(record)
    return replace(recordset, records=keep, rejects=rejects)
