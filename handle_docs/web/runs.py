"""Officers' letters runs in the browser: upload, check and correct, make with
a progress bar, results and downloads, delete the personal data.

Thin: every route parses the request and calls the library (the run folders
in :mod:`handle_docs.services.workspace_runs`, the check in
:mod:`handle_docs.records.check`, the queue in :mod:`handle_docs.services.queue`;
a worker process of its own makes each run through the same letters-run
service as ``handle-docs letters``).  A run belongs to the account that uploaded it:
anyone else gets 404, even with the link.  Run ids are random tokens; no
address or registration is ever in a URL or a page title.
"""

from __future__ import annotations

import re
import tempfile
import time
import zipfile
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from handle_docs.braille.outputs import FOLDER as BRAILLE_FOLDER
from handle_docs.braille.outputs import braille_warnings
from handle_docs.models import RECORD_COLUMNS, ProblemsError
from handle_docs.outputs.costs import load_prices
from handle_docs.records.check import check_records
from handle_docs.records.labels import column_name
from handle_docs.records.read import MAX_FILE_BYTES
from handle_docs.review import ReviewError, statuses_for
from handle_docs.review.labels import state_sentence
from handle_docs.review.routing import LEAFLET_LANGUAGES, LEAFLET_RESIDENT
from handle_docs.services import run_patrol
from handle_docs.services.letters_gate import MATERIAL, refusals_before_run
from handle_docs.services.queue import RunQueue
from handle_docs.services.workspace_jobs import Folders, preview_pages, progress_of
from handle_docs.services.workspace_runs import (
    ACCEPTED,
    DONE,
    FAILED,
    PURGED,
    QUEUED,
    RUNNING,
    UPLOADED,
    RunRecord,
    RunStore,
    UploadRefused,
    read_json,
)
from handle_docs.web import limits
from handle_docs.web.common import loaded, review_roles_of, run_name, settings, shown_day, shown_time
from handle_docs.web.identity import OFFICER, current_actor, requires_role
from handle_docs.wording.workspace_settings import load_config

bp = Blueprint("runs", __name__, url_prefix="/runs")

OFFICER_ROLE = OFFICER
#: Rows with problems shown on the check page: every one of any patrol (a four-hour patrol checks about 100
#: vehicles; 500 rows with problems make a page of about 260 kB in a third of a second); beyond it, counted.
SHOWN_ROWS = 1000
#: An upload's request body may be this large (the file, plus the form around it).
MAX_UPLOAD_BODY = MAX_FILE_BYTES + 64 * 1024


def actor_id() -> str:
    """The signed-in account's id; "local" for the local user of a workspace without accounts."""
    actor = current_actor()
    return str(actor.id) if actor is not None and actor.id else "local"


def may_draft() -> bool:
    """A watermarked draft is for reviewers only: an account holding a review role of the policy."""
    return bool(review_roles_of(current_actor()))


def store() -> RunStore:
    return current_app.extensions["handle_docs"]["runs"]


def run_queue() -> RunQueue:
    return current_app.extensions["handle_docs"]["run_queue"]


def folders() -> Folders:
    s = settings()
    return Folders(Path(s.content), Path(s.templates_dir), Path(s.review_dir))


def runs_page(error: str | None = None) -> str:
    """The officer's runs and the upload form (``error``: why the last upload was refused), with how long a
    run is kept, read once from content/workspace.yaml."""
    config = load_config(settings().content)
    return render_template(
        "runs.html",
        title="Letters runs",
        runs=runs_shown(),
        accepted=ACCEPTED,
        error=error,
        retention=config.retention_days,
        keep_days=config.keep_counts_days,
    )


def mine_or_404(run_id: str) -> RunRecord:
    """The run if the person asking made it; 404 for anyone else, as for no such run."""
    try:
        return store().owned(run_id, actor_id())
    except KeyError:
        abort(404)


def setup(app, instance: Path) -> None:
    """Keep the run store and the queue on the app; delete expired runs.  The runs are made by
    the worker process (handle-docs worker, started by serve), never by the web server."""
    runs = RunStore(instance)
    app.extensions["handle_docs"].update(runs=runs, run_queue=RunQueue(instance))
    run_patrol.sweep(runs, Path(app.extensions["handle_docs"]["settings"].content))
    app.extensions["handle_docs"]["runs_swept"] = time.monotonic()


