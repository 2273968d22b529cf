"""Saves and sign-offs put on the record: the one place the workspace and the command line ask for a
change to be written and committed (:func:`repo.record`) with a readable message."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from handle_docs.review.policy import load_policy
from handle_docs.review.registry import REGISTRY_ID
from handle_docs.review.signoffs import review_dir_for
from handle_docs.wording.content import Content
from handle_docs.wording.edit import EditOutcome

from . import messages
from .numbering import Numbering
from .repo import Person, Recorded, record

T = TypeVar("T")


def _title(content: Content, material_id: str) -> str:
    """What a person calls the material: its id in words ("visit-letter" → "Visit letter")."""
    if material_id == REGISTRY_ID:
        return "Reviewer list"
    return material_id.replace("-", " ").replace("_", " ").capitalize()


def record_save(
    content: Content, material_id: str, save: Callable[[], EditOutcome], author: Person, committer: Person
) -> Recorded[EditOutcome]:
    """``save()`` (wording/edit.save_edits) under the folder's lock, committed as ``author``."""
    path = Path(content.root) / content.material(material_id).source
    title = _title(content, material_id)
    return record(
        Path(content.root),
        [path],
        save,
        lambda outcome: messages.saved(title, outcome.changed) if outcome.saved and outcome.changed else None,
        author,
        committer,
    )


def _version_number(content: Content, material_id: str, fp: str) -> int | None:
    if material_id == REGISTRY_ID:
        return None
    return Numbering.of(content.root).number_of(material_id, fp)


def record_signoff(
    content: Content,
    material_id: str,
    sign: Callable[[], T],
    author: Person,
    committer: Person,
    *,
    review_dir: Path | None = None,
) -> Recorded[T]:
    """``sign()`` (review.approve / request_changes, returning ``(entry, status)``) under the folder's lock,
    its record committed as the reviewer."""
    review_dir = Path(review_dir) if review_dir is not None else review_dir_for(content.root)
    title = _title(content, material_id)

    def describe(result) -> str:
        entry, _after = result
        number = _version_number(content, material_id, entry.fingerprint)
        role_words = load_policy(content.root)[0].role_name(entry.role)
        return messages.signed(title, number, entry.decision, entry.shown, role_words)

    return record(Path(content.root), [review_dir], sign, describe, author, committer)


def terminal_person() -> Person:
    """Who runs a command that is not a sign-off (a change to the reviewer list): the computer account."""
    try:
        login = getpass.getuser()
    except (OSError, KeyError):
        login = "command-line"
    return Person.for_id(login)


def record_change(
    folder: Path, paths: list[Path], change: Callable[[], T], message: str, author: Person, committer: Person
) -> Recorded[T]:
    """Any other change made by the command line (``reviewers add``…): ``change()`` committed as one."""
    return record(Path(folder), paths, change, lambda _value: message, author, committer)
