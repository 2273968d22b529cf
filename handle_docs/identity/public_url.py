"""The workspace's public address (``serve --public-url``): the URL people
open, which may be a reverse proxy's.  An ``https`` address makes the
session cookies ``Secure`` (and ``__Host-`` named); single sign-on builds its
redirect addresses from it."""

from __future__ import annotations

from urllib.parse import urlsplit

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]", "::1")


class PublicUrlError(ValueError):
    """The address cannot be the workspace's public address; the message says why."""


def parse_public_url(text: str) -> str:
    """``text`` as the workspace's public address, without a trailing '/'."""
    text = text.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise PublicUrlError(f"{text!r} is not an address ({exc})") from None
    if parts.scheme not in ("https", "http"):
        raise PublicUrlError(f"{text!r}: give the address people open, starting https:// (or http://)")
    if not parts.hostname:
        raise PublicUrlError(f"{text!r}: the address has no host name")
    if parts.username is not None or parts.password is not None:
        raise PublicUrlError(f"{text!r}: an address with a user name or password in it is refused")
    if parts.query or parts.fragment:
        raise PublicUrlError(f"{text!r}: the address may not have a '?' query or a '#' part")
    if port == 0:
        raise PublicUrlError(f"{text!r}: port 0 is not an address people can open")
    return f"{parts.scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def is_https(public_url: str | None) -> bool:
    return public_url is not None and public_url.startswith("https://")


def is_loopback(public_url: str) -> bool:
    return urlsplit(public_url).hostname in LOOPBACK_NAMES
