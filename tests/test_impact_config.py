"""The patrol's police.uk area in operation.yaml (checked, kept out of the fingerprints), the operation
summary's impact and hotspot pages, and the invented sample extract of the demo (issue 32)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from handle_docs.checks import check_paths, config_from_links
from handle_docs.cli import cli
from handle_docs.review.fingerprints import fingerprint

from .conftest import CONTENT, ROOT, TEMPLATES, edit, load, problems_of
from .crimesynth import generator
from .pdfsee import words

SAMPLE = ROOT / "examples" / "police-uk-sample-invented"


def test_the_patrols_area_never_changes_a_materials_fingerprint(content_copy):
    content = load(content_copy)
    before = {mid: fingerprint(content, mid) for mid in content.materials}
    op = content_copy / "operation.yaml"
    edit(
        op,
        "area:\n  lsoa: [Z01000018, Z01000019]",
        "area:\n  lsoa: [Z01000001]\n  buffer_metres: 900\n  earlier:\n    - {date: 2025-03-01, lsoa: [Z01000002]}",
    )
    changed = load(content_copy)
    assert {mid: fingerprint(changed, mid) for mid in changed.materials} == before
    op.write_text(
        op.read_text(encoding="utf-8").split("\n# Where the patrol was")[0] + "\n", encoding="utf-8"
    )
    assert {mid: fingerprint(load(content_copy), mid) for mid in changed.materials} == before


def test_a_wrong_lsoa_code_or_key_in_the_area_is_named_with_its_line(content_copy):
    op = content_copy / "operation.yaml"
    edit(op, "lsoa: [Z01000018, Z01000019]", "lsoa: [Z01000018, Eastmoor]\n  buffr: 3")
    problems = problems_of(content_copy)
    assert any(
        "operation.yaml" in p and "area.lsoa" in p and "'Eastmoor' is not an LSOA code" in p for p in problems
    ), problems
    assert any("area.buffr" in p and "unknown key" in p for p in problems), problems


def test_the_report_with_crimes_shows_the_chart_and_the_hotspot_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(CONTENT, "content")
    shutil.copytree(TEMPLATES, "templates")
    shutil.copytree(SAMPLE, "crimes")
    Path("run").mkdir()
    Path("run/stats.json").write_text(
        json.dumps(
            {
                "operation": {"name": "Operation Larkspur", "area": "Eastmoor", "patrol_date": "2026-11-14"},
                "vehicles_checked": 120,
                "insecure_vehicles": 30,
                "vehicles_with_items": 20,
                "letters": 40,
                "items_by_kind": {"bag": 5},
            }
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["report", "run", "--out", "report", "--crimes", "crimes"])
    assert result.exit_code == 0, result.output
    pdf = Path("report/operation-summary.pdf")
    seen = words(pdf)
    assert "Did the patrol work?" in seen and "Where to patrol next" in seen
    assert "Eastmoor 018C (Z01000018)" in seen and "14 November 2026" in seen  # patrolled, with its date
    assert all(r.passed for r in check_paths([pdf], config_from_links(CONTENT / "links.yaml")))
    md = Path("report/operation-summary.md").read_text(encoding="utf-8")
    assert "## Did the patrol work?" in md and "| Rank | Neighbourhood |" in md
    # without --crimes the summary is as before: one page
    result = CliRunner().invoke(cli, ["report", "run", "--out", "plain"])
    assert result.exit_code == 0 and "(1 page)" in result.output


def test_the_invented_sample_is_what_itsgenerator_writes_and_says_it_is_invented(tmp_path, monkeypatch):
    module = generator()
    monkeypatch.setattr(module, "OUT", tmp_path)
    written = module.write()
    assert written and all(
        path.read_bytes() == (SAMPLE / path.relative_to(tmp_path)).read_bytes() for path in written
    )
    assert "INVENTED" in (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert "invented" in SAMPLE.name


def test_the_demos_impact_and_hotspots_lines_run_as_written(tmp_path, monkeypatch):
    """The Makefile's demo lines for issue 32, run as they stand (relative paths) in a copy of the checkout."""
    lines = [
        line.strip().split()[1:]
        for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("$(BIN)/handle-docs ") and line.split()[1] in ("impact", "hotspots")
    ]
    assert [args[0] for args in lines] == ["impact", "hotspots"]
    for folder in ("content", "templates", "examples"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    for args in lines:
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
    data = json.loads(Path("out/impact/impact.json").read_text(encoding="utf-8"))
    assert data["area"] == ["Z01000018", "Z01000019"] and data["verdict"] == "fell"
    op = Path("content/operation.yaml")
    line = op.read_text(encoding="utf-8").splitlines().index("  lsoa: [Z01000018, Z01000019]") + 1
    op.write_text(op.read_text(encoding="utf-8").replace("Z01000019]", "Z01000999]"), encoding="utf-8")
    result = CliRunner().invoke(cli, lines[0])
    assert result.exit_code == 1
    assert (
        f"content/operation.yaml:{line}: area.lsoa.1: error: Z01000999 is not in the crime data"
        in result.output
    ), result.output
    assert (
        "Millbrook Close: in 2 LSOAs (Z01000019, Z01000029): not guessed"
        in CliRunner().invoke(cli, lines[0]).output
    )
    assert Path("out/hotspots/hotspots.csv").is_file() and Path("out/hotspots/hotspots.pdf").is_file()


def test_the_report_with_crimes_but_no_area_says_where_to_give_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(CONTENT, "content")
    shutil.copytree(TEMPLATES, "templates")
    op = Path("content/operation.yaml")
    op.write_text(
        op.read_text(encoding="utf-8").split("\n# Where the patrol was")[0] + "\n", encoding="utf-8"
    )
    Path("run").mkdir()
    Path("run/stats.json").write_text(
        json.dumps(
            {
                "operation": {"name": "Operation Larkspur", "area": "Eastmoor", "patrol_date": "2026-11-14"},
                "vehicles_checked": 1,
                "insecure_vehicles": 0,
                "vehicles_with_items": 0,
                "letters": 1,
            }
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["report", "run", "--out", "report", "--crimes", str(SAMPLE)])
    assert result.exit_code == 1
    assert re.search(
        r"content/operation\.yaml:\d+: area\.lsoa: error: the patrolled area is not given", result.output
    )
    assert not Path("report").exists()
