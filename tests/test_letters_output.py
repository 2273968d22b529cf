"""The sample operation's run folder, checked as a person would see it."""

from __future__ import annotations

import csv
import json
import stat
from collections import Counter

from click.testing import CliRunner

from handle_docs.cli import cli
from handle_docs.compose.qr import tracked_url
from handle_docs.outputs.leaflets import render_leaflet
from handle_docs.util.direction import text_direction
from handle_docs.wording.content import load_content

from .conftest import CONTENT, SAMPLE_CSV, TEMPLATES, approve_all
from .pdfsee import (
    LETTER_FONTS,
    catalog_facts,
    drawn_text,
    font_sizes_and_names,
    page_texts,
    qr_payloads,
    words,
)
from .textread import poppler_words

BLANK_BACK = "This page is intentionally blank."
SAMPLE = load_content(CONTENT, TEMPLATES)


def wording(letter: dict):
    """The material a letter of the manifest was written from (its language's translation, or English;
    the first language's of a bilingual letter, "visit-letter-cy+visit-letter")."""
    return SAMPLE.material(letter["material_id"].split("+")[0])


def right_to_left(letter: dict) -> bool:
    return text_direction(letter["language"].split("+")[0]) == "rtl"


def manifest(run):
    return json.loads((run / "manifest.json").read_text())


def batch_layout(data: dict, leaflet_pages: int = 0) -> tuple[list[tuple[dict, int, int | None]], int]:
    """Where each letter, and the leaflet after it, should start in batch.pdf (0-based page
    index), worked out from the manifest's page counts alone: a letter's pages, a blank back
    if that is odd, then the leaflet's pages and a blank back if that is odd.  Also the total."""
    layout, position = [], 0
    for letter in data["letters"]:
        start = position
        position += letter["pages"] + letter["pages"] % 2
        leaflet = position if leaflet_pages else None
        position += leaflet_pages + leaflet_pages % 2
        layout.append((letter, start, leaflet))
    return layout, position


def same_text(a: str, b: str) -> bool:
    """The same characters, whatever the line breaks and the order the columns are read in."""
    return Counter("".join(a.split())) == Counter("".join(b.split()))


def assert_letter_at(batch: list[str], run, letter: dict, start: int) -> None:
    """The letter's own file's pages stand in batch.pdf from ``start``, the front of a sheet,
    followed by a blank back when the letter has an odd number of pages."""
    assert start % 2 == 0, f"{letter['letter_id']} starts on page {start + 1}, the back of a sheet"
    first = batch[start]
    reference = wording(letter).spec.labels["reference"]
    assert first.startswith("The Occupier"), first[:200]
    if right_to_left(letter):  # the text layer gives "0042L": look at the page as drawn
        assert letter["letter_id"] in drawn_text(run / letter["file"])
    else:
        assert f"{reference} {letter['letter_id']}" in first, first[:200]
    own = page_texts(run / letter["file"])
    assert len(own) == letter["pages"]
    assert batch[start : start + letter["pages"]] == own, letter["letter_id"]
    if letter["pages"] % 2:
        assert batch[start + letter["pages"]].split("\n")[0] == BLANK_BACK


def test_every_row_is_a_letter_or_a_reject_and_counts_reconcile(sample_run):
    out, _result, recordset = sample_run
    data = manifest(out)
    rows_in_letters = sorted(r for letter in data["letters"] for r in letter["source_rows"])
    with open(out / "rejects.csv", encoding="utf-8-sig") as handle:
        rejected = sorted(int(row["row"]) for row in csv.DictReader(handle))
    with open(out / "warnings.csv", encoding="utf-8-sig") as handle:
        warned = [int(row["row"]) for row in csv.DictReader(handle)]
    assert len(rows_in_letters) + len(rejected) == recordset.rows_read == data["rows_read"]
    assert not set(rows_in_letters) & set(rejected)
    assert set(warned) <= set(rows_in_letters) and len(warned) == data["warnings"] == 5
    summary = (out / "summary.txt").read_text()
    assert f"rows read: {recordset.rows_read}" in summary
    assert f"letters: {len(data['letters'])}" in summary
    assert f"rejected rows: {len(rejected)}" in summary
    assert (
        f"check: rows in letters + rows rejected = rows read: {len(rows_in_letters)} + {len(rejected)} = "
        f"{recordset.rows_read} (warnings: 5 in 5 rows)"
    ) in summary
    stats = json.loads((out / "stats.json").read_text())
    figures = ("rows_read", "rows_in_letters", "rejected_rows", "warnings", "rows_with_warnings")
    assert (
        {k: stats[k] for k in figures}
        == {k: data[k] for k in figures}
        == {
            "rows_read": 127,
            "rows_in_letters": 125,
            "rejected_rows": 2,
            "warnings": 5,
            "rows_with_warnings": 5,
        }
    )
    assert "corrected_rows" not in data  # no corrections were given


