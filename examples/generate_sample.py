"""Write the invented sample patrol: examples/patrol-records.csv and
examples/patrol-forms-export.xlsx.

One evening (2026-11-14, 18:00-22:00) of vehicle checks by two officers on
three invented streets in the invented town of Eastmoor, Westmarch.  Both
files hold the same rows: the CSV in the canonical columns, the .xlsx as a
Microsoft Forms export using the question texts in content/forms-columns.yaml.
Five rows are deliberately bad (one reason each) and two hold odd answers, so
rejects and warnings can be seen and tested: a missing address and a blank
"secure?" answer are rejected; a malformed registration, a postcode cut short
and an impossible date keep their letter with a warning, as do free text in
"advice given" and "maybe" for Neighbourhood Watch.  Some secure answers are
typed "Locked"/"Unlocked", which are read as yes/no without a warning.

Nothing here is real data:

* registrations use the current format with the age identifier "00", which
  was never issued, and memory tags starting with Q or Z, which are not used;
* postcodes are in the fictional area "ZZ";
* officers are invented collar numbers; streets and town are invented.

Deterministic: a fixed random seed and fixed timestamps, so running it again
gives byte-identical files (with the same Python/zlib).

    .venv/bin/python examples/generate_sample.py [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import sys
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402 - after sys.path has the checkout
from openpyxl.writer.excel import ExcelWriter  # noqa: E402

from handle_docs.models import RECORD_COLUMNS  # noqa: E402
from handle_docs.records.read import DEFAULT_COLUMN_MAP, load_column_map  # noqa: E402

SEED = 20261114
CSV_NAME = "patrol-records.csv"
XLSX_NAME = "patrol-forms-export.xlsx"
TOWN_LINES = ("Eastmoor", "Westmarch")
PATROL_START = dt.datetime(2026, 11, 14, 18, 0)
PATROL_END = dt.datetime(2026, 11, 14, 22, 0)
FIXED_TIMESTAMP = dt.datetime(2026, 11, 14, 22, 30)
OFFICERS = ("4127", "5583")

#: street -> (postcode odd side, postcode even side, highest house number)
STREETS: dict[str, tuple[str, str, int]] = {
    "Larkspur Road": ("ZZ1 4QX", "ZZ1 4QY", 64),
    "Tanners Row": ("ZZ1 7HB", "ZZ1 7HD", 40),
    "Millbrook Close": ("ZZ1 2LS", "ZZ1 2LT", 28),
}
#: the block of flats: (house number, street, flats checked)
FLATS = (14, "Tanners Row", (1, 2, 4, 6))

GOOD_RECORDS = 120
ADDRESSES_WITH_3 = 5
ADDRESSES_WITH_2 = 15
INSECURE = 35
WITH_ITEMS = 40
KEYS_VISIBLE = 3

#: canonical item -> (words an officer might type in the CSV, Forms choice label)
ITEM_WORDS: dict[str, tuple[tuple[str, ...], str]] = {
    "bag": (("bag", "handbag", "rucksack", "shopping"), "Bag"),
    "phone": (("phone", "mobile phone", "mobile"), "Phone"),
    "sat_nav": (("sat nav", "satnav"), "Sat nav"),
    "cash": (("cash", "loose change", "coins"), "Cash"),
    "tools": (("tools", "power tools"), "Tools"),
    "laptop": (("laptop", "tablet"), "Laptop"),
    "charger": (("charging cable", "charger"), "Charger/cable"),
    "keys": (("keys", "car keys"), "Keys"),
    "sunglasses": (("sunglasses",), "Sunglasses"),
    "clothing": (("coat", "jacket"), "Clothing"),
    "parcel": (("parcel",), "Parcel"),
    "documents": (("paperwork",), "Documents"),
}
#: how often each item turns up (keys are placed separately)
ITEM_WEIGHTS: dict[str, int] = {
    "bag": 6,
    "phone": 5,
    "sat_nav": 3,
    "cash": 3,
    "charger": 3,
    "sunglasses": 2,
    "clothing": 2,
    "tools": 2,
    "laptop": 2,
    "parcel": 1,
    "documents": 1,
}
FREE_TEXT_ITEMS = ("Golf clubs", "Dash cam")  # "Other" answers, kept as typed


@dataclass(frozen=True)
class SampleRow:
    """One check as the officer entered it (the same answers in both files)."""

    submitted_at: dt.datetime
    submitted_text: str  # what the CSV/Completion time cell holds when bad
    officer: str
    address: str
    postcode: str
    vrm: str
    vehicle_secure: bool | None
    items: tuple[str, ...]  # canonical keys or free text
    advice_given: bool
    nws_interest: bool
    cms_interest: bool
    language: str  # "" (not stated), a code of LANGUAGE_ANSWERS, or "cy+en" (Welsh and English)
    large_print: bool
    format: str = ""  # "" the print letter, "braille" (records/vocab.FORMATS)
    typed: tuple[tuple[str, str], ...] = ()  # (field, text) typed as-is in both files: odd answers


@dataclass(frozen=True)
class _Household:
    address: str
    postcode: str
    street: str
    number: int
    advice_given: bool = False
    nws_interest: bool = False
    cms_interest: bool = False
    language: str = ""
    large_print: bool = False
    format: str = ""


# ---------------------------------------------------------------------------
# invented data
# ---------------------------------------------------------------------------

_TAG_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


#: The language a household asked for -> as typed in the CSV, as chosen in the Form
#: (codes, English names and the language's own name all read the same).
LANGUAGE_ANSWERS = {
    "cy": ("cy", "Welsh"),
    "pl": ("polski", "Polish"),
    "ro": ("Romanian", "Română"),
    "ar": ("العربية", "Arabic"),
    "ur": ("Urdu", "اردو"),
    "cy+en": ("Cymraeg a Saesneg", "Welsh and English"),
}

#: The house whose letter is sent in Welsh and English (invented, like every address).
BILINGUAL_ADDRESS = "Tŷ Gwyn, Ffordd y Môr"


def invented_vrm(rng: random.Random, used: set[str]) -> str:
    """A registration that can never be real: memory tag Q?/Z?, age "00"."""
    while True:
        vrm = f"{rng.choice('QZ')}{rng.choice(_TAG_LETTERS)}00 {''.join(rng.choices(_TAG_LETTERS, k=3))}"
        if vrm not in used:
            used.add(vrm)
            return vrm


def _address(number: int, street: str, flat: int | None = None) -> str:
    lines = ([f"Flat {flat}"] if flat else []) + [f"{number} {street}", *TOWN_LINES]
    return ", ".join(lines)


def _households(rng: random.Random, count: int) -> list[_Household]:
    """``count`` distinct addresses on both sides of the three streets."""
    flat_number, flat_street, flats = FLATS
    candidates: list[_Household] = []
    for street, (odd, even, highest) in STREETS.items():
        for number in range(1, highest + 1):
            postcode = odd if number % 2 else even
            if street == flat_street and number == flat_number:
                continue
            candidates.append(_Household(_address(number, street), postcode, street, number))
    flat_postcode = STREETS[flat_street][1 if flat_number % 2 == 0 else 0]
    chosen = rng.sample(candidates, count - len(flats))
    chosen += [
        _Household(_address(flat_number, flat_street, flat), flat_postcode, flat_street, flat_number)
        for flat in flats
    ]
    street_order = list(STREETS)
    chosen.sort(key=lambda h: (street_order.index(h.street), h.number, h.address))
    return chosen


def _with_answers(rng: random.Random, households: list[_Household]) -> list[_Household]:
    """Who came to the door, and what they asked for (per household)."""
    indices = list(range(len(households)))
    spoke = set(rng.sample(indices, 38))
    spoke_list = sorted(spoke)
    nws = set(rng.sample(spoke_list, 9))
    cms = set(rng.sample(spoke_list, 7))
    large = rng.sample(spoke_list, 2)
    welsh, polish = rng.sample([i for i in spoke_list if i not in large], 2)
    # one household in each other language of the sample's translations, and one
    # in Wales asking for both letters; chosen without the random stream, so
    # every other answer stays as it was
    others = [i for i in spoke_list if i not in large and i not in (welsh, polish)]
    languages = {welsh: "cy", polish: "pl", **dict(zip(others, ("ro", "ar", "ur", "cy+en"), strict=False))}
    # braille for the Welsh household and the first English one that spoke to
    # the officers (also without the random stream)
    english = next(i for i in spoke_list if i not in large and i not in languages)
    braille = {welsh, english}
    result = []
    for i, household in enumerate(households):
        result.append(
            replace(
                household,
                advice_given=i in spoke,
                nws_interest=i in nws,
                cms_interest=i in cms,
                large_print=i in large,
                language=languages.get(i, ""),
                format="braille" if i in braille else "",
            )
        )
        if languages.get(i) == "cy+en":
            result[-1] = replace(result[-1], address=", ".join([BILINGUAL_ADDRESS, *TOWN_LINES]))
    return result


def _vehicle_counts(rng: random.Random, households: int) -> list[int]:
    counts = [3] * ADDRESSES_WITH_3 + [2] * ADDRESSES_WITH_2
    counts += [1] * (households - len(counts))
    rng.shuffle(counts)
    return counts


def _items(rng: random.Random, with_keys: bool) -> tuple[str, ...]:
    wanted = rng.choice((1, 1, 1, 2, 2, 3))
    items: list[str] = []
    while len(items) < wanted:
        item = rng.choices(list(ITEM_WEIGHTS), weights=list(ITEM_WEIGHTS.values()))[0]
        if item not in items:
            items.append(item)
    if rng.random() < 0.06:
        items.append(rng.choice(FREE_TEXT_ITEMS))
    if with_keys:
        items.insert(rng.randrange(len(items) + 1), "keys")
    return tuple(items)


def _times(rng: random.Random, groups: list[int]) -> list[dt.datetime]:
    """Increasing times through the evening: vehicles at one address close together."""
    gaps: list[float] = []
    for size in groups:
        gaps.append(rng.uniform(2.0, 5.0))  # walk to the next address (minutes)
        gaps.extend(rng.uniform(0.5, 1.5) for _ in range(size - 1))
    scale = (PATROL_END - PATROL_START).total_seconds() / 60 / (sum(gaps) + 3)
    times, minutes = [], 0.0
    for gap in gaps:
        minutes += gap * scale
        times.append(PATROL_START + dt.timedelta(seconds=round(minutes * 60)))
    return times


def build_rows(seed: int = SEED) -> list[SampleRow]:
    """The sample: 120 good check rows and 5 bad ones, in completion order."""
    rng = random.Random(seed)
    addresses = GOOD_RECORDS - 2 * ADDRESSES_WITH_3 - ADDRESSES_WITH_2
    households = _with_answers(rng, _households(rng, addresses))
    counts = _vehicle_counts(rng, len(households))
    assert sum(counts) == GOOD_RECORDS

    vehicles = list(range(GOOD_RECORDS))
    insecure = set(rng.sample(vehicles, INSECURE))
    with_items = sorted(rng.sample(vehicles, WITH_ITEMS))
    keys = set(rng.sample(with_items, KEYS_VISIBLE))
    used_vrms: set[str] = set()

    # split the streets between the two officers, each with their own timeline
    plans: dict[str, list[tuple[_Household, int]]] = {officer: [] for officer in OFFICERS}
    for household, count in zip(households, counts, strict=False):
        officer = OFFICERS[0] if household.street == "Larkspur Road" else OFFICERS[1]
        plans[officer].append((household, count))

    rows: list[SampleRow] = []
    index = 0
    for officer, plan in plans.items():
        times = iter(_times(rng, [count for _, count in plan]))
        for household, count in plan:
            for _ in range(count):
                at = next(times)
                rows.append(
                    SampleRow(
                        submitted_at=at,
                        submitted_text="",
                        officer=officer,
                        address=household.address,
                        postcode=household.postcode,
                        vrm=invented_vrm(rng, used_vrms),
                        vehicle_secure=index not in insecure,
                        items=_items(rng, index in keys) if index in with_items else (),
                        advice_given=household.advice_given,
                        nws_interest=household.nws_interest,
                        cms_interest=household.cms_interest,
                        language=household.language,
                        large_print=household.large_print,
                        format=household.format,
                    )
                )
                index += 1
    rows.sort(key=lambda row: (row.submitted_at, row.officer))
    return _add_bad_rows(rng, rows, used_vrms)


def _add_bad_rows(rng: random.Random, rows: list[SampleRow], used_vrms: set[str]) -> list[SampleRow]:
    """Insert the five bad rows (one reason each) and the two odd ones at fixed places."""
    template = SampleRow(
        submitted_at=PATROL_START,
        submitted_text="",
        officer=OFFICERS[0],
        address="",
        postcode="",
        vrm="",
        vehicle_secure=True,
        items=(),
        advice_given=False,
        nws_interest=False,
        cms_interest=False,
        language="",
        large_print=False,
    )
    bad = [
        # missing address
        dict(address="", postcode=STREETS["Tanners Row"][1]),
        # unrecognisable registration (a stray character: no UK format fits)
        dict(
            address=_address(3, "Millbrook Close"),
            postcode=STREETS["Millbrook Close"][0],
            vrm="QZ00 XK9Q",
        ),
        # invalid postcode (inward code cut short)
        dict(address=_address(21, "Tanners Row"), postcode="ZZ1 7H"),
        # vehicle_secure left blank
        dict(
            address=_address(35, "Larkspur Road"),
            postcode=STREETS["Larkspur Road"][0],
            vehicle_secure=None,
        ),
        # unparseable date (30 days hath November): the time is filled in below
        dict(
            address=_address(47, "Larkspur Road"),
            postcode=STREETS["Larkspur Road"][0],
            submitted_text="31/11/2026",
        ),
        # odd answers: "Locked" is understood; free text counts as advice given
        dict(
            address=_address(9, "Millbrook Close"),
            postcode=STREETS["Millbrook Close"][0],
            typed=(("vehicle_secure", "Locked"), ("advice_given", "told them to lock it")),
        ),
        # an answer that is neither yes nor no: treated as no, listed to follow up
        dict(
            address=_address(30, "Larkspur Road"),
            postcode=STREETS["Larkspur Road"][1],
            typed=(("nws_interest", "maybe"),),
        ),
    ]
    positions = (17, 41, 66, 88, 109, 52, 97)
    result = list(rows)
    for position, changes in sorted(zip(positions, bad, strict=False), key=lambda pair: -pair[0]):
        neighbour = rows[position - 1]
        at = neighbour.submitted_at + dt.timedelta(seconds=20)
        address = str(changes["address"])
        officer = OFFICERS[0] if "Larkspur Road" in address else OFFICERS[1]
        if changes.get("submitted_text"):
            changes["submitted_text"] = f"{changes['submitted_text']} {at:%H:%M}"
        row = replace(
            template,
            submitted_at=at,
            officer=officer if address else neighbour.officer,
            vrm=invented_vrm(rng, used_vrms),
        )
        result.insert(position, replace(row, **changes))  # type: ignore[arg-type]
    return result


# ---------------------------------------------------------------------------
# how an officer's answers look in each file
# ---------------------------------------------------------------------------


def _typed_vrm(rng: random.Random, vrm: str) -> str:
    roll = rng.random()
    if roll < 0.12:
        return vrm.replace(" ", "").lower()
    if roll < 0.2:
        return vrm.replace(" ", "")
    return vrm


def _typed_postcode(rng: random.Random, postcode: str) -> str:
    return postcode.replace(" ", "").lower() if rng.random() < 0.1 else postcode


def csv_values(rows: list[SampleRow], seed: int = SEED) -> list[list[str]]:
    """Rows in the canonical columns, with the variety officers type."""
    rng = random.Random(seed + 1)
    out = []
    for row in rows:
        items = "; ".join(
            rng.choice(ITEM_WORDS[item][0]) if item in ITEM_WORDS else item for item in row.items
        )
        values = {
            "submitted_at": row.submitted_text or row.submitted_at.isoformat(sep=" "),
            "officer": row.officer,
            "address": row.address,
            "postcode": _typed_postcode(rng, row.postcode),
            "vrm": _typed_vrm(rng, row.vrm),
            "vehicle_secure": _typed_secure(rng, row.vehicle_secure),
            "items_on_display": items,
            "advice_given": "yes" if row.advice_given else rng.choice(("", "no")),
            "nws_interest": "yes" if row.nws_interest else "",
            "cms_interest": "yes" if row.cms_interest else "",
            "language": LANGUAGE_ANSWERS.get(row.language, ("", ""))[0],
            "large_print": "yes" if row.large_print else "",
            "format": "Braille" if row.format == "braille" else "",
        }
        values.update(row.typed)
        out.append([values[name] for name in RECORD_COLUMNS])
    return out


def _typed_secure(rng: random.Random, secure: bool | None) -> str:
    """yes/no, sometimes typed as Locked/Unlocked (both read the same)."""
    if secure is None:
        return ""
    if rng.random() < 0.1:
        return "Locked" if secure else "Unlocked"
    return "yes" if secure else "no"


def write_csv(rows: list[SampleRow], path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(RECORD_COLUMNS)
    writer.writerows(csv_values(rows))
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def forms_values(
    rows: list[SampleRow], questions: dict[str, str], seed: int = SEED
) -> tuple[list[str], list[list[object]]]:
    """Header and rows as Microsoft Forms exports them (question texts from the map)."""
    rng = random.Random(seed + 2)
    field_to_header = {name: header for header, name in questions.items()}
    metadata = ["ID", "Start time", "Completion time", "Email", "Name"]
    fields = [name for name in RECORD_COLUMNS if name != "submitted_at" and name in field_to_header]
    header = metadata + [field_to_header[name] for name in fields]
    assert field_to_header["submitted_at"] == "Completion time"
    out: list[list[object]] = []
    for number, row in enumerate(rows, start=1):
        completed: object = row.submitted_text or row.submitted_at
        started = row.submitted_at - dt.timedelta(seconds=rng.randint(35, 150))
        answers: dict[str, object] = {
            "officer": row.officer,
            "address": row.address,
            "postcode": _typed_postcode(rng, row.postcode),
            "vrm": _typed_vrm(rng, row.vrm),
            "vehicle_secure": None if row.vehicle_secure is None else _yes_no(row.vehicle_secure),
            "items_on_display": "".join(
                f"{ITEM_WORDS[item][1] if item in ITEM_WORDS else item};" for item in row.items
            )
            or None,
            "advice_given": _yes_no(row.advice_given),
            "nws_interest": _yes_no(row.nws_interest),
            "cms_interest": _yes_no(row.cms_interest),
            "language": LANGUAGE_ANSWERS.get(row.language, ("", ""))[1],
            "large_print": _yes_no(row.large_print),
            "format": "Braille" if row.format == "braille" else "No",
        }
        answers.update(row.typed)
        out.append(
            [
                number,
                started,
                completed,
                f"officer-{row.officer}@westmarch-police.example",
                f"PC {row.officer}",
            ]
            + [answers[name] or None for name in fields]
        )
    return header, out


def write_xlsx(rows: list[SampleRow], path: Path, questions: dict[str, str]) -> None:
    """Write the Forms-style workbook with fixed properties and zip timestamps."""
    header, values = forms_values(rows, questions)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(header)
    for row in values:
        sheet.append(row)
    for column in ("B", "C"):
        sheet.column_dimensions[column].width = 20
        for cell in sheet[column][1:]:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "dd/mm/yyyy hh:mm:ss"
    props = workbook.properties
    props.creator = props.lastModifiedBy = "handle-docs examples/generate_sample.py"
    props.created = props.modified = FIXED_TIMESTAMP
    raw = io.BytesIO()
    # ExcelWriter directly: openpyxl's save() would stamp "modified" with now.
    ExcelWriter(workbook, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    path.write_bytes(_fixed_zip(raw.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """Same members, same order, with fixed timestamps and attributes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0
            fixed.external_attr = 0
            target.writestr(fixed, source.read(info), compresslevel=6)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="output folder")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = build_rows()
    write_csv(rows, args.out / CSV_NAME)
    write_xlsx(rows, args.out / XLSX_NAME, load_column_map(DEFAULT_COLUMN_MAP))
    return 0


if __name__ == "__main__":
    sys.exit(main())
