"""``handle-docs links check``: try each web address in links.yaml."""

from __future__ import annotations

import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path

import click

from .common import EXIT_PROBLEMS, content_options, load_content_or_fail

TIMEOUT = 8


def _offline(host: str) -> bool:
    try:
        socket.getaddrinfo(host, 443)
        return False
    except OSError:
        return True


@click.group("links")
def links() -> None:
    """The web addresses printed and encoded in QR codes."""


@links.command("check")
@content_options
def check_links(content_dir: Path, templates: Path | None) -> None:
    """Try every link over the network and report its status (skipped when offline)."""
    content = load_content_or_fail(content_dir, templates)
    failures = 0
    for link_id, link in content.links.links.items():
        host = link.url.split("/")[2]
        if _offline(host):
            click.echo(f"{link_id}: skipped ({host} cannot be looked up: no network here?)")
            continue
        request = urllib.request.Request(
            link.url, method="HEAD", headers={"User-Agent": "handle-docs link check"}
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                click.echo(f"{link_id}: {response.status} {link.url}")
        except urllib.error.HTTPError as exc:
            failures += 1
            click.echo(f"{link_id}: FAILED {exc.code} {link.url}")
        except (urllib.error.URLError, OSError) as exc:
            click.echo(f"{link_id}: skipped ({type(exc).__name__}: network unreachable?) {link.url}")
    if failures:
        sys.exit(EXIT_PROBLEMS)
