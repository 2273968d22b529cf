"""``handle-docs card RUN_DIR --out DIR``: social media cards of a run's figures."""

from __future__ import annotations

from pathlib import Path

import click

from handle_docs.outputs.card import SIZES, CardError, render_cards
from handle_docs.outputs.report import NotARunFolder, ReportError, load_run

from ..review import DRAFT_WATERMARK, approval_for_run
from .common import (
    AbsolutePath,
    content_options,
    fail,
    load_content_or_fail,
    refuse,
    refuse_unapproved,
    require_ids,
    unpinned_option,
)


@click.command("card")
@click.argument("run_dir", metavar="RUN_DIR", type=AbsolutePath(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=AbsolutePath(file_okay=False, path_type=Path),
    help="Folder for the PNG images and their alt text (.txt).",
)
@content_options
@unpinned_option
@click.option("--material", default="social-card", show_default=True, help="Card material id (kind: card).")
@click.option(
    "--size",
    "sizes",
    type=click.Choice(tuple(SIZES)),
    multiple=True,
    help="square (1080 x 1080) and/or wide (1200 x 675); default both.",
)
@click.option(
    "--draft", is_flag=True, help=f"Make cards from unapproved wording, marked '{DRAFT_WATERMARK}'."
)
def card(run_dir, out_dir, content_dir, templates, material, sizes, draft):
    """Social media cards with the headline figures of the run in RUN_DIR.

    Writes MATERIAL-1080x1080.png and MATERIAL-1200x675.png, each with its
    alt text in a .txt beside it. The figures come from the run's counts
    (stats.json); the words from the card material, which must be approved.
    No addresses, registrations or street names: the card never sees them.
    """
    content = load_content_or_fail(content_dir, templates)
    require_ids(content, [material], kind="card")

    approval = approval_for_run(content, [material], draft=draft)
    refuse_unapproved(approval, making="cards", draft=draft, draft_hint="never to post")

    try:
        stats, _ = load_run(run_dir)
        outputs = render_cards(
            content,
            content.material(material),
            stats,
            out_dir,
            draft=DRAFT_WATERMARK if draft else None,
            sizes=tuple(sizes) or tuple(SIZES),
        )
    except NotARunFolder as exc:
        raise click.UsageError(str(exc)) from exc
    except ReportError as exc:
        refuse(str(exc))
    except CardError as exc:
        fail(exc.problems, "card cannot be made")
    for output in outputs:
        click.echo(f"{output.png} ({output.size[0]} x {output.size[1]}), alt text: {output.alt_path}")
    if draft:
        click.echo(f"DRAFT: the cards are marked '{DRAFT_WATERMARK}'; not for posting")
