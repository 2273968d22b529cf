"""The one letters run: records → review gate → chunked batch → extras → run folder.

``handle-docs letters`` (commands/letters.py) and the workspace's worker
(services/worker.py) both call :func:`make_letters`, so no step of a run is
written twice.  In order:

1. the print prices and the round sheet's wording (before any process starts);
2. the worker pool, started before the records are read (run/batch.py says why);
3. the records, read with the run's corrections;
4. the review gate of exactly the materials the letters use (review/routing.py):
   refused unless approved, or watermarked as a draft;
5. the chunked batch, the round sheet, warnings, print cost, summary and
   manifest (:func:`handle_docs.run.pipeline.run_letters`), resumable; the
   manifest records the commit of the content, templates and review records
   and the fonts it used (history/inputs.py), for ``handle-docs reprint``;
6. for the workspace only (``extras``): the patrol the run keeps for "Did it work?"
   (services/run_patrol.py), the operation report, the social cards
   (when approved) and ``letters.zip``, streamed to disk.

What stops a run before it starts is raised as :class:`RunStopped`, carrying the
problems (file, line, key) and the stage, for the edge to put in its own words.
"""

from __future__ import annotations

import json
import shutil
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from handle_docs.history.inputs import KEY as HISTORY_KEY
from handle_docs.history.inputs import run_inputs
from handle_docs.models import Problem, ProblemsError, RecordSet
from handle_docs.outputs.card import CardError, render_cards
from handle_docs.outputs.costs import Prices, prices_for
from handle_docs.outputs.report import ReportError, load_run, render_report
from handle_docs.outputs.round_sheet import RoundSheetWording
from handle_docs.outputs.round_sheet import load_wording as round_sheet_wording
from handle_docs.records.read import read_records
from handle_docs.render.pdf import RenderError
from handle_docs.review import DRAFT_WATERMARK, RunApproval, approval_for_run
from handle_docs.review.routing import LEAFLET_RESIDENT, LetterPlan, plan_for_records
from handle_docs.run.batch import RunSettings, worker_pool
from handle_docs.run.figures import RowFigures, row_figures
from handle_docs.run.finish import RunResult
from handle_docs.run.pipeline import RunOptions, file_sha256, run_letters
from handle_docs.services.letters_gate import MATERIAL
from handle_docs.services.run_patrol import keep_at_make
from handle_docs.util import atomic
from handle_docs.wording.content import Content, load_content

__all__ = [
    "LettersOutcome",
    "LettersRequest",
    "RunStopped",
    "make_extras",
    "make_letters",
    "write_letters_zip",
]

#: Where a run can stop before it starts, as RunStopped.stage.
STAGES = ("content", "options", "prices", "round_sheet", "records", "gate")

#: Tells the edge something it should show, not a failure: (problems, heading).
Notice = Callable[[list[Problem], str], None]


@dataclass(frozen=True)
class LettersRequest:
    """Everything a letters run is made from: the records, the folders and the options."""

    records: Path
    out_dir: Path
    content_dir: Path
    templates: Path
    review: Path | None = None  # sign-off records (default: beside the content folder)
    columns: Path | None = (
        None  # a Forms export's column map (default: CONTENT/forms-columns.yaml when there)
    )
    material: str = MATERIAL
    leaflet: str | None = None
    leaflet_language: str = (
        LEAFLET_RESIDENT  # the leaflet in each resident's language, or English for everyone
    )
    docx: bool = False
    draft: bool = False
    chunk_size: int = 0
    jobs: int = 1
    resume: bool = False
    corrections: Mapping[int, Mapping[str, str]] | None = None  # row -> {column: value}, the workspace's
    extras: Path | None = None  # the workspace's folder for the report, the cards and letters.zip


@dataclass
class LettersOutcome:
    """What a finished run made, for the edge to report."""

    result: RunResult
    recordset: RecordSet
    approval: RunApproval
    figures: RowFigures
    seconds: float
    notes: list[str] = field(default_factory=list)  # extras that could not be made, in words


class RunStopped(ProblemsError):
    """The run could not start; ``stage`` (one of STAGES) says which input, the problems say why."""

    def __init__(self, stage: str, problems: list[Problem], approval: RunApproval | None = None):
        super().__init__(problems)
        self.stage = stage
        self.approval = approval


def docx_problems(content: Content, material: str, docx: bool) -> list[Problem]:
    """Word letters need the material's docx_template (located at the --docx option)."""
    if docx and not content.material(material).spec.docx_template:
        return [
            Problem(
                f"material '{material}' has no docx_template, so it cannot make Word letters "
                "(see docs/word.md)",
                file="--docx",
            )
        ]
    return []


def _gate(
    request: LettersRequest,
    content: Content,
    recordset: RecordSet,
    *,
    notice: Notice | None,
    warn_unpinned: Callable[[Problem | None], None] | None,
) -> LetterPlan:
    """The review gate: every material this run uses must be approved for its current version; a
    translation that is not approved is not used: its letters go in English. Raises RunStopped when it
    refuses (not for a draft, whose refusals ``notice`` is told of)."""
    plan = plan_for_records(
        content,
        request.material,
        request.leaflet,
        recordset,
        leaflet_language=request.leaflet_language,
        draft=request.draft,
        review_dir=request.review,
    )
    approval = plan.approval
    if warn_unpinned is not None:
        warn_unpinned(approval.unpinned_warning)
    if approval.refusals and not request.draft:
        raise RunStopped("gate", list(approval.refusals), approval)
    if approval.refusals and notice:
        notice(list(approval.refusals), f"DRAFT: every page watermarked '{DRAFT_WATERMARK}'")
    return plan


