"""Aggregate figures of a run (no personal data) and the sign-up follow-up list.

``stats.json`` holds only counts (items by kind: free-text items are counted as
"other", never by their words), so reports, cards and cost tables can be
made from it after the run's personal data has been purged.  The follow-up
list holds addresses (only of residents who asked about Neighbourhood Watch
or the messaging scheme) and is written with the same care as the letters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from handle_docs.models import Letter, RecordSet
from handle_docs.records.vocab import item_kind
from handle_docs.run.figures import RowFigures, row_figures
from handle_docs.wording.content import Content

FOLLOW_UP_HEADER = ["letter_id", "address", "postcode", "neighbourhood_watch", "messaging_scheme", "language"]


def count_vehicles(recordset: RecordSet) -> tuple[int, int]:
    """Vehicles found insecure, and vehicles with items on display."""
    insecure = sum(1 for r in recordset.records if not r.vehicle_secure)
    with_items = sum(1 for r in recordset.records if r.items_on_display)
    return insecure, with_items


def run_stats(
    content: Content,
    recordset: RecordSet,
    letters: Sequence[Letter],
    result: Any,
    figures: RowFigures | None = None,
) -> dict[str, Any]:
    op = content.operation.operation
    figures = figures or row_figures(result.rows_read, result.letters, result.rejects, recordset.row_warnings)
    items = Counter(item_kind(item) for r in recordset.records for item in r.items_on_display)
    insecure, with_items = count_vehicles(recordset)
    return {
        "operation": {
            "id": op.id,
            "name": op.name,
            "area": op.area,
            "patrol_date": op.patrol_date.isoformat(),
        },
        **figures.as_dict(),  # rows_read, rows_in_letters, rejected_rows, warnings, rows_with_warnings
        "vehicles_checked": len(recordset.records),
        "insecure_vehicles": insecure,
        "vehicles_with_items": with_items,
        "insecure_and_items": sum(
            1 for r in recordset.records if not r.vehicle_secure and r.items_on_display
        ),
        "keys_visible": sum(1 for r in recordset.records if r.keys_visible),
        "items_by_kind": dict(sorted(items.items(), key=lambda kv: (-kv[1], kv[0]))),
        "advice_given": sum(1 for r in recordset.records if r.advice_given),
        "addresses_visited": len(letters),
        "letters": len(result.letters),
        "nws_interest_addresses": sum(1 for letter in letters if letter.nws_interest),
        "cms_interest_addresses": sum(1 for letter in letters if letter.cms_interest),
        "large_print_letters": sum(1 for letter in letters if letter.large_print),
        "braille_letters": sum(
            1 for letter in letters if letter.braille
        ),  # asked for; made: manifest.json "braille"
        "languages": letters_by_language(result.letters),
        "fallbacks": fallbacks(result.letters),
        "letter_pages": result.letter_pages,
        "letter_sheets_duplex": result.sheets,
        "batch_pages": result.batch_pages,
        "leaflet_pages": result.leaflet_pages,
    }


def letters_by_language(results: Sequence[Any]) -> dict[str, int]:
    """Letters made per language printed (``cy-GB+en-GB`` for a bilingual pair)."""
    return dict(sorted(Counter(r.language for r in results).items()))


def fallbacks(results: Sequence[Any]) -> list[dict[str, Any]]:
    """Letters sent in English instead of the language asked for: per language and reason, how many."""
    counts = Counter((r.asked, r.fallback) for r in results if r.fallback)
    return [{"asked": asked, "reason": reason, "letters": n} for (asked, reason), n in sorted(counts.items())]


def fallback_lines(results: Sequence[Any]) -> list[str]:
    """The summary's lines on languages: letters per language, then each fallback and why."""
    per = ", ".join(f"{lang}: {n}" for lang, n in letters_by_language(results).items())
    lines = [f"letters per language: {per or 'none'}"]
    found = fallbacks(results)
    if found:
        total = sum(f["letters"] for f in found)
        lines.append(f"letters sent in English instead of the language asked for: {total}")
        lines += [f"  {f['asked'] or 'no language given'} ({f['letters']}): {f['reason']}" for f in found]
    return lines


def follow_up_rows(letters: Sequence[Letter], delivered: set[str]) -> list[list[str]]:
    """Addresses that asked about NWS or CMS, for the neighbourhood team."""
    rows = []
    for letter in letters:
        if letter.letter_id in delivered and (letter.nws_interest or letter.cms_interest):
            rows.append(
                [
                    letter.letter_id,
                    ", ".join(letter.address_lines),
                    letter.postcode,
                    "yes" if letter.nws_interest else "no",
                    "yes" if letter.cms_interest else "no",
                    letter.language,
                ]
            )
    return rows
