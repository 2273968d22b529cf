"""``handle-docs serve``: the workspace in a browser, served by waitress.

Without accounts (``handle-docs users add``) anyone who can reach the
workspace may change the wording, so it then listens on 127.0.0.1 only and
refuses any other ``--host``; so it does while a demo account (published
password) is enabled.  With accounts, every page but sign-in needs a
session, and it listens on another address only with ``--public-url``, the
address people open (https: the cookies are Secure).

The web edge (Flask, waitress) is imported only when the server starts, so
``handle-docs`` and its other commands never load it.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import TYPE_CHECKING

import click

from handle_docs.identity import accounts as accounts_lib
from handle_docs.identity.demo import published
from handle_docs.identity.public_url import PublicUrlError, is_https, is_loopback, parse_public_url
from handle_docs.identity.sessions import DEFAULT_HOURS, DEFAULT_IDLE_MINUTES
from handle_docs.impact.policeuk import load_crimes
from handle_docs.models import ProblemsError
from handle_docs.util import logs

if TYPE_CHECKING:
    from handle_docs.web.app import Settings

from .common import AbsolutePath, fail, review_dir_option, unpinned_option

LOOPBACK = "127.0.0.1"


def check_host(
    host: str,
    *,
    accounts: bool,
    demo: list[str] | tuple[str, ...] = (),
    public_url: str | None = None,
    instance: Path = Path("instance"),
) -> None:
    """Refuse to listen beyond this computer without accounts, while a demo
    account is enabled, or without the public address."""
    if host == LOOPBACK:
        return
    if not accounts:
        raise click.UsageError(
            f"--host {host} refused: this workspace has no accounts, so anyone who could reach it could change "
            f"the wording. It listens on {LOOPBACK} only (this computer) until you add accounts "
            f"(handle-docs users add ID --role ROLE --instance DIR)."
        )
    if demo:
        raise click.UsageError(
            f"--host {host} refused: {instance} has the demo accounts {', '.join(demo)}, whose passwords are "
            f"published, so it listens on {LOOPBACK} only. Remove them first, one by one: "
            f"handle-docs users remove ID --instance {instance} (or users disable ID, or users passwd ID)."
        )
    if public_url is None:
        raise click.UsageError(
            f"--host {host} needs --public-url: the address people open, https://… through your TLS reverse proxy "
            f"(then the session cookies are Secure), or http://… to accept passwords sent in plain text."
        )


def _proxy_addresses(_ctx, _param, values: tuple[str, ...]) -> tuple[str, ...]:
    """Each --trusted-proxy as the IP address a connection from it has (no names, no '*')."""
    addresses = []
    for value in values:
        try:
            addresses.append(str(ipaddress.ip_address(value.strip())))
        except ValueError:
            raise click.BadParameter(
                f"{value!r} is not an IP address (give the proxy's address, e.g. 10.0.0.5; "
                f"one --trusted-proxy for each)"
            ) from None
    return tuple(dict.fromkeys(addresses))


def _public_url(_ctx, _param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return parse_public_url(value)
    except PublicUrlError as exc:
        raise click.BadParameter(str(exc)) from None


def _demo_accounts(content_dir: Path, instance: Path) -> None:
    from handle_docs.identity.demo import ensure_demo_accounts
    from handle_docs.review import load_policy

    policy, problems = load_policy(content_dir)
    if problems:
        raise click.UsageError("; ".join(str(p) for p in problems))
    shown = ensure_demo_accounts(instance, policy.roles)
    click.echo("DEMO ONLY — these accounts and passwords are published; never use them for real work:")
    for account_id, roles, password in shown:
        click.echo(f"  {account_id:<14} password {password:<18} ({', '.join(roles)})")
    click.echo(
        f"While they exist the workspace listens on {LOOPBACK} only; remove them with "
        f"handle-docs users remove ID --instance {instance}."
    )


def _sso(content_dir: Path, instance: Path, public_url: str | None):
    """Single sign-on's settings from the instance folder (None when it has no sso.yaml); their problems
    (file:line: key) stop the server."""
    from handle_docs.identity import oidc
    from handle_docs.review import load_policy

    if not oidc.settings_path(instance).exists():
        return None
    policy, problems = load_policy(content_dir)
    if problems:
        raise click.UsageError("; ".join(str(p) for p in problems))
    sso, problems = oidc.load_settings(
        instance, content=content_dir, public_url=public_url, reviewer_roles=policy.roles
    )
    if problems:
        raise click.UsageError("single sign-on cannot start:\n" + "\n".join(str(p) for p in problems))
    assert sso is not None  # load_settings gives the settings or says why not
    click.echo(
        f"Single sign-on with {sso.issuer}; the redirect address to register there: {sso.redirect_uri}"
    )
    if not sso.settings.local_accounts:
        click.echo(
            "The workspace's own accounts are switched off (local_accounts: false): only single sign-on."
        )
    return sso


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


def _pin_note(content_dir: Path, review_dir: Path | None) -> None:
    """Say loudly when the workspace runs on a registry nothing pins (--allow-unpinned-registry)."""
    from handle_docs.review import review_dir_for
    from handle_docs.review.pin import allow_unpinned_from_env, read_pin

    pin = read_pin(review_dir or review_dir_for(content_dir))
    if pin.root is None and allow_unpinned_from_env():
        click.echo(
            "WARNING: --allow-unpinned-registry: no pin says which reviewer registry is this force's, so "
            "anyone who can write the force folder could approve anything. Never for real use."
        )


@click.command("serve")
@review_dir_option
@click.option(
    "--instance",
    type=AbsolutePath(file_okay=False, path_type=Path),
    default=Path("instance"),
    show_default=True,
    help="The workspace's own folder: accounts, session secret, SSH key, preview cache (made 0700).",
)
@click.option(
    "--host",
    default=LOOPBACK,
    show_default=True,
    help="Address to listen on (other than 127.0.0.1 only with accounts, no demo account, and --public-url).",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on."
)
@click.option(
    "--key",
    type=AbsolutePath(dir_okay=False, path_type=Path),
    default=None,
    help="The workspace's private SSH key (default: workspace_key in the instance folder, made on first start).",
)
@click.option(
    "--public-url",
    default=None,
    metavar="URL",
    callback=_public_url,
    help="The address people open (a reverse proxy's), e.g. https://workspace.example.police.uk; "
    "https makes the session cookies Secure. Needed for any --host but 127.0.0.1.",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    metavar="ADDR",
    callback=_proxy_addresses,
    help="Address of a reverse proxy whose X-Forwarded-For (the client's address), -Proto and -Host are "
    "believed; from anyone else they are ignored (repeat for more).",
)
@click.option(
    "--trusted-header",
    default=None,
    metavar="NAME",
    help="Take the signed-in account's id from this request header, but only from --trusted-proxy addresses.",
)
@click.option(
    "--session-hours",
    type=click.FloatRange(0.25, 24),
    default=DEFAULT_HOURS,
    show_default=True,
    help="A session ends this long after sign-in, however busy.",
)
@click.option(
    "--idle-minutes",
    type=click.IntRange(5, 24 * 60),
    default=DEFAULT_IDLE_MINUTES,
    show_default=True,
    help="A session ends after this long without a request.",
)
@click.option(
    "--log-format",
    type=click.Choice(logs.FORMATS),
    default=logs.TEXT,
    show_default=True,
    help="The log on standard error: one line a request and a run event, as text or JSON objects "
    "(never addresses, registrations, form values or query strings).",
)
@click.option(
    "--crimes",
    "crimes_dir",
    type=AbsolutePath(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Read police.uk's street-level crime data from this folder (kept up to date there) instead of "
    "officers uploading it in the workspace.",
)
@click.option(
    "--demo-accounts",
    is_flag=True,
    hidden=True,
    help="Create the demo's published accounts (make serve; the bundled sample only).",
)
@unpinned_option
def serve(
    content_dir,
    templates,
    review_dir,
    instance,
    host,
    port,
    key,
    public_url,
    trusted_proxies,
    trusted_header,
    session_hours,
    idle_minutes,
    log_format,
    crimes_dir,
    demo_accounts,
):
    """The workspace: edit wording, review and approve in a browser.

    Opens nothing by itself: it prints the address to open."""
    _refuse_wrong_options(content_dir, trusted_header, trusted_proxies, key, crimes_dir)
    logs.apply(log_format)  # here and in the worker it starts
    sso, has_accounts = _accounts(
        content_dir, instance, host, public_url, trusted_header, demo_accounts=demo_accounts
    )
    from handle_docs.web import create_app
    from handle_docs.web.app import Settings
    from handle_docs.web.proxies import create_server

    settings = Settings(
        content=content_dir,
        templates=templates,
        review=review_dir,
        instance=instance,
        key=key,
        trusted_header=trusted_header,
        trusted_proxies=tuple(trusted_proxies),
        public_url=public_url,
        session_hours=session_hours,
        idle_minutes=idle_minutes,
        sso=sso,
        crimes=crimes_dir,
    )
    app = create_app(settings)
    _key_note(settings, app.extensions["handle_docs"]["key"])
    _pin_note(content_dir, review_dir)
    server = create_server(app, host=host, port=port, proxies=trusted_proxies)
    click.echo(f"The workspace is at http://{host}:{server.effective_port}/  (press Ctrl-C to stop)")
    _cookie_note(public_url, trusted_proxies)
    if not has_accounts:
        click.echo(
            "No accounts: whoever opens it on this computer works as a local editor and cannot approve."
        )
    # the letters runs are made by a worker process of its own, never by the server (services/supervisor.py)
    from handle_docs.services.supervisor import worker_running

    with worker_running(instance, content_dir, settings.templates_dir, settings.review_dir, crimes_dir):
        try:
            server.run()
        except KeyboardInterrupt:
            click.echo("stopped")
        finally:
            server.close()


def _cookie_note(public_url: str | None, trusted_proxies: tuple[str, ...]) -> None:
    if public_url is not None and not is_https(public_url) and not is_loopback(public_url):
        click.echo(
            f"WARNING: --public-url {public_url} is plain http: passwords and session cookies cross the "
            f"network readable by anyone on the way. Put the workspace behind a TLS reverse proxy and give "
            f"its https:// address.",
            err=True,
        )
    elif public_url is None and trusted_proxies:
        click.echo(
            "Note: behind a TLS reverse proxy, give its address with --public-url https://… so the session "
            "cookies are Secure.",
            err=True,
        )


def _refuse_wrong_options(content_dir, trusted_header, trusted_proxies, key, crimes_dir):
    """Refuse, before anything starts, a missing content folder or key, a trusted header without a
    trusted proxy, and a --crimes folder that is not police.uk crime data."""
    if not content_dir.is_dir():
        raise click.UsageError(f"--content {content_dir}: no such folder")
    if trusted_header and not trusted_proxies:
        raise click.UsageError("--trusted-header needs at least one --trusted-proxy ADDR to accept it from")
    if key is not None and not key.is_file():
        raise click.UsageError(f"--key {key}: no such file")
    if crimes_dir is not None:
        try:  # a wrong file is refused now, by its file, row and column, not found by an officer later
            load_crimes(crimes_dir)
        except ProblemsError as exc:
            fail(exc.problems, f"--crimes {crimes_dir} cannot be used as police.uk crime data")


def _accounts(content_dir, instance, host, public_url, trusted_header, *, demo_accounts):
    """Make the demo's accounts if asked, read the accounts and the single sign-on settings, and check
    the host may be served with them; returns (sso, whether anyone signs in)."""
    if demo_accounts:
        if host != LOOPBACK:  # published passwords: this computer only
            raise click.UsageError(
                f"--demo-accounts: their passwords are published, so --host must be {LOOPBACK}"
            )
        _demo_accounts(content_dir, instance)
    try:
        found = accounts_lib.load_accounts(instance)
    except accounts_lib.AccountError as exc:
        raise click.UsageError(str(exc)) from None
    sso = _sso(content_dir, instance, public_url)
    has_accounts = bool(found) or bool(trusted_header) or sso is not None
    check_host(
        host,
        accounts=has_accounts,
        demo=published(found) if host != LOOPBACK else (),
        public_url=public_url,
        instance=instance,
    )
    return sso, has_accounts
