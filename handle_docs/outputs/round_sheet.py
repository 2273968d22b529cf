"""The delivery round sheet: the run's letters in walking order, with a box to tick for each.

``round-sheet.pdf`` is for the officers who take the letters round: per
street, the order, the letter reference and the house number or name and
street, and a tick box.  It never shows a postcode, a registration or
anything else about the people at an address.  Its words (title, introduction,
column labels) come from ``content/round-sheet.yaml``; the layout from
``templates/round-sheet/``.  Like the letters, it is a large-print, tagged
PDF/UA-1 file with reproducible bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from pydantic import Field

from handle_docs.models import Letter, Problem, ProblemsError
from handle_docs.render.html import HtmlRenderer
from handle_docs.render.pdf import PdfRenderer
from handle_docs.run.context import placeholder_values
from handle_docs.run.letters import named_house_street, street_line
from handle_docs.util import atomic
from handle_docs.wording import markup
from handle_docs.wording.content import PLACEHOLDERS, Content, validate_model
from handle_docs.wording.schema import Strict
from handle_docs.wording.yamlfile import load_yaml

WORDING_FILE = "round-sheet.yaml"
TEMPLATE = "round-sheet/round-sheet.html.j2"
STYLESHEET = "round-sheet/round-sheet.css"
FILE_NAME = "round-sheet.pdf"
LANG = "en-GB"


class RoundSheetLabels(Strict):
    order: str = Field(min_length=1)
    reference: str = Field(min_length=1)
    address: str = Field(min_length=1)
    delivered: str = Field(min_length=1)
    letters: str = Field(min_length=1)
    page: str = Field(min_length=1)


class RoundSheetWording(Strict):
    title: str = Field(min_length=1)
    intro: str = Field(min_length=1)
    labels: RoundSheetLabels


def load_wording(content_root: Path) -> RoundSheetWording:
    """``content/round-sheet.yaml``; every problem as file:line: key (ProblemsError)."""
    path = Path(content_root) / WORDING_FILE
    if not path.is_file():
        raise ProblemsError([Problem("file not found: it holds the delivery round sheet's wording", str(path))])
    doc = load_yaml(path)
    problems: list[Problem] = []
    wording = validate_model(doc, RoundSheetWording, problems)
    for key in ("title", "intro"):
        text = getattr(wording, key) if wording is not None else ""
        for name in markup.placeholders(text):
            if name not in PLACEHOLDERS:
                problems.append(doc.problem(key, f"unknown placeholder {{{name}}}"))
    if problems or wording is None:
        raise ProblemsError(problems)
    return wording


def door(address_lines: Sequence[str]) -> tuple[str, str]:
    """(street, what to look for at the door) for an address: the lines up to
    the house number and street ("Flat 2, 14 Tanners Row"), or a named house
    and the line after it ("Rose Cottage, Mill Lane"); never the town."""
    lines = [line for line in address_lines if line]
    found = street_line(lines)
    if found is not None:
        index, match = found
        return match.group(3), ", ".join(lines[: index + 1])
    return named_house_street(lines), ", ".join(lines[:2])


def round_sheet_context(letters: Sequence[Letter], content: Content, wording: RoundSheetWording) -> dict[str, Any]:
    """Everything the round sheet prints, as plain data, in walking order."""
    values = placeholder_values(content)
    streets: list[dict[str, Any]] = []
    for order, letter in enumerate(letters, start=1):
        street, where = door(letter.address_lines)
        if not streets or streets[-1]["name"].casefold() != street.casefold():
            streets.append({"name": street, "stops": []})
        streets[-1]["stops"].append({"order": order, "reference": letter.letter_id, "door": where})
    return {
        "lang": LANG,
        "title": markup.fill(wording.title, values),
        "intro": " ".join(markup.fill(wording.intro, values).split()),
        "labels": wording.labels.model_dump(),
        "streets": streets,
    }


def write_round_sheet(
    folder: Path,
    letters: Sequence[Letter],
    content: Content,
    templates: Path,
    wording: RoundSheetWording | None = None,
) -> Path:
    """Write ``folder/round-sheet.pdf`` for ``letters`` (in walking order)."""
    wording = wording or load_wording(content.root)
    ctx = round_sheet_context(letters, content, wording)
    html = HtmlRenderer(templates)
    pdf = PdfRenderer(templates)
    fragment = html.fragment(TEMPLATE, ctx)
    document = pdf.layout(html.document([fragment], lang=LANG, title=ctx["title"], stylesheets=[STYLESHEET]))
    path = Path(folder) / FILE_NAME
    atomic.write_bytes(path, pdf.write(document, title=ctx["title"], lang=LANG))
    return path
