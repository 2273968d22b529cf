"""Invented check records for tests: deterministic, no real data."""

from __future__ import annotations

import csv
from pathlib import Path

HEADER = ["submitted_at", "officer", "address", "postcode", "vrm", "vehicle_secure", "items_on_display",
          "advice_given", "nws_interest", "cms_interest", "language", "large_print"]
STREETS = ["Larkspur Road", "Tanners Row", "Millbrook Close"]
LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"


def plate(i: int) -> str:
    return f"Q{LETTERS[i % 22]}00 {LETTERS[(i // 22) % 22]}{LETTERS[(i // 484) % 22]}X"


def write_records(path: Path, n: int, officer: str = "4127") -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(n):
            writer.writerow([
                f"2026-11-14 19:{i % 60:02d}", officer, f"{i // 3 + 1} {STREETS[i % 3]}, Eastmoor, Westmarch",
                f"ZZ{1 + i % 3} 4QX", plate(i), "no" if i % 3 == 0 else "yes", "bag" if i % 4 == 0 else "",
                "yes", "yes" if i % 5 == 0 else "", "", "", "",
            ])
    return path
