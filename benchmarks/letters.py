#!/usr/bin/env python3
"""Letters benchmark: the naive loop and the pipeline, side by side, same run.

    python benchmarks/letters.py            # N = 100 and 1,000
    python benchmarks/letters.py --full     # also both pipelines alone at N = 10,000
    python benchmarks/letters.py --sizes 50 # quick look

For each N it generates N synthetic check records (one vehicle per address,
a realistic mix of findings) and measures, each in its own process so memory
figures are honest:

* naive    one WeasyPrint render per letter, one process, vector (SVG) QR
           codes, the project's own templates; per-letter files, a batch joined
           with pypdf, and a manifest;
* pipeline ``run_letters`` as ``handle-docs letters`` runs it: chunks laid out
           as one document, raster QR codes made once, a process pool on
           every core, per-letter files, tagged batch, manifest, and the
           print cost (every batch page checked for colour); twice: with the
           letter's ``layout: flowing`` and with ``layout: shared-back`` (the
           sample's: the shared part laid out once per chunk and painted into
           every letter, render/shared_pages.py);
* floor    one process laying out and writing the same letters once as one
           document, divided by the number of cores (the issue's definition);
* floor, both outputs
           one process doing the pipeline's work on the letters as one chunk:
           one layout, then each letter's own PDF and the batch written from
           its pages, and the pages checked for colour; divided by the cores.
           The same outputs as the pipeline, without pool, chunks or join;
           for each layout;
* word     (when LibreOffice's ``soffice`` is installed) the route Word users
           take: docxtpl per letter, then ``soffice --convert-to pdf``.

The naive loop and the one-document floor lay out the whole letter as one
flowing text, as the issue defined them.  Peak memory is the peak resident set of the whole process tree (the pool's
workers included), sampled every 20 ms from /proc.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handle_docs.models import RECORD_COLUMNS  # noqa: E402 (after the path above)

CONTENT = ROOT / "content"
LAYOUTS = ("flowing", "shared-back")
TEMPLATES = ROOT / "templates"
STREETS = ["Larkspur Road", "Tanners Row", "Millbrook Close", "Orchard Way", "Kiln Lane", "Bell Street"]
ITEMS = ["", "", "", "bag", "phone;charger", "sat nav", "cash", "tools", "keys", "laptop"]


# --- synthetic input -----------------------------------------------------------


def synthetic_records(n: int, path: Path) -> None:
    """N records, one per address, deterministic, invented (ZZ postcodes, Q?00 plates)."""
    letters = "ABCDEFGHJKLMNPRSTUVWXY"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=RECORD_COLUMNS, restval="")
        writer.writeheader()
        for i in range(n):
            street = STREETS[i % len(STREETS)]
            number = i // len(STREETS) + 1
            tail = "".join(letters[(i // step) % 22] for step in (22, 484, 10648))
            plate = f"Q{letters[i % 22]}00 {tail}"
            writer.writerow(
                {
                    "submitted_at": f"2026-11-14 {18 + (i % 4)}:{i % 60:02d}",
                    "officer": "4127",
                    "address": f"{number} {street}, Eastmoor, Westmarch",
                    "postcode": f"ZZ{1 + i % 9} {1 + i % 9}QX",
                    "vrm": plate,
                    "vehicle_secure": "no" if i % 3 == 0 else "yes",
                    "items_on_display": ITEMS[i % len(ITEMS)],
                    "advice_given": "yes",
                    "nws_interest": "yes" if i % 7 == 0 else "no",
                    "cms_interest": "yes" if i % 5 == 0 else "no",
                    "language": "",
                    "large_print": "no",
                }
            )


# --- the approaches (each runs in a child process) -----------------------------


def child_naive(records: Path, out: Path) -> dict:
    import hashlib

    from pypdf import PdfWriter

    from handle_docs.compose.context import letter_context
    from handle_docs.compose.letters import build_letters
    from handle_docs.compose.qr import svg_src
    from handle_docs.records.read import read_records
    from handle_docs.render.html import HtmlRenderer
    from handle_docs.render.pdf import PdfRenderer
    from handle_docs.wording.content import load_content

    content = load_content(CONTENT, TEMPLATES)
    material = content.material("visit-letter")
    html, pdf = HtmlRenderer(TEMPLATES), PdfRenderer(TEMPLATES)
    letters = build_letters(read_records(records).records)
    (out / "letters").mkdir(parents=True)
    manifest = []
    for letter in letters:
        context = letter_context(letter, content, material)
        for code in context["qr_codes"]:
            code["src"] = svg_src(code["url"])  # vector QR, re-parsed for every letter
        document = pdf.layout(
            html.document(
                [html.fragment(material.spec.template, context)],
                lang="en-GB",
                title=material.spec.title,
                stylesheets=["letters/letter.css"],
            )
        )
        data = pdf.write(document, title=material.spec.title, lang="en-GB")
        (out / "letters" / f"{letter.letter_id}.pdf").write_bytes(data)
        manifest.append(
            {"id": letter.letter_id, "pages": len(document.pages), "sha256": hashlib.sha256(data).hexdigest()}
        )
    writer = PdfWriter()
    for letter in letters:
        writer.append(str(out / "letters" / f"{letter.letter_id}.pdf"))
    with open(out / "batch.pdf", "wb") as handle:
        writer.write(handle)
    (out / "manifest.json").write_text(json.dumps(manifest))
    return {"letters": len(letters)}


def content_with_layout(layout: str, folder: Path) -> Path:
    """A copy of the sample content whose visit letter has ``layout``."""
    shutil.copytree(CONTENT, folder)
    letter = folder / "letters" / "visit.yaml"
    text = letter.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("layout:")]
    at = next(i for i, line in enumerate(lines) if line.startswith("template:"))
    lines.insert(at + 1, f"layout: {layout}")
    letter.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def child_pipeline(records: Path, out: Path, jobs: int, content_root: Path = CONTENT) -> dict:
    """As `handle-docs letters` runs it: workers started, then records read, print cost on."""
    from handle_docs.outputs.costs import prices_for
    from handle_docs.records.read import read_records
    from handle_docs.run.batch import RunSettings, worker_pool
    from handle_docs.run.pipeline import RunOptions, file_sha256, run_letters
    from handle_docs.wording.content import load_content

    content = load_content(content_root, TEMPLATES)
    settings = RunSettings(content_root=content_root, templates=TEMPLATES)
    with worker_pool(jobs) as pool:
        options = RunOptions(jobs=jobs, prices=prices_for(content_root), pool=pool)
        result = run_letters(read_records(records), file_sha256(records), content, settings, out, options)
    return {"letters": len(result.letters)}


def child_floor(records: Path, out: Path) -> dict:
    from handle_docs.compose.context import letter_context
    from handle_docs.compose.letters import build_letters
    from handle_docs.records.read import read_records
    from handle_docs.render.html import HtmlRenderer
    from handle_docs.render.pdf import PdfRenderer
    from handle_docs.wording.content import load_content

    content = load_content(CONTENT, TEMPLATES)
    material = content.material("visit-letter")
    html, pdf = HtmlRenderer(TEMPLATES), PdfRenderer(TEMPLATES)
    letters = build_letters(read_records(records).records)
    parts = [
        html.fragment(material.spec.template, letter_context(letter, content, material)) for letter in letters
    ]
    document = pdf.layout(
        html.document(parts, lang="en-GB", title="floor", stylesheets=["letters/letter.css"])
    )
    out.mkdir(parents=True)
    (out / "all.pdf").write_bytes(pdf.write(document, title="floor", lang="en-GB"))
    return {"letters": len(letters)}


def child_floor_both(records: Path, out: Path, content_root: Path = CONTENT) -> dict:
    from handle_docs.compose.letters import build_letters
    from handle_docs.records.printable import screen
    from handle_docs.records.read import read_records
    from handle_docs.run.chunk import ChunkRenderer, RunSettings

    letters = build_letters(screen(read_records(records)).records)
    renderer = ChunkRenderer(RunSettings(content_root=content_root, templates=TEMPLATES, count_print=True))
    for sub in ("letters", "chunks"):
        (out / sub).mkdir(parents=True)
    result = renderer.render(0, letters, out)
    return {"letters": len(result.letters)}


def child_word(records: Path, out: Path) -> dict:
    """docxtpl per letter, then LibreOffice converts the lot to PDF."""
    from handle_docs.compose.context import letter_context
    from handle_docs.compose.letters import build_letters
    from handle_docs.records.read import read_records
    from handle_docs.render import docx as docx_render  # added with Word output
    from handle_docs.wording.content import load_content

    content = load_content(CONTENT, TEMPLATES)
    material = content.material("visit-letter")
    letters = build_letters(read_records(records).records)
    out.mkdir(parents=True)
    for letter in letters:
        context = letter_context(letter, content, material)
        (out / f"{letter.letter_id}.docx").write_bytes(
            docx_render.render_letter_docx(context, content, material)
        )
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out / "pdf"),
            *sorted(str(p) for p in out.glob("*.docx")),
        ],
        check=True,
        capture_output=True,
        timeout=3600,
    )
    return {"letters": len(letters)}


# --- measuring -------------------------------------------------------------------


def _tree_rss_kb(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack.extend(int(p) for p in handle.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def measure(mode: str, records: Path, out: Path, jobs: int, content_root: Path = CONTENT) -> dict:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1794693600", PYTHONPATH=str(ROOT))
    cmd = [sys.executable, __file__, "--child", mode, str(records), str(out), str(jobs), str(content_root)]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    seconds = time.monotonic() - started
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{stderr[-2000:]}")
    info = json.loads(stdout.strip().splitlines()[-1])
    inner = info.pop("seconds")
    return {"mode": mode, "seconds": inner, "wall": seconds, "peak_mb": peak / 1024, **info}


def row(n: int, label: str, seconds: float, letters: int, peak: float | None) -> str:
    rate = letters / seconds if seconds else 0
    mem = f"{peak:8.0f}" if peak is not None else "       -"
    return f"{n:>6}  {label:<44} {seconds:9.2f} {rate:11.1f} {mem}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--full", action="store_true", help="also both pipelines alone at N = 10,000")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--only",
        nargs="*",
        choices=["naive", "pipeline", "floor", "floor-both", "word"],
        help="time only these approaches (a quick look; the ratios need naive and the floors)",
    )
    parser.add_argument(
        "--layouts",
        nargs="*",
        choices=LAYOUTS,
        default=list(LAYOUTS),
        help="the letter layouts the pipeline and the floor with both outputs are timed with",
    )
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        mode, records, out, jobs, content_root = args.child
        started = time.monotonic()
        fn = {
            "naive": lambda: child_naive(Path(records), Path(out)),
            "pipeline": lambda: child_pipeline(Path(records), Path(out), int(jobs), Path(content_root)),
            "floor": lambda: child_floor(Path(records), Path(out)),
            "floor-both": lambda: child_floor_both(Path(records), Path(out), Path(content_root)),
            "word": lambda: child_word(Path(records), Path(out)),
        }[mode.split(":")[0]]
        info = fn()
        info["seconds"] = time.monotonic() - started
        print(json.dumps(info))
        return

    import weasyprint

    subset = subprocess.run("ldconfig -p | grep -q libharfbuzz-subset", shell=True).returncode == 0
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        f"WeasyPrint {weasyprint.__version__}, "
        f"libharfbuzz-subset: {'yes' if subset else 'NO (slow fontTools fallback)'}"
    )
    print(f"jobs: {args.jobs}\n")
    print(f"{'N':>6}  {'approach':<44} {'seconds':>9} {'letters/s':>11} {'peak MB':>8}")
    sizes = list(args.sizes) + ([10000] if args.full else [])
    soffice = shutil.which("soffice")
    summary = []
    with tempfile.TemporaryDirectory(prefix="handle-docs-bench-") as tmp:
        layouts = [layout for layout in LAYOUTS if layout in args.layouts]
        roots = {layout: content_with_layout(layout, Path(tmp) / f"content-{layout}") for layout in layouts}
        for n in sizes:
            records = Path(tmp) / f"records-{n}.csv"
            synthetic_records(n, records)
            results = {}
            pipelines = [f"pipeline:{layout}" for layout in layouts]
            modes = (
                pipelines
                if n >= 10000
                else (
                    ["naive", *pipelines, "floor", *(f"floor-both:{layout}" for layout in layouts)]
                    + (["word"] if soffice and n <= 100 else [])
                )
            )
            if args.only:
                modes = [mode for mode in modes if mode.split(":")[0] in args.only]
            for mode in modes:
                kind, _, layout = mode.partition(":")
                out = Path(tmp) / f"{kind}-{layout or 'whole'}-{n}"
                results[mode] = r = measure(mode, records, out, args.jobs, roots.get(layout, CONTENT))
                if kind.startswith("floor"):
                    label = "floor" if kind == "floor" else f"floor, both outputs, {layout}"
                    print(
                        row(n, f"{label} (/ {args.jobs} cores)", r["seconds"] / args.jobs, r["letters"], None)
                    )
                    print(row(n, f"  {label}, 1 process", r["seconds"], r["letters"], r["peak_mb"]))
                else:
                    print(row(n, mode.replace(":", " "), r["seconds"], r["letters"], r["peak_mb"]))
                sys.stdout.flush()
                shutil.rmtree(out, ignore_errors=True)
            for layout in layouts:
                if f"pipeline:{layout}" not in results:
                    continue
                pipeline = results[f"pipeline:{layout}"]["seconds"]
                line = f"{n:>6}  pipeline {layout}: {pipeline / n * 10000 / 60:.1f} min for 10,000 letters at this rate"
                if "naive" in results:
                    line += f"; {results['naive']['seconds'] / pipeline:.2f}x the naive loop"
                if "floor" in results and f"floor-both:{layout}" in results:
                    over = pipeline / (results["floor"]["seconds"] / args.jobs) - 1
                    over_both = pipeline / (results[f"floor-both:{layout}"]["seconds"] / args.jobs) - 1
                    line += (
                        f"; {over * 100:+.0f} % against the floor, "
                        f"{over_both * 100:+.0f} % against the floor with both outputs"
                    )
                    if "word" in results:
                        line += f"; Word route {results['word']['seconds'] / pipeline:.1f}x slower per letter"
                print(line)
                summary.append(line)
    if not soffice:
        print("\nword route not timed: LibreOffice (soffice) is not installed")


if __name__ == "__main__":
    main()
