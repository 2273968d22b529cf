"""What a workspace run keeps of its patrol (handle_docs/impact/patrol.py): the operation, the date, the area
as operation.yaml gave it, or street names only; nothing else of the records. No letters are made here
(tests/test_web_impact.py drives the workspace and its worker)."""

from __future__ import annotations

import datetime as dt
import json

from handle_docs.impact.area import load_operation
from handle_docs.impact.patrol import AT_MAKE, LATER, KeptPatrol, check_day, keep_patrol
from handle_docs.impact.policeuk import load_crimes
from handle_docs.services import run_patrol
from handle_docs.services.workspace_runs import RunStore

from .conftest import CONTENT, ROOT, edit
from .synth import write_records

ADDRESSES = [
    "Flat 2, 14 Larch Close, Eastmoor, Westmarch ZZ1 4QX",
    "3 Larch Cl, Eastmoor",
    "7a Tanners Row, Eastmoor",
    "Rose Cottage, Lower Bagshot",  # no street: nothing kept
]
TIMES = [
    dt.datetime(2026, 11, 14, 19, 5),
    dt.datetime(2026, 11, 14, 20, 1),
    dt.datetime(2026, 11, 15, 1, 2),
    None,
]


def operation(**area):
    op = load_operation(CONTENT)[0]
    return op.model_copy(update={"area": op.area.model_copy(update=area) if area else None})


def test_without_a_written_area_only_the_street_names_are_kept_once_each():
    patrol = keep_patrol(operation(), ADDRESSES, TIMES)
    assert patrol.streets == ("Larch Close", "Tanners Row")
    assert (patrol.operation_name, patrol.patrol_date, patrol.kept, patrol.area) == (
        "Operation Larkspur",
        dt.date(2026, 11, 14),
        AT_MAKE,
        None,
    )
    kept_data = patrol.to_json()
    assert kept_data["operation"].pop("area") == "Eastmoor"  # the operation's own name for its area
    kept = json.dumps(kept_data)  # the rest holds nothing of the records but street names
    assert not any(
        word in kept for word in ("14 ", "Flat", "ZZ1", "4QX", "Eastmoor", "Rose", "Bagshot", "7a")
    )


def test_with_a_written_area_no_street_is_kept_and_the_area_is_as_written():
    patrol = keep_patrol(operation(lsoa=["Z01000018"], buffer_metres=250), ADDRESSES, TIMES)
    assert patrol.streets == () and not patrol.needs_streets
    assert patrol.config().lsoa == ["Z01000018"] and patrol.config().buffer_metres == 250
    assert "earlier" not in patrol.area  # the earlier patrols are operation.yaml's, not the run's
    assert KeptPatrol.of(json.loads(json.dumps(patrol.to_json()))) == patrol
    assert KeptPatrol.of({"operation": {}}) is None and KeptPatrol.of([]) is None


def test_the_settings_correct_the_same_operation_but_never_another():
    patrol = keep_patrol(operation(), ADDRESSES, TIMES)
    confirmed = patrol.refreshed(operation(lsoa=["Z01000019"]))  # the area written down afterwards
    assert confirmed.area["lsoa"] == ["Z01000019"] and confirmed.streets == ()
    later = load_operation(CONTENT)[0]
    later = later.model_copy(
        update={
            "operation": later.operation.model_copy(
                update={"id": "op-heron", "patrol_date": dt.date(2027, 4, 2)}
            )
        }
    )
    assert confirmed.refreshed(later) == confirmed


def test_the_date_is_the_checks_when_the_settings_cannot_be_read_or_are_another_month_s():
    assert check_day(TIMES) == dt.date(2026, 11, 14) and check_day([None]) is None
    unread = keep_patrol(None, ADDRESSES, TIMES)
    assert (unread.patrol_date, unread.date_from, unread.operation_id) == (
        dt.date(2026, 11, 14),
        "check times",
        "",
    )
    assert keep_patrol(None, ADDRESSES, [None]) is None
    moved_on = operation(lsoa=["Z01000029"])
    moved_on = moved_on.model_copy(
        update={"operation": moved_on.operation.model_copy(update={"patrol_date": dt.date(2027, 4, 2)})}
    )
    late = keep_patrol(moved_on, ADDRESSES, TIMES, LATER)  # a run made before runs kept their patrol
    assert (late.patrol_date, late.area, late.streets) == (
        dt.date(2026, 11, 14),
        None,
        ("Larch Close", "Tanners Row"),
    )
    assert keep_patrol(moved_on, ADDRESSES, TIMES, AT_MAKE).area["lsoa"] == [
        "Z01000029"
    ]  # as made: the settings


def test_the_streets_place_the_patrol_where_they_are_in_one_neighbourhood_only():
    crimes = load_crimes(ROOT / "examples" / "police-uk-sample-invented")
    patrol = keep_patrol(operation(), ["1 Larkspur Road", "2 Millbrook Close", "3 Tanners Row"], TIMES)
    assert patrol.lsoas(crimes) == ["Z01000018"]  # Millbrook Close is in two: not guessed
    assert keep_patrol(operation(lsoa=["Z01000019"]), [], TIMES).lsoas(crimes) == ["Z01000019"]


# --- kept in a run's folder (services/run_patrol.py) ---------------------------------------------------------


def test_a_run_keeps_corrections_of_its_own_operation_but_never_loses_its_area_once_its_records_are_gone(
    content_copy, tmp_path
):
    store = RunStore(tmp_path / "instance")
    record = store.create("olu", write_records(tmp_path / "six.csv", 6).read_bytes(), retention_days=7)
    operation_yaml = content_copy / "operation.yaml"
    written = "area:\n  lsoa: [Z01000018, Z01000019]"

    patrol = run_patrol.settle(store, record, content_copy)  # made before runs kept it: kept now
    assert (patrol.kept, patrol.area["lsoa"], patrol.streets) == (LATER, ["Z01000018", "Z01000019"], ())
    assert run_patrol.read(store.extras_dir(record)) == patrol

    edit(operation_yaml, written, "")  # the same operation, its area taken out: the streets are read again
    assert run_patrol.settle(store, record, content_copy).streets == (
        "Larkspur Road",
        "Millbrook Close",
        "Tanners Row",
    )
    edit(operation_yaml, "# Where the patrol was", f"{written}\n# Where the patrol was")
    assert run_patrol.settle(store, record, content_copy).streets == ()

    run_patrol.purge(store, record, content_copy)
    assert not store.upload_path(record).exists()
    edit(operation_yaml, written, "")  # once the records are gone, dropping the area would lose it: not taken
    assert run_patrol.settle(store, record, content_copy).area["lsoa"] == ["Z01000018", "Z01000019"]
