"""Group check records into letters: one per delivery address, in walking order.

Pure data in, pure data out: nothing here knows about wording or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from handle_docs.models import Finding, Letter, VehicleCheck, VisitRecord
from handle_docs.records.vocab import BRAILLE, LARGE_PRINT

_NUMBERED = re.compile(r"^(\d+)([a-z]?)\s+(.+)$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class WalkKey:
    """Sort key for a walking round: street, then odd side up, even side back."""

    street: str
    postcode_district: str
    side: int  # 0 odd numbers, 1 even numbers, 2 no number (named houses)
    position: int  # ascending on the odd side, descending on the even side
    suffix: str
    rest: str


def address_key(address: str, postcode: str) -> str:
    """Identity of a delivery address, forgiving case, spacing and punctuation."""
    text = re.sub(r"[^a-z0-9]+", " ", address.lower()).strip()
    return f"{text}|{postcode.replace(' ', '').upper()}"


def street_line(lines: Sequence[str]) -> tuple[int, re.Match[str]] | None:
    """The first address line that is a house number and street ("14 Tanners Row"),
    not a flat's number: its index and match (number, suffix, street)."""
    for i, line in enumerate(lines):
        match = _NUMBERED.match(line)
        if match and not line.lower().startswith(("flat", "apartment", "unit")):
            return i, match
    return None


def named_house_street(lines: Sequence[str]) -> str:
    """The street of an address without a house number: the line after the
    house's name ("Rose Cottage, Mill Lane, …"), or its only line."""
    return lines[1] if len(lines) > 1 else (lines[0] if lines else "")


def walk_key(address: str, postcode: str) -> WalkKey:
    lines = [part.strip() for part in address.split(",") if part.strip()]
    district = postcode.split(" ")[0] if postcode else ""
    found = street_line(lines)
    if found is not None:
        i, match = found
        number, suffix, street = int(match.group(1)), match.group(2).lower(), match.group(3)
        side = 0 if number % 2 else 1
        position = number if side == 0 else -number
        rest = ",".join(lines[:i]).lower()
        return WalkKey(street.lower(), district, side, position, suffix, _natural(rest))
    street = named_house_street(lines).lower()
    return WalkKey(street, district, 2, 0, "", _natural(",".join(lines).lower()))


def _natural(text: str) -> str:
    """Pad numbers so 'flat 10' sorts after 'flat 9'."""
    return re.sub(r"\d+", lambda m: m.group(0).zfill(6), text)


def findings_for(vehicles: Iterable[VehicleCheck]) -> tuple[Finding, ...]:
    vehicles = list(vehicles)
    found: list[Finding] = []
    if any(not v.secure for v in vehicles):
        found.append(Finding.INSECURE_VEHICLE)
    if any(v.items_on_display for v in vehicles):
        found.append(Finding.ITEMS_ON_DISPLAY)
    if any(v.keys_visible for v in vehicles):
        found.append(Finding.KEYS_VISIBLE)
    if not found:
        found.append(Finding.ALL_SECURE)
    return tuple(found)


def build_letters(records: Iterable[VisitRecord], id_prefix: str = "L") -> list[Letter]:
    """One letter per delivery address, ordered for a walking round.

    Several vehicles at one address make one letter listing each.  Letter ids
    are sequence numbers in walking order: the same records always give the
    same ids, and an id says nothing about who lives where.
    """
    records = list(records)
    # A row without a postcode joins its address's letter when the other rows
    # for that address agree on one postcode.
    postcodes: dict[str, set[str]] = {}
    for record in records:
        if record.postcode:
            postcodes.setdefault(address_key(record.address, ""), set()).add(record.postcode)
    groups: dict[str, list[VisitRecord]] = {}
    for record in records:
        postcode = record.postcode
        if not postcode:
            known = postcodes.get(address_key(record.address, ""), set())
            postcode = next(iter(known)) if len(known) == 1 else ""
        groups.setdefault(address_key(record.address, postcode), []).append(record)

    # Each group led by its first row with a postcode (else its first row).
    led = [sorted(group, key=lambda r: (not r.postcode, r.row)) for group in groups.values()]
    ordered = sorted(
        led,
        key=lambda rs: (walk_key(rs[0].address, rs[0].postcode), address_key(rs[0].address, rs[0].postcode)),
    )
    width = max(4, len(str(len(ordered))))
    letters: list[Letter] = []
    for n, group in enumerate(ordered, start=1):
        first = group[0]
        group = sorted(group, key=lambda r: r.row)
        vehicles = tuple(
            VehicleCheck(
                vrm=r.vrm,
                secure=r.vehicle_secure,
                items_on_display=r.items_on_display,
                keys_visible=r.keys_visible,
            )
            for r in group
        )
        # the first language other than English asked for at the address; else
        # English if someone said so; else not stated (review/routing.py decides)
        stated = [r.language for r in group if r.language]
        languages = [lang for lang in stated if lang != "en-GB"] or stated
        dates = [r.submitted_at.date() for r in group if r.submitted_at is not None]
        letters.append(
            Letter(
                letter_id=f"{id_prefix}{n:0{width}d}",
                address_lines=tuple(part.strip() for part in first.address.split(",") if part.strip()),
                postcode=first.postcode,
                vehicles=vehicles,
                findings=findings_for(vehicles),
                source_rows=tuple(r.row for r in group),
                language=languages[0] if languages else "",
                large_print=any(r.large_print or r.format == LARGE_PRINT for r in group),
                braille=any(r.format == BRAILLE for r in group),
                nws_interest=any(r.nws_interest for r in group),
                cms_interest=any(r.cms_interest for r in group),
                visit_date=min(dates) if dates else None,
            )
        )
    return letters
