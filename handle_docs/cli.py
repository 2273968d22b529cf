"""The ``handle-docs`` command: a thin click group over the library.

Each command lives in ``handle_docs/commands/``; this module only gathers
them.  Problems found in inputs are printed here, at the edge, once.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback

import click

from . import __version__
from .commands.card import card
from .commands.check import check
from .commands.contingency import contingency
from .commands.init import init
from .commands.leaflets import leaflets
from .commands.letters import letters
from .commands.links import links
from .commands.lint import lint
from .commands.purge import purge
from .commands.report import report
from .commands.review import review
from .commands.reviewers import reviewers
from .commands.serve import serve
from .commands.users import users
from .commands.worker import worker


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handle-docs")
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
              default="WARNING", show_default=True, help="How much to log to standard error.")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None,
              help="Also write the log to this file (never holds addresses or registrations).")
def cli(log_level: str, log_file: str | None) -> None:
    """Printed material for vehicle-crime prevention patrols."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    logging.basicConfig(level=log_level.upper(), handlers=handlers, force=True,
                        format="%(levelname)s %(name)s: %(message)s")


cli.add_command(init)
cli.add_command(letters)
cli.add_command(review)
cli.add_command(reviewers)
cli.add_command(lint)
cli.add_command(check)
cli.add_command(leaflets)
cli.add_command(links)
cli.add_command(purge)
cli.add_command(report)
cli.add_command(card)
cli.add_command(contingency)
cli.add_command(serve)
cli.add_command(users)
cli.add_command(worker)


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