#: Seconds between retention sweeps made on the way through any request.
SWEEP_EVERY = 600


@bp.before_app_request
def _sweep_now_and_then():
    """Expired runs go even when nobody opens the run list: checked at most every SWEEP_EVERY seconds."""
    state = current_app.extensions["handle_docs"]
    now = time.monotonic()
    if now - state.get("runs_swept", 0.0) >= SWEEP_EVERY:
        state["runs_swept"] = now
        run_patrol.sweep(store(), folders().content)


@bp.after_request
def _no_store(response):
    """Every page and file of a run may hold personal data (the check page, results, downloads,
    preview pages): a browser or proxy must not keep a copy, so ``no-store``, overriding the
    ``no-cache`` that ``send_file`` would set (which lets a browser keep it on disk)."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(413)
def _too_large(_exc):
    if request.endpoint != "runs.upload":
        return limits.too_large()
    return render_template(
        "error.html",
        title="File too large",
        message=f"The file was larger than {limits.in_words(MAX_FILE_BYTES)}, so it was not "
        f"kept. Upload {ACCEPTED}.",
    ), 413


#: A run's state as the officer reads it.
STATE_WORDS = {
    UPLOADED: "To check",
    QUEUED: "Waiting to be made",
    RUNNING: "Being made",
    DONE: "Letters made",
    FAILED: "Stopped: see why",
    PURGED: "Personal data deleted",
}


def name_of(record: RunRecord) -> str:
    """The run's name, from the patrol it kept when it was made (operation.yaml's for a run not made yet)."""
    return run_name(loaded().content, record.uploaded, run_patrol.read(store().extras_dir(record)))


def runs_shown() -> list[dict]:
    """The officer's runs, newest first, each named by its operation and the day of its patrol."""
    return [
        {
            "run": r,
            "name": name_of(r),
            "state": STATE_WORDS.get(r.state, r.state),
            "uploaded": shown_time(r.uploaded),
            "expires": shown_day(r.expires),
            "kept_until": shown_day(r.kept_until_at),
        }
        for r in store().of(actor_id())
    ]


@bp.get("/")
@requires_role(OFFICER_ROLE)
def index():
    run_patrol.sweep(store(), folders().content)
    return runs_page()


@bp.post("/")
@limits.body_limit(MAX_UPLOAD_BODY)  # set before CSRFProtect reads the form (web/limits.py)
@requires_role(OFFICER_ROLE)
def upload():
    sent = request.files.get("records")
    try:
        if sent is None or not sent.filename:
            raise UploadRefused(f"Choose a file to upload: {ACCEPTED}.")
        data = sent.stream.read(MAX_FILE_BYTES + 1)
        config = load_config(settings().content)
        record = store().create(
            actor_id(), data, config.retention_days, keep_counts_days=config.keep_counts_days
        )
    except (UploadRefused, ProblemsError) as exc:
        message = str(exc) if isinstance(exc, UploadRefused) else "; ".join(map(str, exc.problems))
        return runs_page(message), 400
    return redirect(url_for("runs.check", run_id=record.id), code=303)


@bp.get("/<run_id>")
@requires_role(OFFICER_ROLE)
def show(run_id: str):
    record = mine_or_404(run_id)
    target = {UPLOADED: "runs.check", QUEUED: "runs.progress", RUNNING: "runs.progress", FAILED: "runs.check"}
    return redirect(url_for(target.get(record.state, "runs.results"), run_id=record.id))


def _checked(record: RunRecord):
    column_map = Path(settings().content) / "forms-columns.yaml"
    return check_records(
        store().upload_path(record), column_map if column_map.exists() else None, record.corrections_by_row()
    )


def not_approved(content, material_ids: list[str]) -> list[dict]:
    """The materials a run would use that are not approved, each with where it stands in a sentence."""
    try:
        statuses = statuses_for(content, material_ids, review_dir=settings().review_dir)
    except ReviewError:
        return []
    return [
        {"title": content.materials[s.material_id].spec.title, "sentence": state_sentence(s)}
        for s in statuses
        if not s.approved
    ]


