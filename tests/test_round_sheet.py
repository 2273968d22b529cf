"""The delivery round sheet and the run's figures, on a small patrol with odd answers and a corrected row."""

from __future__ import annotations

import csv
import json
import os
import re

import pytest

from handle_docs.checks import check_paths, config_from_links
from handle_docs.compose.letters import build_letters
from handle_docs.models import RECORD_COLUMNS, ProblemsError
from handle_docs.outputs.round_sheet import door, load_wording, write_round_sheet
from handle_docs.records.read import read_records
from handle_docs.run.batch import RunSettings
from handle_docs.run.pipeline import RunOptions, file_sha256, run_letters
from handle_docs.run.purge import purge_run
from handle_docs.wording.content import load_content

from .conftest import CONTENT, EPOCH, TEMPLATES
from .pdfsee import page_texts, words

ROWS = [
    # submitted_at, officer, address, postcode, vrm, secure, items, advice, nws, cms, language, large_print
    (
        "14/11/2026 18:05",
        "4127",
        "Flat 2, 14 Tanners Row, Eastmoor, Westmarch",
        "ZZ1 7HD",
        "QZ00 XKB",
        "Locked",
        "",
        "",
        "",
        "",
        "",
        "",
    ),
    (
        "14/11/2026 18:07",
        "4127",
        "Rose Cottage, Millbrook Close, Eastmoor",
        "ZZ1 2LS",
        "QZ00 XKC",
        "Unlocked",
        "Bag;",
        "told them",
        "",
        "",
        "",
        "",
    ),
    (
        "14/11/2026 18:09",
        "4127",
        "7 Larkspur Road, Eastmoor, Westmarch",
        "ZZ1 4QX",
        "",
        "yes",
        "",
        "",
        "maybe",
        "",
        "",
        "",
    ),
    (
        "14/11/2026 18:11",
        "4127",
        "12 Larkspur Road, Eastmoor, Westmarch",
        "ZZ1 4QY",
        "QZ00 XKE",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ),
    ("14/11/2026 18:13", "4127", "", "ZZ1 4QY", "QZ00 XKF", "no", "", "", "", "", "", ""),
    (
        "14/11/2026 18:15",
        "4127",
        "3 Larkspur Road, Eastmoor, Westmarch",
        "ZZ1 4Q",
        "QZ00 XKG",
        "no",
        "",
        "",
        "",
        "",
        "",
        "",
    ),
]
#: Row 5 (blank "secure?") corrected in the check page; row 6 (no address) left rejected.
CORRECTIONS = {5: {"vehicle_secure": "no"}}


def write(path):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(RECORD_COLUMNS)
        writer.writerows(ROWS)
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    folder = tmp_path_factory.mktemp("round")
    records = write(folder / "records.csv")
    before = records.read_bytes()
    recordset = read_records(records, corrections=CORRECTIONS)
    assert records.read_bytes() == before, "corrections never change the file"
    content = load_content(CONTENT, TEMPLATES)
    out = folder / "run"
    result = run_letters(
        recordset,
        file_sha256(records),
        content,
        RunSettings(content_root=CONTENT, templates=TEMPLATES),
        out,
        RunOptions(jobs=1),
    )
    return out, result, recordset, content


def test_door_is_the_house_number_or_name_and_the_street_never_the_town():
    assert door(("Flat 2", "14 Tanners Row", "Eastmoor", "Westmarch")) == (
        "Tanners Row",
        "Flat 2, 14 Tanners Row",
    )
    assert door(("Rose Cottage", "Millbrook Close", "Eastmoor")) == (
        "Millbrook Close",
        "Rose Cottage, Millbrook Close",
    )
    assert door(("7 Larkspur Road",)) == ("Larkspur Road", "7 Larkspur Road")


