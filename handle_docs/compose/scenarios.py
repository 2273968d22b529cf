"""Sample letters to preview wording with, drawn from the bundled sample patrol.

The sample patrol (``examples/patrol-records.csv``) is invented: fictional
streets, never-issued registrations.  Its letters are grouped by the real
grouping code, and for each situation a letter can be in (all secure, a car
not locked, things on show, keys in sight, several cars at one address, large
print) the first letter in walking order that shows it is the scenario.  Each
translation of the material adds a scenario in its language, named in English
and in itself ("Welsh (Cymraeg)", from the records' own language names), whose
preview is that translation's letter.  A proof's letters are the first ones
that between them show every finding.  When the sample file is not there (an
installed package without the examples), invented letters stand in.  This is
the one set of sample letters: previews and proofs both draw on it
(services/proofs.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from handle_docs.compose.letters import build_letters, findings_for
from handle_docs.models import Finding, Letter, RecordSet, VehicleCheck
from handle_docs.records.read import read_records
from handle_docs.records.vocab import language_label
from handle_docs.wording.content import Content

SAMPLE_RECORDS = Path(__file__).resolve().parents[2] / "examples" / "patrol-records.csv"


@dataclass(frozen=True)
class Scenario:
    id: str  # used in URLs and forms: a fixed word, never data
    label: str  # what the picker shows
    letter: Letter
    translation: str | None = None  # the translation's language tag, for a scenario in another language


#: scenario id → (label, does this letter show it?)
SITUATIONS: dict[str, tuple[str, Callable[[Letter], bool]]] = {
    "not-locked": ("A car not locked", lambda letter: Finding.INSECURE_VEHICLE in letter.findings),
    "all-secure": ("All secure (the thank-you)", lambda letter: letter.findings == (Finding.ALL_SECURE,)),
    "on-show": ("Things on show", lambda letter: Finding.ITEMS_ON_DISPLAY in letter.findings),
    "keys": ("Keys in sight", lambda letter: Finding.KEYS_VISIBLE in letter.findings),
    "several": ("Several cars at one address", lambda letter: len(letter.vehicles) > 1),
    "large-print": ("Large print", lambda letter: letter.large_print),
}


def _invented() -> list[Letter]:
    """Stand-ins with every situation, for when the sample file is missing."""

    def letter(n: int, vehicles: tuple[VehicleCheck, ...], large: bool = False) -> Letter:
        return Letter(
            f"S{n:04d}",
            (f"{n} Sample Street", "Sampleton"),
            "ZZ99 9ZZ",
            vehicles,
            findings_for(vehicles),
            (n + 1,),
            large_print=large,
        )

    return [
        letter(1, (VehicleCheck("QZ00 AAA", secure=False, items_on_display=()),)),
        letter(2, (VehicleCheck("QZ00 AAB", secure=True, items_on_display=()),)),
        letter(3, (VehicleCheck("QZ00 AAC", secure=True, items_on_display=("bag",)),)),
        letter(4, (VehicleCheck("QZ00 AAD", secure=True, items_on_display=("keys",), keys_visible=True),)),
        letter(
            5,
            (
                VehicleCheck("QZ00 AAE", secure=True, items_on_display=()),
                VehicleCheck("QZ00 AAF", secure=False, items_on_display=("phone",)),
            ),
        ),
        letter(6, (VehicleCheck("QZ00 AAG", secure=False, items_on_display=()),), large=True),
    ]


@functools.lru_cache(maxsize=4)
def _sample(path: Path) -> tuple[RecordSet, tuple[Letter, ...]]:
    if not Path(path).is_file():
        return RecordSet(source_name="invented", rows_read=0), tuple(_invented())
    records = read_records(Path(path))
    return records, tuple(build_letters(records.records))


def sample_patrol(path: Path = SAMPLE_RECORDS) -> tuple[RecordSet, tuple[Letter, ...]]:
    """The sample patrol's records and letters (read once per process), or stand-ins."""
    return _sample(Path(path))


def sample_letters(path: Path = SAMPLE_RECORDS) -> tuple[Letter, ...]:
    """The sample patrol's letters (read once per process), or stand-ins."""
    return _sample(Path(path))[1]


def proof_letters(language: str, path: Path = SAMPLE_RECORDS) -> list[Letter]:
    """The letters a proof shows, in ``language``: in walking order, each sample letter (standard
    print) that shows a finding the ones before it did not, until every finding's wording is shown
    (the invented stand-ins fill any the sample lacks)."""
    chosen: list[Letter] = []
    shown: set[Finding] = set()
    for pool in (sample_letters(path), tuple(_invented())):
        for letter in pool:
            if not letter.large_print and set(letter.findings) - shown:
                chosen.append(replace(letter, language=language))
                shown |= set(letter.findings)
        if shown >= set(Finding):
            break
    return chosen


def scenarios(content: Content, material_id: str, path: Path = SAMPLE_RECORDS) -> list[Scenario]:
    """The scenarios a letter's preview offers, the first one the default."""
    letters = sample_letters(path)
    out: list[Scenario] = []
    for sid, (label, shows) in SITUATIONS.items():
        found = next((letter for letter in letters if shows(letter)), None) or next(
            letter for letter in _invented() if shows(letter)
        )
        out.append(Scenario(sid, label, replace(found, language="en-GB")))
    base = content.material(material_id)
    first = out[0].letter
    for other in sorted(content.materials.values(), key=lambda m: m.id):
        if other.spec.translation_of == base.id:
            lang = other.spec.language
            out.append(Scenario(f"lang-{lang}", language_label(lang), replace(first, language=lang), lang))
    return out


def scenario(
    content: Content, material_id: str, scenario_id: str | None, path: Path = SAMPLE_RECORDS
) -> Scenario:
    """The scenario with that id, or the first one (an unknown id is never an error)."""
    found = scenarios(content, material_id, path)
    return next((s for s in found if s.id == scenario_id), found[0])


__all__ = [
    "SAMPLE_RECORDS",
    "SITUATIONS",
    "Scenario",
    "proof_letters",
    "sample_letters",
    "sample_patrol",
    "scenario",
    "scenarios",
]
