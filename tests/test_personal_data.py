"""Personal data: never in logs, terminal output or file names; private files; purge."""

from __future__ import annotations

import csv
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from handle_docs.cli import cli

from .conftest import CONTENT, EPOCH, SAMPLE_CSV


def sample_with_named_officers(tmp_path: Path, rows: int = 30) -> Path:
    """The sample's first rows, with distinctive invented officer names."""
    with open(SAMPLE_CSV, encoding="utf-8") as handle:
        data = list(csv.DictReader(handle))[:rows]
    for i, row in enumerate(data):
        row["officer"] = ["PC Ada Quillfeather", "PC Bram Oxlade"][i % 2]
    path = tmp_path / "records.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(data[0]))
        writer.writeheader()
        writer.writerows(data)
    return path


def personal_values(path: Path) -> set[str]:
    values = set()
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for field in ("address", "postcode", "vrm", "officer"):
                value = row[field].strip()
                if len(value) >= 5:
                    values.add(value)
                    if field == "address":
                        values.update(part.strip() for part in value.split(",")[:1])
                    if field == "vrm":
                        values.add(value.upper().replace(" ", ""))
    return values


def test_debug_logs_and_terminal_output_hold_no_personal_data(tmp_path):
    records = sample_with_named_officers(tmp_path)
    log = tmp_path / "handle-docs.log"
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "handle_docs",
            "--log-level",
            "DEBUG",
            "--log-file",
            str(log),
            "letters",
            str(records),
            "--out",
            str(tmp_path / "run"),
            "--content",
            str(CONTENT),
            "--jobs",
            "2",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen = proc.stdout + proc.stderr + log.read_text()
    assert "DEBUG" in seen, "the log really was at DEBUG"
    leaked = sorted(v for v in personal_values(records) if v in seen)
    assert leaked == []


def test_file_names_carry_only_ids_and_files_are_private_whatever_the_umask(tmp_path):
    records = sample_with_named_officers(tmp_path, rows=9)
    old = os.umask(0o000)
    try:
        result = CliRunner().invoke(
            cli,
            [
                "letters",
                str(records),
                "--out",
                str(tmp_path / "run"),
                "--content",
                str(CONTENT),
                "--jobs",
                "1",
                "--quiet",
            ],
        )
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    run = tmp_path / "run"
    assert stat.S_IMODE(run.stat().st_mode) == 0o700
    values = personal_values(records)
    for path in run.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
        assert not any(v.replace(" ", "").lower() in path.name.replace(" ", "").lower() for v in values)


def test_purge_removes_personal_data_and_keeps_the_counts(tmp_path):
    records = sample_with_named_officers(tmp_path, rows=9)
    run = tmp_path / "run"
    made = CliRunner().invoke(
        cli, ["letters", str(records), "--out", str(run), "--content", str(CONTENT), "--jobs", "1", "--quiet"]
    )
    assert made.exit_code == 0, made.output
    summary_before = (run / "summary.txt").read_text()
    result = CliRunner().invoke(cli, ["purge", str(run), "--yes"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in run.iterdir()) == [
        "manifest.csv",
        "manifest.json",
        "rejects.csv",
        "stats.json",
        "summary.txt",
        "warnings.csv",
    ]
    assert (run / "summary.txt").read_text() == summary_before
    assert json.loads((run / "manifest.json").read_text())["personal_data_purged"]
    remaining = "".join(p.read_text(encoding="utf-8-sig") for p in run.iterdir())
    assert not [v for v in personal_values(records) if v in remaining]
    assert CliRunner().invoke(cli, ["purge", str(tmp_path), "--yes"]).exit_code == 2
