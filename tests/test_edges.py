"""The command line's edges: a wrong id, a missing file or folder, options that cannot go together are usage
errors (exit 2) that name what was wrong and what there is; unusable input is exit 1 with one clear line; a
bug is exit 70 with one line, and its traceback only with HANDLE_DOCS_DEBUG."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from handle_docs import cli as cli_module
from handle_docs.cli import cli

from .conftest import CONTENT, SAMPLE_CSV
from .signing import DEMO_KEYS

PRIYA_KEY = str(DEMO_KEYS / "priya-lang")

TRANSLATED = (
    "ar",
    "cy",
    "pl",
    "ro",
    "ur",
)  # the sample's translations: visit-letter-cy, lock-it-leaflet-cy …
LEAFLETS = ", ".join(
    ["lock-it-leaflet", *(f"lock-it-leaflet-{t}" for t in TRANSLATED), "stay-connected-leaflet"]
)
LETTERS = ", ".join(["visit-letter", *(f"visit-letter-{t}" for t in TRANSLATED)])
MATERIALS = ", ".join(
    sorted([*LEAFLETS.split(", "), "paper-check-form", "social-card", *LETTERS.split(", ")])
)


def run(*args, **kwargs):
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="handle-docs", **kwargs)
    assert "Traceback" not in result.output, result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def usage_error(result, *expected: str) -> None:
    """Exit 2, click's usage lines, and the message naming what was wrong."""
    assert result.exit_code == 2, result.output
    assert "Usage: handle-docs" in result.output and "Error: " in result.output
    for text in expected:
        assert text in result.output, result.output
    assert "0 problems" not in result.output


def empty_folder(tmp_path: Path, name: str = "empty") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return folder


# --- unknown material ids --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        [
            "review",
            "approve",
            "no-such-thing",
            "--reviewer",
            "priya-lang",
            "--role",
            "comms-lead",
            "--key",
            PRIYA_KEY,
        ],
        [
            "review",
            "request-changes",
            "no-such-thing",
            "--reviewer",
            "priya-lang",
            "--role",
            "comms-lead",
            "--key",
            PRIYA_KEY,
            "--note",
            "x",
        ],
        ["review", "diff", "no-such-thing"],
        ["review", "proof", "no-such-thing", "--out", "{tmp}/proof"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_review_of_an_unknown_material_names_it_and_the_materials_there_are(command, content_copy, tmp_path):
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    before = sorted(p.name for p in (content_copy.parent / "review").iterdir())
    result = run(*args, "--content", content_copy)
    usage_error(result, f"no material with id 'no-such-thing' (have: {MATERIALS}")
    assert sorted(p.name for p in (content_copy.parent / "review").iterdir()) == before
    assert not (tmp_path / "proof").exists()


def test_leaflets_named_that_are_not_leaflets_are_named_back(tmp_path):
    out = tmp_path / "leaflets"
    result = run("leaflets", "no-such", "visit-letter", "--out", out, "--content", CONTENT)
    usage_error(result, f"no leaflet material with id 'no-such', 'visit-letter' (have: {LEAFLETS})")
    assert not out.exists()


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (["--material", "nope"], f"no letter material with id 'nope' (have: {LETTERS})"),
        (
            ["--material", "lock-it-leaflet"],
            f"no letter material with id 'lock-it-leaflet' (have: {LETTERS})",
        ),
        (["--with-leaflet", "nope"], f"no leaflet material with id 'nope' (have: {LEAFLETS})"),
        (
            ["--with-leaflet", "visit-letter"],
            f"no leaflet material with id 'visit-letter' (have: {LEAFLETS})",
        ),
    ],
)
def test_letters_with_an_unknown_material_is_a_usage_error(option, expected, tmp_path):
    out = tmp_path / "run"
    result = run("letters", SAMPLE_CSV, "--out", out, "--content", CONTENT, *option)
    usage_error(result, expected)
    assert not out.exists()


def test_card_of_an_unknown_card_material(tmp_path):
    result = run(
        "card", empty_folder(tmp_path), "--out", tmp_path / "card", "--content", CONTENT, "--material", "nope"
    )
    usage_error(result, "no card material with id 'nope' (have: social-card)")


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (["--form", "nope"], "no form material with id 'nope' (have: paper-check-form)"),
        (["--letter", "lock-it-leaflet"], f"no letter material with id 'lock-it-leaflet' (have: {LETTERS})"),
        (
            ["--leaflet", "lock-it-leaflet", "--leaflet", "nope"],
            f"no leaflet material with id 'nope' (have: {LEAFLETS})",
        ),
    ],
)
def test_contingency_with_an_unknown_material(option, expected, tmp_path):
    out = tmp_path / "pack"
    result = run("contingency", "--out", out, "--content", CONTENT, *option)
    usage_error(result, expected)
    assert not out.exists()


