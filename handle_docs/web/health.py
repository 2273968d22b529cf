"""``GET /healthz``: whether the workspace can do its work, for whoever watches
the server (a load balancer, a monitoring system).  No sign-in, no personal
data: the version, and for each check whether it passed, with counts and
times only (no file paths, no content problems' words).  HTTP 200 when every
check passes, 503 otherwise; JSON either way.

Checks: the content folder loads; the instance folder takes a new file; a
worker has beaten within :data:`heartbeat.ALIVE_WITHIN` seconds (its last
heartbeat's time is given); the bundled fonts the templates name are there.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

from flask import Blueprint, jsonify

from handle_docs import __version__
from handle_docs.services import heartbeat
from handle_docs.util.fonts import FONT_DIR, SCHEME
from handle_docs.web.common import loaded, settings

bp = Blueprint("health", __name__)

FONT_REFERENCE = re.compile(re.escape(SCHEME) + r":([A-Za-z0-9._-]+\.ttf)")


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def content_check() -> dict:
    found = loaded()
    return {"ok": found.content is not None, "problems": len(found.problems)}


def instance_check(instance: Path) -> dict:
    try:
        fd, name = tempfile.mkstemp(prefix=".healthz-", dir=instance)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        return {"ok": False, "error": exc.strerror or type(exc).__name__}
    return {"ok": True}


def worker_check(instance: Path) -> dict:
    latest = heartbeat.latest(instance)
    if latest is None:
        return {"ok": False, "last_heartbeat": None}
    return {
        "ok": latest.alive(),
        "last_heartbeat": _iso(latest.beat),
        "seconds_ago": round(max(0.0, time.time() - latest.beat), 1),
    }


def fonts_check(templates: Path) -> dict:
    """Each bundled font a stylesheet of the templates names is there (and at least one font is)."""
    named: set[str] = set()
    for css in sorted(Path(templates).glob("*.css")):
        try:
            named.update(FONT_REFERENCE.findall(css.read_text(encoding="utf-8")))
        except OSError:
            continue
    present = {path.name for path in FONT_DIR.glob("*.ttf") if path.is_file() and path.stat().st_size > 0}
    missing = sorted(named - present)
    return {"ok": bool(present) and not missing, "present": len(present), "missing": missing}


@bp.get("/healthz")
def healthz():
    folders = settings()
    checks = {
        "content": content_check(),
        "instance": instance_check(Path(folders.instance)),
        "worker": worker_check(Path(folders.instance)),
        "fonts": fonts_check(folders.templates_dir),
    }
    healthy = all(check["ok"] for check in checks.values())
    response = jsonify({"status": "ok" if healthy else "failing", "version": __version__, "checks": checks})
    response.status_code = 200 if healthy else 503
    return response
