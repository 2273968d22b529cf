"""How the workspace's log lines look: plain text (the default) or one JSON
object a line (``serve --log-format json``), for the server and the worker it
starts alike.

``serve`` names the format in the environment (:data:`ENV`), so the worker
process it starts (``python -m handle_docs worker``) writes its run events in
the same format; :func:`apply_from_env` is called by the command line's
logging setup.  While the workspace runs, the request lines
(``handle_docs.requests``) and the worker's run events
(``handle_docs.services.worker``) are logged at INFO even when the rest of the
log shows warnings only.

What goes in the lines is up to their callers: run ids, states, times, counts,
route names and status codes, never addresses, registrations, form values or
query strings.
"""

from __future__ import annotations

import json
import logging
import os
import time

ENV = "HANDLE_DOCS_LOG_FORMAT"
TEXT, JSON = "text", "json"
FORMATS = (TEXT, JSON)
TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"
#: The loggers whose INFO lines are the workspace's events: one a request, one a run event.
EVENT_LOGGERS = ("handle_docs.requests", "handle_docs.services.worker")
#: Fields a caller may add to a line (``extra=``) that JSON lines carry as their own keys.
FIELDS = ("method", "route", "status", "ms", "run", "event")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message and any :data:`FIELDS`."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, sort_keys=False)


def formatter(fmt: str) -> logging.Formatter:
    return JsonFormatter() if fmt == JSON else logging.Formatter(TEXT_FORMAT)


def apply(fmt: str) -> None:
    """Use ``fmt`` for every handler of the root logger, in this process and the workers it starts, and show
    the workspace's events (requests, run events) at INFO."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown log format {fmt!r}")
    os.environ[ENV] = fmt
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter(fmt))
    level = min(logging.getLogger().getEffectiveLevel(), logging.INFO)
    for name in EVENT_LOGGERS:
        logging.getLogger(name).setLevel(level)


def apply_from_env() -> None:
    """:func:`apply` with the format a parent ``serve`` named, if any (a worker it started)."""
    fmt = os.environ.get(ENV)
    if fmt in FORMATS:
        apply(fmt)
