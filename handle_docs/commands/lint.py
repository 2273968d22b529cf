"""``handle-docs lint [--content DIR]``: check the wording for plain English
and for text a screen reader stumbles on, before anything is printed."""

from __future__ import annotations

import sys

import click

from handle_docs.wording.content import load_content

from ..lint import (
    CONFIG_NAME,
    count_line,
    format_json,
    format_text,
    lint_content,
    load_lint_config,
    measures_for,
    sort_problems,
)
from ..lint import (
    strict as make_strict,
)
from ..models import ProblemsError, Severity
from .common import EXIT_PROBLEMS, content_folders, content_options


@click.command("lint")
@content_options
@click.option(
    "--strict", "strict_mode", is_flag=True, help="Fail on warnings too (they are reported as errors)."
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print JSON: {materials: [{file, material, language, measured, not_measured}], "
    "problems: [{file, line, key, rule, severity, message}]}.",
)
def lint(content_dir, templates, strict_mode, as_json):
    """Check the wording in CONTENT for plain English and accessibility.

    Reading ease and grade level per block (English only; other languages:
    sentence length and long words), long sentences and paragraphs, words to
    avoid in the material's language (with the plain word to use), words in
    capitals, "click here" link text and emoji.  The report first says, for
    each material, which measures applied.  Thresholds, severities, words to
    avoid and acronyms are read from CONTENT/lint.yaml.

    Exits 0 when there are no errors (warnings are allowed unless --strict),
    1 when there are errors or the content cannot be loaded.
    """
    content_dir, templates = content_folders(content_dir, templates)
    try:
        content = load_content(content_dir, templates)
        config = load_lint_config(content_dir / CONFIG_NAME)
    except ProblemsError as exc:
        problems = sort_problems(exc.problems)
        if as_json:
            click.echo(format_json(problems))
        else:
            click.echo("content cannot be linted:", err=True)
            for problem in problems:
                click.echo(str(problem), err=True)
            click.echo(count_line(problems), err=True)
        sys.exit(EXIT_PROBLEMS)

    if not (content_dir / CONFIG_NAME).exists() and not as_json:
        click.echo(
            f"note: no {CONFIG_NAME} in {content_dir}: using built-in thresholds and no jargon list", err=True
        )
    problems = lint_content(content, config)
    if strict_mode:
        problems = make_strict(problems)
    measures = measures_for(content, config)
    click.echo(format_json(problems, measures) if as_json else format_text(problems, measures))
    if any(p.severity == Severity.ERROR for p in problems):
        sys.exit(EXIT_PROBLEMS)
