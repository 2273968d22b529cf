"""``handle-docs serve``: the workspace in a browser, served by waitress.

With no sign-in yet, anyone who can reach the workspace may change the
wording, so it listens on 127.0.0.1 only and refuses any other ``--host``.
"""

from __future__ import annotations

from pathlib import Path

import click

from handle_docs.web.app import Settings

LOOPBACK = "127.0.0.1"


def check_host(host: str) -> None:
    if host != LOOPBACK:
        raise click.UsageError(
            f"--host {host} refused: the workspace has no sign-in yet, so anyone who could reach it could change "
            f"the wording. It listens on {LOOPBACK} only (this computer); open it in a browser here.",
        )


@click.command("serve")
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("content"),
              show_default=True, help="Content folder with operation.yaml, links.yaml and the materials.")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Templates folder (default: 'templates' beside the content folder).")
@click.option("--review-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of sign-off records (default: 'review' beside the content folder).")
@click.option("--instance", type=click.Path(file_okay=False, path_type=Path), default=Path("instance"),
              show_default=True, help="The workspace's own folder: session secret, preview cache (made 0700).")
@click.option("--host", default=LOOPBACK, show_default=True, help="Address to listen on (127.0.0.1 only, for now).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
def serve(content_dir, templates, review_dir, instance, host, port):
    """The workspace: edit wording in a browser and see the letter change.

    Opens nothing by itself: it prints the address to open."""
    check_host(host)
    if not content_dir.is_dir():
        raise click.UsageError(f"--content {content_dir}: no such folder")
    from waitress.server import create_server

    from handle_docs.web import create_app

    app = create_app(Settings(content=content_dir, templates=templates, review=review_dir, instance=instance))
    server = create_server(app, host=host, port=port, threads=6, clear_untrusted_proxy_headers=True)
    click.echo(f"The workspace is at http://{host}:{server.effective_port}/  (press Ctrl-C to stop)")
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.close()
