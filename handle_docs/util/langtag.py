"""Language tags: the one place that reads the language out of a tag ("cy-GB" → "cy")."""

from __future__ import annotations


def primary_subtag(tag: str | None) -> str:
    """The language of a BCP 47 tag, lower case: "cy-GB" → "cy", "ur_PK" → "ur", "" for none."""
    return (tag or "").strip().replace("_", "-").split("-")[0].lower()
