"""The delivery round sheet: the run's letters in walking order, with a box to tick for each.

``round-sheet.pdf`` is for the officers who take the letters round: per
street, the order, the letter reference and the house number or name and
street, and a tick box.  It never shows a postcode, a registration or
anything else about the people at an address.  Its words (title, introduction,
column labels) come from ``content/round-sheet.yaml``; the layout from
``templates/round-sheet/``.  Like the letters, it is a large-print, tagged
PDF/UA-1 file with reproducible bytes.

A long round is laid out in parts of at most ``PART_STOPS`` letters, so memory
stays flat however many letters a run has (one 10,000-row document took
WeasyPrint about 1 GB): each part is laid out once to count its pages and let
go, then laid out again and written with its page numbers carried on from the
parts before it ("Page 41 / 212"), and the parts are joined with their tags
(render/merge.py).  A street split between two parts is headed again in the
second.  A round of up to ``PART_STOPS`` letters is one document, as it always was.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import Field

from handle_docs.compose.context import placeholder_values
from handle_docs.compose.letters import named_house_street, street_line
from handle_docs.models import Letter, Problem, ProblemsError
from handle_docs.render.html import HtmlRenderer
from handle_docs.render.merge import merge_tagged_pdfs
from handle_docs.render.pdf import PdfRenderer
from handle_docs.util import atomic
from handle_docs.util.reproducible import source_datetime
from handle_docs.wording import markup
from handle_docs.wording.content import PLACEHOLDERS, Content, validate_model
from handle_docs.wording.schema import Strict
from handle_docs.wording.yamlfile import load_yaml

WORDING_FILE = "round-sheet.yaml"
TEMPLATE = "round-sheet/round-sheet.html.j2"
STYLESHEET = "round-sheet/round-sheet.css"
FILE_NAME = "round-sheet.pdf"
LANG = "en-GB"
#: The most letters laid out as one document (WeasyPrint holds about 55 MB for 500).
PART_STOPS = 500


class RoundSheetLabels(Strict):
    order: str = Field(min_length=1)
    reference: str = Field(min_length=1)
    address: str = Field(min_length=1)
    delivered: str = Field(min_length=1)
    letters: str = Field(min_length=1)
    page: str = Field(min_length=1)
    braille: str = Field(default="and its braille copy", min_length=1)  # beside a letter sent with braille


class RoundSheetWording(Strict):
    title: str = Field(min_length=1)
    intro: str = Field(min_length=1)
    labels: RoundSheetLabels


def load_wording(content_root: Path) -> RoundSheetWording:
    """``content/round-sheet.yaml``; every problem as file:line: key (ProblemsError)."""
    path = Path(content_root) / WORDING_FILE
    if not path.is_file():
        raise ProblemsError(
            [Problem("file not found: it holds the delivery round sheet's wording", str(path))]
        )
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


def round_sheet_context(
    letters: Sequence[Letter], content: Content, wording: RoundSheetWording
) -> dict[str, Any]:
    """Everything the round sheet prints, as plain data, in walking order."""
    values = placeholder_values(content)
    streets: list[dict[str, Any]] = []
    for order, letter in enumerate(letters, start=1):
        street, where = door(letter.address_lines)
        if not streets or streets[-1]["name"].casefold() != street.casefold():
            streets.append({"name": street, "stops": []})
        streets[-1]["stops"].append(
            {"order": order, "reference": letter.letter_id, "door": where, "braille": letter.braille}
        )
    return {
        "lang": LANG,
        "title": markup.fill(wording.title, values),
        "intro": " ".join(markup.fill(wording.intro, values).split()),
        "labels": wording.labels.model_dump(),
        "streets": streets,
    }


def round_sheet_parts(ctx: dict[str, Any], part_stops: int) -> list[dict[str, Any]]:
    """``ctx`` cut into parts of at most ``part_stops`` letters, in order; the
    first part keeps the title and introduction, a street cut in two is headed
    again (with the street's whole count) in the part that carries it on."""
    parts: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    room = part_stops
    for street in ctx["streets"]:
        stops = street["stops"]
        while stops:
            taken, stops = stops[:room], stops[room:]
            current.append({**street, "stops": taken, "count": len(street["stops"])})
            room -= len(taken)
            if room == 0:
                parts.append(current)
                current, room = [], part_stops
    if current or not parts:
        parts.append(current)
    return [
        {**ctx, "streets": streets, "first_part": index == 0, "numbering": None}
        for index, streets in enumerate(parts)
    ]


def write_round_sheet(
    folder: Path,
    letters: Sequence[Letter],
    content: Content,
    templates: Path,
    wording: RoundSheetWording | None = None,
    *,
    part_stops: int = PART_STOPS,
) -> Path:
    """Write ``folder/round-sheet.pdf`` for ``letters`` (in walking order)."""
    wording = wording or load_wording(content.root)
    ctx = round_sheet_context(letters, content, wording)
    html = HtmlRenderer(templates)
    pdf = PdfRenderer(templates)
    path = Path(folder) / FILE_NAME

    def layout(part: dict[str, Any]):
        fragment = html.fragment(TEMPLATE, part)
        return pdf.layout(html.document([fragment], lang=LANG, title=ctx["title"], stylesheets=[STYLESHEET]))

    parts = round_sheet_parts(ctx, part_stops)
    if len(parts) == 1:
        atomic.write_bytes(path, pdf.write(layout(parts[0]), title=ctx["title"], lang=LANG))
        return path
    counts = [len(layout(part).pages) for part in parts]
    with tempfile.TemporaryDirectory(prefix=".round-sheet-", dir=folder) as tmp:
        files = []
        for index, part in enumerate(parts):
            numbered = {**part, "numbering": {"first": sum(counts[:index]) + 1, "total": sum(counts)}}
            files.append(Path(tmp) / f"part-{index:04d}.pdf")
            atomic.write_bytes(files[-1], pdf.write(layout(numbered), title=ctx["title"], lang=LANG))
        merge_tagged_pdfs(files, path, title=ctx["title"], lang=LANG, creation_date=source_datetime())
    return path
