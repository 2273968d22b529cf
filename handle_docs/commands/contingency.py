"""``handle-docs contingency --out DIR``: the paper pack for when IT fails."""

from __future__ import annotations

from pathlib import Path

import click

from handle_docs.outputs.contingency import (
    COLUMNS_FILE,
    DEFAULT_SHEETS,
    FORM_ID,
    LETTER_ID,
    PER_SHEET,
    form_questions,
    render_pack,
    same_questions,
)

from ..models import ProblemsError
from ..render.pdf import RenderError
from ..review import DRAFT_WATERMARK, approval_for_run, materials_for
from .common import (
    AbsolutePath,
    content_options,
    fail,
    ids_of_kind,
    load_content_or_fail,
    refuse,
    refuse_unapproved,
    require_ids,
    unpinned_option,
)


@click.command("contingency")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=AbsolutePath(file_okay=False, path_type=Path),
    help="Folder for the pack's PDFs.",
)
@content_options
@unpinned_option
@click.option(
    "--form", "form_id", default=FORM_ID, show_default=True, help="Paper check form material (kind: form)."
)
@click.option(
    "--letter",
    "letter_id",
    default=LETTER_ID,
    show_default=True,
    help="Letter material whose approved wording the generic letter uses (and its translations).",
)
@click.option(
    "--leaflet", "leaflet_ids", multiple=True, help="Leaflet to include (repeatable; default: every leaflet)."
)
@click.option(
    "--sheets",
    type=click.IntRange(min=1, max=100),
    default=DEFAULT_SHEETS,
    show_default=True,
    help=f"Sheets of the check form ({PER_SHEET} cars on each).",
)
@click.option(
    "--columns",
    type=AbsolutePath(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=f"Forms column map: the form asks its questions (default: CONTENT/{COLUMNS_FILE}).",
)
@click.option("--draft", is_flag=True, help=f"Render unapproved materials, watermarked '{DRAFT_WATERMARK}'.")
def contingency(out_dir, content_dir, templates, form_id, letter_id, leaflet_ids, sheets, columns, draft):
    """Print, in advance, what a patrol needs if the online form or the
    letters run cannot be used: a paper check form that asks the Microsoft
    Form's questions, generic visit letters with tick boxes and blank address
    lines, and the leaflets. Every material must be approved.

    Paper forms are typed into the records file afterwards and go through
    the normal 'handle-docs letters' run. Check the pack with
    'handle-docs check DIR' before printing.
    """
    content = load_content_or_fail(content_dir, templates)
    require_ids(content, [form_id], kind="form")
    require_ids(content, [letter_id], kind="letter")
    require_ids(content, leaflet_ids, kind="leaflet")
    chosen_leaflets = list(leaflet_ids) or ids_of_kind(content, "leaflet", translations=False)
    letter_ids = materials_for(content, letter_id)

    approval = approval_for_run(content, [form_id, *letter_ids, *chosen_leaflets], draft=draft)
    refuse_unapproved(approval, making="the contingency pack", draft=draft, draft_hint="never for use")

    approved_columns = content_dir / COLUMNS_FILE
    columns = columns or approved_columns
    if not columns.is_file():
        refuse(f"Forms column map not found: {columns} (the paper form asks its questions)")
    if not draft and not same_questions(columns, approved_columns):
        # The form's approval covers CONTENT/forms-columns.yaml (its headers are the questions printed).
        refuse(
            f"--columns {columns} asks other questions than {approved_columns}, which the approved "
            f"'{form_id}' was reviewed with: put the map there and have the form approved again "
            "(handle-docs review status), or use --draft"
        )
    try:
        form_questions(content.material(form_id), columns)
    except ProblemsError as exc:
        fail(exc.problems, "Forms column map cannot be used")

    try:
        result = render_pack(
            content,
            out_dir,
            form_id=form_id,
            columns_file=columns,
            letter_ids=letter_ids,
            leaflet_ids=chosen_leaflets,
            sheets=sheets,
            watermark=DRAFT_WATERMARK if draft else None,
        )
    except RenderError as exc:
        refuse(f"the pack could not be rendered: {exc}")
    for name in result.files:
        pages = result.pages[name]
        click.echo(f"{out_dir / name} ({pages} page{'s' if pages != 1 else ''})")
    click.echo(f"check before printing: handle-docs check {out_dir}")
    if draft:
        click.echo(f"DRAFT: every page is watermarked '{DRAFT_WATERMARK}'; not for use")
