"""The command line starts at once: ``handle-docs --help`` lists every command without importing any of
them, and a command imports only what it uses."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from handle_docs.cli import COMMANDS, cli


def modules_loaded_by(*args: str) -> set[str]:
    code = (
        "import sys\nfrom handle_docs.cli import cli\n"
        f"try:\n    cli.main(args={list(args)!r}, prog_name='handle-docs', standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_help_lists_every_command_without_importing_weasyprint_flask_or_any_command():
    loaded = modules_loaded_by("--help")
    heavy = {"weasyprint", "flask", "waitress", "pikepdf", "pdfplumber", "argon2", "docx", "PIL"}
    assert not heavy & {name.split(".")[0] for name in loaded}
    commands = {where.split(":")[0] for where, _short in COMMANDS.values()}
    assert not commands & loaded


def test_help_shows_each_command_with_its_own_first_words():
    shown = subprocess.run(
        [sys.executable, "-m", "handle_docs", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for name in COMMANDS:
        assert f"  {name} " in shown


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_listed_line_begins_the_commands_own_help(name):
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.name == name
    own = " ".join((command.short_help or (command.help or "").split("\n\n")[0]).split())
    listed = COMMANDS[name][1]
    assert own.startswith(listed.rstrip("…")), f"{name}: listed {listed!r}, but its help says {own!r}"


def test_an_unknown_command_is_refused_with_the_usual_message():
    done = subprocess.run(
        [sys.executable, "-m", "handle_docs", "no-such-command"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "No such command 'no-such-command'" in done.stderr