def problem_rows(record: RunRecord, result) -> list[dict]:
    """Each row with a problem (rejected or warned), once: its problems, and a box for each cell to look at
    with the value to show (the correction kept for this run, else the value found in the file)."""
    found = result.recordset.found if result.recordset is not None else {}
    headers = result.recordset.headers if result.recordset is not None else {}
    rows: dict[int, dict] = {}
    for p in sorted(result.rejected + result.warnings, key=lambda p: (p.row, bool(p.assumed))):
        row = rows.setdefault(p.row, {"row": p.row, "problems": [], "fields": [], "rejected": False})
        row["rejected"] = row["rejected"] or not p.assumed
        wrong = p.what_is_wrong
        for name in p.fields:  # the rules name a column by its internal name: said as the officer knows it
            wrong = re.sub(rf"\b{re.escape(name)}\b", column_name(name, headers), wrong)
        row["problems"].append(
            {
                "problem": p,
                "what_is_wrong": wrong,
                "columns": ", ".join(column_name(f, headers) for f in p.fields if f != "row"),
            }
        )
        for name in RECORD_COLUMNS if p.fields == ("row",) else p.fields:
            if name not in row["fields"]:
                row["fields"].append(name)
    kept = record.corrections_by_row()
    for row in rows.values():
        cells = found.get(row["row"], {})
        row["cells"] = [
            {
                "name": name,
                "label": column_name(name, headers),
                "value": kept.get(row["row"], {}).get(name, cells.get(name, "")),
            }
            for name in row["fields"]
        ]
    return list(rows.values())


def check_sentence(result) -> str:
    """The check's outcome in one sentence: what needs an answer, what goes ahead with an answer assumed."""
    rejected = len({p.row for p in result.rejected})
    warned = len({p.row for p in result.warnings} - {p.row for p in result.rejected})
    letters = result.rows_in_letters
    parts = []
    if rejected:
        parts.append(
            f"{rejected} row needs an answer before it gets a letter"
            if rejected == 1
            else f"{rejected} rows need an answer before they get a letter"
        )
    made = f"{letters} row{'s' if letters != 1 else ''} will get {'their letters' if letters != 1 else 'its letter'}"
    if warned:
        made += f", {warned} of them with an answer assumed"
    parts.append(made)
    return "; ".join(parts) + "."


@bp.get("/<run_id>/check")
@requires_role(OFFICER_ROLE)
def check(run_id: str):
    record = mine_or_404(run_id)
    if record.state == PURGED:
        return redirect(url_for("runs.results", run_id=record.id))
    result = _checked(record)
    rows = problem_rows(record, result)
    content = loaded().content
    leaflets = (
        []
        if content is None
        else [
            (m.id, m.spec.title)
            for m in content.materials.values()
            if m.spec.kind == "leaflet" and not m.spec.translation_of
        ]
    )
    return render_template(
        "run_check.html",
        title="Check the records",
        run=record,
        check=result,
        rows=rows[:SHOWN_ROWS],
        more=max(0, len(rows) - SHOWN_ROWS),
        file_problem=result.file_problems[:1],
        more_file_problems=max(0, len(result.file_problems) - 1),
        leaflets=leaflets,
        sentence=check_sentence(result),
        name=name_of(record),
        may_draft=may_draft(),
        refusals=[],
    )


#: A box of the check page's one form: ``cell-<row>-<column>``.
CELL = re.compile(r"^cell-(\d{1,7})-([a-z_]+)$")


