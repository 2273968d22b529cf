"""Commit messages a person can read: "Visit letter: opening changed", "Visit letter version 7 approved
by Priya Lang, comms lead"."""

from __future__ import annotations

from handle_docs.review.signoffs import APPROVED


def _field_words(key: str) -> str:
    """``blocks.findings.insecure_vehicle.text`` → ``findings insecure vehicle``."""
    parts = key.split(".")
    if parts[0] == "blocks":
        parts = parts[1:]
    if parts and parts[-1] in ("text", "heading") and len(parts) > 1:
        parts = parts[:-1] if parts[-1] == "text" else [*parts[:-1], "heading"]
    return " ".join(parts).replace("_", " ").replace("-", " ")


def _title(title: str) -> str:
    return title[:1].upper() + title[1:] if title else title


def saved(title: str, changed_keys: list[str]) -> str:
    names = list(dict.fromkeys(_field_words(k) for k in changed_keys))
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return f"{_title(title)}: {shown or 'wording'} changed"


def signed(title: str, number: int | None, decision: str, person: str, role_words: str) -> str:
    """``role_words``: the role as the policy names it ("comms lead")."""
    version = f" version {number}" if number else ""
    if decision == APPROVED:
        return f"{_title(title)}{version} approved by {person}, {role_words}"
    return f"{_title(title)}{version}: changes asked for by {person}, {role_words}"