def test_bad_sample_rows_are_rejected_with_a_reason_that_holds_no_personal_data(sample_run):
    out, _, recordset = sample_run
    with open(out / "rejects.csv", encoding="utf-8-sig") as handle:
        rejects = list(csv.DictReader(handle))
    assert [r["field"] for r in rejects] == ["address", "vehicle_secure"]
    assert all(r["reason"] for r in rejects)
    with open(out / "warnings.csv", encoding="utf-8-sig") as handle:
        warnings = list(csv.DictReader(handle))
    assert [w["field"] for w in warnings] == [
        "vrm",
        "advice_given",
        "postcode",
        "nws_interest",
        "submitted_at",
    ]
    said = " ".join(r["reason"] for r in rejects) + " ".join(w["found"] + w["assumed"] for w in warnings)
    for record in recordset.records:
        assert (not record.vrm or record.vrm not in said) and (
            not record.postcode or record.postcode not in said
        )


def shown(value: str, seen: str, letter: dict, out) -> bool:
    """Is ``value`` in the letter's text?  In a right-to-left letter the PDF's text
    layer gives a line mixing scripts out of order ("SKX 00QH"), so the value is
    looked for as it stands on the page; tests/test_rtl.py checks such values in
    the tagged reading order."""
    if right_to_left(letter):
        return value.replace(" ", "") in drawn_text(out / letter["file"])
    return value in seen


def test_one_letter_per_address_listing_every_registration_checked_there(sample_run):
    out, _, recordset = sample_run
    by_row = {r.row: r for r in recordset.records}
    data = manifest(out)
    multi = 0
    for letter in data["letters"]:
        seen = words(out / letter["file"])
        records = [by_row[row] for row in letter["source_rows"]]
        assert len({r.address.lower() for r in records}) == 1
        assert len({r.postcode for r in records if r.postcode}) <= 1  # a row without one joins its address
        for record in records:
            assert shown(record.vrm or wording(letter).spec.labels["no_registration"], seen, letter, out)
        assert shown(next(r.postcode for r in records if r.postcode), seen, letter, out)
        multi += len(records) > 1
    assert multi >= 3, "the sample has several addresses with more than one vehicle"


def test_wording_follows_what_was_found(sample_run):
    out, _, recordset = sample_run
    by_row = {r.row: r for r in recordset.records}
    counts = {"insecure": 0, "items": 0, "secure": 0}
    for letter in manifest(out)["letters"]:
        # a right-to-left letter is read by Poppler, which honours the text layer's /ActualText
        # (PDFium reorders it a second time: docs/languages.md, the text layer)
        seen = (poppler_words if right_to_left(letter) else words)(out / letter["file"])
        records = [by_row[row] for row in letter["source_rows"]]
        insecure = any(not r.vehicle_secure for r in records)
        items = any(r.items_on_display for r in records)
        material = wording(letter)
        heading = {
            name: material.block(f"findings.{name}").heading
            for name in ("insecure_vehicle", "items_on_display", "all_secure")
        }
        assert (heading["insecure_vehicle"] in seen) == insecure
        assert (heading["items_on_display"] in seen) == items
        assert (heading["all_secure"] in seen) == (
            not insecure and not items and not any(r.keys_visible for r in records)
        )
        counts["insecure"] += insecure
        counts["items"] += items
        counts["secure"] += not insecure and not items
        assert "The Occupier" in seen
    assert all(counts.values()), counts


def test_letters_are_in_walking_order(sample_run):
    out, _, recordset = sample_run
    by_row = {r.row: r for r in recordset.records}
    streets: list[str] = []
    numbers: dict[str, list[int]] = {}
    for letter in manifest(out)["letters"]:
        address = by_row[letter["source_rows"][0]].address
        numbered = [part.strip() for part in address.split(",") if part.strip()[:1].isdigit()]
        if numbered:
            number, street = numbered[0].split(" ", 1)
            numbers.setdefault(street, []).append(int(number))
        else:  # a house with a name and no number: "Tŷ Gwyn, Ffordd y Môr"
            street = address.split(",")[1].strip()
        if not streets or streets[-1] != street:
            streets.append(street)
    assert len(streets) == len(set(streets)) == 4, "each street is walked once (three, and Ffordd y Môr)"
    for street, walked in numbers.items():  # up the odd side, back down the even side
        odd, even = [n for n in walked if n % 2], [n for n in walked if not n % 2]
        assert walked == sorted(odd) + sorted(even, reverse=True), street


def test_large_print_text_sans_serif_embedded(sample_run):
    out, _, _ = sample_run
    for path in [out / "batch.pdf", *sorted((out / "letters").glob("*.pdf"))[:5]]:
        smallest, names = font_sizes_and_names(path)
        assert smallest >= 16.0, (path.name, smallest)
        assert names and all(n.replace("-", "").startswith(LETTER_FONTS) for n in names), names
        assert not any("Italic" in n or "Oblique" in n for n in names)
        facts = catalog_facts(path)
        assert facts["fonts_embedded"]


