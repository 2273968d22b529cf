"""Making a workspace run's letters in the background, one run at a time.

A run is made by the same :func:`handle_docs.run.pipeline.run_letters` as
``handle-docs letters``, always with ``resume`` on, so a run cut off by a
restart carries on from its journal when the server starts again
(:meth:`RunQueue.resume_unfinished`).  While it works it writes a small
``progress.json`` (letters done of total, seconds so far and left) that the
page polls; closing the browser stops nothing.  Runs queue behind each other
and each uses the ``jobs`` of ``content/workspace.yaml`` (default 1), so one
run cannot starve the server.  After the letters: the operation report, the
social cards (when approved) and a zip of the letters, from the same
functions as ``handle-docs report`` and ``handle-docs card``.
"""

from __future__ import annotations

import io
import json
import logging
import queue
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from handle_docs.models import Problem, ProblemsError
from handle_docs.review import DRAFT_WATERMARK, RunApproval, approval_for_letters, approval_for_run
from handle_docs.wording.content import Content, load_content
from handle_docs.run.workspace_runs import DONE, FAILED, QUEUED, RUNNING, RunRecord, RunStore, read_json
from handle_docs.util import atomic

log = logging.getLogger(__name__)

#: The role that may make a watermarked draft from unapproved wording (as ``--draft``).
#: Pages of batch.pdf shown on the results page.
PREVIEW_PAGES = 2


@dataclass(frozen=True)
class Folders:
    """The folders a run reads: the content, its templates and the sign-off records."""

    content: Path
    templates: Path
    review: Path


#: The letter material a workspace run makes.
MATERIAL = "visit-letter"


def approval(content: Content, folders: Folders, leaflet: str | None, draft: bool) -> RunApproval:
    """The review gate of ``handle-docs letters`` for this letter and leaflet."""
    return approval_for_letters(content, MATERIAL, leaflet, draft=draft, review_dir=folders.review)


def gate(folders: Folders, leaflet: str | None, draft: bool) -> list[Problem]:
    """The refusals (each naming the material and who can approve it); empty when the run may go ahead."""
    content = load_content(folders.content, folders.templates)
    return [] if draft else list(approval(content, folders, leaflet, draft).refusals)


class ProgressFile:
    """``progress.json``: letters done of total, written as the chunks finish."""

    def __init__(self, path: Path):
        self.path = path
        self.total = 0
        self.done = 0
        self.started = time.monotonic()

    def start(self, total: int) -> None:
        self.total, self.done, self.started = total, 0, time.monotonic()
        self.write()

    def step(self, n: int) -> None:
        self.done += n
        self.write()

    def write(self, finished: bool = False) -> None:
        seconds = time.monotonic() - self.started
        left = seconds / self.done * (self.total - self.done) if self.done else None
        atomic.write_text(self.path, json.dumps({
            "done": self.done, "total": self.total, "seconds": round(seconds, 1),
            "seconds_left": None if left is None else round(left), "finished": finished,
        }))


