"""Shared pieces of the command line: options, what every command checks of its arguments, problem printing,
exit codes."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import click

from ..models import Problem, Severity
from ..util.paths import absolute

#: Exit codes: 0 done (rejected rows are not a failure), 1 inputs unusable or
#: a gate refused, 2 wrong usage (click.UsageError: an unknown id, a missing
#: file or folder named on the command line, options that cannot go together).
EXIT_PROBLEMS = 1
#: What to do when there is no content folder.
INIT_HINT = (
    "make a force's folder with 'handle-docs init DIR' and run handle-docs inside it, or give --content DIR"
)


class AbsolutePath(click.Path):
    """``click.Path``, made absolute at start (util/paths.absolute): every path a command takes is one of these,
    so none is handed on relative (to Flask's ``send_file``, to a worker started elsewhere)."""

    def convert(self, value, param, ctx):
        checked = super().convert(value, param, ctx)
        if self.allow_dash and checked in ("-", b"-"):
            return checked
        return self.coerce_path_result(str(absolute(checked)))  # then the path_type asked for


def content_options(func):
    func = click.option(
        "--templates",
        type=AbsolutePath(file_okay=False, path_type=Path),
        default=None,
        help="Templates folder (default: 'templates' beside the content folder).",
    )(func)
    func = click.option(
        "--content",
        "content_dir",
        type=AbsolutePath(file_okay=False, path_type=Path),
        default=Path("content"),
        show_default=True,
        help="Content folder with operation.yaml, links.yaml and the materials.",
    )(func)
    return func


def review_dir_option(func):
    """--review-dir and the content options."""
    func = click.option(
        "--review-dir",
        type=AbsolutePath(file_okay=False, path_type=Path),
        default=None,
        help="Folder of sign-off records (default: 'review' beside the content folder).",
    )(func)
    return content_options(func)


def templates_for(content_dir: Path, templates: Path | None) -> Path:
    return templates if templates is not None else content_dir.parent / "templates"


def content_folders(content_dir: Path, templates: Path | None) -> tuple[Path, Path]:
    """The content and templates folders; a usage error (exit 2) naming the one that is not there."""
    if not content_dir.is_dir():
        raise click.UsageError(f"content folder not found: {content_dir}. To start, {INIT_HINT}.")
    folder = templates_for(content_dir, templates)
    if not folder.is_dir():
        given = "--templates" if templates is not None else "the templates folder beside the content folder"
        raise click.UsageError(f"templates folder not found: {folder} ({given}); give --templates DIR")
    return content_dir, folder


def print_problems(problems: Iterable[Problem], heading: str) -> None:
    problems = list(problems)
    if not problems:
        click.echo(f"error: {heading}", err=True)
        return
    errors = sum(1 for p in problems if p.severity == Severity.ERROR)
    click.echo(f"{heading}: {errors} problem{'s' if errors != 1 else ''}", err=True)
    for problem in problems:
        click.echo(f"  {problem}", err=True)


def fail(problems: Iterable[Problem], heading: str) -> NoReturn:
    """Stop with the problems printed and exit status 1, or, when any of them lies in a command-line option
    (the library locates those at '--name'), as a usage error with exit status 2."""
    problems = list(problems)
    if any(p.file.startswith("--") for p in problems):
        raise click.UsageError("; ".join(f"{p.file}: {p.message}" if p.file else p.message for p in problems))
    print_problems(problems, heading)
    sys.exit(EXIT_PROBLEMS)


def refuse(message: str) -> NoReturn:
    """Stop with one line saying why (exit status 1): the input cannot be used."""
    fail([], message)


def ids_of_kind(content, kind: str | None = None, *, translations: bool = True) -> list[str]:
    """Material ids of one kind (letter, leaflet, card, form), or all of them;
    without the translations (``lock-it-leaflet-cy``) when ``translations`` is false."""
    return sorted(
        m.id
        for m in content.materials.values()
        if (kind is None or m.spec.kind == kind) and (translations or m.spec.translation_of is None)
    )


def require_ids(content, ids: Iterable[str], *, kind: str | None = None) -> None:
    """A usage error (exit 2) naming every id that is not a material (of ``kind``), and the ones there are."""
    known = ids_of_kind(content, kind)
    unknown = [i for i in ids if i not in known]
    if unknown:
        what = f"{kind} material" if kind else "material"
        named = ", ".join(f"'{i}'" for i in unknown)
        raise click.UsageError(f"no {what} with id {named} (have: {', '.join(known) or 'none'})")


def load_content_or_fail(content_dir: Path, templates: Path | None):
    """The validated content; a usage error when a folder is not there, every problem printed and exit status 1
    when the content cannot be used."""
    from handle_docs.wording.content import load_content

    from ..models import ProblemsError

    try:
        return load_content(*content_folders(content_dir, templates))
    except ProblemsError as exc:
        fail(exc.problems, "content cannot be used")


def _allow_unpinned(ctx, param, value: bool) -> None:
    if value:
        from ..review.pin import allow_unpinned

        allow_unpinned()  # this process and those it starts (workers, the workspace's runs)


def unpinned_option(func):
    """--allow-unpinned-registry: judge sign-offs although no pin says which reviewer registry is the
    force's (a loud warning, and the manifest says so); never for real use."""
    return click.option(
        "--allow-unpinned-registry",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_allow_unpinned,
        help="Count sign-offs although no pin (review/reviewers.root or HANDLE_DOCS_REGISTRY_ROOT) says which "
        "reviewer registry is your force's. Anyone who can write the folder could then approve anything: "
        "for trying things out only; the output's manifest says it was unpinned.",
    )(func)


def warn_unpinned(problem: Problem | None) -> None:
    """The loud warning of a registry used without a pin."""
    if problem is not None:
        click.echo(f"WARNING: {problem.message}", err=True)


def refuse_unapproved(
    approval, *, making: str, draft: bool, draft_hint: str = "never for delivery", warned: bool = False
) -> None:
    """The review gate at the edge: refuse (exit 1) unless approved or --draft (``warned``: the unpinned
    registry's warning was given already)."""
    if not warned:
        warn_unpinned(approval.unpinned_warning)
    if approval.refusals and not draft:
        print_problems(approval.refusals, f"refusing to make {making}: material not approved")
        click.echo(f"For a watermarked draft to check ({draft_hint}), add --draft.", err=True)
        sys.exit(EXIT_PROBLEMS)
