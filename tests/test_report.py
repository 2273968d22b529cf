"""The operation summary and the sign-up follow-up list, against the sample records."""

from __future__ import annotations

import csv
import json
import shutil
import stat
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from handle_docs.checks import check_paths, config_from_links
from handle_docs.commands.report import report as report_cmd
from handle_docs.compose.letters import address_key
from handle_docs.outputs.costs import load_prices, run_counts
from handle_docs.outputs.report import (
    OTHER_ITEMS,
    item_counts,
    load_run,
    render_report,
    report_context,
)

from .conftest import CONTENT, TEMPLATES
from .pdfsee import words
from .synth import assert_no_personal_data, personal_data_in, run_records, write_rows

PRICES = CONTENT / "print-costs.yaml"


def test_the_personal_data_check_finds_a_street_a_postcode_a_plate_and_an_officer(sample_run):
    """The no-personal-data assertions below can fail: a report naming any of these would."""
    _, _, recordset = sample_run
    record = recordset.records[0]
    street = next(part for part in record.address.split(", ") if part[:1].isdigit()).split(" ", 1)[1]
    leaked = f"Cars checked on {street} ({record.postcode}), e.g. {record.vrm.lower()}, by officer {record.officer}."
    found = personal_data_in(leaked, recordset)
    for kind, value in [
        ("street", street),
        ("postcode", record.postcode),
        ("registration", record.vrm),
        ("officer", record.officer),
    ]:
        assert f"{kind}: {value}" in found, found
    assert personal_data_in("Cars checked in Eastmoor: 120, 35 left unlocked.", recordset) == []


def test_report_figures_match_the_sample_records(sample_run):
    out, result, recordset = sample_run
    records = recordset.records
    stats, manifest = load_run(out)
    ctx = report_context(stats, manifest, prices=None, counts=None)
    figures = {f["key"]: f["value"] for f in ctx["figures"]}

    # Worked out here from the records themselves, not from stats.py.
    by_address: dict[str, list] = {}
    for record in records:  # (a row without a postcode joins its address)
        by_address.setdefault(address_key(record.address, ""), []).append(record)
    assert figures["vehicles_checked"] == len(records) == 125
    assert figures["insecure_vehicles"] == sum(1 for r in records if not r.vehicle_secure)
    assert figures["vehicles_with_items"] == sum(1 for r in records if r.items_on_display)
    assert figures["letters"] == len(result.letters) == len(by_address)
    assert figures["nws_interest_addresses"] == sum(
        any(r.nws_interest for r in rs) for rs in by_address.values()
    )
    assert figures["cms_interest_addresses"] == sum(
        any(r.cms_interest for r in rs) for rs in by_address.values()
    )
    assert ctx["area"] == "Eastmoor" and ctx["date"] == "14 November 2026"

    seen = Counter(item for r in records for item in r.items_on_display)
    shown = {i["label"]: i["count"] for i in ctx["items"]}
    assert (
        shown["Bags"] == seen["bag"]
        and shown["Phones"] == seen["phone"]
        and shown["Cash or coins"] == seen["cash"]
    )
    assert sum(shown.values()) == sum(seen.values()), "every item is counted once, named or as other items"
    assert ctx["chart"]["alt"].startswith("Bar chart of items seen on display")
    for label, count in shown.items():
        assert f"{label}: {count}" in ctx["chart"]["alt"]


def test_the_report_is_one_accessible_page_with_no_personal_data(sample_run, tmp_path):
    out, _, recordset = sample_run
    result = render_report(out, tmp_path / "report", TEMPLATES, prices=load_prices(PRICES))
    assert result.pages == 1
    reports = check_paths([result.pdf], config_from_links(CONTENT / "links.yaml"))
    assert all(r.passed for r in reports), [
        (c.check, [f.message for f in c.findings]) for r in reports for c in r.results if not c.passed
    ]

    seen = words(result.pdf)
    markdown = result.markdown.read_text(encoding="utf-8")
    for text in (seen, markdown):
        assert "Operation Larkspur" in text and "Eastmoor" in text and "14 November 2026" in text
        assert "125" in text and "Bags" in text and "£" in text
        assert "127 records read: 125 in letters, 2 could not be used; 5 answers assumed." in " ".join(
            text.split()
        )
        assert_no_personal_data(text, recordset)
    assert "| Vehicles checked | 125 |" in markdown
    assert "Dash cam" not in seen + markdown, "items typed in an officer's own words are never named"

    counts = run_counts(out)
    assert f"| {counts['visit-letter'].pages} |" in markdown
    assert stat.S_IMODE((tmp_path / "report").stat().st_mode) == 0o700
    for path in (result.pdf, result.markdown):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_items_typed_in_an_officers_own_words_are_counted_not_named():
    rows = item_counts({"bag": 3, "Mr Smith's laptop bag": 1, "phone": 2, "=cmd": 1})
    assert rows == [("Bags", 3), ("Phones", 2), (OTHER_ITEMS, 2)]
    many = {
        key: 20 - i
        for i, key in enumerate(
            [
                "bag",
                "phone",
                "sat_nav",
                "cash",
                "tools",
                "laptop",
                "charger",
                "keys",
                "sunglasses",
                "clothing",
                "parcel",
            ]
        )
    }
    folded = item_counts(many, max_bars=5)
    assert len(folded) == 5 and folded[-1][0] == OTHER_ITEMS
    assert sum(c for _, c in folded) == sum(many.values())


