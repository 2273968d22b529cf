"""The patrol area, its buffer ring and the comparison, as police.uk LSOAs.

The area is found by matching the streets of the patrol's records to police.uk's "On or near <street>"
locations: a street found in one LSOA only places the patrol there. A street found in several LSOAs is
*ambiguous*: it is listed, never guessed, and the area must then be confirmed in ``content/operation.yaml``
(``area.lsoa: [...]``), which, when given, is used as it stands. The buffer ring is the LSOAs with a crime
location within ``area.buffer_metres`` of one of the area's (or ``area.buffer``); the comparison is the rest
of the force's LSOAs (or ``area.comparison``).

Street names of records are matched here and never written to a log; only the LSOA codes and police.uk's
own (public) street names reach the outputs.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from handle_docs.impact.policeuk import Crimes
from handle_docs.models import Problem, ProblemsError
from handle_docs.wording.content import validate_model
from handle_docs.wording.schema import ImpactArea, Operation
from handle_docs.wording.yamlfile import YamlDoc, load_yaml

OPERATION_FILE = "operation.yaml"
EARTH_RADIUS_M = 6_371_000

#: Last words that make a part of an address a street ("12 Larch Close" -> "Larch Close").
STREET_WORDS = frozenset(
    [
        "road",
        "street",
        "lane",
        "close",
        "avenue",
        "way",
        "drive",
        "court",
        "crescent",
        "place",
        "gardens",
        "terrace",
        "grove",
        "hill",
        "walk",
        "square",
        "parade",
        "view",
        "mews",
        "green",
        "rise",
        "row",
        "park",
        "vale",
        "end",
        "fields",
        "meadow",
        "wharf",
        "yard",
        "hollow",
        "path",
        "gate",
        "chase",
    ]
)
_HOUSE_NUMBER = re.compile(r"^\d+[A-Za-z]?(-\d+[A-Za-z]?)?\s+")
_FLAT = re.compile(r"^(flat|apartment|unit|room)\b", re.IGNORECASE)


def street_of(address: str) -> str:
    """The street of a delivery address ("Flat 1, 14 Tanners Row, Eastmoor" -> "Tanners Row"); "" if none."""
    parts = [part.strip() for part in address.split(",") if part.strip()]
    candidates = []
    for part in parts:
        if _FLAT.match(part):
            continue
        bare = _HOUSE_NUMBER.sub("", part).strip()
        if bare:
            candidates.append((part, bare))
    for _part, bare in candidates:
        if bare.split()[-1].lower() in STREET_WORDS:
            return bare
    for part, bare in candidates:
        if part != bare:  # it had a house number in front
            return bare
    return ""


#: Short forms of a street's last word, as officers type them ("Larch Cl" is "Larch Close").
SHORT_FORMS = {
    "rd": "road",
    "st": "street",
    "ln": "lane",
    "cl": "close",
    "ave": "avenue",
    "av": "avenue",
    "dr": "drive",
    "ct": "court",
    "cres": "crescent",
    "pl": "place",
    "gdns": "gardens",
    "terr": "terrace",
    "ter": "terrace",
    "gr": "grove",
    "sq": "square",
    "pde": "parade",
}


def fold(street: str) -> str:
    """A street name folded for matching: case, spaces, full stops and a short last word do not count."""
    words = street.replace(".", " ").casefold().split()
    if len(words) > 1:
        words[-1] = SHORT_FORMS.get(words[-1], words[-1])
    return " ".join(words)


@dataclass
class StreetMatches:
    """Each street of the records: in one LSOA (matched), several (ambiguous) or none (unmatched)."""

    matched: dict[str, str] = field(default_factory=dict)  # street -> LSOA code
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # street -> LSOA codes (never guessed)
    unmatched: list[str] = field(default_factory=list)


def match_streets(streets: Iterable[str], crimes: Crimes) -> StreetMatches:
    """Match street names to police.uk's locations within the force's LSOAs."""
    where: dict[str, set[str]] = {}
    for code, street in crimes.by_lsoa_street:
        where.setdefault(fold(street), set()).add(code)
    matches = StreetMatches()
    for street in sorted({s for s in streets if s}, key=fold):
        codes = sorted(where.get(fold(street), ()))
        if len(codes) == 1:
            matches.matched[street] = codes[0]
        elif codes:
            matches.ambiguous[street] = codes
        else:
            matches.unmatched.append(street)
    return matches


@dataclass(frozen=True)
class Area:
    """The three sets of LSOAs and how each was chosen (for the report's method note)."""

    lsoa: tuple[str, ...]
    buffer: tuple[str, ...]
    comparison: tuple[str, ...]
    area_from: str  # "operation.yaml" or "street names"
    buffer_from: str  # "operation.yaml" or "within N metres"
    comparison_from: str  # "operation.yaml" or "rest of the force"


def load_operation(content_dir: Path) -> tuple[Operation, YamlDoc]:
    """``content_dir/operation.yaml`` and the file as read (problems about it point at its lines);
    :class:`ProblemsError` (file, line, key) when the file is wrong."""
    problems: list[Problem] = []
    path = Path(content_dir) / OPERATION_FILE
    doc = load_yaml(path, display_name=str(path))
    operation = validate_model(doc, Operation, problems)
    if operation is None:
        raise ProblemsError(problems or [Problem("cannot be read", str(path))])
    return operation, doc


def load_area_config(content_dir: Path) -> tuple[ImpactArea | None, dt.date, YamlDoc]:
    """``area`` of ``content_dir/operation.yaml`` (None when not given), the patrol's date, and the file as
    read (problems about the area point at its lines); :class:`ProblemsError` (file, line, key) when the
    file is wrong."""
    operation, doc = load_operation(content_dir)
    return operation.area, operation.operation.patrol_date, doc


def patrols(config: ImpactArea | None, patrol_date: dt.date) -> list[tuple[dt.date, list[str]]]:
    """(date, LSOA codes) of the patrols so far: the earlier ones (``area.earlier``) and this operation's
    (``area.lsoa`` on its patrol date); none when operation.yaml gives no area."""
    if config is None:
        return []
    found = [(p.date, list(p.lsoa)) for p in config.earlier]
    if config.lsoa:
        found.append((patrol_date, list(config.lsoa)))
    return found


def _problem(doc: YamlDoc | None, key: str, message: str) -> Problem:
    """A problem at ``key`` of operation.yaml: its file and line when the file as read is known."""
    return doc.problem(key, message) if doc is not None else Problem(message, OPERATION_FILE, None, key)


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance between two (longitude, latitude) points; equirectangular, good to a few metres here."""
    lat = math.radians((a[1] + b[1]) / 2)
    dx = math.radians(b[0] - a[0]) * math.cos(lat)
    dy = math.radians(b[1] - a[1])
    return EARTH_RADIUS_M * math.hypot(dx, dy)


def buffer_ring(crimes: Crimes, area: set[str], metres: float) -> list[str]:
    """LSOAs outside ``area`` with a crime location within ``metres`` of one of the area's."""
    inside = [p for code in area for p in crimes.points.get(code, ())]
    ring = []
    for code in crimes.lsoas:
        if code in area:
            continue
        if any(_metres(p, q) <= metres for p in crimes.points.get(code, ()) for q in inside):
            ring.append(code)
    return ring


def _area_from_streets(matches: StreetMatches, doc: YamlDoc | None) -> tuple[list[str], list[Problem]]:
    """The area's LSOAs from the records' street names, and the problems that leave it unsettled (a
    street in more than one LSOA, or no street found)."""
    problems: list[Problem] = []
    if matches.ambiguous:
        # The street itself is not in the message (messages carry no part of an address): the edge
        # shows matches.ambiguous beside it, where the person who ran the command reads it.
        for codes in matches.ambiguous.values():
            problems.append(
                _problem(
                    doc,
                    "area.lsoa",
                    f"a patrolled street is in {len(codes)} LSOAs ({', '.join(codes)}): not "
                    "guessed; list the patrolled LSOAs in area.lsoa",
                )
            )
    area = sorted(set(matches.matched.values()))
    if not area and not problems:
        searched = bool(matches.unmatched)
        problems.append(
            _problem(
                doc,
                "area.lsoa",
                (
                    "no patrolled street was found in the crime data"
                    if searched
                    else "the patrolled area is not "
                    "given (handle-docs impact RECORDS shows the LSOAs of the records' streets)"
                )
                + ": list the patrolled LSOAs in area.lsoa",
            )
        )
    return area, problems


def resolve_area(
    config: ImpactArea | None, matches: StreetMatches | None, crimes: Crimes, doc: YamlDoc | None = None
) -> Area:
    """The area, buffer and comparison; :class:`ProblemsError` when the area is not settled (ambiguous
    streets and no ``area.lsoa``), or a listed LSOA is not in the crime data. Problems point at ``doc``
    (operation.yaml as read) when given."""
    problems: list[Problem] = []
    known = set(crimes.lsoa_names)

    def listed(key: str, codes: list[str]) -> list[str]:
        for i, code in enumerate(codes):
            if code not in known:
                problems.append(
                    _problem(
                        doc,
                        f"{key}.{i}",
                        f"{code} is not in the crime data (no vehicle crime "
                        "recorded there, or another force's LSOA)",
                    )
                )
        return sorted(set(codes))

    if config is not None and config.lsoa:
        area, area_from = listed("area.lsoa", config.lsoa), OPERATION_FILE
    else:
        area, found = _area_from_streets(matches or StreetMatches(), doc)
        problems.extend(found)
        area_from = "street names"
    if problems:
        raise ProblemsError(problems)
    area_set = set(area)
    if config is not None and config.buffer is not None:
        buffer, buffer_from = listed("area.buffer", config.buffer), OPERATION_FILE
    else:
        metres = config.buffer_metres if config is not None else ImpactArea().buffer_metres
        buffer, buffer_from = buffer_ring(crimes, area_set, metres), f"within {metres} metres"
    buffer = [code for code in buffer if code not in area_set]
    if config is not None and config.comparison is not None:
        comparison, comparison_from = listed("area.comparison", config.comparison), OPERATION_FILE
    else:
        forces = {crimes.lsoa_force.get(code) for code in area}
        comparison = [code for code in crimes.lsoas if crimes.lsoa_force.get(code) in forces]
        comparison_from = "rest of the force"
    comparison = [code for code in comparison if code not in area_set and code not in set(buffer)]
    if problems:
        raise ProblemsError(problems)
    if not comparison:
        raise ProblemsError(
            [
                _problem(
                    doc,
                    "area.comparison",
                    "no comparison LSOAs left outside the area and buffer: list some in area.comparison",
                )
            ]
        )
    return Area(tuple(area), tuple(buffer), tuple(comparison), area_from, buffer_from, comparison_from)


__all__ = [
    "Area",
    "StreetMatches",
    "buffer_ring",
    "fold",
    "load_area_config",
    "load_operation",
    "match_streets",
    "patrols",
    "resolve_area",
    "street_of",
]
