"""Commit messages a person can read: "Visit letter: opening changed", "Visit letter version 7 approved
by Priya Lang, comms lead"."""

from __future__ import annotations

from handle_docs.review.signoffs import APPROVED
from handle_docs.wording.labels import field_name, section_name


def _field_words(key: str) -> str:
    """``blocks.findings.insecure_vehicle.text`` → ``what we found › a car not locked``, the section as the
    editor names it (a heading: ``… heading``); a label or item name as its box is named."""
    parts = key.split(".")
    if parts[0] in ("labels", "items", "link_labels"):
        name = field_name(key)
        return name[:1].lower() + name[1:]
    if parts[0] == "blocks":
        parts = parts[1:]
    heading = len(parts) > 1 and parts[-1] == "heading"
    if len(parts) > 1 and parts[-1] in ("text", "heading"):
        parts = parts[:-1]
    name = section_name(".".join(parts).replace("-", "_")) + (" heading" if heading else "")
    return name[:1].lower() + name[1:]


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