def test_a_report_can_be_made_after_the_personal_data_is_purged(sample_run, tmp_path):
    out, _, _ = sample_run
    purged = tmp_path / "purged"
    purged.mkdir()
    for name in ("stats.json", "manifest.json"):
        shutil.copy(out / name, purged / name)
    result = render_report(purged, tmp_path / "report", TEMPLATES, prices=load_prices(PRICES))
    markdown = result.markdown.read_text(encoding="utf-8")
    assert "| Vehicles checked | 125 |" in markdown
    assert "Print cost not known" in markdown
    # ... and with the page counts the letters run keeps in stats.json, the cost too.
    stats = json.loads((out / "stats.json").read_text())
    stats["print"] = {"materials": {"visit-letter": {"pages": 4, "colour_pages": 0, "blank_backs": 0}}}
    (purged / "stats.json").write_text(json.dumps(stats), encoding="utf-8")
    markdown = render_report(
        purged, tmp_path / "report", TEMPLATES, prices=load_prices(PRICES)
    ).markdown.read_text()
    assert "| Visit letter | 4 | 0 | 2 |" in markdown


def test_report_command(sample_run, tmp_path):
    out, _, _ = sample_run
    runner = CliRunner()
    result = runner.invoke(report_cmd, [str(out), "--out", str(tmp_path / "r"), "--content", str(CONTENT)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "operation-summary.pdf").is_file() and (
        tmp_path / "r" / "operation-summary.md"
    ).is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(report_cmd, [str(empty), "--out", str(tmp_path / "r2"), "--content", str(CONTENT)])
    assert result.exit_code == 2 and "stats.json not found" in result.output


# --- the sign-up follow-up list (written by the letters run) ------------------------


def read_follow_up(run: Path) -> list[dict[str, str]]:
    with open(run / "follow-up.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_follow_up_lists_exactly_the_addresses_that_asked_about_nws_or_cms(sample_run):
    out, _, recordset = sample_run
    rows = read_follow_up(out)
    assert stat.S_IMODE((out / "follow-up.csv").stat().st_mode) == 0o600

    interest: dict[str, tuple[bool, bool]] = {}
    for record in recordset.records:
        key = address_key(record.address, record.postcode)
        nws, cms = interest.get(key, (False, False))
        interest[key] = (nws or record.nws_interest, cms or record.cms_interest)
    wanted = {key for key, (nws, cms) in interest.items() if nws or cms}
    listed = {address_key(row["address"], row["postcode"]) for row in rows}
    assert listed == wanted and len(rows) == len(wanted) > 0
    for row in rows:
        nws, cms = interest[address_key(row["address"], row["postcode"])]
        assert (row["neighbourhood_watch"], row["messaging_scheme"]) == (
            "yes" if nws else "no",
            "yes" if cms else "no",
        )
    assert set(rows[0]) == {
        "letter_id",
        "address",
        "postcode",
        "neighbourhood_watch",
        "messaging_scheme",
        "language",
    }
    text = (out / "follow-up.csv").read_text(encoding="utf-8-sig")
    for record in recordset.records:
        assert not record.vrm or record.vrm not in text, "no registrations in the follow-up list"


def test_follow_up_cells_are_neutralised_against_spreadsheet_formulas(tmp_path):
    records = write_rows(
        tmp_path / "records.csv",
        '2026-11-14 18:05,4127,"=HYPERLINK(""http://x.example"";""click""), Eastmoor",ZZ1 4QX,QZ00 XKB,no,,yes,yes,no,,no',
        '2026-11-14 18:07,4127,"@SUM(A1) Larkspur Road, Eastmoor",ZZ1 4QX,QZ00 XKC,no,,yes,no,yes,,no',
        '2026-11-14 18:09,4127,"14 Larkspur Road, Eastmoor",ZZ1 4QX,QZ00 XKD,yes,,yes,no,no,,no',
    )
    run = tmp_path / "run"
    _, recordset = run_records(records, run)
    assert len(recordset.records) == 3
    rows = read_follow_up(run)
    addresses = sorted(row["address"] for row in rows)
    assert len(rows) == 2, "only the two addresses that asked"
    assert all(a.startswith("'") for a in addresses), addresses
    assert not any(a.startswith(("=", "+", "-", "@")) for row in rows for a in row.values())
    assert "14 Larkspur Road" not in (run / "follow-up.csv").read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("name", ["stats.json"])
def test_missing_or_broken_stats_are_named(tmp_path, name):
    from handle_docs.outputs.report import ReportError

    with pytest.raises(ReportError, match=r"stats\.json not found"):
        load_run(tmp_path)
    (tmp_path / name).write_text("[1, 2", encoding="utf-8")
    with pytest.raises(ReportError, match="cannot be read as JSON"):
        load_run(tmp_path)


def test_a_draft_run_with_several_materials_still_fits_one_page(sample_run, tmp_path):
    out, _, _ = sample_run
    run = tmp_path / "run"
    run.mkdir()
    stats = json.loads((out / "stats.json").read_text())
    stats["items_by_kind"].update({"documents": 3, "keys": 2, "parcel": 1})
    stats["print"] = {
        "materials": {
            "visit-letter": {"pages": 194, "colour_pages": 0, "blank_backs": 4},
            "visit-letter-cy": {"pages": 2, "colour_pages": 0, "blank_backs": 0},
            "lock-it-leaflet": {"pages": 190, "colour_pages": 190, "blank_backs": 0},
        }
    }
    (run / "stats.json").write_text(json.dumps(stats), encoding="utf-8")
    (run / "manifest.json").write_text(json.dumps({"draft": True}), encoding="utf-8")
    result = render_report(run, tmp_path / "report", TEMPLATES, prices=load_prices(PRICES))
    assert result.pages == 1
    seen = words(result.pdf)
    assert "Draft run: not approved for delivery." in seen and "Lock it leaflet" in seen
    assert all(r.passed for r in check_paths([result.pdf], config_from_links(CONTENT / "links.yaml")))
