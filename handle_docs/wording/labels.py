"""The editor's words for placeholders and for wording that would not load:
what each ``{placeholder}`` means (with what it is filled with now), and a
refused value's problem said without file, line or key."""

from __future__ import annotations

import re
from dataclasses import dataclass

from handle_docs.models import Problem
from handle_docs.wording.content import PLACEHOLDERS, QR_ALT, QR_ALT_PLACEHOLDERS

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

#: The placeholders of a QR code's description (``labels.qr_alt``), which only that box may use.
QR_ALT_MEANINGS = {
    "label": "the label of the QR code's link",
    "short": "the QR code's short web address",
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


#: Each label a material prints, as a comms officer knows it (what it prints, where): the editor's boxes and
#: the History tab's "what changed". A label the table does not know: "Label: " and its key's words.
LABEL_NAMES = {
    # letters (and the paper pack's generic letter)
    "reference": "Words before the letter's reference number",
    "date": "Words before the date of the letter",
    "vehicles_heading": "Heading of the table of cars we checked",
    "registration": "Column heading: the car's registration",
    "no_registration": "In place of a registration the officer did not note",
    "vehicle_status": "Column heading: was the car locked?",
    "vehicle_secure": "Answer when the car was locked",
    "vehicle_insecure": "Answer when the car was not locked",
    "items": "Column heading: things on show",
    "no_items": "When nothing was on show",
    "page": "Word before the page number",
    "qr_alt": "Description of a QR code, read aloud by screen readers",
    # social media cards
    "vehicles_checked": "Under the number of cars checked",
    "insecure_vehicles": "Under the number of cars left unlocked",
    "vehicles_with_items": "Under the number of cars with things on show",
    "letters": "Under the number of letters delivered",
    # the paper check form
    "submitted_at": "Question: the date and time of the check",
    "answer_yes": "The answer to tick for yes",
    "answer_no": "The answer to tick for no",
    "check": "Column heading before each check's number",
    "sheet": "Word before the sheet's number",
    "question": "Column heading: the question",
    "column": "Column heading: the records file's column",
    "how_to_type": "Column heading: how to type the answer",
    "hint_as_written": "How to type an answer written as it is",
    "hint_date": "How to type a date and time",
    "hint_yes_no": "How to type a yes or no answer",
    "hint_items": "How to type the things on show",
    "hint_language": "How to type the resident's language",
    "recipient": "Above the blank address lines of the letter for any address",
}

#: Item names whose key's words would not say what they name.
ITEM_NAMES = {
    "unnamed": "things the officer did not name",
    "cash": "cash or coins",
    "laptop": "laptop or tablet",
    "charger": "charger or cable",
}


def label_name(name: str) -> str:
    """A label's box as a comms officer knows it: 'qr_alt' → 'Description of a QR code, read aloud by …'."""
    return LABEL_NAMES.get(name) or "Label: " + name.replace("_", " ")


def item_words(name: str) -> str:
    """What an item name names: 'unnamed' → 'things the officer did not name', 'sat_nav' → 'sat nav'."""
    return ITEM_NAMES.get(name, name.replace("_", " "))


def item_name(name: str) -> str:
    """An item name's box: 'unnamed' → 'Item name: things the officer did not name'."""
    return "Item name: " + item_words(name)


def line_name(section: str, key: str) -> str | None:
    """What a line of the resident's text (review/wording.py: 'qr_alt: QR code: …' in its labels section)
    shows in place of its key: the label's or item's name; '' for a link's id (its label follows); None in a
    section whose lines are not keyed."""
    if section == "labels":
        return label_name(key)
    if section == "items":
        return item_words(key)
    if section == "links":
        return ""
    return None


def link_label_name(link_label: str) -> str:
    """The box of the label beside a QR code, named by its link's label in links.yaml."""
    return f"Label beside the QR code “{link_label}”"


def field_name(key: str) -> str:
    """A wording key as its box is named: 'labels.qr_alt' → the label's name, 'items.bag' → 'Item name: bag',
    'link_labels.nws' → 'Label beside a QR code', else the section's name."""
    group, _, rest = key.partition(".")
    if group == "labels" and rest:
        return label_name(rest)
    if group == "items" and rest:
        return item_name(rest)
    if group == "link_labels" and rest:
        return "Label beside a QR code"
    return section_name(key)


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


#: The placeholders a box of the letter's text may use, in a sensible order.
TEXT_PLACEHOLDERS: tuple[str, ...] = tuple(
    [n for n in MEANINGS if n in PLACEHOLDERS] + sorted(PLACEHOLDERS - set(MEANINGS))
)


def placeholders(values: dict[str, str], names: tuple[str, ...] = TEXT_PLACEHOLDERS) -> list[Placeholder]:
    """The placeholders ``names`` (by default every one a box of text may use), each with its meaning and
    what it is filled with now."""
    meanings = MEANINGS | QR_ALT_MEANINGS
    return [Placeholder(n, meanings.get(n, n.replace("_", " ")), values.get(n, "")) for n in names]


def plain_message(problem: Problem) -> str:
    """A problem with a typed value in the words of the person who typed it."""
    match = UNKNOWN.match(problem.message)
    if match:
        names = QR_ALT_PLACEHOLDERS if problem.key == f"labels.{QR_ALT}" else TEXT_PLACEHOLDERS
        usable = ", ".join("{" + n + "}" for n in names)
        return f"{match.group(1)} is not something the letter can fill in. You can use: {usable}."
    return problem.message[:1].upper() + problem.message[1:]
