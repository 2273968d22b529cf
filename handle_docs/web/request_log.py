"""One log line per request: method, the route (its pattern, with only a run's
or a material's id filled in), status and milliseconds.

Never the query string, a form value, a cookie, the account or the client
address (the sign-in audit keeps addresses, for 90 days): a route's pattern
cannot carry what someone typed into a URL.  A request that matched no route
is logged as ``(no route)``.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, g, request

log = logging.getLogger("handle_docs.requests")

#: The parts of a route that are shown filled in: random run ids and the content's material ids.
SHOWN = ("run_id", "material_id")


def route() -> str:
    """The matched route's pattern, with the :data:`SHOWN` parts filled in."""
    rule = request.url_rule
    if rule is None:
        return "(no route)"
    text = rule.rule
    for name, value in (request.view_args or {}).items():
        if name in SHOWN:
            for pattern in (f"<{name}>", f"<string:{name}>"):
                text = text.replace(pattern, str(value))
    return text


def _started() -> None:
    g.request_started = time.monotonic()


def _finished(response):
    elapsed = (time.monotonic() - g.get("request_started", time.monotonic())) * 1000
    ms = round(elapsed, 1)
    log.info(
        "%s %s %d %.1f ms",
        request.method,
        route(),
        response.status_code,
        ms,
        extra={"method": request.method, "route": route(), "status": response.status_code, "ms": ms},
    )
    return response


def setup(app: Flask) -> None:
    """Log every request of ``app``."""
    app.before_request_funcs.setdefault(None, []).insert(0, _started)
    app.after_request(_finished)
