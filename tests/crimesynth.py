"""Synthetic police.uk street-level files for the impact tests: an invented force (Testshire Police), invented
LSOAs (codes starting Y, which no real one does) and streets, a known seasonal pattern, and known changes
after a given month (a drop in the area, a rise in the buffer, ...). Poisson counts from a fixed seed."""

from __future__ import annotations

import csv
import importlib.util
import math
import random
import zipfile
from dataclasses import dataclass
from pathlib import Path

from handle_docs.impact.estimate import add_months
from handle_docs.impact.policeuk import HEADER

FORCE = "Testshire Police"
ROOT = Path(__file__).resolve().parent.parent


def generator():
    """examples/generate_crimes.py (the demo's invented sample), for its Poisson sampler."""
    spec = importlib.util.spec_from_file_location("generate_crimes", ROOT / "examples" / "generate_crimes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


poisson = generator().poisson


@dataclass(frozen=True)
class Lsoa:
    code: str
    name: str
    streets: tuple[str, ...]
    point: tuple[float, float]  # (longitude, latitude): the streets' snap points sit within ~100 m of it
    rate: float  # vehicle crimes a month, before the season


def grid(n_cols: int = 6, n_rows: int = 5, rate: float = 3.0, spacing: float = 0.01) -> list[Lsoa]:
    """A grid of LSOAs about 700 m (0.01 degrees) apart; streets named after their LSOA."""
    out = []
    for i in range(n_cols * n_rows):
        col, row = i % n_cols, i // n_cols
        code = f"Y01{i + 1:06d}"
        out.append(
            Lsoa(
                code,
                f"Testshire {i + 1:03d}",
                (f"Street {i + 1} Road", f"Street {i + 1} Close"),
                (round(-5.0 + col * spacing, 6), round(50.0 + row * spacing * 0.6, 6)),
                rate,
            )
        )
    return out


def season(month: str) -> float:
    """The known seasonal pattern: highest in December, lowest in June."""
    return 1 + 0.3 * math.cos(2 * math.pi * (int(month[5:7]) - 12) / 12)


def months(first: str, n: int) -> list[str]:
    return [add_months(first, i) for i in range(n)]


def write_crimes(
    folder: Path,
    lsoas: list[Lsoa],
    all_months: list[str],
    *,
    after: str = "",
    change: dict[str, float] | None = None,
    seed: int = 1,
    force: str = FORCE,
    slug: str = "testshire",
    other_types: bool = True,
) -> list[Path]:
    """One ``YYYY-MM/YYYY-MM-<slug>-street.csv`` per month; ``change[code]`` multiplies that LSOA's rate in
    the months after ``after``."""
    rng = random.Random(seed)
    change = change or {}
    paths = []
    for month in all_months:
        rows = []
        for lsoa in lsoas:
            lam = lsoa.rate * season(month) * (change.get(lsoa.code, 1.0) if after and month > after else 1.0)
            for n in range(poisson(rng, lam)):
                k = n % len(lsoa.streets)
                lon, lat = lsoa.point[0] + 0.0005 * k, lsoa.point[1]
                rows.append(
                    [
                        "",
                        month,
                        force,
                        force,
                        f"{lon:.6f}",
                        f"{lat:.6f}",
                        f"On or near {lsoa.streets[k]}",
                        lsoa.code,
                        lsoa.name,
                        "Vehicle crime",
                        "Under investigation",
                        "",
                    ]
                )
        if other_types:
            rows.append(
                [
                    "",
                    month,
                    force,
                    force,
                    "-5.0",
                    "50.0",
                    "On or near Elsewhere",
                    lsoas[0].code,
                    lsoas[0].name,
                    "Burglary",
                    "Under investigation",
                    "",
                ]
            )
            rows.append(["", month, force, force, "", "", "No Location", "", "", "Vehicle crime", "", ""])
        path = folder / month / f"{month}-{slug}-street.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(HEADER)
            writer.writerows(rows)
        paths.append(path)
    return paths


def zip_folder(folder: Path, target: Path) -> Path:
    """The folder as the police.uk archive's zip (monthly folders inside)."""
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*.csv")):
            archive.write(path, path.relative_to(folder).as_posix())
    return target
