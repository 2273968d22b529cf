"""Did the patrol work? police.uk data read, the area matched, the estimate, its words, chart and files
(issue 32). Synthetic police.uk files (tests/crimesynth.py) with a known season and known changes."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from handle_docs.checks import check_paths, config_from_links
from handle_docs.cli import cli
from handle_docs.impact import chart
from handle_docs.impact.area import fold, match_streets, resolve_area, street_of
from handle_docs.impact.estimate import (
    MIN_COUNT,
    TOO_FEW,
    EstimateError,
    Periods,
    diff_in_diff,
    estimate,
    year_on_year,
)
from handle_docs.impact.evaluate import evaluate
from handle_docs.impact.hotspots import CSV_COLUMNS, rank
from handle_docs.impact.patrol import AT_MAKE, FROM_CHECKS, KeptPatrol
from handle_docs.impact.policeuk import Crime, Crimes, load_crimes
from handle_docs.impact.words import buffer_words, headline
from handle_docs.models import ProblemsError
from handle_docs.services import run_patrol
from handle_docs.services.workspace_runs import RunStore
from handle_docs.wording.schema import ImpactArea

from .conftest import CONTENT, TEMPLATES
from .crimesynth import grid, months, write_crimes, zip_folder

MONTHS = months("2024-01", 36)  # January 2024 to December 2026
OPERATION = "2026-06"  # after: July to December 2026, against July to December 2025
AREA = ["Y01000015", "Y01000016"]  # in the middle of the 6 x 5 grid
NEIGHBOURS = ["Y01000009", "Y01000010", "Y01000014", "Y01000017", "Y01000021", "Y01000022"]


def busy_area(rate: float = 12.0, spacing: float = 0.01) -> list:
    return [
        dataclasses.replace(lsoa, rate=rate) if lsoa.code in AREA else lsoa for lsoa in grid(spacing=spacing)
    ]


def crimes_with(tmp_path: Path, change: dict[str, float], *, seed: int = 7, lsoas=None):
    write_crimes(tmp_path / "crimes", lsoas or busy_area(), MONTHS, after=OPERATION, change=change, seed=seed)
    return load_crimes(tmp_path / "crimes")


def config(**kw) -> ImpactArea:
    return ImpactArea(lsoa=AREA, buffer=NEIGHBOURS, **kw)


# --- the estimate -------------------------------------------------------------------------------


def test_the_estimate_recovers_a_known_drop_within_its_interval(tmp_path):
    crimes = crimes_with(tmp_path, {code: 0.6 for code in AREA})  # a 40 % drop in the area after June 2026
    result = evaluate(crimes, config(), OPERATION)
    est = result.estimate
    assert est.periods.after == tuple(MONTHS[-6:])
    assert est.area.low <= -40 <= est.area.high, est.area
    assert est.area.verdict == "fell"
    assert "fell" in result.headline or "fewer" in result.headline


def test_with_no_drop_the_interval_spans_no_change(tmp_path):
    est = evaluate(crimes_with(tmp_path, {}), config(), OPERATION).estimate
    assert est.area.low < 0 < est.area.high, est.area
    assert est.area.verdict == "no clear change"
    assert est.buffer.low < 0 < est.buffer.high


def test_a_drop_displaced_into_the_buffer_shows_there(tmp_path):
    change = {code: 0.6 for code in AREA} | {code: 1.5 for code in NEIGHBOURS}  # crime moved next door
    result = evaluate(crimes_with(tmp_path, change), config(), OPERATION)
    assert result.estimate.area.verdict == "fell"
    assert result.estimate.buffer.verdict == "rose"
    assert result.estimate.buffer.low <= 50 <= result.estimate.buffer.high
    assert "moved there" in result.buffer_words


def test_fewer_than_the_stated_count_is_too_few_to_tell(tmp_path):
    crimes = crimes_with(tmp_path, {code: 0.5 for code in AREA}, lsoas=busy_area(rate=0.4))
    result = evaluate(crimes, config(), OPERATION)
    a = result.estimate.area_yoy
    assert a.before + a.after < MIN_COUNT
    assert result.verdict == TOO_FEW and result.estimate.area.low is None
    assert f"too small to tell: it takes at least {MIN_COUNT} vehicle crimes" in result.headline
    # the same numbers with a smaller stated count are worked out
    assert evaluate(crimes, config(), OPERATION, min_count=1).verdict != TOO_FEW or 0 in (a.before, a.after)


def test_a_zero_count_anywhere_is_too_few_to_tell_not_a_division_by_zero():
    assert year_on_year(0, 30).verdict == TOO_FEW
    assert diff_in_diff(30, 20, 0, 10).verdict == TOO_FEW
    assert diff_in_diff(30, 0, 10, 10).verdict == TOO_FEW


def test_no_month_after_the_operation_is_said_plainly():
    series = {m: 5 for m in MONTHS}
    with pytest.raises(EstimateError, match="no month after the operation month 2026-12"):
        estimate(series, series, series, "2026-12")


# --- the area -----------------------------------------------------------------------------------


def test_streets_of_addresses():
    assert street_of("2 Tanners Row, Eastmoor, Westmarch") == "Tanners Row"
    assert street_of("Flat 1, 14 Tanners Row, Eastmoor, Westmarch") == "Tanners Row"
    assert street_of("Tŷ Gwyn, Millbrook Close, Eastmoor") == "Millbrook Close"
    assert street_of("12a Mill Lane") == "Mill Lane"
    assert fold("Larch  Cl.") == fold("larch close") and fold("St") == "st"


def test_ambiguous_street_matches_are_listed_not_guessed(tmp_path, monkeypatch):
    lsoas = grid()
    lsoas[0] = dataclasses.replace(lsoas[0], streets=("Larch Close",))
    lsoas[20] = dataclasses.replace(lsoas[20], streets=("Larch Close", "Street 21 Road"))
    crimes = crimes_with(tmp_path, {}, lsoas=lsoas)
    matches = match_streets(["Larch Close", "street 5 road", "Nowhere Lane"], crimes)
    assert matches.ambiguous == {"Larch Close": ["Y01000001", "Y01000021"]}
    assert matches.matched == {"street 5 road": "Y01000005"}
    assert matches.unmatched == ["Nowhere Lane"]
    with pytest.raises(ProblemsError) as raised:
        resolve_area(None, matches, crimes)
    [problem] = raised.value.problems
    assert (
        problem.key == "area.lsoa"
        and "Y01000001, Y01000021" in problem.message
        and "not guessed" in problem.message
    )
    # the command lists them too, and stops (exit 1) rather than guess
    runner_root = tmp_path / "force"
    shutil.copytree(CONTENT, runner_root / "content")
    shutil.copytree(TEMPLATES, runner_root / "templates")
    op = runner_root / "content" / "operation.yaml"
    op.write_text(op.read_text(encoding="utf-8").split("\narea:")[0] + "\n", encoding="utf-8")
    (runner_root / "records.csv").write_text(
        "submitted_at,officer,address,postcode,vrm,vehicle_secure,items_on_display,advice_given,nws_interest,"
        'cms_interest,language,large_print\n2024-06-01 18:00:00,1,"3 Larch Close, Testtown",ZZ1 1AA,AB12 CDE,no,,,,,,\n',
        encoding="utf-8",
    )
    shutil.move(tmp_path / "crimes", runner_root / "crimes")
    with monkeypatch.context() as mp:
        mp.chdir(runner_root)
        result = CliRunner().invoke(
            cli, ["impact", "records.csv", "--crimes", "crimes", "--out", "out", "--month", "2025-06"]
        )
    assert result.exit_code == 1, result.output
    assert "Larch Close: in 2 LSOAs (Y01000001, Y01000021): not guessed" in result.output
    assert (
        "area.lsoa: error: a patrolled street is in 2 LSOAs (Y01000001, Y01000021): not guessed"
        in result.output
    )
    assert not (runner_root / "out").exists()
    # confirmed in operation.yaml: used as it stands
    area = resolve_area(ImpactArea(lsoa=["Y01000001"]), matches, crimes)
    assert area.lsoa == ("Y01000001",) and area.area_from == "operation.yaml"


def test_the_buffer_ring_is_the_neighbours_and_the_comparison_the_rest_of_the_force(tmp_path):
    crimes = crimes_with(tmp_path, {})
    area = resolve_area(ImpactArea(lsoa=AREA, buffer_metres=800), None, crimes)
    assert set(area.buffer) == set(NEIGHBOURS)
    assert set(area.comparison) == set(crimes.lsoas) - set(AREA) - set(NEIGHBOURS)
    assert area.comparison_from == "rest of the force"


def test_a_listed_lsoa_missing_from_the_data_is_named(tmp_path):
    crimes = crimes_with(tmp_path, {})
    with pytest.raises(ProblemsError) as raised:
        resolve_area(ImpactArea(lsoa=["Y09999999"]), None, crimes)
    assert raised.value.problems[0].key == "area.lsoa.0" and "Y09999999" in raised.value.problems[0].message


# --- reading police.uk files --------------------------------------------------------------------


def test_a_zip_of_several_forces_is_read_and_only_vehicle_crime_kept(tmp_path):
    folder = tmp_path / "archive"
    write_crimes(folder, grid()[:3], MONTHS[:4], seed=3)
    other = [dataclasses.replace(lsoa, code=lsoa.code.replace("Y01", "Y02")) for lsoa in grid()[:2]]
    write_crimes(folder, other, MONTHS[:4], seed=4, force="Otherdale Police", slug="otherdale")
    (folder / MONTHS[0] / f"{MONTHS[0]}-testshire-outcomes.csv").write_text("not,read\n", encoding="utf-8")
    from_zip = load_crimes(zip_folder(folder, tmp_path / "download.zip"))
    from_folder = load_crimes(folder)
    assert from_zip.files == from_folder.files == 8
    assert from_zip.by_month_lsoa == from_folder.by_month_lsoa
    assert {from_zip.lsoa_force[c] for c in from_zip.lsoas} == {"Testshire Police", "Otherdale Police"}
    assert from_zip.no_location == 8  # one per file, in no LSOA
    assert {r.lsoa_code for r in rank(from_zip, force="Otherdale Police").rows} == {"Y02000001", "Y02000002"}
    assert (
        sum(from_zip.by_month_lsoa.values()) == from_zip.rows - from_zip.no_location
    )  # burglaries not counted


def _problems(path: Path) -> list[str]:
    with pytest.raises(ProblemsError) as raised:
        load_crimes(path)
    return [str(p) for p in raised.value.problems]


def test_a_wrong_file_gets_a_clear_error_naming_file_row_and_column(tmp_path):
    folder = tmp_path / "crimes"
    write_crimes(folder, grid()[:2], MONTHS[:2])
    wrong = folder / MONTHS[1] / f"{MONTHS[1]}-testshire-street.csv"
    wrong.write_text(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA,LSOA name,"
        "Crime type,Last outcome category,Context\n",
        encoding="utf-8",
    )
    [message] = _problems(folder)
    assert message.startswith(
        f"{MONTHS[1]}/{MONTHS[1]}-testshire-street.csv:1: LSOA code: error: column 8 should be "
        "'LSOA code' but is 'LSOA'"
    )

    lines = (
        (folder / MONTHS[0] / f"{MONTHS[0]}-testshire-street.csv").read_text(encoding="utf-8").splitlines()
    )
    cells = lines[1].split(",")
    bad_longitude = ",".join([*cells[:4], "east", *cells[5:]])
    wrong.write_text(
        "\n".join([*lines[:3], lines[1].replace(MONTHS[0], "March 2024"), bad_longitude]) + "\n",
        encoding="utf-8",
    )
    messages = _problems(folder)
    name = f"{MONTHS[1]}/{MONTHS[1]}-testshire-street.csv"
    assert f"{name}:4: Month: error: 'March 2024' is not a month written YYYY-MM" in messages
    assert f"{name}:5: Longitude: error: not a longitude and latitude in degrees" in messages


def test_a_folder_without_street_files_says_so(tmp_path):
    (tmp_path / "x.csv").write_text("a,b\n", encoding="utf-8")
    [message] = _problems(tmp_path)
    assert "no police.uk street-level files" in message


def test_the_command_names_the_wrong_file_and_exits_1(tmp_path, monkeypatch):
    folder = tmp_path / "crimes"
    write_crimes(folder, grid()[:2], MONTHS[:2])
    (folder / MONTHS[0] / f"{MONTHS[0]}-testshire-street.csv").write_text(
        "Month,Crime ID\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    shutil.copytree(CONTENT, "content")
    shutil.copytree(TEMPLATES, "templates")
    result = CliRunner().invoke(cli, ["hotspots", "--crimes", "crimes", "--out", "out"])
    assert result.exit_code == 1, result.output
    assert (
        f"{MONTHS[0]}/{MONTHS[0]}-testshire-street.csv:1: Crime ID: error: column 1 should be 'Crime ID'"
        in result.output
    )


# --- the files: JSON, CSV, the tagged PDF with its chart ----------------------------------------------


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """impact and hotspots run as a person runs them (relative paths, in a force's folder)."""
    root = tmp_path_factory.mktemp("force")
    lsoas = [
        dataclasses.replace(lsoa, streets=("Tanners Row", "Larkspur Road"))
        if lsoa.code == AREA[0]
        else dataclasses.replace(lsoa, streets=("Millbrook Close",))
        if lsoa.code == AREA[1]
        else lsoa
        for lsoa in busy_area(spacing=0.005)
    ]  # neighbours within the default 400 m
    write_crimes(root / "crimes", lsoas, MONTHS, after=OPERATION, change={c: 0.6 for c in AREA}, seed=11)
    shutil.copytree(CONTENT, root / "content")
    shutil.copytree(TEMPLATES, root / "templates")
    op = root / "content" / "operation.yaml"
    text = op.read_text(encoding="utf-8").replace("patrol_date: 2026-11-14", "patrol_date: 2026-06-20")
    op.write_text(
        text.split("\narea:")[0] + "\n", encoding="utf-8"
    )  # no area: found from the records' streets
    records = root / "records.csv"
    shutil.copy(CONTENT.parent / "examples" / "patrol-records.csv", records)
    runs = []
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.setenv("SOURCE_DATE_EPOCH", "1794693600")
        for out in ("out/impact", "out/impact-again"):
            runs.append(
                CliRunner().invoke(cli, ["impact", "records.csv", "--crimes", "crimes", "--out", out])
            )
        runs.append(CliRunner().invoke(cli, ["hotspots", "--crimes", "crimes", "--out", "out/hotspots"]))
    return root, runs


def test_impact_writes_json_csv_and_pdf_from_the_records_streets(written):
    root, runs = written
    assert runs[0].exit_code == 0, runs[0].output
    assert (
        "Tanners Row: Y01000015" in runs[0].output
        and "Area (street names): Y01000015, Y01000016" in runs[0].output
    )
    data = json.loads((root / "out/impact/impact.json").read_text(encoding="utf-8"))
    assert data["area"] == AREA and data["operation_month"] == OPERATION
    assert set(data["buffer"]) and set(data["comparison"]).isdisjoint(data["buffer"] + data["area"])
    assert data["estimate"]["low"] <= -40 <= data["estimate"]["high"]  # the known 40 % drop
    assert data["verdict"] in ("fell", "rose", "no clear change", "too few to tell")
    assert data["area_year_on_year"]["before"] > data["area_year_on_year"]["after"]
    rows = (root / "out/impact/impact.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == '"month","area","buffer","comparison"' and len(rows) == 1 + len(MONTHS)


def test_the_impact_pdf_passes_check_with_the_chart_its_alt_text_and_table(written):
    root, _ = written
    pdf = root / "out/impact/impact.pdf"
    reports = check_paths([pdf], config_from_links(CONTENT / "links.yaml"))
    assert all(r.passed for r in reports), [str(r) for r in reports]
    with pikepdf.open(pdf) as doc:
        alts = [
            str(obj.get("/Alt"))
            for obj in doc.objects
            if isinstance(obj, pikepdf.Dictionary) and "/Alt" in obj
        ]
    assert any("Line charts of vehicle crimes a month" in alt and "fewer" in alt for alt in alts), alts


def test_same_inputs_give_the_same_bytes(written, tmp_path):
    root, runs = written
    assert runs[1].exit_code == 0
    for name in ("impact.json", "impact.csv", "impact.pdf"):
        assert (root / "out/impact" / name).read_bytes() == (root / "out/impact-again" / name).read_bytes(), (
            name
        )
    series = {"a": {m: 1 for m in MONTHS}}
    assert chart.draw(series, OPERATION) == chart.draw(series, OPERATION)


def test_hotspots_rank_the_lsoas_and_mark_those_patrolled(written, tmp_path):
    root, runs = written
    assert runs[2].exit_code == 0, runs[2].output
    rows = (root / "out/hotspots/hotspots.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == ",".join(f'"{c}"' for c in CSV_COLUMNS)
    assert len(rows) == 1 + 30
    assert all(
        r.passed
        for r in check_paths([root / "out/hotspots/hotspots.pdf"], config_from_links(CONTENT / "links.yaml"))
    )
    crimes = load_crimes(root / "crimes")
    spots = rank(crimes, [(dt.date(2026, 6, 20), AREA), (dt.date(2025, 3, 1), [AREA[0], "Y01000001"])])
    by_code = {r.lsoa_code: r for r in spots.rows}
    assert by_code[AREA[0]].last_patrolled == dt.date(2026, 6, 20)
    assert by_code["Y01000001"].last_patrolled == dt.date(2025, 3, 1)
    assert by_code["Y01000002"].last_patrolled is None
    assert [r.last_3 for r in spots.rows] == sorted((r.last_3 for r in spots.rows), reverse=True)
    assert spots.rows[0].streets  # the top LSOAs' busiest streets


def test_hotspots_with_a_workspace_mark_the_streets_its_runs_patrolled_on_their_dates(written):
    root, _ = written
    store = RunStore(root / "instance")
    run = store.create("an-officer", b"submitted_at,address\n", 7)
    patrol = KeptPatrol("larkspur", "Operation Larkspur", dt.date(2026, 9, 1), FROM_CHECKS, AT_MAKE)
    run_patrol.write(store.extras_dir(run), patrol.with_streets(["3 Millbrook Close, Eastmoor"]))
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        made = CliRunner().invoke(
            cli, ["hotspots", "--crimes", "crimes", "--out", "out/hotspots-runs", "--instance", "instance"]
        )
    assert made.exit_code == 0, made.output
    with open(root / "out/hotspots-runs/hotspots.csv", encoding="utf-8-sig") as handle:
        patrolled = {row["lsoa_code"]: row["last_patrolled"] for row in csv.DictReader(handle)}
    assert patrolled[AREA[1]] == "2026-09-01"  # Millbrook Close's neighbourhood, from the run
    assert patrolled[AREA[0]] == ""  # the run's only street is elsewhere; operation.yaml names no area


def test_the_busiest_streets_are_those_of_the_last_3_then_12_months_not_of_every_month_read():
    crimes = Crimes()

    def add(month: str, street: str, n: int) -> None:
        crimes.months.add(month)
        for _ in range(n):
            crimes.add(Crime(month, "Westmarch Police", street, "Y01000001", "Eastmoor 001A", None))

    add("2024-02", "Larch Close", 30)  # busy long ago, quiet since
    add("2026-01", "Kiln Lane", 2)  # in the last 12 months only
    add("2026-10", "Tanners Row", 3)  # in the last 3 months
    add("2026-12", "Bell Street", 1)
    top = rank(crimes).rows[0]
    assert (top.last_3, top.last_12) == (4, 6)
    assert top.streets == (("Tanners Row", 3, 3), ("Bell Street", 1, 1), ("Kiln Lane", 0, 2))


def test_the_words_read_right_for_one_crime_and_for_no_change():
    p = Periods("2026-06", ("2026-07",), ("2025-07",))
    same = diff_in_diff(40, 40, 400, 400)
    one = year_on_year(1, 1)
    est = dataclasses.replace(
        estimate({m: 5 for m in MONTHS}, {m: 5 for m in MONTHS}, {m: 50 for m in MONTHS}, OPERATION),
        periods=p,
        area_yoy=year_on_year(40, 40),
        area=same,
        buffer_yoy=one,
    )
    text = headline(est)
    assert "In the month after the patrol (July 2026), 40 vehicle crimes were recorded" in text
    assert "the area had about as many vehicle crimes as expected" in text and "0 %" not in text
    assert "1 vehicle crime was recorded against 1 a year earlier" in buffer_words(est)


def test_a_trend_needs_the_same_months_a_year_earlier(tmp_path):
    write_crimes(tmp_path / "short", busy_area(rate=20), MONTHS[-8:], seed=5)  # 8 months only
    spots = rank(load_crimes(tmp_path / "short"))
    assert {r.trend for r in spots.rows} == {"no data a year earlier"}
    assert spots.rows[0].lsoa_code in AREA and spots.rows[0].last_12 > spots.rows[0].last_3
