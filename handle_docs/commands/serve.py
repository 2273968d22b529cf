"""``handle-docs serve``: the workspace in a browser, served by waitress.

Without accounts (``handle-docs users add``) anyone who can reach the
workspace may change the wording, so it then listens on 127.0.0.1 only and
refuses any other ``--host``.  With accounts, every page but sign-in needs a
session and it may listen on any address.
"""

from __future__ import annotations

from pathlib import Path

import click

from handle_docs.web.app import Settings

LOOPBACK = "127.0.0.1"


def check_host(host: str, *, accounts: bool) -> None:
    if host != LOOPBACK and not accounts:
        raise click.UsageError(
            f"--host {host} refused: this workspace has no accounts, so anyone who could reach it could change "
            f"the wording. It listens on {LOOPBACK} only (this computer) until you add accounts "
            f"(handle-docs users add ID --role ROLE --instance DIR)."
        )


def _demo_accounts(content_dir: Path, instance: Path) -> None:
    from handle_docs.review import load_policy
    from handle_docs.web.demo import ensure_demo_accounts

    policy, problems = load_policy(content_dir)
    if problems:
        raise click.UsageError("; ".join(str(p) for p in problems))
    shown = ensure_demo_accounts(instance, policy.roles)
    click.echo("DEMO ONLY — these accounts and passwords are published; never use them for real work:")
    for account_id, roles, password in shown:
        click.echo(f"  {account_id:<14} password {password:<18} ({', '.join(roles)})")


def _key_note(settings: Settings, key: Path) -> None:
    from handle_docs.web.workspace_key import add_key_hint, listed_name

    name = listed_name(settings.content, key)
    if name is None:
        click.echo(
            "Note: the reviewer registry does not list this workspace's key, so approvals made in the browser "
            "will not count. To list it (a registry change that reviewers then approve):\n  "
            + add_key_hint(settings.content, key)
        )
    else:
        click.echo(f"Sign-offs made in the browser are signed with the workspace key '{name}' ({key}).")


@click.command("serve")
@click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("content"),
              show_default=True, help="Content folder with operation.yaml, links.yaml and the materials.")
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Templates folder (default: 'templates' beside the content folder).")
@click.option("--review-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of sign-off records (default: 'review' beside the content folder).")
@click.option("--instance", type=click.Path(file_okay=False, path_type=Path), default=Path("instance"),
              show_default=True,
              help="The workspace's own folder: accounts, session secret, SSH key, preview cache (made 0700).")
@click.option("--host", default=LOOPBACK, show_default=True,
              help="Address to listen on (other than 127.0.0.1 only once the workspace has accounts).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--key", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The workspace's private SSH key (default: workspace_key in the instance folder, made on first start).")
@click.option("--trusted-header", default=None, metavar="NAME",
              help="Take the signed-in account's id from this request header, but only from --trusted-proxy addresses.")
@click.option("--trusted-proxy", "trusted_proxies", multiple=True, metavar="ADDR",
              help="Address of a reverse proxy allowed to set --trusted-header (repeat for more).")
@click.option("--demo-accounts", is_flag=True, hidden=True,
              help="Create the demo's published accounts (make serve; the bundled sample only).")
def serve(content_dir, templates, review_dir, instance, host, port, key, trusted_header, trusted_proxies,
          demo_accounts):
    """The workspace: edit wording, review and approve in a browser.

    Opens nothing by itself: it prints the address to open."""
    if not content_dir.is_dir():
        raise click.UsageError(f"--content {content_dir}: no such folder")
    if trusted_header and not trusted_proxies:
        raise click.UsageError("--trusted-header needs at least one --trusted-proxy ADDR to accept it from")
    if trusted_proxies and not trusted_header:
        raise click.UsageError("--trusted-proxy needs --trusted-header NAME")
    if key is not None and not key.is_file():
        raise click.UsageError(f"--key {key}: no such file")
    from handle_docs.web.accounts import AccountError, load_accounts

    if demo_accounts:
        check_host(host, accounts=False)  # published passwords: this computer only
        _demo_accounts(content_dir, instance)
    try:
        has_accounts = bool(load_accounts(instance)) or bool(trusted_header)
    except AccountError as exc:
        raise click.UsageError(str(exc)) from None
    check_host(host, accounts=has_accounts)
    from waitress.server import create_server

    from handle_docs.web import create_app

    settings = Settings(content=content_dir, templates=templates, review=review_dir, instance=instance, key=key,
                        trusted_header=trusted_header, trusted_proxies=tuple(trusted_proxies))
    app = create_app(settings)
    _key_note(settings, app.extensions["handle_docs"]["key"])
    server = create_server(app, host=host, port=port, threads=6, clear_untrusted_proxy_headers=True)
    click.echo(f"The workspace is at http://{host}:{server.effective_port}/  (press Ctrl-C to stop)")
    if not has_accounts:
        click.echo("No accounts: whoever opens it on this computer works as a local editor and cannot approve.")
    # the letters runs are made by a worker process of its own, never by the server (services/supervisor.py)
    from handle_docs.services.supervisor import worker_running

    with worker_running(instance, content_dir, settings.templates_dir, settings.review_dir):
        try:
            server.run()
        except KeyboardInterrupt:
            click.echo("stopped")
        finally:
            server.close()