def test_the_round_sheet_lists_every_letter_in_walking_order_with_its_door_and_nothing_more(run):
    out, _, recordset, _ = run
    manifest = json.loads((out / "manifest.json").read_text())
    sheet = " ".join(page_texts(out / "round-sheet.pdf"))
    flat = " ".join(sheet.split())
    assert flat.startswith(
        "Delivery round: Operation Larkspur Eastmoor, letters about the patrol on 14 November 2026."
    )
    assert "Order Letter House and street Delivered" in flat
    # (the round runs street by street, up the odd side and back down the even side)
    assert re.findall(r"(\d) (L\d{4}) ", flat) == [
        (str(n), letter["letter_id"]) for n, letter in enumerate(manifest["letters"], start=1)
    ]
    expected = [
        "Larkspur Road Letters on this street: 3",
        "1 L0001 3 Larkspur Road",
        "2 L0002 7 Larkspur Road",
        "3 L0003 12 Larkspur Road",
        "Millbrook Close Letters on this street: 1",
        "4 L0004 Rose Cottage, Millbrook Close",
        "Tanners Row Letters on this street: 1",
        "5 L0005 Flat 2, 14 Tanners Row",
    ]
    positions = [flat.index(line) for line in expected]
    assert positions == sorted(positions)
    for record in recordset.records:
        for private in (record.vrm, record.postcode, record.officer):
            if private:
                assert private not in flat
    assert "ZZ" not in flat and "QZ00" not in flat and ", Eastmoor" not in flat and "Westmarch" not in flat


def test_the_round_sheet_is_large_print_tagged_and_passes_check(run):
    out, *_ = run
    reports = check_paths([out / "round-sheet.pdf"], config_from_links(CONTENT / "links.yaml"))
    failed = [(c.check, [f.message for f in c.findings]) for r in reports for c in r.results if not c.passed]
    assert failed == []


def test_the_round_sheet_bytes_repeat(run, tmp_path):
    out, result, recordset, content = run
    delivered = {letter.letter_id for letter in result.letters}
    letters = [letter for letter in build_letters(recordset.records) if letter.letter_id in delivered]
    first = write_round_sheet(tmp_path, letters, content, TEMPLATES)
    assert first.read_bytes() == (out / "round-sheet.pdf").read_bytes()


def test_the_figures_reconcile_everywhere_and_the_manifest_names_the_corrected_rows(run):
    out, _, recordset, _ = run
    manifest = json.loads((out / "manifest.json").read_text())
    stats = json.loads((out / "stats.json").read_text())
    summary = (out / "summary.txt").read_text()
    figures = {
        "rows_read": 6,
        "rows_in_letters": 5,
        "rejected_rows": 1,
        "warnings": 4,
        "rows_with_warnings": 3,
    }
    assert {key: manifest[key] for key in figures} == {key: stats[key] for key in figures} == figures
    assert "check: rows in letters + rows rejected = rows read: 5 + 1 = 6 (warnings: 4 in 3 rows)" in summary
    assert manifest["corrected_rows"] == [5] == recordset.corrected_rows
    with open(out / "warnings.csv", encoding="utf-8-sig") as handle:
        warned = [(int(row["row"]), row["field"]) for row in csv.DictReader(handle)]
    assert warned == [(3, "advice_given"), (4, "vrm"), (4, "nws_interest"), (7, "postcode")]
    with open(out / "rejects.csv", encoding="utf-8-sig") as handle:
        assert [(int(row["row"]), row["field"]) for row in csv.DictReader(handle)] == [(6, "address")]


def test_purge_removes_the_round_sheet_and_keeps_the_warnings(run, tmp_path):
    import shutil

    out, *_ = run
    copy = tmp_path / "run"
    shutil.copytree(out, copy)
    result = purge_run(copy)
    assert "round-sheet.pdf" in result.removed and not (copy / "round-sheet.pdf").exists()
    assert "warnings.csv" in result.kept


