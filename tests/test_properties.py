"""Property tests: any valid records render; every row is in one letter or rejected."""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handle_docs.records.read import read_records
from handle_docs.run.batch import RunSettings
from handle_docs.run.pipeline import RunOptions, file_sha256, run_letters
from handle_docs.wording.content import load_content

from .conftest import CONTENT, TEMPLATES
from .pdfsee import words
from .synth import HEADER, LETTERS

CONTENT_LOADED = load_content(CONTENT, TEMPLATES)
SAFE_TEXT = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPRSTUVWXYZéèüöñ'-&"),
    min_size=1,
    max_size=20,
)

record = st.fixed_dictionaries(
    {
        "number": st.integers(min_value=1, max_value=40),
        "street": st.sampled_from(["Larkspur Road", "Tanners Row", "Millbrook Close"]),
        "flat": st.one_of(st.none(), st.integers(min_value=1, max_value=9)),
        "plate": st.tuples(st.sampled_from(LETTERS), st.text(alphabet=LETTERS, min_size=3, max_size=3)),
        "secure": st.sampled_from(["yes", "no", "Y", "N", "TRUE", "false"]),
        "items": st.lists(
            st.one_of(
                st.sampled_from(["bag", "Phone", "sat nav", "cash", "keys", "laptop", "charger"]),
                SAFE_TEXT.filter(
                    lambda s: s.strip() and s.strip().lower() not in {"n", "none", "nothing", "n a", "na"}
                ),
            ),
            max_size=3,
        ),
        "nws": st.sampled_from(["", "yes", "no"]),
        "large": st.sampled_from(["", "no", "yes"]),
    }
)


def write(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for r in rows:
            address = (f"Flat {r['flat']}, " if r["flat"] else "") + f"{r['number']} {r['street']}, Eastmoor"
            writer.writerow(
                [
                    "2026-11-14 19:30",
                    "4127",
                    address,
                    "ZZ1 4QX",
                    f"Q{r['plate'][0]}00 {r['plate'][1]}",
                    r["secure"],
                    ";".join(i.replace(";", " ") for i in r["items"]),
                    "yes",
                    r["nws"],
                    "",
                    "",
                    r["large"],
                ]
            )
    return path


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(record, min_size=1, max_size=5))
def test_any_valid_records_render_and_every_row_is_accounted_for(tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("prop")
    records = write(tmp / "r.csv", rows)
    recordset = read_records(records)
    settings_ = RunSettings(content_root=CONTENT, templates=TEMPLATES)
    result = run_letters(
        recordset, file_sha256(records), CONTENT_LOADED, settings_, tmp / "run", RunOptions(jobs=1)
    )
    in_letters = [row for letter in result.letters for row in letter.source_rows]
    rejected = [r.row for r in result.rejects]
    assert sorted(in_letters + rejected) == list(range(2, len(rows) + 2)), "each row exactly once"
    assert len(set(in_letters)) == len(in_letters)
    assert not result.rejects, [r.reason for r in result.rejects]  # every generated row is valid
    by_row = {r.row: r for r in recordset.records}
    for letter in result.letters:
        text = words(tmp / "run" / letter.file)
        for row in letter.source_rows:
            assert by_row[row].vrm in text
