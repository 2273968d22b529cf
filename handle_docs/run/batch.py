"""Turn letters into a print-ready run folder.

Letters are laid out in fixed-size chunks, each chunk as one WeasyPrint
document (the fixed cost of a document is paid once per chunk, not once per
letter).  Each chunk's pages are painted once, into the chunk's share of the
print batch, padded so every letter starts on a fresh sheet when printed
double-sided; every letter's own tagged PDF is then cut out of that share
(render/split.py keeps the tags, where pypdf would drop them).  Chunks run in
a process pool; the batch is joined from the chunk files at the end
(render/merge.py), so memory does not grow with the batch.

The run is built in a staging folder beside the output and swapped into
place only when complete: a killed or failed run never leaves a folder that
looks finished, and a previous run stays intact until the new one is whole.
A journal in the staging folder lets ``--resume`` skip chunks already done.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from handle_docs.util import atomic
from handle_docs.wording.content import Content, Material, load_content
from handle_docs.run.context import choose_material, leaflet_context, letter_context
from handle_docs.outputs.costs import BLANK_PAGE_TEXT, flags_code, page_flags
from handle_docs.models import Letter, RecordSet, Reject
from handle_docs.render.html import HtmlRenderer
from handle_docs.render.pdf import PdfRenderer, RenderError
from handle_docs.render.split import SplitError, split_tagged_pdf
from handle_docs.util.reproducible import source_datetime
from handle_docs.util.tables import write_csv

JOURNAL = "journal.jsonl"
CHUNKS = "chunks"


@dataclass(frozen=True)
class RunSettings:
    """Everything a worker process needs to render chunks on its own."""

    content_root: Path
    templates: Path
    material_id: str = "visit-letter"
    chunk_size: int = 0  # 0: chosen from the number of letters (auto_chunk_size)
    watermark: str | None = None
    leaflet_id: str | None = None  # a leaflet printed after each letter in the batch
    docx: bool = False  # also write letters/<id>.docx and batch.docx (render/docx.py)
    count_print: bool = False  # flag each batch page colour/blank in the worker (costs.page_flags)


@dataclass
class LetterResult:
    letter_id: str
    source_rows: list[int]
    pages: int
    sha256: str
    material_id: str
    language: str
    file: str
    docx_file: str | None = None
    docx_sha256: str | None = None


@dataclass
class ChunkResult:
    index: int
    letters: list[LetterResult]
    rejects: list[Reject]
    batch_pages: int
    chunk_file: str | None
    chunk_sha256: str | None
    leaflet_pages: int = 0  # leaflet pages in this chunk's share of the batch (with blank backs)
    page_flags: str = ""  # with count_print: costs.flags_code: one character per batch page


@dataclass
class RunResult:
    out_dir: Path
    rows_read: int
    records: int
    insecure: int
    with_items: int
    letters: list[LetterResult] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    batch_pages: int = 0
    leaflet_pages: int = 0
    seconds: float = 0.0
    resumed_chunks: int = 0

    @property
    def letter_pages(self) -> int:
        return sum(letter.pages for letter in self.letters)

    @property
    def sheets(self) -> int:
        """Sheets of paper when printed double-sided, one letter per sheet run."""
        return sum((letter.pages + 1) // 2 for letter in self.letters)

    @property
    def leaflet_sheets(self) -> int:
        """Sheets the leaflets printed after each letter take, double-sided."""
        return self.leaflet_pages // 2


# --- the worker side ---------------------------------------------------------


class ChunkRenderer:
    """Renders chunks of letters; one per process (fonts, QR images, templates)."""

    def __init__(self, settings: RunSettings, content: Content | None = None):
        self.settings = settings
        self.content = content or load_content(settings.content_root, settings.templates)
        self.base_material = self.content.material(settings.material_id)
        self.leaflet = self.content.material(settings.leaflet_id) if settings.leaflet_id else None
        self.html = HtmlRenderer(settings.templates)
        self.pdf = PdfRenderer(settings.templates)

    def _fragment(self, letter: Letter) -> tuple[Material, Any, dict[str, Any]]:
        material = choose_material(self.content, self.base_material, letter.language)
        context = letter_context(letter, self.content, material, watermark=self.settings.watermark)
        fragment = self.html.fragment(material.spec.template, context)
        if self.leaflet is not None:
            leaflet = leaflet_context(self.content, self.leaflet, anchor_suffix=f"--{letter.letter_id}")
            fragment = fragment + self.html.fragment(self.leaflet.spec.template, leaflet)
        return material, fragment, context

    def _document(self, fragments: Sequence[Any], lang: str, title: str) -> str:
        sheets = ["letters/letter.css"] + (["leaflets/leaflet.css"] if self.leaflet is not None else [])
        return self.html.document(
            fragments,
            lang=lang,
            title=title,
            stylesheets=sheets,
            watermark=self.settings.watermark,
            blank_page=BLANK_PAGE_TEXT,
        )

    def render(self, index: int, letters: Sequence[Letter], staging: Path) -> ChunkResult:
        rejects: list[Reject] = []
        ready: list[tuple[Letter, Material, Any]] = []
        docx_data: dict[str, bytes] = {}  # letter id -> .docx, from the same context as its PDF
        for letter in letters:
            try:
                material, fragment, context = self._fragment(letter)
            except Exception as exc:  # template or wording fault: reject, keep going
                rejects.extend(_reject_letter(letter, f"could not be laid out ({type(exc).__name__})"))
                continue
            if self.settings.docx:
                from handle_docs.render.docx import DocxError, render_letter_docx

                try:
                    docx_data[letter.letter_id] = render_letter_docx(context, self.content, material)
                except DocxError as exc:
                    rejects.extend(_reject_letter(letter, f"could not be made as a Word document: {exc}"))
                    continue
            ready.append((letter, material, fragment))

        base = self.base_material.spec
        document = None
        if ready:
            html = self._document([f for _, _, f in ready], base.language, base.title)
            try:
                document = self.pdf.layout(html)
            except RenderError:
                # Find the culprit(s) letter by letter, then lay out the rest.
                good = []
                for letter, material, fragment in ready:
                    try:
                        self.pdf.layout(self._document([fragment], base.language, base.title))
                        good.append((letter, material, fragment))
                    except RenderError as exc:
                        rejects.extend(_reject_letter(letter, f"could not be rendered: {exc.messages[0]}"))
                ready = good
                if ready:
                    document = self.pdf.layout(self._document([f for _, _, f in ready], base.language, base.title))

        results: list[LetterResult] = []
        batch_pages: list[Any] = []
        leaflet_pages = 0
        chunk_file = chunk_sha = None
        flags = ""
        if document is not None:
            pages_by_letter: dict[str, list[Any]] = {}
            leaflets_by_letter: dict[str, list[Any]] = {}
            blank = None
            for page in document.pages:
                anchor = next((a for a in page.anchors if a.startswith("letter-")), None)
                leaflet_anchor = next((a for a in page.anchors if a.startswith("leaflet-")), None)
                if anchor is not None:
                    pages_by_letter.setdefault(anchor.removeprefix("letter-"), []).append(page)
                elif leaflet_anchor is not None:
                    leaflets_by_letter.setdefault(leaflet_anchor.rsplit("--", 1)[-1], []).append(page)
                elif "blank-page" in page.anchors:
                    blank = page
            spans: list[tuple[Letter, Material, list[Any], list[int]]] = []
            for letter, material, _ in ready:
                pages = pages_by_letter[letter.letter_id]
                spans.append((letter, material, pages, list(range(len(batch_pages), len(batch_pages) + len(pages)))))
                batch_pages.extend(pages)
                if len(pages) % 2 and blank is not None:
                    batch_pages.append(blank)
                extra = leaflets_by_letter.get(letter.letter_id, [])
                if extra:
                    batch_pages.extend(extra)
                    leaflet_pages += len(extra)
                    if len(extra) % 2 and blank is not None:
                        batch_pages.append(blank)
                        leaflet_pages += 1
            # The pages are painted once, into the chunk's share of the batch;
            # each letter's own tagged file is cut out of it (render/split.py).
            data = self.pdf.write(document, title=base.title, lang=base.language, pages=batch_pages)
            titles = [f"{material.spec.title} ({letter.letter_id})" for letter, material, _, _ in spans]
            langs = [material.spec.language for _, material, _, _ in spans]
            try:
                pieces = split_tagged_pdf(
                    data, [span for *_, span in spans], titles=titles, langs=langs, creation_date=source_datetime()
                )
            except SplitError:
                # Tagging this split cannot cut soundly: paint each letter again.
                pieces = [
                    self.pdf.write(document, title=title, lang=lang, pages=pages)
                    for (_, _, pages, _), title, lang in zip(spans, titles, langs)
                ]
            for (letter, material, pages, _), piece in zip(spans, pieces):
                name = f"letters/{letter.letter_id}.pdf"
                atomic.write_bytes(staging / name, piece)
                results.append(
                    LetterResult(
                        letter_id=letter.letter_id,
                        source_rows=list(letter.source_rows),
                        pages=len(pages),
                        sha256=hashlib.sha256(piece).hexdigest(),
                        material_id=material.id,
                        language=material.spec.language,
                        file=name,
                    )
                )
                if letter.letter_id in docx_data:
                    word = docx_data.pop(letter.letter_id)
                    results[-1].docx_file = f"letters/{letter.letter_id}.docx"
                    results[-1].docx_sha256 = hashlib.sha256(word).hexdigest()
                    atomic.write_bytes(staging / results[-1].docx_file, word)
            chunk_file = f"{CHUNKS}/chunk-{index:05d}.pdf"
            atomic.write_bytes(staging / chunk_file, data)
            chunk_sha = hashlib.sha256(data).hexdigest()
            if self.settings.count_print:
                # Counted here, in parallel, not from the joined batch.pdf at
                # the end: rasterising every page serially cost ~3.5 ms a page.
                # The blank backs are the ones put in above: no need to read them.
                blanks = {i for i, page in enumerate(batch_pages) if blank is not None and page is blank}
                flags = flags_code(page_flags(data, blanks=blanks))
        return ChunkResult(index, results, rejects, len(batch_pages), chunk_file, chunk_sha, leaflet_pages, flags)


def _reject_letter(letter: Letter, reason: str) -> list[Reject]:
    return [Reject(row=row, field="letter", reason=reason) for row in letter.source_rows]


_RENDERER: tuple[RunSettings, ChunkRenderer] | None = None  # a worker's, for the run's settings


def _work(settings: RunSettings, index: int, letters: Sequence[Letter], staging: str) -> ChunkResult:
    global _RENDERER
    if _RENDERER is None or _RENDERER[0] != settings:
        _RENDERER = (settings, ChunkRenderer(settings))
    return _RENDERER[1].render(index, letters, Path(staging))


def _started() -> None:
    """A no-op task: submitting it makes the pool start its processes."""


@contextmanager
def worker_pool(jobs: int) -> Iterator[Executor | None]:
    """The processes that render chunks, started now (None for one job).

    Start them before the batch's records are read: a forked worker's
    resident set includes every page of its parent's heap at the fork, so
    workers forked after reading 10,000 records each carry a copy of them in
    their memory, which grows with the batch.  (With the fork start method
    the pool starts all its processes on the first task; each makes its
    ChunkRenderer on its first chunk.)
    """
    if jobs <= 1:
        yield None
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pool.submit(_started).result()
        yield pool


# --- the run -----------------------------------------------------------------


MAX_CHUNK = 10  # layout per letter grows with the chunk: ~58 ms a letter at 10, ~71 ms at 30+
MIN_CHUNKS = 8  # enough chunks to keep every core busy on a small batch


def auto_chunk_size(letters: int) -> int:
    """Chunk size from the batch size only (never from --jobs), so output
    bytes do not depend on how many processes rendered them."""
    return max(1, min(MAX_CHUNK, -(-letters // MIN_CHUNKS)))


def chunked(items: Sequence[Letter], size: int) -> list[Sequence[Letter]]:
    size = size or auto_chunk_size(len(items))
    return [items[i : i + size] for i in range(0, len(items), size)]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run_key(records_sha: str, settings: RunSettings, extra: dict[str, Any]) -> str:
    """Identity of a run's inputs; a resumed run must match it exactly."""
    payload = json.dumps(
        {"records": records_sha, "material": settings.material_id, "chunk": settings.chunk_size,
         "watermark": settings.watermark, "leaflet": settings.leaflet_id,
         **({"docx": True} if settings.docx else {}),
         **({"count_print": True} if settings.count_print else {}), **extra},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


class Journal:
    """Append-only record of finished chunks in the staging folder."""

    def __init__(self, path: Path, key: str):
        self.path = path
        self.key = key

    def load(self) -> dict[int, ChunkResult]:
        done: dict[int, ChunkResult] = {}
        if not self.path.exists():
            return done
        lines = self.path.read_text(encoding="utf-8").splitlines()
        if not lines or json.loads(lines[0]).get("key") != self.key:
            return {}
        for line in lines[1:]:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                break  # a torn last line from a kill: ignore it
            result = ChunkResult(
                **{
                    **entry,
                    "letters": [LetterResult(**item) for item in entry["letters"]],
                    "rejects": [Reject(**item) for item in entry["rejects"]],
                }
            )
            done[result.index] = result
        return done

    def start(self) -> None:
        atomic.write_text(self.path, json.dumps({"key": self.key}) + "\n")

    def add(self, result: ChunkResult) -> None:
        line = json.dumps(asdict(result), sort_keys=True) + "\n"
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


def verified(result: ChunkResult, staging: Path) -> bool:
    """A journalled chunk counts only if every file it wrote is there and intact."""
    try:
        for letter in result.letters:
            if file_sha256(staging / letter.file) != letter.sha256:
                return False
            if letter.docx_file and file_sha256(staging / letter.docx_file) != letter.docx_sha256:
                return False
        if result.chunk_file and file_sha256(staging / result.chunk_file) != result.chunk_sha256:
            return False
    except OSError:
        return False
    return True


def staging_dir(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.partial")


def render_chunks(
    letters: Sequence[Letter],
    settings: RunSettings,
    staging: Path,
    *,
    jobs: int,
    journal: Journal,
    done: dict[int, ChunkResult],
    progress: Callable[[int], None] | None = None,
    content: Content | None = None,
    pool: Executor | None = None,
) -> Iterator[ChunkResult]:
    """Yield chunk results in chunk order, rendering the missing ones
    (in ``pool``, else in a pool of ``jobs`` processes started here)."""
    chunks = chunked(letters, settings.chunk_size)
    todo = [i for i in range(len(chunks)) if i not in done]
    for i in done:
        if progress:
            progress(len(chunks[i]))
    results: dict[int, ChunkResult] = dict(done)

    def finish(result: ChunkResult) -> None:
        journal.add(result)
        results[result.index] = result
        if progress:
            progress(len(chunks[result.index]))

    if jobs <= 1 or len(todo) <= 1:
        if pool is not None:
            pool.shutdown()  # not needed for one chunk or none
        renderer = ChunkRenderer(settings, content)
        next_index = 0
        for i in todo:
            finish(renderer.render(i, chunks[i], staging))
            while next_index in results:
                yield results.pop(next_index)
                next_index += 1
        while next_index in results:
            yield results.pop(next_index)
            next_index += 1
        return

    with ExitStack() as stack:
        if pool is None:
            pool = stack.enter_context(worker_pool(jobs))
        assert pool is not None
        next_index = 0
        window = jobs * 2  # bounded: never more than this many chunks in flight
        pending: dict[Future, int] = {}
        queue = list(todo)
        while queue or pending:
            while queue and len(pending) < window:
                i = queue.pop(0)
                pending[pool.submit(_work, settings, i, chunks[i], str(staging))] = i
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                pending.pop(future)
                finish(future.result())
            while next_index in results:
                yield results.pop(next_index)
                next_index += 1
        # Done with the workers, even with a pool the caller opened: idle,
        # they would hold their memory while the batch is joined.
        pool.shutdown()
    while next_index in results:
        yield results.pop(next_index)
        next_index += 1


def prepare_staging(out_dir: Path, key: str, resume: bool) -> tuple[Path, Journal, dict[int, ChunkResult]]:
    staging = staging_dir(out_dir)
    journal = Journal(staging / JOURNAL, key)
    done: dict[int, ChunkResult] = {}
    if resume and staging.is_dir():
        done = {i: r for i, r in journal.load().items() if verified(r, staging)}
    if not done:
        if staging.exists():
            shutil.rmtree(staging)
        atomic.private_dir(staging)
        journal.start()
    else:
        # rewrite the journal with only the verified chunks, and drop any
        # temporary file a kill left half-written
        journal.start()
        for result in sorted(done.values(), key=lambda r: r.index):
            journal.add(result)
        for leftover in staging.rglob(".*.tmp*"):
            leftover.unlink()
    atomic.private_dir(staging / "letters")
    atomic.private_dir(staging / CHUNKS)
    return staging, journal, done


def write_rejects(path: Path, rejects: Sequence[Reject]) -> None:
    write_csv(path, ["row", "field", "reason"], [(r.row, r.field, r.reason) for r in sorted(rejects, key=lambda r: r.row)])


def count_vehicles(recordset: RecordSet) -> tuple[int, int]:
    insecure = sum(1 for r in recordset.records if not r.vehicle_secure)
    with_items = sum(1 for r in recordset.records if r.items_on_display)
    return insecure, with_items


def finalise_run(
    staging: Path,
    out_dir: Path,
    result: RunResult,
    chunk_files: Sequence[str],
    *,
    batch_title: str,
    lang: str,
    manifest_extra: dict[str, Any],
    summary_lines: Sequence[str],
    stats: dict[str, Any] | None = None,
    follow_up: Sequence[Sequence[str]] | None = None,
    before_swap: Callable[[Path], Any] | None = None,
) -> None:
    """Join the batch, write manifest, rejects, summary and stats, swap into place."""
    from handle_docs.render.merge import merge_tagged_pdfs

    batch = staging / "batch.pdf"
    if chunk_files:
        result.batch_pages = merge_tagged_pdfs(
            [staging / name for name in chunk_files],
            batch,
            title=batch_title,
            lang=lang,
            creation_date=source_datetime(),
        )
    docx_files = [letter.docx_file for letter in result.letters if letter.docx_file]
    batch_docx = staging / "batch.docx"
    if docx_files:
        from handle_docs.render.docx import join_docx

        join_docx([staging / name for name in docx_files], batch_docx, title=batch_title, lang=lang)
    manifest = {
        **manifest_extra,  # with the row figures (run/figures.py)
        "letters_count": len(result.letters),
        "batch": {"file": "batch.pdf", "pages": result.batch_pages,
                  "sha256": file_sha256(batch) if batch.exists() else None},
        **({"batch_docx": {"file": "batch.docx", "letters": len(docx_files), "sha256": file_sha256(batch_docx)}}
           if docx_files else {}),
        "letters": [
            {k: v for k, v in asdict(letter).items() if v is not None or not k.startswith("docx_")}
            for letter in result.letters
        ],
    }
    atomic.write_text(staging / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    write_csv(
        staging / "manifest.csv",
        ["letter_id", "source_rows", "pages", "sha256", "material_id", "language", "file"],
        [
            (l.letter_id, " ".join(map(str, l.source_rows)), l.pages, l.sha256, l.material_id, l.language, l.file)
            for l in result.letters
        ],
    )
    write_rejects(staging / "rejects.csv", result.rejects)
    atomic.write_text(staging / "summary.txt", "\n".join(summary_lines) + "\n")
    if stats is not None:
        atomic.write_text(staging / "stats.json", json.dumps(stats, indent=2, sort_keys=True) + "\n")
    if follow_up is not None:
        from handle_docs.run.stats import FOLLOW_UP_HEADER

        write_csv(staging / "follow-up.csv", FOLLOW_UP_HEADER, follow_up)
    if before_swap is not None:
        before_swap(staging)  # e.g. print cost, counted from the finished batch.pdf
    shutil.rmtree(staging / CHUNKS, ignore_errors=True)
    os.unlink(staging / JOURNAL)
    atomic.swap_into_place(staging, out_dir)


