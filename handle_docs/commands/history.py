"""``handle-docs history``: every version of a material with who edited and approved it, a past
version's proof, the change between two versions, and ``history verify``."""

from __future__ import annotations

from pathlib import Path

import click

from ..history import proofs
from ..history.log import describe
from ..history.numbering import Numbering
from ..history.repo import ForceRepo, HistoryError
from ..history.verify import verify_folder
from ..review.policy import load_policy
from ..review.wording import SectionDiff
from ..starter import CONTENT
from .common import EXIT_PROBLEMS, AbsolutePath, refuse


def _folder_option(func):
    return click.option(
        "--folder",
        type=AbsolutePath(file_okay=False, exists=True, path_type=Path),
        default=Path("."),
        show_default=True,
        help="The force folder (made by 'handle-docs init').",
    )(func)


def _repo(folder: Path) -> ForceRepo:
    try:
        repo = ForceRepo.of(folder)
    except HistoryError as exc:
        refuse(str(exc))
    if repo is None:
        refuse(
            f"{folder} is not a git repository, so it has no history: 'handle-docs init DIR' makes a force "
            "folder that is one"
        )
    return repo


class _Group(click.Group):
    """``history MATERIAL`` is ``history show MATERIAL``; ``history verify`` etc. are subcommands."""

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "show", self.commands["show"], args
        return super().resolve_command(ctx, args)


@click.group("history", cls=_Group)
def history() -> None:
    """The record of every change: `history MATERIAL` lists its versions (who
    edited each, when, the change in words, who approved it); `history proof`
    makes a past version's proof, `history diff` compares two versions, and
    `history verify` checks the record against the working files. Run inside
    the force folder, or give --folder."""


@history.command("show")
@click.argument("material_id", metavar="MATERIAL")
@_folder_option
def show(material_id: str, folder: Path) -> None:
    """Every version of MATERIAL, oldest first."""
    repo = _repo(folder)
    numbering = Numbering.of(repo.root / CONTENT)
    found = numbering.history(material_id) or []
    if not found:
        refuse(f"no material '{material_id}' in the history of {repo.root}")
    role_name = load_policy(repo.root / CONTENT)[0].role_name
    click.echo(f"{material_id}: {len(found)} version{'s' if len(found) != 1 else ''}")
    for version in found:
        click.echo("")
        click.echo(describe(version, numbering.edited_words(version), role_name))


@history.command("proof")
@click.argument("material_id", metavar="MATERIAL")
@click.argument("number", metavar="VERSION", type=click.IntRange(min=1))
@click.option(
    "--out",
    "out_dir",
    type=AbsolutePath(file_okay=False, path_type=Path),
    required=True,
    help="Folder the proof is written into.",
)
@_folder_option
def proof(material_id: str, number: int, out_dir: Path, folder: Path) -> None:
    """The proof of VERSION of MATERIAL, made from the history (the working files are not read)."""
    from handle_docs.services.proofs import ProofError, proof_of_version

    repo = _repo(folder)
    try:
        made = proof_of_version(repo, material_id, number, out_dir)
    except (HistoryError, ProofError) as exc:
        refuse(str(exc))
    click.echo(
        f"proof of {material_id} version {number} ({made.pages} pages, watermark {made.watermark}): {made.path}"
    )


def _sections(diffs: list[SectionDiff]) -> str:
    lines = []
    for section in diffs:
        label = {"changed": "", "added": " (new)", "removed": " (removed)"}[section.status]
        lines.append(f"[{section.name}]{label}")
        lines.extend(f"  {line}" for line in section.lines)
    return "\n".join(lines) or "The wording a resident reads is the same in both."


@history.command("diff")
@click.argument("material_id", metavar="MATERIAL")
@click.argument("a", metavar="VERSION_A", type=click.IntRange(min=1))
@click.argument("b", metavar="VERSION_B", type=click.IntRange(min=1))
@_folder_option
def diff(material_id: str, a: int, b: int, folder: Path) -> None:
    """What changed in MATERIAL's wording from VERSION_A to VERSION_B ([-removed-]{+added+})."""
    repo = _repo(folder)
    try:
        changes = proofs.change_between(repo, material_id, a, b)
    except HistoryError as exc:
        refuse(str(exc))
    click.echo(f"{material_id}: version {a} to version {b}")
    click.echo(_sections(changes))


@history.command("verify")
@_folder_option
def verify(folder: Path) -> None:
    """Check the record: every sign-off in review/ was added by a commit, the
    reviewer registry's chain starts at the pinned root, and no file was
    changed outside the workspace and the command line since the last commit."""
    repo = _repo(folder)
    findings = verify_folder(repo)
    for line in findings.lines():
        click.echo(line)
    if not findings.ok:
        raise SystemExit(EXIT_PROBLEMS)
