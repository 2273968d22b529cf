"""The sample operation's run folder, checked as a person would see it."""

from __future__ import annotations

import csv
import json
import stat


from handle_docs.render.qr import tracked_url
from handle_docs.wording.content import load_content

from .conftest import CONTENT, TEMPLATES
from .pdfsee import catalog_facts, font_sizes_and_names, qr_payloads, text, words


def manifest(run):
    return json.loads((run / "manifest.json").read_text())


def test_every_row_is_a_letter_or_a_reject_and_counts_reconcile(sample_run):
    out, result, recordset = sample_run
    data = manifest(out)
    rows_in_letters = sorted(r for letter in data["letters"] for r in letter["source_rows"])
    with open(out / "rejects.csv", encoding="utf-8-sig") as handle:
        rejected = sorted(int(row["row"]) for row in csv.DictReader(handle))
    assert len(rows_in_letters) + len(rejected) == recordset.rows_read == data["rows_read"]
    assert not set(rows_in_letters) & set(rejected)
    summary = (out / "summary.txt").read_text()
    assert f"rows read: {recordset.rows_read}" in summary
    assert f"letters: {len(data['letters'])}" in summary
    assert f"rejected rows: {len(rejected)}" in summary


def test_bad_sample_rows_are_rejected_with_a_reason_that_holds_no_personal_data(sample_run):
    out, _, recordset = sample_run
    with open(out / "rejects.csv", encoding="utf-8-sig") as handle:
        rejects = list(csv.DictReader(handle))
    assert len(rejects) == 5
    assert all(r["reason"] and r["field"] for r in rejects)
    reasons = " ".join(r["reason"] for r in rejects)
    for record in recordset.records:
        assert record.vrm not in reasons and record.postcode not in reasons


def test_one_letter_per_address_listing_every_registration_checked_there(sample_run):
    out, _, recordset = sample_run
    by_row = {r.row: r for r in recordset.records}
    data = manifest(out)
    multi = 0
    for letter in data["letters"]:
        seen = words(out / letter["file"])
        records = [by_row[row] for row in letter["source_rows"]]
        assert len({(r.address.lower(), r.postcode) for r in records}) == 1
        for record in records:
            assert record.vrm in seen
        assert records[0].postcode in seen
        multi += len(records) > 1
    assert multi >= 3, "the sample has several addresses with more than one vehicle"


def test_wording_follows_what_was_found(sample_run):
    out, _, recordset = sample_run
    by_row = {r.row: r for r in recordset.records}
    counts = {"insecure": 0, "items": 0, "secure": 0}
    for letter in manifest(out)["letters"]:
        seen = words(out / letter["file"])
        records = [by_row[row] for row in letter["source_rows"]]
        insecure = any(not r.vehicle_secure for r in records)
        items = any(r.items_on_display for r in records)
        assert ("A car at your address was not locked" in seen) == insecure
        assert ("Things were left on show" in seen) == items
        assert ("Thank you for keeping your car safe" in seen) == (not insecure and not items and not any(r.keys_visible for r in records))
        counts["insecure"] += insecure
        counts["items"] += items
        counts["secure"] += not insecure and not items
        assert "The Occupier" in seen
    assert all(counts.values()), counts


def test_letters_are_in_walking_order(sample_run):
    out, _, recordset = sample_run
    by_row = {r.row: r for r in recordset.records}
    streets = []
    for letter in manifest(out)["letters"]:
        address = by_row[letter["source_rows"][0]].address
        street = [part.strip() for part in address.split(",") if part.strip()[:1].isdigit()][0].split(" ", 1)[1]
        if not streets or streets[-1] != street:
            streets.append(street)
    assert len(streets) == len(set(streets)), "each street is walked once"


def test_large_print_text_sans_serif_embedded(sample_run):
    out, _, _ = sample_run
    for path in [out / "batch.pdf", *sorted((out / "letters").glob("*.pdf"))[:5]]:
        smallest, names = font_sizes_and_names(path)
        assert smallest >= 16.0, (path.name, smallest)
        assert names and all(n.replace("-", "").startswith("AtkinsonHyperlegibleNext") for n in names), names
        assert not any("Italic" in n or "Oblique" in n for n in names)
        facts = catalog_facts(path)
        assert facts["fonts_embedded"]


def test_pdfs_are_tagged_pdf_ua_with_title_and_language(sample_run):
    out, _, _ = sample_run
    for path in [out / "batch.pdf", *sorted((out / "letters").glob("*.pdf"))[:5]]:
        facts = catalog_facts(path)
        assert facts["struct_tree"] and facts["marked"], path.name
        assert facts["lang"] == "en-GB"
        assert facts["display_title"]
        assert "Advice after our vehicle crime patrol" in facts["title"]
        assert str(facts["pdfua_part"]) == "1"


def test_qr_codes_decode_to_the_configured_links_printed_beside_them(sample_run):
    out, _, _ = sample_run
    content = load_content(CONTENT, TEMPLATES)
    campaign = content.operation.operation.id
    expected = sorted(
        tracked_url(content.links.links[name].url, source="letter", campaign=campaign) for name in ("nws", "cms")
    )
    letter = sorted((out / "letters").glob("*.pdf"))[0]
    found = sorted(p for page in qr_payloads(letter) for p in page)
    assert found == expected
    seen = words(letter).replace(" ", "")  # a printed address may wrap across lines
    for name in ("nws", "cms"):
        assert content.links.links[name].short in seen


def test_batch_starts_every_letter_on_a_fresh_sheet(sample_run):
    out, _, _ = sample_run
    data = manifest(out)
    pages = text(out / "batch.pdf").count("Our reference L")  # footer on letter pages only? (blank backs too)
    assert data["batch"]["pages"] % 2 == 0
    expected = sum(letter["pages"] + letter["pages"] % 2 for letter in data["letters"])
    assert data["batch"]["pages"] == expected
    assert pages >= sum(letter["pages"] for letter in data["letters"])


def test_run_folder_is_private_and_file_names_carry_only_ids(sample_run):
    out, _, recordset = sample_run
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for path in out.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path
        for record in recordset.records:
            assert record.vrm.replace(" ", "") not in path.name.replace(" ", "")
            assert record.postcode.replace(" ", "") not in path.name.replace(" ", "")
    assert sorted(p.name for p in out.iterdir()) == [
        "batch.pdf", "follow-up.csv", "letters", "manifest.csv", "manifest.json", "rejects.csv", "stats.json",
        "summary.txt",
    ]