@bp.post("/<run_id>/correct")
@requires_role(OFFICER_ROLE)
def correct(run_id: str):
    """Keep the corrections typed on the check page (every box of its one form, or one row's boxes) and
    check again. A box left as the file has it changes nothing."""
    record = mine_or_404(run_id)
    if record.state not in (UPLOADED, FAILED):
        abort(409)
    sent: dict[int, dict[str, str]] = {}
    if request.form.get("row"):  # one row's boxes, named cell-<column>
        try:
            row = int(request.form.get("row", ""))
        except ValueError:
            abort(400)
        sent[row] = {name: request.form.get(f"cell-{name}", "") for name in RECORD_COLUMNS}
    for key, value in request.form.items():
        match = CELL.match(key)
        if match and match.group(2) in RECORD_COLUMNS:
            sent.setdefault(int(match.group(1)), {})[match.group(2)] = value
    result = _checked(record)
    found = result.recordset.found if result.recordset is not None else {}
    kept = record.corrections_by_row()
    changed = []
    for row, cells in sorted(sent.items()):
        if not 2 <= row <= 1_048_576:
            continue
        typed = {name: value.strip()[:500] for name, value in cells.items()}
        now = {
            name: value
            for name, value in typed.items()
            if value and (value != found.get(row, {}).get(name, "") or name in kept.get(row, {}))
        }
        if now and now != kept.get(row):
            store().correct(record, row, now)
            changed.append(row)
    if changed:
        flash(
            f"Your correction{'s' if len(changed) != 1 else ''} to row {', '.join(map(str, changed))} "
            f"{'are' if len(changed) != 1 else 'is'} kept for this run, and the records were checked again."
        )
    else:
        flash("Nothing was changed: change a value in a box, then check again.")
    return redirect(url_for("runs.check", run_id=record.id, _anchor="rows"), code=303)


@bp.post("/<run_id>/make")
@requires_role(OFFICER_ROLE)
def make(run_id: str):
    record = mine_or_404(run_id)
    if record.state not in (UPLOADED, FAILED):
        return redirect(url_for("runs.show", run_id=record.id), code=303)
    content = loaded().content
    # "lock-it-leaflet" (in each resident's language), "lock-it-leaflet:english" (in English for everyone), "" (none)
    chosen, _, leaflet_language = (request.form.get("leaflet") or "").partition(":")
    leaflet, leaflet_language = chosen or None, leaflet_language or LEAFLET_RESIDENT
    if (
        content is None
        or (
            leaflet
            and (leaflet not in content.materials or content.materials[leaflet].spec.kind != "leaflet")
        )
        or leaflet_language not in LEAFLET_LANGUAGES
    ):
        abort(400)
    draft = request.form.get("draft") == "yes"
    if draft and not may_draft():
        abort(403)
    where = folders()
    refusals = refusals_before_run(where.content, where.templates, where.review, leaflet, draft)
    if refusals:
        return render_template(
            "run_refused.html",
            title="Not approved",
            run=record,
            refusals=refusals,
            waiting=not_approved(content, [MATERIAL] + ([leaflet] if leaflet else [])),
            may_draft=may_draft(),
        ), 409
    record.leaflet, record.docx, record.draft = leaflet, request.form.get("docx") == "yes", draft
    record.leaflet_language = leaflet_language
    record.state, record.message = QUEUED, ""
    # saved inside the queue's transaction: a second click finds the run queued and changes nothing
    if not run_queue().enqueue(record.id, lambda: store().save(record)):
        flash("This run was already queued: it is made once.")
    return redirect(url_for("runs.progress", run_id=record.id), code=303)


@bp.get("/<run_id>/progress")
@requires_role(OFFICER_ROLE)
def progress(run_id: str):
    record = mine_or_404(run_id)
    return render_template(
        "run_progress.html",
        title="Making the letters",
        run=record,
        progress=progress_of(store(), record),
        ahead=run_queue().ahead_of(record.id),
    )


@bp.get("/<run_id>/progress/bar")
@requires_role(OFFICER_ROLE)
def progress_bar(run_id: str):
    """The progress fragment the page polls; once the run is over, the browser goes to the results."""
    record = mine_or_404(run_id)
    response = make_response(
        render_template(
            "_run_progress.html",
            run=record,
            progress=progress_of(store(), record),
            ahead=run_queue().ahead_of(record.id),
        )
    )
    if record.state in (DONE, FAILED, PURGED):
        response.headers["HX-Redirect"] = url_for("runs.show", run_id=record.id)
    return response


