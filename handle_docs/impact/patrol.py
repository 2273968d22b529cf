"""What a workspace run keeps of its patrol, so "Did it work?" can be worked out again months later.

police.uk publishes each month's crime about two months later, so the months after a patrol arrive when the
operation's settings (``content/operation.yaml``) describe the force's next operation, and when the run's
records may have been deleted. A run therefore keeps, apart from its personal data and through its
deletion: the operation's id and name, the patrol's date (from operation.yaml, or else the day most of the
records' checks were made), the area as operation.yaml gave it for that operation (LSOA codes, the buffer
and the comparison), and, only when no LSOA codes were written down, the patrolled street names.

Why street names are not personal data here: a street name alone (what :func:`handle_docs.impact.area.
street_of` keeps of an address: no house number, flat, postcode or town) names a street of many households,
not a person or a vehicle. They are kept as one sorted list with no count, no order of visiting and no link
to any record, registration or check, so no resident, car or letter can be told from them; police.uk itself
publishes every crime "on or near" such a street. They are the least the area can be found from again when
new crime data arrives (the LSOAs a street matches depend on the data), and are dropped once the area is
written down for the operation.

Pure data: no file is read or written here (services/run_patrol.py keeps it beside the run's impact files).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from handle_docs.impact.area import fold, match_streets, street_of
from handle_docs.impact.policeuk import Crimes
from handle_docs.wording.schema import ImpactArea, Operation

#: When the run kept its patrol: as it was made, or when first worked out (a run made before runs kept
#: it, with its records still there: the operation's settings as they were then).
AT_MAKE, LATER = "made", "first worked out"
#: Where the patrol's date came from.
FROM_SETTINGS, FROM_CHECKS = "operation settings", "check times"


@dataclass(frozen=True)
class KeptPatrol:
    """A run's patrol as it keeps it (``patrol.json``): nothing from any record but street names."""

    operation_id: str  # "" when the operation's settings could not be read
    operation_name: str
    patrol_date: dt.date
    date_from: str  # FROM_SETTINGS or FROM_CHECKS
    kept: str  # AT_MAKE or LATER
    area: dict[str, Any] | None = None  # operation.yaml's ``area`` without ``earlier``
    streets: tuple[str, ...] = ()  # only while the area's LSOAs are not written down
    # the operation's own name for where it patrols ("Eastmoor": operation.yaml's operation.area), never a
    # record's; "" when the date came from the checks
    operation_area: str = ""

    @property
    def month(self) -> str:
        return self.patrol_date.strftime("%Y-%m")

    def config(self) -> ImpactArea | None:
        """The area as kept, for :func:`handle_docs.impact.evaluate.evaluate`."""
        return ImpactArea.model_validate(self.area) if self.area is not None else None

    @property
    def needs_streets(self) -> bool:
        """Whether the area must be found from the streets (no LSOA codes written down)."""
        return not (self.area or {}).get("lsoa")

    def lsoas(self, crimes: Crimes) -> list[str]:
        """The patrolled LSOAs: as written down, or those of the streets that are in one LSOA only."""
        found = patrolled([self], crimes)
        return found[0][1] if found else []

    def same_operation(self, operation: Operation) -> bool:
        """Whether ``operation`` (operation.yaml now) still describes this run's operation."""
        info = operation.operation
        return bool(self.operation_id) and (info.id, info.patrol_date) == (
            self.operation_id,
            self.patrol_date,
        )

    def refreshed(self, operation: Operation) -> KeptPatrol:
        """The area as operation.yaml now gives it for the same operation (a correction, or the area
        confirmed after the streets were found ambiguous); unchanged for another operation."""
        if not self.same_operation(operation):
            return self
        kept = dataclasses.replace(
            self,
            area=_area(operation),
            operation_name=operation.operation.name,
            operation_area=operation.operation.area,
        )
        return kept if kept.needs_streets else dataclasses.replace(kept, streets=())

    def with_streets(self, addresses: Iterable[str]) -> KeptPatrol:
        """The street names of ``addresses`` kept, when the area needs them (addresses themselves never)."""
        return dataclasses.replace(self, streets=streets_of(addresses)) if self.needs_streets else self

    def to_json(self) -> dict[str, Any]:
        return {
            "operation": {"id": self.operation_id, "name": self.operation_name, "area": self.operation_area},
            "patrol_date": self.patrol_date.isoformat(),
            "date_from": self.date_from,
            "kept": self.kept,
            "area": self.area,
            "streets": list(self.streets),
        }

    @classmethod
    def of(cls, data: Any) -> KeptPatrol | None:
        """From ``to_json``'s data; None when it is not that (a damaged file is as no file)."""
        try:
            patrol = cls(
                str(data["operation"]["id"]),
                str(data["operation"]["name"]),
                dt.date.fromisoformat(data["patrol_date"]),
                str(data["date_from"]),
                str(data["kept"]),
                dict(data["area"]) if data["area"] is not None else None,
                tuple(str(s) for s in data["streets"]),
                str(data["operation"].get("area") or ""),  # a patrol.json kept before it had the area's name
            )
            patrol.config()
        except (KeyError, TypeError, ValueError):
            return None
        return patrol