def make_letters(
    request: LettersRequest,
    *,
    content: Content | None = None,
    progress_start: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
    notice: Notice | None = None,
    warn_unpinned: Callable[[Problem | None], None] | None = None,
) -> LettersOutcome:
    """Make the run ``request`` asks for (``content`` when the edge loaded it already).

    ``warn_unpinned`` is told, once the gate has been judged, of a reviewer registry used without a pin
    (``--allow-unpinned-registry``), so the edge can say so loudly before anything is made.

    Raises RunStopped before anything is written when an input cannot be used or
    the gate refuses; KeyboardInterrupt and OSError leave the output folder as it
    was (the staging folder and its journal let ``resume`` carry on)."""
    content, prices, round_sheet = _checked_inputs(request, content)

    # Workers start before the records are read, so none of them holds a copy.
    with worker_pool(request.jobs) as pool:
        recordset = _read(request)
        if recordset.warnings and notice:
            notice(list(recordset.warnings), "records warnings")

        plan = _gate(request, content, recordset, notice=notice, warn_unpinned=warn_unpinned)
        approval = plan.approval

        settings = RunSettings(
            content_root=request.content_dir,
            templates=content.templates,
            material_id=request.material,
            chunk_size=request.chunk_size,
            watermark=DRAFT_WATERMARK if request.draft else None,
            leaflet_id=request.leaflet,
            docx=request.docx,
            routes=tuple(plan.routes.values()),
        )
        options = RunOptions(
            jobs=request.jobs,
            pool=pool,
            resume=request.resume,
            progress_start=progress_start,
            progress=progress,
            prices=prices,
            round_sheet=round_sheet,
            manifest_extra={
                **approval.manifest_extra,
                HISTORY_KEY: run_inputs(
                    request.content_dir,
                    {
                        "material": request.material,
                        "leaflet": request.leaflet,
                        "docx": request.docx,
                        "draft": request.draft,
                        **({"leaflet_language": request.leaflet_language} if request.leaflet else {}),
                    },
                ),
            },
            summary_extra=[approval.summary_line],
        )
        started = time.monotonic()
        result = run_letters(
            recordset, file_sha256(request.records), content, settings, request.out_dir, options
        )
    seconds = time.monotonic() - started
    if request.extras is not None:  # the workspace's run keeps its patrol for "Did it work?"
        keep_at_make(request.extras, request.content_dir, recordset.records)
    notes = make_extras(request, content) if request.extras is not None else []
    figures = row_figures(result.rows_read, result.letters, result.rejects, recordset.row_warnings)
    return LettersOutcome(result, recordset, approval, figures, seconds, notes)


def _checked_inputs(
    request: LettersRequest, content: Content | None
) -> tuple[Content, Prices | None, RoundSheetWording]:
    """The content (loaded unless given), the print prices and the round sheet's wording; the run stops
    before anything is written when one cannot be used, or when Word letters are asked of a material
    without a Word template."""
    if content is None:
        try:
            content = load_content(request.content_dir, request.templates)
        except ProblemsError as exc:
            raise RunStopped("content", exc.problems) from None
    if problems := docx_problems(content, request.material, request.docx):
        raise RunStopped("options", problems)
    try:
        prices = prices_for(request.content_dir)
    except ProblemsError as exc:
        raise RunStopped("prices", exc.problems) from None
    try:
        round_sheet = round_sheet_wording(request.content_dir)
    except ProblemsError as exc:
        raise RunStopped("round_sheet", exc.problems) from None
    return content, prices, round_sheet


def _read(request: LettersRequest) -> RecordSet:
    """The records, read with the force's column map and the corrections asked for."""
    column_map = request.columns or (request.content_dir / "forms-columns.yaml")
    corrections = {int(row): dict(cells) for row, cells in (request.corrections or {}).items()}
    try:
        return read_records(request.records, column_map if column_map.exists() else None, corrections or None)
    except ProblemsError as exc:
        raise RunStopped("records", exc.problems) from None


def make_extras(request: LettersRequest, content: Content) -> list[str]:
    """The operation report, the social cards and letters.zip in ``request.extras``
    (the same functions as ``handle-docs report`` and ``card``); what could not be made, in words."""
    assert request.extras is not None
    out, extras = request.out_dir, atomic.private_dir(request.extras)
    notes = []
    try:
        render_report(out, extras / "report", request.templates, prices=prices_for(request.content_dir))
    except (ReportError, RenderError, ProblemsError) as exc:
        notes.append(f"the operation report could not be made: {exc}")
    cards = [m for m, material in content.materials.items() if material.spec.kind == "card"]
    for card in cards:
        if approval_for_run(content, [card], review_dir=request.review).refusals:
            notes.append(f"the social card '{card}' is not approved, so it was not made")
            continue
        try:
            render_cards(content, content.material(card), load_run(out)[0], extras / "cards")
        except (CardError, ReportError) as exc:
            notes.append(f"the social card '{card}' could not be made: {exc}")
    if (out / "letters").is_dir():
        write_letters_zip(out / "letters", extras / "letters.zip")
    atomic.write_text(extras / "notes.json", json.dumps(notes))
    return notes


#: Every entry of letters.zip carries this date, so the same letters give the same zip.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def write_letters_zip(letters: Path, target: Path) -> None:
    """``letters/*`` zipped into ``target``, file by file from disk into a private temporary
    file renamed into place (never the whole archive in memory)."""
    with atomic.replacing(target) as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(letters.iterdir()):
            info = zipfile.ZipInfo(f"letters/{path.name}", date_time=ZIP_DATE)
            info.external_attr = 0o600 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as source, archive.open(info, "w") as entry:
                shutil.copyfileobj(source, entry, 1 << 20)
