"""`handle-docs letters` at the command line: exit codes and messages."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from handle_docs.cli import cli

from .conftest import CONTENT
from .synth import digests, write_rows

ROWS = (
    '2026-11-14 18:05,4127,"12 Larkspur Road, Eastmoor, Westmarch",ZZ1 4QX,QZ00 XKB,no,bag;phone,yes,yes,no,,no',
    '2026-11-14 18:07,4127,"12 Larkspur Road, Eastmoor, Westmarch",ZZ1 4QX,QZ00 XKC,yes,,yes,no,no,,no',
    '2026-11-14 18:09,5583,"7 Tanners Row, Eastmoor, Westmarch",ZZ1 4QY,QZ00 XKD,yes,,yes,no,yes,,no',
    '2026-11-14 18:11,5583,"",ZZ1 4QY,QZ00 XKE,yes,,yes,no,no,,no',
)


def small_csv(tmp_path: Path) -> Path:
    return write_rows(tmp_path / "records.csv", *ROWS)


def invoke(*args):
    return CliRunner().invoke(cli, ["letters", *map(str, args)], catch_exceptions=False)


def test_a_run_with_a_rejected_row_still_succeeds_and_says_where_the_reasons_are(tmp_path):
    out = tmp_path / "run"
    result = invoke(small_csv(tmp_path), "--out", out, "--content", CONTENT, "--jobs", 1, "--quiet")
    assert result.exit_code == 0, result.output
    assert "2 letters" in result.output and "1 rejected rows of 4 read" in result.output
    assert "rejects.csv" in result.output
    assert "Larkspur" not in result.output and "QZ00" not in result.output and "ZZ1" not in result.output


def test_unusable_content_exits_1_naming_file_line_and_key(tmp_path, content_copy):
    visit = content_copy / "letters" / "visit.yaml"
    visit.write_text(visit.read_text().replace("kind: letter", "kind: letter\ncolour: blue"))
    result = CliRunner().invoke(
        cli,
        ["letters", str(small_csv(tmp_path)), "--out", str(tmp_path / "o"), "--content", str(content_copy)],
    )
    assert result.exit_code == 1
    assert "content cannot be used" in result.output
    assert "visit.yaml:" in result.output and "colour: error: unknown key" in result.output
    assert not (tmp_path / "o").exists()


def test_unusable_records_file_exits_1_with_a_clear_message(tmp_path):
    bad = tmp_path / "records.csv"
    bad.write_bytes(b"\x00\x01\x02binary\xff\xfe" * 50)
    result = CliRunner().invoke(
        cli, ["letters", str(bad), "--out", str(tmp_path / "o"), "--content", str(CONTENT)]
    )
    assert result.exit_code == 1
    assert "records file cannot be used" in result.output
    assert "Traceback" not in result.output
    missing = CliRunner().invoke(
        cli, ["letters", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o"), "--content", str(CONTENT)]
    )
    assert missing.exit_code == 2 and "does not exist" in missing.output and "Traceback" not in missing.output
    assert not (tmp_path / "o").exists()


def test_same_inputs_give_the_same_bytes_whatever_the_number_of_jobs(tmp_path):
    records = small_csv(tmp_path)
    a = invoke(
        records, "--out", tmp_path / "a", "--content", CONTENT, "--jobs", 1, "--chunk-size", 1, "--quiet"
    )
    b = invoke(
        records, "--out", tmp_path / "b", "--content", CONTENT, "--jobs", 2, "--chunk-size", 1, "--quiet"
    )
    assert a.exit_code == b.exit_code == 0
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_a_new_run_replaces_the_old_folder_whole(tmp_path):
    records = small_csv(tmp_path)
    out = tmp_path / "run"
    first = invoke(records, "--out", out, "--content", CONTENT, "--jobs", 1, "--quiet")
    assert first.exit_code == 0, first.output
    (out / "stray.txt").write_text("left from before")
    again = invoke(records, "--out", out, "--content", CONTENT, "--jobs", 1, "--quiet")
    assert again.exit_code == 0, again.output
    assert not (out / "stray.txt").exists()
    assert (out / "manifest.json").is_file()
    assert not any(p.name.endswith((".partial", ".old")) for p in tmp_path.iterdir())


def test_no_progress_bar_when_output_is_not_a_terminal_and_a_rate_at_the_end(tmp_path):
    result = invoke(small_csv(tmp_path), "--out", tmp_path / "run", "--content", CONTENT, "--jobs", 1)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    # shared-back: one of the two letters' address part runs onto a second page, then the shared page
    assert re.match(
        r"2 letters \(5 pages\), 1 rejected rows of 4 read, 0 warnings, in \d+\.\d s \(\d+\.\d letters/s\) -> ",
        lines[0],
    )
    assert len(lines) == 2 and lines[1].startswith("rejected rows and reasons: ")  # no bar, no time left
    assert not any("\r" in line or "[#" in line or "[-" in line for line in result.output.splitlines())
