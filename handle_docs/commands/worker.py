"""``handle-docs worker``: make the workspace's queued letters runs, in this process.

``handle-docs serve`` starts one by itself; start more (on the same machine or
another sharing the instance folder) to make several runs at once.  Stops at
the next chunk on SIGTERM or Ctrl-C, giving its run back to the queue.
"""

from __future__ import annotations

import signal
from pathlib import Path

import click

from handle_docs.review import review_dir_for
from handle_docs.services.queue import LEASE_SECONDS
from handle_docs.services.worker import Worker
from handle_docs.services.workspace_jobs import Folders

from .common import AbsolutePath, content_folders, review_dir_option


@click.command("worker")
@click.option(
    "--instance",
    type=AbsolutePath(file_okay=False, path_type=Path),
    default=Path("instance"),
    show_default=True,
    help="The workspace's own folder, as given to serve.",
)
@review_dir_option
@click.option(
    "--lease",
    type=click.FloatRange(min=1.0),
    default=LEASE_SECONDS,
    show_default=True,
    help="Seconds without a heartbeat after which another worker carries a run on.",
)
@click.option(
    "--crimes",
    "crimes_dir",
    type=AbsolutePath(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="police.uk crime data in this folder, as given to serve (default: the data uploaded to the "
    "workspace).",
)
@click.option("--until-idle", is_flag=True, help="Stop once no run is queued or being made.")
@click.option(
    "--stop-with",
    "parent",
    type=int,
    default=None,
    hidden=True,
    help="Stop when this process (the serve that started the worker) is gone.",
)
def worker(instance, content_dir, templates, review_dir, lease, crimes_dir, until_idle, parent):
    """Make the letters runs queued in the workspace (serve starts one)."""
    content_dir, templates = content_folders(content_dir, templates)
    if not instance.is_dir():
        raise click.UsageError(
            f"--instance {instance}: no such folder (start the workspace with serve first)"
        )
    folders = Folders(
        content_dir.resolve(),
        templates.resolve(),
        (review_dir if review_dir is not None else review_dir_for(content_dir)).resolve(),
    )
    runner = Worker(instance.resolve(), folders, lease=lease, crimes=crimes_dir)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: runner.stop())
    if parent is not None:
        runner.stop_with(parent)
    runner.run(until_idle=until_idle)
