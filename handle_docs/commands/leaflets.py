"""``handle-docs leaflets [MATERIAL…] --out DIR``: print-ready leaflets."""

from __future__ import annotations

from pathlib import Path

import click

from handle_docs.outputs.leaflets import FORMATS, render_leaflet

from ..records.normalise import FieldError, normalise_language
from ..render.pdf import RenderError
from ..review import DRAFT_WATERMARK, ReviewError, approval_for_run
from ..review.routing import standalone_materials
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


@click.command("leaflets")
@click.argument("materials", nargs=-1)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=AbsolutePath(file_okay=False, path_type=Path),
    help="Folder for the leaflet PDFs.",
)
@content_options
@unpinned_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="a4",
    show_default=True,
    help="a4: A4 sheet(s); a5-booklet: A5 pages, plus an imposed A4 file to print and fold.",
)
@click.option(
    "--language",
    metavar="LANGUAGE",
    default=None,
    help="Only each leaflet's version in this language (a code or name: cy, Welsh, polski).",
)
@click.option("--draft", is_flag=True, help=f"Render unapproved materials, watermarked '{DRAFT_WATERMARK}'.")
def leaflets(materials, out_dir, content_dir, templates, fmt, language, draft):
    """Render leaflet MATERIALS (default: every leaflet, with every approved translation) to tagged PDF."""
    content = load_content_or_fail(content_dir, templates)
    require_ids(content, materials, kind="leaflet")
    if language is not None:
        try:
            language = normalise_language(language)
        except FieldError as exc:
            raise click.UsageError(f"--language: {exc}") from None
        if not language or "+" in language:
            raise click.UsageError("--language: name one language, like cy, Welsh or polski")
    bases = list(materials) or ids_of_kind(content, "leaflet", translations=False)
    try:
        chosen, reasons = standalone_materials(content, bases, language, draft=draft)
    except ReviewError as exc:
        fail(exc.problems, "review records cannot be used")
    for reason in reasons:
        click.echo(reason, err=True)
    if not chosen:
        refuse("no leaflet to make")

    approval = approval_for_run(content, chosen, draft=draft)
    refuse_unapproved(approval, making="leaflets", draft=draft, draft_hint="never for delivery")

    for material_id in chosen:
        material = content.material(material_id)
        try:
            result = render_leaflet(
                content, material, out_dir, fmt, watermark=DRAFT_WATERMARK if draft else None
            )
        except RenderError as exc:
            refuse(f"{material_id}: could not be rendered: {exc}")
        line = f"{material_id}: {result.reading_copy} ({result.pages} pages"
        if result.booklet:
            line += (
                f"; print {result.booklet}: {result.sides} A4 sides, double-sided, flip on short edge, fold"
            )
        click.echo(line + ")")
    if draft:
        click.echo(f"DRAFT: every page is watermarked '{DRAFT_WATERMARK}'; not for delivery")
