"""Items on show as the officers typed them, through ``handle-docs letters`` and
``handle-docs report``: an officer's own words go only into that resident's
letter (figures count them as "other"), and an answer that says nothing
("??", "-", "n/a", "unknown", "...") is warned about and never printed."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from handle_docs.cli import cli
from handle_docs.records.normalise import normalise_items
from handle_docs.records.rules import build_row
from handle_docs.records.vocab import UNNAMED_ITEM

from .conftest import CONTENT
from .pdfsee import words
from .synth import write_rows

FREE_TEXT = "Driving licence of Zebedee Quarrington DOB 12/03/1970"
SAYS_NOTHING = ["??", "-", "n/a", "unknown", "..."]


def row(number: int, items: str, secure: str = "yes") -> str:
    return (
        f'2026-11-14 19:{number:02d},4127,"{number} Larkspur Road, Eastmoor, Westmarch",ZZ1 4QX,'
        f"QA00 B{'CDEFGHJKLM'[number]}X,{secure},{items},yes,,,,"
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """Row 2: free text; rows 3-7: an answer that says nothing; row 8: a bag and "??"."""
    folder = tmp_path_factory.mktemp("items")
    records = write_rows(
        folder / "records.csv",
        row(2, FREE_TEXT),
        *(row(3 + i, typed) for i, typed in enumerate(SAYS_NOTHING)),
        row(8, "bag; ??"),
    )
    out = folder / "out"
    result = CliRunner().invoke(
        cli, ["letters", str(records), "--out", str(out), "--content", str(CONTENT), "--jobs", "1", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    return out


def letter_words(out: Path) -> dict[int, str]:
    """Each letter's words, by its source row."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    found = {}
    for letter in manifest["letters"]:
        (source,) = letter["source_rows"]
        found[source] = words(out / letter["file"])
    return found


def items_cell(text: str) -> str:
    """What a letter's table says was on show, for its one car."""
    return re.search(r"Items on show QA00 B[A-Z]X Yes (.*?) Our reference", text).group(1)


def test_an_officers_own_words_are_in_that_letter_only_and_counted_as_other(run, tmp_path):
    stats_text = (run / "stats.json").read_text(encoding="utf-8")
    for word in FREE_TEXT.split():
        assert word not in stats_text, word
    assert json.loads(stats_text)["items_by_kind"] == {"other": 7, "bag": 1}
    result = CliRunner().invoke(cli, ["report", str(run), "--out", str(tmp_path / "report")])
    assert result.exit_code == 0, result.output
    markdown = (tmp_path / "report" / "operation-summary.md").read_text(encoding="utf-8")
    assert "| Other items | 7 |" in markdown
    assert not any(word in markdown for word in ("Driving", "licence", "Zebedee", "Quarrington", "1970"))
    letters = letter_words(run)
    assert FREE_TEXT in letters[2]
    assert not any("Zebedee" in text for source, text in letters.items() if source != 2)


def test_an_answer_that_says_nothing_is_warned_about_and_the_letter_does_not_print_it(run):
    with open(run / "warnings.csv", encoding="utf-8-sig", newline="") as handle:
        warned = {(int(w["row"]), w["field"]) for w in csv.DictReader(handle)}
    assert warned == {(n, "items_on_display") for n in range(3, 9)}
    cells = {source: items_cell(text) for source, text in letter_words(run).items()}
    for source in range(3, 8):
        assert cells[source] == "an item (not noted)", (
            source
        )  # the approved items.unnamed, not what was typed
    assert cells[8] == "a bag and an item (not noted)"
    assert cells[2] == FREE_TEXT


@pytest.mark.parametrize("typed", [*SAYS_NOTHING, "?", "N/A", "Unknown", "--", "\u2026", "\u2014", "bag; ??"])
def test_an_answer_that_says_nothing_is_an_unnamed_item_with_a_warning(typed):
    assert UNNAMED_ITEM in normalise_items(typed)
    cells = {
        "submitted_at": "2026-11-14 19:05",
        "officer": "4127",
        "address": "1 Larkspur Road, Eastmoor",
        "postcode": "ZZ1 4QX",
        "vrm": "QA00 BCX",
        "vehicle_secure": "yes",
        "items_on_display": typed,
    }
    outcome = build_row(2, cells)
    assert outcome.record is not None and outcome.record.has_items
    (warning,) = outcome.warnings
    assert warning.field == "items_on_display" and "not named" in warning.found
    assert typed not in warning.found.replace("??, - or unknown", "")


@pytest.mark.parametrize("typed", ["none", "Nothing", "nil", ""])
def test_none_still_means_nothing_on_show(typed):
    assert normalise_items(typed) == ()


def test_an_emoji_is_not_an_answer_that_says_nothing():
    """It may name a thing (a backpack): kept, for the font screening to judge (tests/test_hostile.py)."""
    assert normalise_items("bag;\U0001f392") == ("bag", "\U0001f392")


def test_purging_a_run_made_before_counts_an_older_stats_json_s_free_text_as_other(run, tmp_path):
    folder = tmp_path / "older"
    shutil.copytree(run, folder)
    stats = json.loads((folder / "stats.json").read_text(encoding="utf-8"))
    stats["items_by_kind"] = {FREE_TEXT: 1, "??": 1, "bag": 2}  # as handle-docs counted them before
    (folder / "stats.json").write_text(json.dumps(stats), encoding="utf-8")
    result = CliRunner().invoke(cli, ["purge", str(folder), "--yes"])
    assert result.exit_code == 0, result.output
    kept = (folder / "stats.json").read_text(encoding="utf-8")
    assert "Zebedee" not in kept and "??" not in kept
    assert json.loads(kept)["items_by_kind"] == {"bag": 2, "other": 2}