def test_an_extra_argument_where_none_is_taken_is_a_usage_error():
    usage_error(run("lint", "no-such", "--content", CONTENT), "unexpected extra argument (no-such)")
    usage_error(
        run("review", "status", "no-such", "--content", CONTENT), "unexpected extra argument (no-such)"
    )


# --- options located by the library: roles, notes, versions ----------------------------------------------


def test_approving_with_an_unknown_role_names_the_roles_there_are(content_copy):
    result = run(
        "review",
        "approve",
        "visit-letter",
        "--reviewer",
        "priya-lang",
        "--role",
        "chief",
        "--key",
        PRIYA_KEY,
        "--content",
        content_copy,
    )
    usage_error(
        result,
        "--role: unknown role 'chief' (review-policy.yaml allows: comms-lead, comms-officer, "
        "neighbourhood-sergeant, inspector, equality-lead, translator-cy, translator-pl, "
        "translator-ro, translator-ar, translator-ur)",
    )


def test_requesting_changes_without_saying_what_is_a_usage_error(content_copy):
    result = run(
        "review",
        "request-changes",
        "visit-letter",
        "--reviewer",
        "priya-lang",
        "--role",
        "comms-lead",
        "--key",
        PRIYA_KEY,
        "--content",
        content_copy,
    )
    usage_error(result, "--note: say what needs to change")


@pytest.mark.parametrize(
    ("against", "expected"),
    [
        ("yesterday", "--against: must be a fingerprint like sha256:abcd1234ef56, not 'yesterday'"),
        ("sha256:abcdef123456", "--against: no recorded version sha256:abcdef123456 of visit-letter"),
    ],
)
def test_diff_against_a_version_that_was_never_recorded(against, expected, content_copy):
    usage_error(
        run("review", "diff", "visit-letter", "--against", against, "--content", content_copy), expected
    )


def test_a_material_that_cannot_make_word_letters_with_docx(content_copy, tmp_path):
    visit = content_copy / "letters" / "visit.yaml"
    visit.write_text(visit.read_text().replace("docx_template: letters/visit.docx\n", ""))
    out = tmp_path / "run"
    result = run("letters", SAMPLE_CSV, "--out", out, "--content", content_copy, "--docx", "--draft")
    usage_error(result, "--docx: material 'visit-letter' has no docx_template")
    assert not out.exists()


# --- files and folders named on the command line --------------------------------------------------------


def test_records_or_column_map_that_are_not_there(tmp_path):
    out = tmp_path / "run"
    usage_error(
        run("letters", tmp_path / "nope.csv", "--out", out, "--content", CONTENT),
        "'RECORDS'",
        "nope.csv' does not exist",
    )
    usage_error(
        run("letters", SAMPLE_CSV, "--out", out, "--content", CONTENT, "--columns", tmp_path / "map.yaml"),
        "'--columns'",
        "map.yaml' does not exist",
    )
    usage_error(
        run("contingency", "--out", out, "--content", CONTENT, "--columns", tmp_path / "map.yaml"),
        "'--columns'",
        "map.yaml' does not exist",
    )
    assert not out.exists()


# Every command that reads the wording, with what else it needs.
CONTENT_COMMANDS = {
    "letters": lambda tmp: ["letters", SAMPLE_CSV, "--out", tmp / "run"],
    "leaflets": lambda tmp: ["leaflets", "--out", tmp / "leaflets"],
    "contingency": lambda tmp: ["contingency", "--out", tmp / "pack"],
    "card": lambda tmp: ["card", tmp, "--out", tmp / "card"],
    "report": lambda tmp: ["report", tmp, "--out", tmp / "report"],
    "lint": lambda tmp: ["lint"],
    "links check": lambda tmp: ["links", "check"],
    "review status": lambda tmp: ["review", "status"],
    "review proof": lambda tmp: ["review", "proof", "visit-letter", "--out", tmp / "proof"],
}


