"""``handle-docs backup DEST`` and ``handle-docs restore BACKUP INSTANCE``: the workspace's instance
folder copied while the server runs, and a fresh workspace made from such a copy (the library is
:mod:`handle_docs.services.backup`).  The force folder (content, templates, review) is backed up by its
own git history, not here."""

from __future__ import annotations

from pathlib import Path

import click

from handle_docs.services import backup as backup_lib

from .common import AbsolutePath


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e5 else f"{size / 1e3:.1f} kB"


@click.command("backup")
@click.argument("dest", type=AbsolutePath(file_okay=False, path_type=Path))
@click.option(
    "--instance",
    type=AbsolutePath(file_okay=False, exists=True, path_type=Path),
    default=Path("instance"),
    show_default=True,
    help="The workspace's own folder, as given to serve.",
)
def backup(dest, instance):
    """Back up the workspace's instance folder into the new folder DEST, while the server runs.

    The database is copied with SQLite's online backup; accounts, keys, settings and every run's files
    are copied, caches are not. DEST holds personal data (the runs): keep it as safe as the server."""
    try:
        made = backup_lib.backup(instance, dest)
    except backup_lib.BackupError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"backed up {instance} into {made.folder}: {made.files} files, {_size(made.size)}")
    click.echo(f"restore it with: handle-docs restore {made.folder} NEW_INSTANCE_FOLDER")


@click.command("restore")
@click.argument(
    "backup_folder", metavar="BACKUP", type=AbsolutePath(file_okay=False, exists=True, path_type=Path)
)
@click.argument("instance", metavar="INSTANCE", type=AbsolutePath(file_okay=False, path_type=Path))
def restore(backup_folder, instance):
    """Restore a backup made by 'handle-docs backup' into INSTANCE, a new (or empty) folder.

    Every file is checked against the backup's list first. The restored workspace has the same
    accounts and runs; every session has ended, so everyone signs in again, and runs that were
    being made are carried on by its worker. Start it with: handle-docs serve --instance INSTANCE …"""
    try:
        made = backup_lib.restore(backup_folder, instance)
    except backup_lib.BackupError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(
        f"restored {made.files} files ({_size(made.size)}) into {made.folder}; every session has ended"
    )
    click.echo(f"start the workspace on it with: handle-docs serve --instance {made.folder} …")