def test_round_sheet_wording_comes_from_content_and_mistakes_name_file_line_and_key(content_copy):
    wording = content_copy / "round-sheet.yaml"
    assert load_wording(content_copy).labels.delivered == "Delivered"
    wording.write_text(wording.read_text().replace("  delivered: Delivered\n", "  deliverd: Delivered\n"))
    with pytest.raises(ProblemsError) as err:
        load_wording(content_copy)
    messages = [str(p) for p in err.value.problems]
    assert any(
        "round-sheet.yaml:" in m and "labels.deliverd" in m and "unknown key" in m for m in messages
    ), messages
    assert any("labels.delivered" in m and "required key is missing" in m for m in messages), messages
    wording.unlink()
    with pytest.raises(ProblemsError, match="round sheet's wording"):
        load_wording(content_copy)


def test_a_letter_for_a_row_without_a_registration_says_a_car(run):
    out, _, _recordset, _ = run
    manifest = json.loads((out / "manifest.json").read_text())
    [letter] = [letter for letter in manifest["letters"] if 4 in letter["source_rows"]]
    seen = words(out / letter["file"])
    assert "A car (not noted)" in seen


def test_a_long_round_laid_out_in_parts_reads_as_one_sheet_numbered_throughout(run, tmp_path):
    # Parts of 2 letters stand in for parts of a thousand: 5 letters make 3 parts,
    # one of them carrying Larkspur Road on from the part before.
    out, result, recordset, content = run
    delivered = {letter.letter_id for letter in result.letters}
    letters = [letter for letter in build_letters(recordset.records) if letter.letter_id in delivered]
    whole = " ".join(" ".join(page_texts(out / "round-sheet.pdf")).split())
    parted = write_round_sheet(tmp_path, letters, content, TEMPLATES, part_stops=2)
    pages = [" ".join(text.split()) for text in page_texts(parted)]
    assert len(pages) == 3
    assert [re.search(r"Page (\d+) / (\d+)", page).groups() for page in pages] == [
        ("1", "3"),
        ("2", "3"),
        ("3", "3"),
    ]
    footer = re.compile(r" Delivery round: Operation Larkspur Page \d+ / \d+$")
    body = " ".join(footer.sub("", page) for page in pages)
    assert body.startswith(
        "Delivery round: Operation Larkspur Eastmoor, letters about the patrol on 14 November 2026."
    )
    assert body.count("Delivery round:") == 1  # the title and introduction once, at the top
    assert body.count("Larkspur Road Letters on this street: 3") == 2  # headed again where it carries on
    assert re.findall(r"(\d) (L\d{4}) ", body) == re.findall(r"(\d) (L\d{4}) ", whole)
    assert [p.name for p in tmp_path.iterdir()] == ["round-sheet.pdf"], "the parts are cleared away"
    reports = check_paths([parted], config_from_links(CONTENT / "links.yaml"))
    assert [
        (c.check, [f.message for f in c.findings]) for r in reports for c in r.results if not c.passed
    ] == []
    (tmp_path / "again").mkdir()
    again = write_round_sheet(tmp_path / "again", letters, content, TEMPLATES, part_stops=2)
    assert again.read_bytes() == parted.read_bytes()


def test_with_workers_the_round_sheet_is_laid_out_beside_the_chunks_and_is_the_same(run, tmp_path):
    from handle_docs.run import pipeline
    from handle_docs.run.batch import worker_pool

    out, _, _, content = run
    records = write(tmp_path / "records.csv")
    submitted = []
    real = pipeline._round_sheet_job
    with worker_pool(2) as pool:

        class Watching:  # the pool, noting what is submitted to it
            def submit(self, fn, *args):
                submitted.append(fn)
                return pool.submit(fn, *args)

            def __getattr__(self, name):
                return getattr(pool, name)

        run_letters(
            read_records(records, corrections=CORRECTIONS),
            file_sha256(records),
            content,
            RunSettings(content_root=CONTENT, templates=TEMPLATES, chunk_size=1),
            tmp_path / "run",
            RunOptions(jobs=2, pool=Watching()),
        )
    assert submitted[0] is real, "the round sheet goes to the workers first, before the chunks"
    assert (tmp_path / "run" / "round-sheet.pdf").read_bytes() == (out / "round-sheet.pdf").read_bytes()
