"""The record columns as an officer knows them: the question the Forms export
asked ("Vehicle registration"), when the file has one, else a plain name
("Registration", "Was it locked?") — never the internal name (``vrm``)."""

from __future__ import annotations

from handle_docs.models import RECORD_COLUMNS

PLAIN_NAMES = {
    "submitted_at": "When it was recorded",
    "officer": "Officer",
    "address": "Address",
    "postcode": "Postcode",
    "vrm": "Registration",
    "vehicle_secure": "Was it locked?",
    "items_on_display": "Items on show",
    "advice_given": "Advice given in person?",
    "nws_interest": "Joined Neighbourhood Watch?",
    "cms_interest": "Wants community messages?",
    "language": "Language of the letter",
    "large_print": "Large print?",
    "format": "Letter in another format?",
    "row": "The whole row",
}

assert set(RECORD_COLUMNS) <= set(PLAIN_NAMES), "a plain name for every record column"


def column_name(field: str, headers: dict[str, str] | None = None) -> str:
    """The column's header when the file's header is a question, not the internal name; else its plain name."""
    header = (headers or {}).get(field, "")
    internal = {field, field.replace("_", " ")}
    if header and header.lower() not in internal:
        return header
    return PLAIN_NAMES.get(field, field.replace("_", " "))