def progress_of(store: RunStore, record: RunRecord) -> dict:
    """What the progress bar shows: letters done, total, percent and time left."""
    data = read_json(store.progress_path(record)) or {"done": 0, "total": 0, "seconds_left": None}
    total = data.get("total") or 0
    done = min(data.get("done") or 0, total)
    percent = 100 if record.state == DONE else (done * 100 // total if total else 0)
    return {**data, "done": done if record.state != DONE else total, "percent": percent}


def make(store: RunStore, record: RunRecord, folders: Folders, jobs: int) -> None:
    """Make the run's letters (resuming what a stopped run had done), then its extras."""
    from handle_docs.outputs.costs import prices_for
    from handle_docs.outputs.round_sheet import load_wording
    from handle_docs.records.read import read_records
    from handle_docs.run.batch import RunSettings, worker_pool
    from handle_docs.run.pipeline import RunOptions, file_sha256, run_letters

    from handle_docs.run.routing import plan_for_records

    content = load_content(folders.content, folders.templates)
    upload = store.upload_path(record)
    progress = ProgressFile(store.progress_path(record))
    with worker_pool(jobs) as pool:
        column_map = folders.content / "forms-columns.yaml"
        recordset = read_records(upload, column_map if column_map.exists() else None, record.corrections_by_row())
        # the gate of exactly the materials these letters use (run/routing.py)
        plan = plan_for_records(content, MATERIAL, record.leaflet, recordset, draft=record.draft,
                                review_dir=folders.review)
        gate_result = plan.approval
        if gate_result.refusals and not record.draft:
            raise ProblemsError(list(gate_result.refusals))
        settings = RunSettings(
            content_root=folders.content,
            templates=folders.templates,
            material_id=MATERIAL,
            watermark=DRAFT_WATERMARK if record.draft else None,
            leaflet_id=record.leaflet,
            docx=record.docx,
            routes=tuple(plan.routes.values()),
        )
        options = RunOptions(
            jobs=jobs, pool=pool, resume=True, progress_start=progress.start, progress=progress.step,
            prices=prices_for(folders.content), round_sheet=load_wording(folders.content),
            manifest_extra=gate_result.manifest_extra, summary_extra=[gate_result.summary_line],
        )
        run_letters(recordset, file_sha256(upload), content, settings, store.out_dir(record), options)
    make_extras(store, record, folders)
    progress.write(finished=True)


def make_extras(store: RunStore, record: RunRecord, folders: Folders) -> list[str]:
    """The operation report, the social cards and the letters' zip; what could not be made, in words."""
    from handle_docs.outputs.card import CardError, render_cards
    from handle_docs.outputs.costs import prices_for
    from handle_docs.outputs.report import ReportError, load_run, render_report
    from handle_docs.render.pdf import RenderError

    out, extras = store.out_dir(record), atomic.private_dir(store.extras_dir(record))
    notes = []
    try:
        render_report(out, extras / "report", folders.templates, prices=prices_for(folders.content))
    except (ReportError, RenderError, ProblemsError) as exc:
        notes.append(f"the operation report could not be made: {exc}")
    content = load_content(folders.content, folders.templates)
    cards = [m for m, material in content.materials.items() if material.spec.kind == "card"]
    for card in cards:
        if approval_for_run(content, [card], review_dir=folders.review).refusals:
            notes.append(f"the social card '{card}' is not approved, so it was not made")
            continue
        try:
            render_cards(content, content.material(card), load_run(out)[0], extras / "cards")
        except (CardError, ReportError) as exc:
            notes.append(f"the social card '{card}' could not be made: {exc}")
    letters = out / "letters"
    if letters.is_dir():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(letters.iterdir()):
                info = zipfile.ZipInfo(f"letters/{path.name}", date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o600 << 16
                archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
        atomic.write_bytes(extras / "letters.zip", buffer.getvalue())
    atomic.write_text(extras / "notes.json", json.dumps(notes))
    return notes


def preview_pages(store: RunStore, record: RunRecord, count: int = PREVIEW_PAGES) -> list[Path]:
    """The first pages of ``batch.pdf`` as PNG (pypdfium2), made once and kept with the run."""
    import pypdfium2 as pdfium

    batch = store.out_dir(record) / "batch.pdf"
    folder = store.extras_dir(record) / "preview"
    wanted = [folder / f"page-{n}.png" for n in range(1, count + 1)]
    if all(p.exists() for p in wanted) or not batch.is_file():
        return [p for p in wanted if p.exists()]
    atomic.private_dir(folder)
    document = pdfium.PdfDocument(str(batch))
    try:
        made = []
        for index in range(min(count, len(document))):
            page = document[index]
            buffer = io.BytesIO()
            page.render(scale=1).to_pil().save(buffer, format="PNG")
            page.close()
            atomic.write_bytes(wanted[index], buffer.getvalue())
            made.append(wanted[index])
        return made
    finally:
        document.close()


class RunQueue:
    """One background thread making queued runs in turn."""

    def __init__(self, store: RunStore, folders: Folders, jobs: Callable[[], int]):
        self.store, self.folders, self.jobs = store, folders, jobs
        self._queue: queue.Queue[str] = queue.Queue()
        self._lock = threading.Lock()
        self._order: list[str] = []  # run ids waiting or being made, in turn
        self._thread: threading.Thread | None = None

    def submit(self, record: RunRecord) -> None:
        record.state = QUEUED
        record.message = ""
        self.store.save(record)
        with self._lock:
            self._order.append(record.id)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="letters-runs", daemon=True)
                self._thread.start()
        self._queue.put(record.id)

    def ahead_of(self, run_id: str) -> int:
        """How many runs will be made before this one (0: it is being made, or next)."""
        with self._lock:
            return self._order.index(run_id) if run_id in self._order else 0

    def resume_unfinished(self) -> list[str]:
        """Queue again every run a stop cut off (queued or running): they carry on with --resume."""
        resumed = []
        for record in self.store.all():
            if record.state in (QUEUED, RUNNING):
                self.submit(record)
                resumed.append(record.id)
        return resumed

    def wait_idle(self, timeout: float) -> bool:
        """For tests and shutdown: True once nothing is waiting or being made."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                if not self._order:
                    return True
            time.sleep(0.05)
        return False

    def _work(self) -> None:
        while True:
            try:
                run_id = self._queue.get(timeout=1)
            except queue.Empty:
                with self._lock:
                    if not self._order:
                        self._thread = None
                        return
                continue
            try:
                self._make(run_id)
            finally:
                with self._lock:
                    if run_id in self._order:
                        self._order.remove(run_id)

    def _make(self, run_id: str) -> None:
        try:
            record = self.store.load(run_id)
        except KeyError:
            return  # deleted while it waited
        record.state = RUNNING
        self.store.save(record)
        try:
            make(self.store, record, self.folders, self.jobs())
        except ProblemsError as exc:
            record.state, record.message = FAILED, "; ".join(str(p) for p in exc.problems)
        except OSError as exc:
            record.state = FAILED
            record.message = f"could not write the run: {exc.strerror or type(exc).__name__}; make it again to carry on"
        except Exception:  # a bug: logged with its traceback (no personal data), the officer told plainly
            log.exception("letters run %s failed", run_id)
            record.state, record.message = FAILED, "the run stopped because of a fault in handle-docs (see the server log)"
        else:
            record.state = DONE
        try:
            current = self.store.load(run_id)
        except KeyError:
            return
        record.corrections = current.corrections
        self.store.save(record)
