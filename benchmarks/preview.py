#!/usr/bin/env python3
"""Workspace preview benchmark: from the last keystroke to the new page images.

    python benchmarks/preview.py              # 50 edits of the visit letter
    python benchmarks/preview.py --edits 10   # quick look

The workspace is served by waitress on a free loopback port, over copies of
content/, templates/ and review/, with an empty preview cache.  An edit is
what the editor sends a moment after the last keystroke: the whole form, with
the opening paragraph changed (a different word each time, so nothing comes
from the cache), POSTed to the preview route.  Latency runs from sending that
POST to having every new page image downloaded (following the "still
rendering" poll when there is one).  Then the same text is previewed again
20 times: cache hits, which must take at most 50 ms.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handle_docs.web import Settings, create_app  # noqa: E402 - after sys.path has the checkout
from tests.browser import served  # noqa: E402 - after sys.path has the checkout

MATERIAL = "visit-letter"
WORDS = ["bright", "quiet", "early", "calm", "clear", "kind", "safe", "warm", "open", "fresh"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


class Client:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> bytes:
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.read()

    def post(self, path: str, form: dict[str, str]) -> str:
        data = urllib.parse.urlencode(form).encode("utf-8")
        request = urllib.request.Request(self.base + path, data=data, headers={"HX-Request": "true"})
        with self.opener.open(request, timeout=120) as response:
            return response.read().decode("utf-8")


def editor_form(client: Client) -> dict[str, str]:
    """Every field of the editor with its value, as the browser would send it."""
    import html

    page = client.get(f"/materials/{MATERIAL}/edit").decode("utf-8")
    form = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    }
    form.update(
        {
            name: html.unescape(value)
            for name, value in re.findall(
                r'<input type="text" id="[^"]+" name="([^"]+)" value="([^"]*)"', page
            )
        }
    )
    form.update(
        {
            name: html.unescape(value)
            for name, value in re.findall(
                r'<textarea id="[^"]+" name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S
            )
        }
    )
    form["scenario"] = "not-locked"
    return form


def preview(client: Client, form: dict[str, str]) -> int:
    """POST the edit, follow any poll, download every page; returns pages."""
    fragment = client.post(f"/materials/{MATERIAL}/preview", form)
    while 'class="pending"' in fragment:
        poll = re.search(r'hx-get="([^"]+)"', fragment).group(1)
        time.sleep(0.1)
        fragment = client.get(poll.replace("&amp;", "&")).decode("utf-8")
    images = re.findall(r'<img src="([^"]+)"', fragment)
    if not images:
        raise RuntimeError("the preview came back without page images")
    for src in images:
        client.get(src)
    return len(images)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--edits", type=int, default=50)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="handle-docs-bench-preview-") as tmp:
        root = Path(tmp)
        for name in ("content", "templates", "review"):
            shutil.copytree(ROOT / name, root / name)
        app = create_app(Settings(content=root / "content", instance=root / "instance", preview_wait=30.0))
        with served(app) as base:
            client = Client(base)
            form = editor_form(client)
            opening = form["blocks.opening"]
            preview(client, form)  # warm up: fonts, templates, sample patrol
            latencies = []
            for n in range(args.edits):
                form["blocks.opening"] = f"{opening} It was a {WORDS[n % len(WORDS)]} evening number {n}."
                started = time.perf_counter()
                pages = preview(client, form)
                latencies.append(time.perf_counter() - started)
            hits = []
            for _ in range(20):
                started = time.perf_counter()
                client.post(f"/materials/{MATERIAL}/preview", form)
                hits.append(time.perf_counter() - started)
        app.extensions["handle_docs"]["previewer"].close()

    print(
        f"preview benchmark: {platform.python_version()}, {platform.machine()}, "
        f"{len(__import__('os').sched_getaffinity(0))} cores"
    )
    print(
        f"{args.edits} edits of the visit letter's opening ({pages} pages each), last keystroke to new images:"
    )
    print(
        f"  p50 {statistics.median(latencies):.2f} s   p95 {percentile(latencies, 0.95):.2f} s   "
        f"max {max(latencies):.2f} s   (target p95 <= 1.5 s)"
    )
    print(
        f"repeated preview of unchanged text (cache hit), 20 times: median {statistics.median(hits) * 1000:.0f} ms, "
        f"max {max(hits) * 1000:.0f} ms   (target <= 50 ms)"
    )


if __name__ == "__main__":
    main()
