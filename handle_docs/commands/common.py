"""Shared pieces of the command line: options, problem printing, exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, NoReturn

import click

from ..models import Problem, Severity

#: Exit codes: 0 done (rejected rows are not a failure), 1 inputs unusable or
#: a gate refused, 2 wrong usage (click's own).
EXIT_PROBLEMS = 1


def content_options(func):
    func = click.option(
        "--templates",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Templates folder (default: 'templates' beside the content folder).",
    )(func)
    func = click.option(
        "--content",
        "content_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("content"),
        show_default=True,
        help="Content folder with operation.yaml, links.yaml and the materials.",
    )(func)
    return func


def templates_for(content_dir: Path, templates: Path | None) -> Path:
    return templates if templates is not None else content_dir.parent / "templates"


def print_problems(problems: Iterable[Problem], heading: str) -> None:
    problems = list(problems)
    errors = sum(1 for p in problems if p.severity == Severity.ERROR)
    click.echo(f"{heading}: {errors} problem{'s' if errors != 1 else ''}", err=True)
    for problem in problems:
        click.echo(f"  {problem}", err=True)


def fail(problems: Iterable[Problem], heading: str) -> NoReturn:
    print_problems(problems, heading)
    sys.exit(EXIT_PROBLEMS)


def load_content_or_fail(content_dir: Path, templates: Path | None):
    """The validated content, or every problem printed and exit status 1."""
    from handle_docs.wording.content import load_content
    from ..models import ProblemsError

    try:
        return load_content(content_dir, templates_for(content_dir, templates))
    except ProblemsError as exc:
        fail(exc.problems, "content cannot be used")


def refuse_unapproved(approval, *, making: str, draft: bool, draft_hint: str = "never for delivery") -> None:
    """The review gate at the edge: refuse (exit 1) unless approved or --draft."""
    if approval.refusals and not draft:
        print_problems(approval.refusals, f"refusing to make {making}: material not approved")
        click.echo(f"For a watermarked draft to check ({draft_hint}), add --draft.", err=True)
        sys.exit(EXIT_PROBLEMS)
