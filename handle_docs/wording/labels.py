"""The editor's words for placeholders and for wording that would not load:
what each ``{placeholder}`` means (with what it is filled with now), and a
refused value's problem said without file, line or key."""

from __future__ import annotations

import re
from dataclasses import dataclass

from handle_docs.models import Problem
from handle_docs.wording.content import PLACEHOLDERS

MEANINGS = {
    "area": "the area patrolled",
    "operation": "the operation's name",
    "patrol_date": "the day of the patrol",
    "force": "the police force's name",
    "team": "the neighbourhood team's name",
    "phone": "the team's phone number",
    "non_emergency": "the non-emergency number",
    "emergency": "the emergency number",
    "signatory": "who signs the letter",
    "signatory_role": "the role of who signs the letter",
}

#: The letter's sections as a person names them (the wording's keys are the files' business): the editor's
#: boxes, the review page's and the History tab's "what changed".
SECTION_NAMES = {
    "title": "Title",
    "labels": "Labels",
    "items": "Item names",
    "contact": "Contact details",
    "links": "Links and QR codes",
    "greeting": "Greeting",
    "opening": "Opening",
    "findings": "What we found",
    "insecure_vehicle": "a car not locked",
    "items_on_display": "things on show",
    "keys_visible": "keys in sight",
    "all_secure": "every car locked",
    "advice": "Advice",
    "keep_informed": "Staying in touch",
    "report": "Reporting a crime",
    "closing": "Closing",
    "sign_off": "Sign-off",
    "welsh_welcome": "Welcome in Welsh",
}


def section_name(key: str) -> str:
    """A section of the resident's text as a person names it: 'findings.insecure_vehicle' → 'What we found ›
    a car not locked'; a section the table does not know by its key's words ('new_part' → 'New part')."""
    parts = [SECTION_NAMES.get(part, part.replace("_", " ")) for part in key.split(".")]
    return " › ".join(part[:1].upper() + part[1:] if i == 0 else part for i, part in enumerate(parts))


UNKNOWN = re.compile(r"^unknown placeholder (\{[^}]*\})")


@dataclass(frozen=True)
class Placeholder:
    name: str
    meaning: str
    now: str  # what it is filled with today, '' when unknown

    @property
    def token(self) -> str:
        return "{" + self.name + "}"

    @property
    def hint(self) -> str:
        return self.meaning + (f", now “{self.now}”" if self.now else "")


def placeholders(values: dict[str, str]) -> list[Placeholder]:
    """Every placeholder a wording box may use, in a sensible order, with its meaning and value."""
    order = [n for n in MEANINGS if n in PLACEHOLDERS] + sorted(PLACEHOLDERS - set(MEANINGS))
    return [Placeholder(n, MEANINGS.get(n, n.replace("_", " ")), values.get(n, "")) for n in order]


def plain_message(problem: Problem) -> str:
    """A problem with a typed value in the words of the person who typed it."""
    match = UNKNOWN.match(problem.message)
    if match:
        usable = ", ".join("{" + n + "}" for n in [n for n in MEANINGS if n in PLACEHOLDERS])
        return f"{match.group(1)} is not something the letter can fill in. You can use: {usable}."
    return problem.message[:1].upper() + problem.message[1:]