def test_pdfs_are_tagged_pdf_ua_with_title_and_language(sample_run):
    out, _, _ = sample_run
    facts = catalog_facts(out / "batch.pdf")
    assert (
        facts["struct_tree"]
        and facts["marked"]
        and facts["lang"] == "en-GB"
        and str(facts["pdfua_part"]) == "1"
    )
    assert "Advice after our vehicle crime patrol" in facts["title"] and facts["display_title"]
    letters = manifest(out)["letters"]
    # the first few letters and every letter not in English alone, each in its own language and title
    for letter in letters[:5] + [other for other in letters[5:] if other["language"] != "en-GB"]:
        facts = catalog_facts(out / letter["file"])
        assert facts["struct_tree"] and facts["marked"], letter["letter_id"]
        assert facts["lang"] == letter["language"].split("+")[0]
        assert facts["display_title"]
        assert wording(letter).spec.title in facts["title"]
        assert str(facts["pdfua_part"]) == "1"


def test_qr_codes_decode_to_the_configured_links_printed_beside_them(sample_run):
    out, _, _ = sample_run
    content = load_content(CONTENT, TEMPLATES)
    campaign = content.operation.operation.id
    short_of = {
        tracked_url(content.links.links[name].url, source="letter", campaign=campaign): content.links.links[
            name
        ].short
        for name in ("nws", "cms")
    }
    first = next(letter for letter in manifest(out)["letters"] if letter["language"] == "en-GB")
    letter = out / first["file"]
    payloads = qr_payloads(letter)
    assert sorted(p for page in payloads for p in page) == sorted(short_of)
    for page, found in zip(page_texts(letter), payloads, strict=True):
        seen = "".join(page.split())  # a printed address may wrap across lines
        for url in found:  # the address to type in is on the page that has the code
            assert short_of[url] in seen, url


def test_batch_starts_every_letter_on_the_front_of_a_fresh_sheet(sample_run):
    out, _, _ = sample_run
    data = manifest(out)
    batch = page_texts(out / "batch.pdf")
    layout, total = batch_layout(data)
    assert len(batch) == total == data["batch"]["pages"]
    assert any(letter["pages"] % 2 for letter in data["letters"]), (
        "the sample has letters padded by a blank back"
    )
    for letter, start, _ in layout:
        assert_letter_at(batch, out, letter, start)


def test_with_a_leaflet_each_letter_is_followed_by_the_leaflet_each_on_a_fresh_sheet(content_copy, tmp_path):
    approve_all(content_copy)
    lines = SAMPLE_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    records = tmp_path / "records.csv"  # rows of two three-page letters and a two-page one
    records.write_text(lines[0] + "".join(lines[row - 1] for row in (2, 9, 11, 12, 64)), encoding="utf-8")
    out = tmp_path / "run"
    result = CliRunner().invoke(
        cli,
        [
            "letters",
            str(records),
            "--out",
            str(out),
            "--content",
            str(content_copy),
            "--with-leaflet",
            "lock-it-leaflet",
            "--jobs",
            "1",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output

    content = load_content(content_copy, content_copy.parent / "templates")
    alone = render_leaflet(content, content.material("lock-it-leaflet"), tmp_path / "leaflet", "a4")
    leaflet = page_texts(tmp_path / "leaflet" / alone.reading_copy)
    data = manifest(out)
    batch = page_texts(out / "batch.pdf")
    layout, total = batch_layout(data, leaflet_pages=len(leaflet))
    assert len(batch) == total == data["batch"]["pages"]
    assert sorted({letter["pages"] for letter in data["letters"]}) == [2, 3]
    for letter, start, leaflet_start in layout:
        assert_letter_at(batch, out, letter, start)
        assert leaflet_start % 2 == 0, (
            f"the leaflet after {letter['letter_id']} starts on the back of a sheet"
        )
        for k, page in enumerate(leaflet):
            assert same_text(batch[leaflet_start + k], page), (
                f"leaflet page {k + 1} after {letter['letter_id']}"
            )
    # a gated run's manifest names its materials: the print cost counts the leaflet under its own id
    kept = json.loads((out / "stats.json").read_text())["print"]["materials"]
    assert set(kept) == {"visit-letter", "lock-it-leaflet"}
    assert kept["lock-it-leaflet"]["pages"] == len(leaflet) * len(data["letters"])


def test_run_folder_is_private_and_file_names_carry_only_ids(sample_run):
    out, _, recordset = sample_run
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for path in out.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path
        for record in recordset.records:
            if record.vrm:
                assert record.vrm.replace(" ", "") not in path.name.replace(" ", "")
            if record.postcode:
                assert record.postcode.replace(" ", "") not in path.name.replace(" ", "")
    assert sorted(p.name for p in out.iterdir()) == [
        "batch.pdf",
        "braille",
        "follow-up.csv",
        "letters",
        "manifest.csv",
        "manifest.json",
        "rejects.csv",
        "round-sheet.pdf",
        "stats.json",
        "summary.txt",
        "warnings.csv",
    ]
