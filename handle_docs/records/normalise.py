"""Pure functions that turn one typed cell into one clean value.

Every ``normalise_*``/``parse_*`` function takes the raw cell (``str`` from a
CSV; ``str``, ``int``, ``float``, ``bool``, ``datetime`` or ``None`` from an
Excel sheet) and returns the normalised value or raises :class:`FieldError`.
A :class:`FieldError` reason says what is wrong and never repeats the value,
because the values are personal data (registrations, addresses, names).

:mod:`handle_docs.records.rules` applies them to a whole row and decides, field
by field, whether a failure rejects the row or is assumed away with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from handle_docs.records import vocab

MAX_ADDRESS_CHARS = 200
MAX_OFFICER_CHARS = 60
#: Fields that may be left blank (read as "no").
OPTIONAL_YES_NO = ("advice_given", "nws_interest", "cms_interest", "large_print")

# C0/C1 control characters and DEL, except tab, line feed and carriage return
# (which are whitespace a person can type in a cell).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class FieldError(ValueError):
    """A cell that cannot be used; ``reason`` is safe to show (no cell value)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _as_text(value: object, name: str) -> str:
    """Cell value as text; numbers are written as typed (4127.0 -> "4127")."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise FieldError(f"{name} must be text, not a tick box")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise FieldError(f"{name} must be text, not a date or time")
    raise FieldError(f"{name} must be text")


def _collapse(text: str) -> str:
    """Trim and collapse every run of whitespace to one space."""
    return " ".join(text.split())


def check_control(text: str, name: str) -> None:
    if _CONTROL.search(text):
        raise FieldError(f"{name} contains control characters")


# ---------------------------------------------------------------------------
# registration (VRM)
# ---------------------------------------------------------------------------

_VRM_FORMATS: tuple[re.Pattern[str], ...] = (
    re.compile(r"([A-Z]{2}[0-9]{2})([A-Z]{3})"),  # current: AB12 CDE
    re.compile(r"([A-Z][0-9]{1,3})([A-Z]{3})"),  # prefix: A123 BCD
    re.compile(r"([A-Z]{3})([0-9]{1,3}[A-Z])"),  # suffix: ABC 123D
    re.compile(r"([A-Z]{1,4})([0-9]{1,4})"),  # dateless: ABC 123
    re.compile(r"([0-9]{1,4})([A-Z]{1,4})"),  # dateless reversed: 123 ABC
)
_VRM_MAX_CHARS = 7


def normalise_vrm(value: object) -> str:
    """UK registration, upper case and conventionally spaced ("AB12 CDE").

    Spaces and hyphens are ignored.  Current, prefix, suffix and dateless
    formats are accepted; anything else raises :class:`FieldError`.
    """
    text = _as_text(value, "vrm")
    compact = re.sub(r"[\s\-]+", "", text).upper()
    if not compact:
        raise FieldError("registration is missing")
    if compact.isascii() and len(compact) <= _VRM_MAX_CHARS:
        for pattern in _VRM_FORMATS:
            match = pattern.fullmatch(compact)
            if match:
                return f"{match.group(1)} {match.group(2)}"
    raise FieldError("registration is not in a recognised UK format")


# ---------------------------------------------------------------------------
# postcode
# ---------------------------------------------------------------------------

_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE = re.compile(
    r"(?:"
    r"[A-PR-UWYZ][0-9]{1,2}"  # A9, A99
    r"|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}"  # AA9, AA99
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"  # A9A
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]"  # AA9A
    r"|ZZ[0-9]{1,2}|ZZ[0-9][A-Z]"  # the fictional area ZZ (examples, tests)
    rf"){_INWARD}"
    r"|GIR0AA"
)


def normalise_postcode(value: object) -> str:
    """UK postcode, upper case with one space before the inward code ("ZZ1 4QX")."""
    text = _as_text(value, "postcode")
    compact = "".join(text.split()).upper()
    if not compact:
        raise FieldError("postcode is missing")
    if not (5 <= len(compact) <= 7 and compact.isascii() and _POSTCODE.fullmatch(compact)):
        raise FieldError("postcode is not a valid UK postcode")
    return f"{compact[:-3]} {compact[-3:]}"


# ---------------------------------------------------------------------------
# yes / no
# ---------------------------------------------------------------------------


def parse_yes_no(value: object, name: str, *, required: bool = False) -> bool:
    """An answer to a yes-or-no field, in the words of :mod:`vocab` (any case,
    stray spaces, a Forms checkbox's ``;``): yes/y/true/ticked -> True,
    no/n/false -> False; for ``vehicle_secure`` also locked/secure -> True,
    unlocked/insecure -> False.  A tick box cell is its value, 1/0 count.

    A blank cell is False unless ``required``; anything else raises.
    """
    if value is None:
        value = ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = value if isinstance(value, str) else None
    if text is not None and not vocab.answer_parts(text):
        if required:
            raise FieldError(f"{name} is blank")
        return False
    meaning = vocab.yes_no(text, name) if text is not None else None
    if meaning is None:
        raise FieldError(f"{name} must be yes or no")
    return meaning


# ---------------------------------------------------------------------------
# items on display
# ---------------------------------------------------------------------------


def item_key(word: str) -> str | None:
    """Canonical item key for a typed word (alias or simple plural), else None."""
    low = _collapse(word).lower()
    key = vocab.ITEM_LOOKUP.get(low)
    if key is None and low.endswith("s"):
        key = vocab.ITEM_LOOKUP.get(low[:-1])
    return key


def normalise_items(value: object) -> tuple[str, ...]:
    """Items seen on display, as canonical keys in the order typed.

    Split on ``;`` (the Forms multi-choice separator) and ``,``; blanks and
    "none"/"nothing" are dropped; an answer that says nothing ("??", "-",
    "n/a", "unknown": :func:`~handle_docs.records.vocab.says_nothing`) is
    :data:`~handle_docs.records.vocab.UNNAMED_ITEM` (the rules warn about it);
    aliases become keys from :data:`handle_docs.records.vocab.ITEM_KEYS`; other
    words are kept as typed (with whitespace collapsed) up to 60 characters.
    Duplicates are dropped.
    """
    text = _as_text(value, "items_on_display")
    check_control(text, "items_on_display")
    items: list[str] = []
    seen: set[str] = set()
    for part in re.split(r"[;,\r\n]", text):
        item = _collapse(part)
        if not item or item.lower() in vocab.NO_ITEMS_WORDS:
            continue
        key = vocab.UNNAMED_ITEM if vocab.says_nothing(item) else item_key(item)
        if key is None:
            if len(item) > vocab.MAX_ITEM_CHARS:
                raise FieldError(
                    f"items_on_display has an item longer than {vocab.MAX_ITEM_CHARS} characters"
                )
            key = item
        folded = key.casefold()
        if folded not in seen:
            seen.add(folded)
            items.append(key)
    return tuple(items)


# ---------------------------------------------------------------------------
# date and time
# ---------------------------------------------------------------------------

_UK_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y")
_ISO_START = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _uk_local(value: dt.datetime) -> dt.datetime:
    """Naive UK local time for an aware datetime (UTC if no tz database)."""
    try:
        zone: dt.tzinfo = ZoneInfo("Europe/London")
    except ZoneInfoNotFoundError:  # pragma: no cover - platform without tzdata
        zone = dt.UTC
    return value.astimezone(zone).replace(tzinfo=None)


def parse_submitted_at(value: object) -> dt.datetime:
    """When the check was submitted, as a naive UK local datetime.

    Accepts a datetime/date cell, ISO 8601 text (``2026-11-14T18:05:00``,
    ``2026-11-14 18:05``, with or without an offset) and UK
    ``dd/mm/yyyy HH:MM[:SS]`` or ``dd/mm/yyyy``.
    """
    bad = FieldError("submitted_at is not a recognised date and time")
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime.combine(value, dt.time())
    elif value is None or (isinstance(value, str) and not value.strip()):
        raise FieldError("submitted_at is missing")
    elif isinstance(value, str):
        result = _parse_datetime_text(_collapse(value), bad)
    else:
        raise bad
    return _uk_local(result) if result.tzinfo is not None else result


def _parse_datetime_text(text: str, bad: FieldError) -> dt.datetime:
    if _ISO_START.match(text):
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            raise bad from None
    for fmt in _UK_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise bad


# ---------------------------------------------------------------------------
# address, officer, language
# ---------------------------------------------------------------------------


def normalise_address(value: object) -> str:
    """Delivery address: the typed lines (comma or newline separated) joined by ", "."""
    text = _as_text(value, "address")
    check_control(text, "address")
    lines = [line for line in (_collapse(part) for part in re.split(r"[,\r\n]+", text)) if line]
    if not lines:
        raise FieldError("address is missing")
    address = ", ".join(lines)
    if len(address) > MAX_ADDRESS_CHARS:
        raise FieldError(f"address is longer than {MAX_ADDRESS_CHARS} characters")
    if not any(ch.isalpha() for ch in address):
        raise FieldError("address must contain at least one letter")
    return address


def normalise_officer(value: object) -> str:
    """Officer (collar number or name), whitespace collapsed, at most 60 characters."""
    text = _as_text(value, "officer")
    check_control(text, "officer")
    officer = _collapse(text)
    if not officer:
        raise FieldError("officer is missing")
    if len(officer) > MAX_OFFICER_CHARS:
        raise FieldError(f"officer is longer than {MAX_OFFICER_CHARS} characters")
    return officer


_LANGUAGE_TAG = re.compile(r"([a-z]{2,3})(?:[-_]([a-z]{4}))?(?:[-_]([a-z]{2}|[0-9]{3}))?")


def normalise_language(value: object) -> str:
    """Letter language as a tag ("en-GB", "cy", "pl"); blank is
    :data:`~handle_docs.records.vocab.NOT_STATED` (English, or both
    languages where a letter is sent bilingual); Welsh and English together
    is :data:`~handle_docs.records.vocab.BILINGUAL_WELSH` ("cy+en").

    Accepts tags whose language we know (see :data:`handle_docs.records.vocab.LANGUAGES`,
    case normalised: ``EN-gb`` -> ``en-GB``; bare ``en`` -> ``en-GB``) and
    English names ("Welsh" -> "cy"; "Welsh (Cymraeg)" works too).
    """
    text = _collapse(_as_text(value, "language"))
    if not text:
        return vocab.NOT_STATED
    low = text.lower()
    if low in vocab.BILINGUAL_NAMES:
        return vocab.BILINGUAL_WELSH
    for name in (low, re.sub(r"\s*\(.*\)$", "", low)):
        if name in vocab.LANGUAGE_NAMES:
            return vocab.LANGUAGE_NAMES[name]
    match = _LANGUAGE_TAG.fullmatch(low)
    if not match or match.group(1) not in vocab.LANGUAGES:
        raise FieldError("language is not a recognised language code or name")
    language, script, region = match.groups()
    if not script and not region:
        return vocab.LANGUAGE_DEFAULT_REGION.get(language, language)
    parts = [language]
    if script:
        parts.append(script.title())
    if region:
        parts.append(region.upper())
    return "-".join(parts)


# ---------------------------------------------------------------------------
# a whole row
# ---------------------------------------------------------------------------


def normalise_format(value: object) -> str:
    """The letter's format: "" (the print letter; also a blank cell), "braille"
    or "large_print" (:data:`~handle_docs.records.vocab.FORMATS`); anything
    else raises (records/rules.py then sends large print, with a warning)."""
    text = _collapse(_as_text(value, "format"))
    meaning = vocab.letter_format(text)
    if meaning is None:
        raise FieldError("format must be braille or large print, or blank for the print letter")
    return meaning


def _yes_no(name: str, required: bool = False) -> Callable[[object], bool]:
    return lambda value: parse_yes_no(value, name, required=required)


#: Field -> function that normalises its cell.
FIELD_PARSERS: Mapping[str, Callable[[object], object]] = {
    "submitted_at": parse_submitted_at,
    "officer": normalise_officer,
    "address": normalise_address,
    "postcode": normalise_postcode,
    "vrm": normalise_vrm,
    "vehicle_secure": _yes_no("vehicle_secure", required=True),
    "items_on_display": normalise_items,
    "advice_given": _yes_no("advice_given"),
    "nws_interest": _yes_no("nws_interest"),
    "cms_interest": _yes_no("cms_interest"),
    "language": normalise_language,
    "large_print": _yes_no("large_print"),
    "format": normalise_format,
}
