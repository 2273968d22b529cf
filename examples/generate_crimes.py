"""Write the INVENTED police.uk sample extract in examples/police-uk-sample-invented/.

Deterministic (a fixed seed; run it again and the files are byte for byte the same). Everything is
invented: the force (Westmarch Police, as in content/operation.yaml), the LSOA codes (Z01…, a letter no
real LSOA code starts with), names, streets and points. The files have police.uk's street-level layout
(one CSV per month, in monthly folders), a seasonal pattern (more vehicle crime in the dark months), and a
drop in the patrolled area after the operation (November 2026), so ``make demo`` shows what the impact
report and the hotspot table look like.

    python examples/generate_crimes.py
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from handle_docs.impact.policeuk import HEADER  # noqa: E402 - after sys.path has the checkout

HERE = Path(__file__).resolve().parent
OUT = HERE / "police-uk-sample-invented"
FORCE = "Westmarch Police"
SLUG = "westmarch"
FIRST, LAST = (2025, 1), (2027, 5)  # months in the sample
OPERATION = "2026-11"
DROP = 0.45  # the patrolled area's vehicle crime after the operation, as a share of before
OUTCOMES = [
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Under investigation",
    "Status update unavailable",
]
OTHER_TYPES = ["Burglary", "Criminal damage and arson", "Other theft"]

#: Invented street names; the first three are the demo records' streets (examples/patrol-records.csv).
STREETS = [
    "Tanners Row",
    "Larkspur Road",
    "Millbrook Close",
    "Ash Grove",
    "Beacon Lane",
    "Cobble Street",
    "Dyers Way",
    "Elmfield Road",
    "Fennel Close",
    "Glebe Terrace",
    "Hawthorn Drive",
    "Ivy Court",
    "Juniper Walk",
    "Kestrel Rise",
    "Linden Avenue",
    "Mill Lane",
    "Nettle Row",
    "Orchard Place",
    "Pinfold Street",
    "Quarry Hill",
    "Rowan Crescent",
    "Saddlers Yard",
    "Thistle Way",
    "Upper Green",
    "Vicarage Lane",
    "Willow Mews",
    "Yew Tree Road",
    "Alder Close",
    "Bracken Way",
    "Cedar Gardens",
]
GRID = (7, 5)  # LSOAs in a 7 x 5 grid
AREA = {(3, 2), (4, 2)}  # the patrolled LSOAs, in the middle of the grid


def months() -> list[str]:
    out, (y, m) = [], FIRST
    while (y, m) <= LAST:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method: fine for the small rates here."""
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def lsoas() -> list[dict]:
    """The invented LSOAs: code, name, centre, streets (each a snap point) and a base monthly rate."""
    rng = random.Random(32)
    out = []
    street_pool = STREETS[3:]
    for i in range(GRID[0] * GRID[1]):
        col, row = i % GRID[0], i // GRID[0]
        code = f"Z01{i + 1:06d}"
        name = f"{'Eastmoor' if (col, row) in AREA else 'Westmarch'} {i + 1:03d}{'ABCDE'[row]}"
        lon, lat = -7.1000 + col * 0.0075, 49.9000 + row * 0.0045  # invented points, about 500 m apart
        if (col, row) == (3, 2):
            streets = ["Tanners Row", "Larkspur Road", rng.choice(street_pool)]
            rate = 4.6
        elif (col, row) == (4, 2):
            streets = ["Millbrook Close", rng.choice(street_pool), rng.choice(street_pool)]
            rate = 3.8
        else:
            streets = rng.sample(street_pool, 3)
            rate = round(rng.uniform(0.6, 2.8), 2)
        if (col, row) == (0, 4):
            streets[0] = "Millbrook Close"  # a second Millbrook Close, far away: matching must not guess
        points = [
            (round(lon + rng.uniform(-0.003, 0.003), 6), round(lat + rng.uniform(-0.0018, 0.0018), 6))
            for _ in streets
        ]
        out.append(
            {
                "code": code,
                "name": name,
                "streets": streets,
                "points": points,
                "rate": rate,
                "area": (col, row) in AREA,
            }
        )
    return out


def seasonal(month: str) -> float:
    """More vehicle crime in the dark months: highest in December, lowest in June."""
    m = int(month[5:7])
    return 1 + 0.35 * math.cos(2 * math.pi * (m - 12) / 12)


def crime_id(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def write() -> list[Path]:
    rng = random.Random(2026)
    areas = lsoas()
    written = []
    for month in months():
        rows = []
        for lsoa in areas:
            lam = lsoa["rate"] * seasonal(month)
            if lsoa["area"] and month > OPERATION:
                lam *= DROP
            for n in range(poisson(rng, lam)):
                k = rng.randrange(len(lsoa["streets"]))
                lon, lat = lsoa["points"][k]
                rows.append(
                    [
                        crime_id(month, lsoa["code"], n),
                        month,
                        FORCE,
                        FORCE,
                        f"{lon:.6f}",
                        f"{lat:.6f}",
                        f"On or near {lsoa['streets'][k]}",
                        lsoa["code"],
                        lsoa["name"],
                        "Vehicle crime",
                        rng.choice(OUTCOMES),
                        "",
                    ]
                )
            for n in range(poisson(rng, 1.0)):
                lon, lat = lsoa["points"][0]
                rows.append(
                    [
                        crime_id(month, lsoa["code"], "other", n),
                        month,
                        FORCE,
                        FORCE,
                        f"{lon:.6f}",
                        f"{lat:.6f}",
                        f"On or near {lsoa['streets'][0]}",
                        lsoa["code"],
                        lsoa["name"],
                        rng.choice(OTHER_TYPES),
                        rng.choice(OUTCOMES),
                        "",
                    ]
                )
        if rng.random() < 0.5:  # police.uk has crimes with no location
            rows.append(
                [
                    crime_id(month, "none"),
                    month,
                    FORCE,
                    FORCE,
                    "",
                    "",
                    "No Location",
                    "",
                    "",
                    "Vehicle crime",
                    rng.choice(OUTCOMES),
                    "",
                ]
            )
        folder = OUT / month
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{month}-{SLUG}-street.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(HEADER)
            writer.writerows(rows)
        written.append(path)
    return written


if __name__ == "__main__":
    paths = write()
    print(f"{len(paths)} invented monthly files written to {OUT.relative_to(HERE.parent)}/")
