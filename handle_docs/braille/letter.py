"""A letter's words in reading order, for braille: from the same data the print letter is rendered from.

:func:`letter_paragraphs` takes the plain data of
:func:`handle_docs.compose.context.letter_context` (the data the letter template
prints) and lists its words as paragraphs, never by reading a PDF back:

* the heading, the sender's details, the date and the reference (not the
  resident's address: the print letter in the same envelope carries it);
* every section of the letter, headings and paragraphs, list items as items;
* the vehicles table linearised, one vehicle a line, in the table's own
  labels ("Registration: AB12 CDE; Locked?: Yes; Items on show: a bag");
* each QR code written out: its label and the address printed beside it;
* the sign-off and the signatory.

A draft run's watermark comes first, so a draft braille letter says so too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: Kinds of paragraph, as :mod:`handle_docs.braille.layout` lays them out.
HEADING = "heading"  # a blank line before it, starts in cell 1
PARAGRAPH = "paragraph"  # first line indented two cells
LINE = "line"  # a short line of its own (address, list item), runover indented two cells
#: A label that asks a question ("Locked?") is followed by its answer without a colon.
QUESTION_MARKS = "?\u061f"  # the Latin and the Arabic question mark


@dataclass(frozen=True)
class Paragraph:
    kind: str
    text: str


def _runs_text(runs: Iterable[dict[str, Any]]) -> str:
    return " ".join("".join(run["text"] for run in runs).split())


def _body(body: list[dict[str, Any]]) -> list[Paragraph]:
    out: list[Paragraph] = []
    for node in body:
        if node["type"] == "p":
            out.append(Paragraph(PARAGRAPH, _runs_text(node["runs"])))
        else:
            out += [Paragraph(LINE, _runs_text(item)) for item in node["items"]]
    return out


def _section(section: dict[str, Any]) -> list[Paragraph]:
    heading = [Paragraph(HEADING, " ".join(section["heading"].split()))] if section.get("heading") else []
    return heading + _body(section["body"])


def vehicle_line(vehicle: dict[str, Any], labels: dict[str, str]) -> str:
    """One row of the vehicles table as a line: 'Registration: …; Locked?: …; Items on show: …'."""
    cells = (
        (labels["registration"], vehicle["vrm"]),
        (labels["vehicle_status"], vehicle["status"]),
        (labels["items"], vehicle["items"]),
    )
    return "; ".join(
        f"{label} {value}" if label[-1:] in QUESTION_MARKS else f"{label}: {value}" for label, value in cells
    )


def letter_paragraphs(context: dict[str, Any]) -> list[Paragraph]:
    """The letter of ``context`` (run/context.letter_context) as paragraphs in reading order."""
    labels = context["labels"]
    force = context["force"]
    out: list[Paragraph] = []
    if context.get("watermark"):
        out.append(Paragraph(HEADING, context["watermark"]))
    out.append(Paragraph(HEADING, context["title"]))
    out += [
        Paragraph(LINE, line) for line in (force["name"], force["team"], *force["address"], force["phone"])
    ]
    out.append(Paragraph(LINE, f"{labels['date']}: {context['date']}"))
    out.append(Paragraph(LINE, f"{labels['reference']}: {context['letter_id']}"))
    out.append(Paragraph(PARAGRAPH, context["greeting"]))
    out += _body(context["opening"]["body"])
    if "welsh_welcome" in context:
        out += _section(context["welsh_welcome"])
    for finding in context["findings"]:
        out += _section(finding)
    out.append(Paragraph(HEADING, labels["vehicles_heading"]))
    out += [Paragraph(LINE, vehicle_line(vehicle, labels)) for vehicle in context["vehicles"]]
    out += _section(context["advice"])
    out += _section(context["keep_informed"])
    out += [Paragraph(LINE, f"{code['label']}: {code['short']}") for code in context["qr_codes"]]
    out += _section(context["report"])
    out += _body(context["closing"]["body"])
    out += [
        Paragraph(LINE, text)
        for text in (context["sign_off"], context["signatory"]["name"], context["signatory"]["role"])
    ]
    return [p for p in out if p.text.strip()]
