"""The ``handle-docs`` command: a thin click group over the library.

Each command lives in ``handle_docs/commands/``; this module only gathers
them.  Problems found in inputs are printed here, at the edge, once.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import traceback

import click

from . import __version__
from .commands.common import AbsolutePath
from .util import logs

#: Every command: its name, where it lives and the one line ``--help`` shows. A command's module is imported
#: only when that command runs (or its own ``--help`` is asked for), so ``handle-docs --help`` and a quick
#: command do not pay for WeasyPrint, Flask and the rest. ``tests/test_cli_start.py`` checks that each line
#: here begins the command's own help.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("handle_docs.commands.init:init", "Create DIR with the wording (content/), templates…"),
    "letters": (
        "handle_docs.commands.letters:letters",
        "Turn a patrol's check RECORDS (CSV or Forms .xlsx) into…",
    ),
    "review": ("handle_docs.commands.review:review", "Review and approve materials before they are printed."),
    "reviewers": (
        "handle_docs.commands.reviewers:reviewers",
        "The reviewer registry: who may sign off, in which roles…",
    ),
    "lint": ("handle_docs.commands.lint:lint", "Check the wording in CONTENT for plain English and…"),
    "check": ("handle_docs.commands.check:check", "Check PDF, Word and braille (.brf) files (or folders of…"),
    "leaflets": (
        "handle_docs.commands.leaflets:leaflets",
        "Render leaflet MATERIALS (default: every leaflet, with…",
    ),
    "links": ("handle_docs.commands.links:links", "The web addresses printed and encoded in QR codes."),
    "purge": ("handle_docs.commands.purge:purge", "Remove letters, batch and follow-up list from RUN_DIR…"),
    "report": (
        "handle_docs.commands.report:report",
        "A one-page summary of the operation in RUN_DIR (a letters…",
    ),
    "card": ("handle_docs.commands.card:card", "Social media cards with the headline figures of the run…"),
    "contingency": (
        "handle_docs.commands.contingency:contingency",
        "Print, in advance, what a patrol needs if the online form…",
    ),
    "serve": ("handle_docs.commands.serve:serve", "The workspace: edit wording, review and approve in a…"),
    "impact": ("handle_docs.commands.impact:impact", "Did the patrol work? Vehicle crime in the patrolled…"),
    "hotspots": (
        "handle_docs.commands.hotspots:hotspots",
        "Where to patrol next: the force's LSOAs ranked by…",
    ),
    "worker": ("handle_docs.commands.worker:worker", "Make the letters runs queued in the workspace (serve…"),
    "history": (
        "handle_docs.commands.history:history",
        "The record of every change: `history MATERIAL` lists…",
    ),
    "reprint": ("handle_docs.commands.reprint:reprint", "Make a letter of a past run again, byte for byte…"),
    "users": (
        "handle_docs.commands.users:users",
        "Accounts that may sign in to the workspace (`handle-docs…",
    ),
    "backup": ("handle_docs.commands.backup:backup", "Back up the workspace's instance folder into the new…"),
    "restore": ("handle_docs.commands.backup:restore", "Restore a backup made by 'handle-docs backup' into…"),
}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when the command is used (click's lazy group
    pattern), and lists the commands from :data:`COMMANDS` without importing any."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attr = COMMANDS[cmd_name][0].split(":")
        command = getattr(importlib.import_module(module_name), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_name}.{attr} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, short) for name, (_where, short) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handle-docs")
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    default="WARNING",
    show_default=True,
    help="How much to log to standard error.",
)
@click.option(
    "--log-file",
    type=AbsolutePath(dir_okay=False),
    default=None,
    help="Also write the log to this file (never holds addresses or registrations).",
)
def cli(log_level: str, log_file: str | None) -> None:
    """Printed material for vehicle-crime prevention patrols."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    logging.basicConfig(level=log_level.upper(), handlers=handlers, force=True, format=logs.TEXT_FORMAT)
    logs.apply_from_env()  # a worker started by serve --log-format json logs as its server does


def main() -> None:
    """Entry point: no traceback reaches a user, but a bug still says it is one."""
    try:
        cli(prog_name="handle-docs")
    except Exception as exc:  # the last line of defence; commands handle what they expect
        if os.environ.get("HANDLE_DOCS_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"handle-docs: internal error ({type(exc).__name__}). This is a bug: please report it with the "
            "command you ran. Run again with HANDLE_DOCS_DEBUG=1 to see the details.",
            err=True,
        )
        sys.exit(70)