#: The files a run offers, by the name in the URL: (folder, path inside it, download name, type).
DOWNLOADS = {
    "batch.pdf": ("out", "batch.pdf", "application/pdf"),
    "batch.docx": (
        "out",
        "batch.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "letters.zip": ("extras", "letters.zip", "application/zip"),
    "manifest.json": ("out", "manifest.json", "application/json"),
    "manifest.csv": ("out", "manifest.csv", "text/csv"),
    "rejects.csv": ("out", "rejects.csv", "text/csv"),
    "warnings.csv": ("out", "warnings.csv", "text/csv"),
    "follow-up.csv": ("out", "follow-up.csv", "text/csv"),
    "round-sheet.pdf": ("out", "round-sheet.pdf", "application/pdf"),
    "summary.txt": ("out", "summary.txt", "text/plain"),
    "operation-summary.pdf": ("extras", "report/operation-summary.pdf", "application/pdf"),
    "operation-summary.md": ("extras", "report/operation-summary.md", "text/markdown"),
}


def _braille(record: RunRecord) -> dict[str, Path]:
    """The run's braille letters by their download name ("braille-L0042.brf": the letter's reference, nothing
    about the resident), looked up among the files made, never joined from the URL."""
    folder = store().out_dir(record) / BRAILLE_FOLDER
    return {f"braille-{p.name}": p for p in sorted(folder.glob("*.brf"))} if folder.is_dir() else {}


def _file(record: RunRecord, name: str) -> Path | None:
    path: Path | None
    if name in DOWNLOADS:
        where, inside, _ = DOWNLOADS[name]
        base = store().out_dir(record) if where == "out" else store().extras_dir(record)
        path = base / inside
    elif name.startswith("braille-"):
        path = _braille(record).get(name)
    else:  # a social card: its name is looked up among the files made, never joined from the URL
        cards = store().extras_dir(record) / "cards"
        found = {p.name: p for p in cards.iterdir()} if cards.is_dir() else {}
        path = found.get(name)
    return path if path is not None and path.is_file() else None


def _cards(record: RunRecord) -> list[str]:
    cards = store().extras_dir(record) / "cards"
    return sorted(p.name for p in cards.iterdir()) if cards.is_dir() else []


#: One line on each file, in the officer's words.
DESCRIPTIONS = {
    "batch.pdf": "Every letter, in delivery order, ready to print.",
    "round-sheet.pdf": "The addresses in delivery order, to tick off on the round.",
    "batch.docx": "The same letters as a Word file, for a change by hand.",
    "letters.zip": "Each letter as a file of its own.",
    "summary.txt": "What this run did, in a few lines.",
    "operation-summary.pdf": "The operation's report, to keep and share.",
    "operation-summary.md": "The operation's report as plain text.",
    "follow-up.csv": "Residents who asked to hear more (Neighbourhood Watch, messages), to follow up.",
    "rejects.csv": "Rows that got no letter, and why.",
    "warnings.csv": "Rows whose letter was made with an answer assumed, and what was assumed.",
    "manifest.json": "Each letter's pages, for checking the print (for computers).",
    "manifest.csv": "Each letter's pages, for checking the print (a spreadsheet).",
}


def describe(name: str) -> str:
    """One line on a file of the run (a social card's picture and its words included)."""
    if name in DESCRIPTIONS:
        return DESCRIPTIONS[name]
    if name.startswith("braille-"):
        part = "The English part of a braille letter" if "--" in name else "Braille letter"
        return f"{part} for 1 resident — send to the embosser."
    if name.endswith(".txt"):
        return "The description of the social media card, for people who cannot see it."
    return "A social media card about the operation, to post."


TO_KEEP = ("summary.txt", "operation-summary.pdf", "follow-up.csv", "rejects.csv", "warnings.csv")
#: What deleting a run's personal data deletes, as the confirmation page says it.
DELETED = (
    "the records file you uploaded and your corrections",
    "the letters and the print batch",
    "the round sheet and the follow-up list",
    "the preview pages",
)


def print_sentence(pages: int) -> str:
    """'428 pages, double-sided on 214 sheets of A4' (print-costs.yaml says double-sided or not, and the paper)."""
    try:
        prices = load_prices(Path(settings().content) / "print-costs.yaml")
        duplex, paper = prices.duplex, prices.paper
    except ProblemsError:
        duplex, paper = True, "A4"
    sheets = (pages + 1) // 2 if duplex else pages
    sided = "double-sided" if duplex else "single-sided"
    return f"{pages} page{'s' if pages != 1 else ''}, {sided} on {sheets} sheet{'s' if sheets != 1 else ''} of {paper}"


@bp.get("/<run_id>/results")
@requires_role(OFFICER_ROLE)
def results(run_id: str):
    record = mine_or_404(run_id)
    if record.state not in (DONE, PURGED):
        return redirect(url_for("runs.show", run_id=record.id))
    manifest = read_json(store().out_dir(record) / "manifest.json") or {}
    pages = preview_pages(store(), record) if record.state == DONE else []
    files = [name for name in DOWNLOADS if _file(record, name)] + [
        c for c in _cards(record) if _file(record, c)
    ]
    braille = list(_braille(record))
    batch_pages = (manifest.get("batch") or {}).get("pages") or 0
    return render_template(
        "run_results.html",
        title="Letters made",
        run=record,
        manifest=manifest,
        previews=range(1, len(pages) + 1),
        files=files + braille,
        describe=describe,
        braille=braille,
        braille_letters=len((manifest.get("braille") or {}).get("letters") or ()),
        to_keep=[f for f in TO_KEEP if f in files],
        others=[f for f in files if f not in TO_KEEP and f not in ("batch.pdf", "round-sheet.pdf")],
        print_words=print_sentence(batch_pages) if "batch.pdf" in files else "",
        name=name_of(record),
        expires=shown_day(record.expires),
        kept_until=shown_day(record.kept_until_at),
        notes=read_json(store().extras_dir(record) / "notes.json") or [],
        braille_warnings=braille_warnings(manifest.get("braille")),
    )


@bp.get("/<run_id>/files/all.zip")
@requires_role(OFFICER_ROLE)
def download_all(run_id: str):
    """Every file of the run in one zip, made for this download only (spooled, never kept)."""
    record = mine_or_404(run_id)
    found = [
        (name, path)
        for name in [*DOWNLOADS, *_cards(record), *_braille(record)]
        if (path := _file(record, name)) is not None
    ]
    if not found:
        abort(404)
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - send_file closes it after sending
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, path in found:
            archive.write(path, arcname=name)
    spool.seek(0)
    return send_file(
        spool,
        mimetype="application/zip",
        as_attachment=True,
        download_name="all-files.zip",
        conditional=False,
        etag=False,
    )


@bp.get("/<run_id>/files/<name>")
@requires_role(OFFICER_ROLE)
def download(run_id: str, name: str):
    record = mine_or_404(run_id)
    path = _file(record, name)
    if path is None:
        abort(404)
    mimetype = (
        DOWNLOADS[name][2]
        if name in DOWNLOADS
        else (
            "image/png"
            if name.endswith(".png")
            else "application/octet-stream"
            if name.endswith(".brf")
            else "text/plain"
        )
    )
    return send_file(
        path.absolute(),
        mimetype=mimetype,
        as_attachment=True,
        download_name=name,
        conditional=False,
        etag=False,
    )


@bp.get("/<run_id>/preview/<int:page>.png")
@requires_role(OFFICER_ROLE)
def preview(run_id: str, page: int):
    record = mine_or_404(run_id)
    pages = preview_pages(store(), record)
    if not 1 <= page <= len(pages):
        abort(404)
    return send_file(pages[page - 1].absolute(), mimetype="image/png", conditional=False, etag=False)


@bp.get("/<run_id>/delete")
@requires_role(OFFICER_ROLE)
def confirm_delete(run_id: str):
    """Are you sure? The page names what will be deleted and what is kept."""
    record = mine_or_404(run_id)
    if record.state == PURGED:
        return redirect(url_for("runs.results", run_id=record.id))
    return render_template(
        "run_delete.html",
        title="Delete this run's personal data?",
        run=record,
        deleted=DELETED,
        name=name_of(record),
    )


@bp.post("/<run_id>/delete")
@requires_role(OFFICER_ROLE)
def delete(run_id: str):
    record = mine_or_404(run_id)
    if record.state in (QUEUED, RUNNING):
        flash("The run is still being made: delete its personal data once it has finished.")
        return redirect(url_for("runs.progress", run_id=record.id), code=303)
    run_patrol.purge(store(), record, folders().content)  # its patrol kept first, for Did it work?
    flash(
        "This run's personal data was deleted: " + "; ".join(DELETED) + ". Its counts and reports are kept "
        "until the run itself goes."
    )
    return redirect(url_for("runs.index"), code=303)