def patrolled(patrols: Iterable[KeptPatrol], crimes: Crimes) -> list[tuple[dt.date, list[str]]]:
    """(date, LSOA codes) of each patrol with a place in ``crimes``, as :meth:`KeptPatrol.lsoas` gives
    them, the streets of all of them matched in one pass over the data."""
    patrols = list(patrols)
    matched = match_streets([s for p in patrols if p.needs_streets for s in p.streets], crimes).matched
    found = []
    for patrol in patrols:
        if patrol.needs_streets:
            codes = sorted({matched[s] for s in patrol.streets if s in matched})
        else:
            codes = list((patrol.area or {})["lsoa"])
        if codes:
            found.append((patrol.patrol_date, codes))
    return found


def streets_of(addresses: Iterable[str]) -> tuple[str, ...]:
    """The street names of delivery addresses, once each (as first spelled), sorted: nothing else."""
    spelled: dict[str, str] = {}
    for address in addresses:
        street = street_of(address)
        if street:
            spelled.setdefault(fold(street), street)
    return tuple(sorted(spelled.values(), key=fold))


def _area(operation: Operation) -> dict[str, Any] | None:
    if operation.area is None:
        return None
    return operation.area.model_dump(mode="json", exclude={"earlier"})


def check_day(times: Iterable[dt.datetime | None]) -> dt.date | None:
    """The day most checks were made (the earliest of equals); None when no time could be read."""
    days = Counter(t.date() for t in times if t is not None)
    if not days:
        return None
    return min(days, key=lambda day: (-days[day], day))


def keep_patrol(
    operation: Operation | None,
    addresses: Iterable[str],
    times: Iterable[dt.datetime | None],
    kept: str = AT_MAKE,
) -> KeptPatrol | None:
    """What a run keeps, from operation.yaml (None: it could not be read) and its records' addresses and
    check times; None when there is not even a date to keep. Kept ``LATER`` (the settings may have moved
    on since the run was made), operation.yaml is not this run's when its patrol month is not the month
    most checks were made in: the date is then the checks', and the area the streets'."""
    day = check_day(times)
    settings_month = operation.operation.patrol_date.strftime("%Y-%m") if operation is not None else None
    if kept == LATER and day is not None and settings_month not in (None, day.strftime("%Y-%m")):
        operation = None
    if operation is not None:
        info = operation.operation
        patrol = KeptPatrol(
            info.id,
            info.name,
            info.patrol_date,
            FROM_SETTINGS,
            kept,
            _area(operation),
            operation_area=info.area,
        )
    else:
        if day is None:
            return None
        patrol = KeptPatrol("", "", day, FROM_CHECKS, kept)
    return patrol.with_streets(addresses)


__all__ = [
    "AT_MAKE",
    "FROM_CHECKS",
    "FROM_SETTINGS",
    "LATER",
    "KeptPatrol",
    "check_day",
    "keep_patrol",
    "streets_of",
]