@pytest.mark.parametrize("name", sorted(CONTENT_COMMANDS))
def test_outside_a_force_folder_every_command_says_to_run_init(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(*CONTENT_COMMANDS[name](tmp_path))
    usage_error(
        result, f"content folder not found: {Path.cwd() / 'content'}", "handle-docs init DIR", "--content DIR"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["lint", "review status", "leaflets"])
def test_a_content_or_templates_folder_given_that_is_not_there(name, tmp_path, content_copy):
    args = CONTENT_COMMANDS[name](tmp_path)
    usage_error(
        run(*args, "--content", tmp_path / "nowhere"), f"content folder not found: {tmp_path / 'nowhere'}"
    )
    usage_error(
        run(*args, "--content", content_copy, "--templates", tmp_path / "no-templates"),
        f"templates folder not found: {tmp_path / 'no-templates'} (--templates)",
    )
    (content_copy.parent / "templates").rename(tmp_path / "elsewhere")
    usage_error(
        run(*args, "--content", content_copy),
        f"templates folder not found: {tmp_path / 'templates'} (the templates folder beside the content",
    )


@pytest.mark.parametrize("command", ["report", "card", "purge"])
def test_a_folder_that_is_not_a_letters_run(command, tmp_path):
    folder = empty_folder(tmp_path)
    (folder / "notes.txt").write_text("keep me")
    args = {
        "report": ["--out", tmp_path / "r", "--content", CONTENT],
        "card": ["--out", tmp_path / "c", "--content", CONTENT],
        "purge": ["--yes"],
    }[command]
    result = run(command, folder, *args)
    missing = "manifest.json" if command == "purge" else "stats.json"
    usage_error(result, f"{folder / missing}" if command != "purge" else f"{folder} has no manifest.json")
    assert (folder / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_report_with_a_prices_file_that_is_not_there(tmp_path):
    result = run(
        "report",
        empty_folder(tmp_path),
        "--out",
        tmp_path / "r",
        "--content",
        CONTENT,
        "--prices",
        tmp_path / "prices.yaml",
    )
    usage_error(result, "'--prices'", "prices.yaml' does not exist")


def test_a_damaged_run_is_bad_input_said_in_one_line_not_a_usage_error(tmp_path):
    run_dir = empty_folder(tmp_path, "run")
    (run_dir / "stats.json").write_text("{not json")
    result = run("report", run_dir, "--out", tmp_path / "r", "--content", CONTENT)
    assert result.exit_code == 1, result.output
    assert (
        result.stderr.strip() == f"error: {run_dir / 'stats.json'} cannot be read as JSON (JSONDecodeError)"
    )
    assert "Usage:" not in result.output


# --- a bug is not bad input ------------------------------------------------------------------------------


def _break_lint(monkeypatch):
    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("details that could hold 12 Larkspur Road")

    monkeypatch.setattr("handle_docs.commands.lint.lint_content", broken)
    monkeypatch.setattr(sys, "argv", ["handle-docs", "lint", "--content", str(CONTENT)])


def test_a_bug_exits_70_with_one_line_and_no_traceback(monkeypatch, capsys):
    _break_lint(monkeypatch)
    monkeypatch.delenv("HANDLE_DOCS_DEBUG", raising=False)
    with pytest.raises(SystemExit) as stopped:
        cli_module.main()
    assert stopped.value.code == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("handle-docs: internal error (ZeroDivisionError). This is a bug")
    assert "HANDLE_DOCS_DEBUG=1" in err
    assert "Traceback" not in err and "Larkspur" not in err


def test_with_handle_docs_debug_a_bug_shows_its_traceback(monkeypatch, capsys):
    _break_lint(monkeypatch)
    monkeypatch.setenv("HANDLE_DOCS_DEBUG", "1")
    with pytest.raises(SystemExit) as stopped:
        cli_module.main()
    assert stopped.value.code == 70
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert 'in broken\n    raise ZeroDivisionError("details that could hold 12 Larkspur Road")' in err
    assert err.rstrip().endswith("Run again with HANDLE_DOCS_DEBUG=1 to see the details.")


def test_through_main_a_usage_error_is_still_exit_2_and_success_exit_0(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("HANDLE_DOCS_TODAY", "2027-01-15")
    monkeypatch.setattr(
        sys,
        "argv",
        ["handle-docs", "leaflets", "nope", "--out", str(tmp_path / "o"), "--content", str(CONTENT)],
    )
    with pytest.raises(SystemExit) as stopped:
        cli_module.main()
    assert stopped.value.code == 2 and "no leaflet material with id 'nope'" in capsys.readouterr().err
    monkeypatch.setattr(sys, "argv", ["handle-docs", "review", "status", "--content", str(CONTENT)])
    with pytest.raises(SystemExit) as stopped:
        cli_module.main()
    assert (
        stopped.value.code == 0
        and "ready: all 15 material(s) and the reviewer registry approved" in capsys.readouterr().out
    )


def test_a_run_summary_on_a_damaged_stats_file_names_no_json_content(tmp_path):
    run_dir = empty_folder(tmp_path, "run")
    (run_dir / "stats.json").write_text(json.dumps(["12 Larkspur Road"]))
    result = run("card", run_dir, "--out", tmp_path / "c", "--content", CONTENT)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {run_dir / 'stats.json'} is not a JSON object"
