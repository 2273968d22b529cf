"""The records rules: which unreadable cell costs a row its letter, and which is read as a default.

A row is **rejected** only when its letter cannot be made right: no usable
address, no way to tell whether the vehicle was secure, items on show that
cannot be read (the letter would say the wrong thing), or a row that cannot be
read at all (see ``read.py``).  Every other cell that cannot be read is taken
as a default and the letter is still made; the row is listed in
``warnings.csv`` with what was found (described in words, never the cell
itself: it could hold personal data) and what was assumed.  So is a row whose
items answer says nothing ("??", "-", "n/a", "unknown"): its letter says
something was on show without naming it.

:data:`RULES` is the one table of these decisions; :func:`build_row` applies
it to a row, and :mod:`handle_docs.records.check` reads the same table to say
what to do about each problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from handle_docs.models import RECORD_COLUMNS, Reject, RowWarning, VisitRecord
from handle_docs.records import vocab
from handle_docs.records.normalise import FIELD_PARSERS, FieldError, check_control


@dataclass(frozen=True)
class FieldRule:
    """What happens when a field's cell cannot be read."""

    field: str
    what_to_do: str  # for the person correcting the row (check page)
    rejects: bool = False  # True: the row gets no letter
    default: object = None  # the value assumed instead (rejects=False)
    assumed: str = ""  # what the letter does instead, in words (rejects=False)
    found_says_why: bool = True  # False: any answer but yes/no is fine, say only what it was


RULES: Mapping[str, FieldRule] = MappingProxyType(
    {
        rule.field: rule
        for rule in (
            FieldRule(
                "submitted_at",
                "type when the check was made, like 14/11/2026 19:05",
                default=None,
                assumed="the letter is dated the patrol date",
            ),
            FieldRule(
                "officer",
                "type the officer's collar number",
                default="",
                assumed="the letter does not need it; left blank",
            ),
            FieldRule(
                "address",
                "type the delivery address: house number or name, street and town, separated by commas",
                rejects=True,
            ),
            FieldRule(
                "postcode",
                "type the postcode, like ZZ1 4QX",
                default="",
                assumed="letter made for hand delivery, unless another row for the address gives its postcode",
            ),
            FieldRule(
                "vrm",
                "type the registration, like AB12 CDE, if it is known",
                default="",
                assumed='the letter says "a car" instead of its registration',
            ),
            FieldRule(
                "vehicle_secure",
                "answer yes if the vehicle was locked with the windows and sunroof shut, otherwise no",
                rejects=True,
            ),
            FieldRule(
                "items_on_display",
                "list what was on show separated by semicolons, each at most "
                f"{vocab.MAX_ITEM_CHARS} characters, or leave it blank for nothing",
                rejects=True,
            ),
            FieldRule(
                "advice_given",
                "answer yes or no",
                default=True,
                assumed="counted as advice given",
                found_says_why=False,
            ),
            FieldRule(
                "nws_interest",
                "answer yes or no",
                default=False,
                assumed="treated as no; ask the resident about Neighbourhood Watch",
            ),
            FieldRule(
                "cms_interest",
                "answer yes or no",
                default=False,
                assumed="treated as no; ask the resident about crime alerts",
            ),
            FieldRule(
                "language",
                "type the language, like Welsh, Polish or cy, or leave it blank for English",
                default=vocab.DEFAULT_LANGUAGE,
                assumed="the letter is in English",
            ),
            FieldRule(
                "large_print",
                "answer yes or no",
                default=False,
                assumed="treated as no; ask the resident whether they want large print",
            ),
            FieldRule(
                "format",
                "type braille or large print, or leave it blank for the ordinary print letter",
                default=vocab.LARGE_PRINT,
                assumed="sent in large print; ask the resident which format they need",
            ),
        )
    }
)

