"""The History tab of a material: every version with who edited it, when, the change in words and who
approved it (history/log.py), a past version's proof and the change between any two, all read from the
force folder's history, never its working files.  Also who a change is credited to (:func:`signed_person`)."""

from __future__ import annotations

from flask import Blueprint

from handle_docs.history.repo import Person
from handle_docs.web.identity import Actor

bp = Blueprint("history", __name__)


def signed_person(actor: Actor | None) -> Person:
    """The person a save or sign-off is credited to on the record (the commit's author)."""
    return Person.for_id(actor.id if actor else None, actor.name if actor else None)
