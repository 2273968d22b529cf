"""When a chunk fails: what a record causes is a rejected row with its reason;
a bug in the code stops the run as a bug (exit 70), never as bad records."""

from __future__ import annotations

import csv
import logging
import re
import sys
from pathlib import Path

import pytest

from handle_docs import cli
from handle_docs.run import chunk

from .conftest import CONTENT
from .pdfsee import page_texts
from .synth import HEADER, run_records, write_records

ADDRESS = "12 Larkspur Road, Eastmoor, Westmarch"


def two_addresses(path: Path) -> Path:
    """Two vehicles checked at one address (rows 2 and 3), one at another (row 4)."""
    rows = [
        ("1 Tanners Row, Eastmoor, Westmarch", "QA00 BCX"),
        ("1 Tanners Row, Eastmoor, Westmarch", "QB00 BCX"),
        (ADDRESS, "QC00 BCX"),
    ]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for address, vrm in rows:
            writer.writerow(
                ["2026-11-14 19:05", "4127", address, "ZZ1 4QX", vrm, "no", "", "yes", "", "", "", ""]
            )
    return path


def handle_docs(monkeypatch, *args: str) -> int:
    """``handle-docs ARGS`` as the installed command runs it; its exit status."""
    monkeypatch.setattr(sys, "argv", ["handle-docs", *args])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    return stopped.value.code


def a_bug(*args, **kwargs):
    raise KeyError(ADDRESS)  # a bug whose message happens to quote a record


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_letter_its_template_cannot_lay_out_is_a_rejected_row_with_the_reason(
    tmp_path, content_copy, monkeypatch, capsys, jobs
):
    template = content_copy.parent / "templates" / "letters" / "visit.html.j2"
    source = template.read_text(encoding="utf-8")
    caption = "<caption>{{ labels.vehicles_heading }}</caption>"
    assert caption in source
    # a template edited for addresses with two vehicles: the second one's status in the caption
    template.write_text(
        source.replace(caption, "<caption>{{ labels.vehicles_heading }}: {{ vehicles[1].status }}</caption>"),
        encoding="utf-8",
    )
    records, out = two_addresses(tmp_path / "records.csv"), tmp_path / "run"
    status = handle_docs(
        monkeypatch,
        "letters",
        str(records),
        "--out",
        str(out),
        "--content",
        str(content_copy),
        "--templates",
        str(template.parent.parent),
        "--draft",
        "--jobs",
        jobs,
        "--chunk-size",
        "1",
        "--quiet",
    )
    assert status == 0, capsys.readouterr().err
    assert "1 letters" in capsys.readouterr().out
    with open(out / "rejects.csv", encoding="utf-8-sig", newline="") as handle:
        rejects = list(csv.DictReader(handle))
    assert rejects == [{"row": "4", "field": "letter", "reason": "could not be laid out (UndefinedError)"}]
    # the round sheet (laid out beside the chunks when there are workers) lists only the letter made
    sheet = " ".join(" ".join(page_texts(out / "round-sheet.pdf")).split())
    assert "1 Tanners Row" in sheet and "Larkspur Road" not in sheet


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_bug_while_rendering_stops_the_run_as_an_internal_error(tmp_path, monkeypatch, capsys, jobs):
    records, out = write_records(tmp_path / "records.csv", 4), tmp_path / "run"
    monkeypatch.setattr(chunk, "letter_context", a_bug)  # inherited by the forked workers
    status = handle_docs(
        monkeypatch,
        "letters",
        str(records),
        "--out",
        str(out),
        "--content",
        str(CONTENT),
        "--jobs",
        jobs,
        "--chunk-size",
        "1",
        "--quiet",
    )
    captured = capsys.readouterr()
    assert status == 70
    assert "handle-docs: internal error (KeyError). This is a bug" in captured.err
    assert "Traceback" not in captured.err and "Larkspur" not in captured.err
    assert "letters (" not in captured.out  # no "N letters (P pages), 0 rejected rows" as if all went well
    assert not out.exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_bugs_traceback_is_logged_at_debug_without_its_message(tmp_path, monkeypatch, caplog, jobs):
    records = write_records(tmp_path / "records.csv", 4)
    monkeypatch.setattr(chunk, "letter_context", a_bug)
    with caplog.at_level(logging.DEBUG, logger="handle_docs.run.batch"), pytest.raises(KeyError):
        run_records(records, tmp_path / "run", jobs=jobs, chunk_size=1)
    [record] = [
        r for r in caplog.records if r.levelno == logging.DEBUG and "stopped the run" in r.getMessage()
    ]
    text = record.getMessage()
    where = "in a worker process" if jobs > 1 else "in this process"
    assert re.search(rf"chunk \d+ stopped the run \(KeyError\), {where}:", text)
    assert "Traceback (most recent call last):" in text
    assert "in a_bug" in text and "in fragment" in text and text.endswith("KeyError")
    assert "Larkspur" not in caplog.text