#: An items answer that says nothing ("??", "-", "n/a", "unknown"): the row keeps its
#: letter, which says something was on show without naming it, and is warned about.
UNNAMED_ITEM_FOUND = "an item on show is not named (an answer like ??, - or unknown)"
UNNAMED_ITEM_ASSUMED = "the letter says something was on show, without naming it"

#: What to do about a row that could not be read at all, or a letter that failed.
ROW_WHAT_TO_DO = (
    "open the file in a spreadsheet and check this row: a cell may hold a stray comma, quote or "
    "character the letter font cannot print"
)

assert tuple(RULES) == RECORD_COLUMNS, "one rule per record column"


def what_to_do(field_name: str) -> str:
    """What a person should do about a problem in ``field_name`` ("row" for the whole row)."""
    rule = RULES.get(field_name)
    return rule.what_to_do if rule is not None else ROW_WHAT_TO_DO


def describe(value: object) -> str:
    """A cell described without its contents: "blank", "free text, 21 characters"…"""
    if value is None:
        return "blank"
    if isinstance(value, bool):
        return "a tick box, ticked" if value else "a tick box, not ticked"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        return "a date or time"
    if isinstance(value, str):
        if not value.strip():
            return "blank"
        options = vocab.answer_parts(value)
        if ";" in value and len(options) > 1:
            return f"{len(options)} options ticked"
        text = " ".join(value.split())
        return f"free text, {len(text)} character{'s' if len(text) != 1 else ''}"
    return "a cell that is not text"


def _found(value: object, problem: FieldError | None) -> str:
    found = describe(value)
    if problem is None or found == "blank":
        return found
    return f"{found}: {problem.reason}"


@dataclass
class RowOutcome:
    """One row under the rules: a record (maybe with warnings) or a reject."""

    record: VisitRecord | None = None
    reject: Reject | None = None
    warnings: list[RowWarning] = field(default_factory=list)


def build_row(row: int, cells: Mapping[str, object]) -> RowOutcome:
    """One row's cells (field -> raw value) under :data:`RULES`.

    Rejected: one :class:`Reject` naming every field that rejects it (``field``
    comma-separated, reasons joined by "; "), and no warnings.  Kept: the
    record, and one :class:`RowWarning` per field read as a default.
    """
    values: dict[str, object] = {}
    errors: list[tuple[str, str]] = []
    warnings: list[RowWarning] = []
    for name, rule in RULES.items():
        raw = cells.get(name)
        try:
            if isinstance(raw, str):
                check_control(raw, name)
        except FieldError as exc:
            problem, why = exc, True  # a stray character is always worth saying
        else:
            try:
                values[name] = FIELD_PARSERS[name](raw)
                continue
            except FieldError as exc:
                problem, why = exc, rule.found_says_why
        if rule.rejects:
            errors.append((name, problem.reason))
        else:
            values[name] = rule.default
            warnings.append(RowWarning(row, name, _found(raw, problem if why else None), rule.assumed))
    if errors:
        return RowOutcome(
            reject=Reject(
                row=row,
                field=", ".join(name for name, _ in errors),
                reason="; ".join(reason for _, reason in errors),
            )
        )
    items = values["items_on_display"]
    assert isinstance(items, tuple)
    if vocab.UNNAMED_ITEM in items:
        found = f"{describe(cells.get('items_on_display'))}: {UNNAMED_ITEM_FOUND}"
        warnings.append(RowWarning(row, "items_on_display", found, UNNAMED_ITEM_ASSUMED))
    # each value was checked by its column's rule above (a row with errors returned)
    record = VisitRecord(row=row, keys_visible=vocab.KEYS_ITEM in items, **values)  # type: ignore[arg-type]
    return RowOutcome(record=record, warnings=warnings)


def build_record(row: int, cells: Mapping[str, object]) -> VisitRecord | Reject:
    """:func:`build_row` without the warnings: the record or the reject."""
    outcome = build_row(row, cells)
    result = outcome.record or outcome.reject
    assert result is not None
    return result
