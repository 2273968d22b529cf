"""The ``handle-docs`` command: a thin click group over the library.

Each command lives in ``handle_docs/commands/``; this module only gathers
them.  Problems found in inputs are printed here, at the edge, once.
"""

from __future__ import annotations

import click

from . import __version__
from .commands.check import check
from .commands.leaflets import leaflets
from .commands.letters import letters
from .commands.links import links
from .commands.lint import lint
from .commands.review import review


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handle-docs")
def cli() -> None:
    """Printed material for vehicle-crime prevention patrols."""


cli.add_command(letters)
cli.add_command(review)
cli.add_command(lint)
cli.add_command(check)
cli.add_command(leaflets)
cli.add_command(links)


def main() -> None:
    cli(prog_name="handle-docs")
