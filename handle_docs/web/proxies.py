"""Which client a request comes from, behind reverse proxies listed with
``serve --trusted-proxy ADDR`` (repeatable), and the waitress server.

A request whose connection comes from a listed proxy has its
``X-Forwarded-For`` (the last hop: the client the proxy saw),
``X-Forwarded-Proto`` and ``X-Forwarded-Host`` believed, by waitress's own
parser; from anyone else those headers (and ``Forwarded``, ``X-Forwarded-Port``,
``X-Forwarded-By``) are removed before the app sees the request, so a
forged ``X-Forwarded-For`` cannot pick the address the sign-in throttle and
the audit see.  Waitress's ``trusted_proxy`` takes one address (or ``*``),
so the list is checked here and waitress's middleware is applied per request.

The connection's own address (the proxy's) stays in the environ under
:data:`PEER`, for ``--trusted-header``, which is believed only from a listed
proxy whatever ``X-Forwarded-For`` says.
"""

from __future__ import annotations

from collections.abc import Iterable

from waitress.proxy_headers import proxy_headers_middleware
from waitress.server import create_server as waitress_server

#: The trusted proxies' headers that are believed (waitress's names).
TRUSTED_HEADERS = frozenset({"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"})
#: Where the connection's own address is kept once REMOTE_ADDR is the client's.
PEER = "handle_docs.peer_addr"
THREADS = 6


def peer_address(environ: dict) -> str | None:
    """The address of the connection itself (a proxy's, behind one)."""
    return environ.get(PEER, environ.get("REMOTE_ADDR"))


def trusting(app, proxies: Iterable[str]):
    """``app`` believing forwarded headers only from ``proxies``, and
    seeing none from anyone else."""
    listed = frozenset(proxies)
    believed = proxy_headers_middleware(
        app,
        trusted_proxy="*",
        trusted_proxy_count=1,
        trusted_proxy_headers=set(TRUSTED_HEADERS),
        clear_untrusted=True,
    )
    doubted = proxy_headers_middleware(app, trusted_proxy=None, clear_untrusted=True)

    def gate(environ, start_response):
        peer = environ.get("REMOTE_ADDR")
        environ[PEER] = peer
        return (believed if peer in listed else doubted)(environ, start_response)

    return gate


def create_server(app, host: str, port: int, proxies: Iterable[str] = ()):
    """The waitress server for ``app`` (not yet running): forwarded headers
    are handled by :func:`trusting`, so waitress itself is told to leave them."""
    return waitress_server(
        trusting(app, proxies), host=host, port=port, threads=THREADS, clear_untrusted_proxy_headers=False
    )
