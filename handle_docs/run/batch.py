"""Chunks of letters rendered in a process pool and handed back in order.

Letters are cut into chunks whose size depends on the batch size only, so
the bytes do not depend on how many processes rendered them.  Each chunk is
rendered by run/chunk.py in a worker (never more than twice as many chunks
in flight as workers, so memory does not grow with the batch) and journalled
as soon as it is done (run/journal.py), so ``--resume`` skips it.

A chunk that fails with anything a record cannot cause is a bug: it stops
the run, its traceback (the worker's, for a chunk rendered in one) logged at
DEBUG by frames and exception type, without the exception's message, which
may quote a record.
"""

from __future__ import annotations

import logging
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager, nullcontext
from pathlib import Path

from handle_docs.models import Letter
from handle_docs.run.chunk import ChunkRenderer, ChunkResult, RunSettings
from handle_docs.run.journal import Journal
from handle_docs.wording.content import Content

__all__ = ["RunSettings", "auto_chunk_size", "chunked", "render_chunks", "worker_pool"]

log = logging.getLogger(__name__)

MAX_CHUNK = 10  # layout per letter grows with the chunk: ~58 ms a letter at 10, ~71 ms at 30+
MIN_CHUNKS = 8  # enough chunks to keep every core busy on a small batch
FRAMES = "handle_docs_frames"  # the attribute a worker's exception carries its frames back in


def auto_chunk_size(letters: int) -> int:
    """Chunk size from the batch size only (never from --jobs), so output
    bytes do not depend on how many processes rendered them."""
    return max(1, min(MAX_CHUNK, -(-letters // MIN_CHUNKS)))


def chunked(items: Sequence[Letter], size: int) -> list[Sequence[Letter]]:
    size = size or auto_chunk_size(len(items))
    return [items[i : i + size] for i in range(0, len(items), size)]


def frames(exc: BaseException) -> str:
    """Where ``exc`` was raised, as a traceback without its message."""
    listed = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    kind = type(exc)
    name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    return f"Traceback (most recent call last):\n{listed}{name}"


@contextmanager
def stops_the_run(index: int) -> Iterator[None]:
    """Log a chunk's unexpected failure at DEBUG, then let it stop the run."""
    try:
        yield
    except Exception as exc:
        where = getattr(exc, FRAMES, None)
        origin = "in a worker process" if where else "in this process"
        log.debug(
            "chunk %d stopped the run (%s), %s:\n%s", index, type(exc).__name__, origin, where or frames(exc)
        )
        raise


# --- the worker side ---------------------------------------------------------


_RENDERER: tuple[RunSettings, ChunkRenderer] | None = None  # a worker's, for the run's settings


def _work(settings: RunSettings, index: int, letters: Sequence[Letter], staging: str) -> ChunkResult:
    global _RENDERER
    try:
        if _RENDERER is None or _RENDERER[0] != settings:
            _RENDERER = (settings, ChunkRenderer(settings))
        return _RENDERER[1].render(index, letters, Path(staging))
    except Exception as exc:
        setattr(exc, FRAMES, frames(exc))  # travels back with the exception (in its __dict__)
        raise


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


# --- the run's chunks -----------------------------------------------------------


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
    if jobs <= 1 or len(todo) <= 1:
        if pool is not None:
            pool.shutdown()  # not needed for one chunk or none
        finished = _render_here(ChunkRenderer(settings, content), chunks, todo, staging)
    else:
        finished = _render_in_pool(pool, jobs, settings, chunks, todo, staging)
    waiting: dict[int, ChunkResult] = dict(done)
    next_index = 0
    for result in finished:
        journal.add(result)
        if progress:
            progress(len(chunks[result.index]))
        waiting[result.index] = result
        while next_index in waiting:
            yield waiting.pop(next_index)
            next_index += 1
    while next_index in waiting:
        yield waiting.pop(next_index)
        next_index += 1


def _render_here(
    renderer: ChunkRenderer, chunks: list[Sequence[Letter]], todo: Iterable[int], staging: Path
) -> Iterator[ChunkResult]:
    """The chunks rendered one after another in this process."""
    for i in todo:
        with stops_the_run(i):
            result = renderer.render(i, chunks[i], staging)
        yield result


def _render_in_pool(
    pool: Executor | None,
    jobs: int,
    settings: RunSettings,
    chunks: list[Sequence[Letter]],
    todo: Iterable[int],
    staging: Path,
) -> Iterator[ChunkResult]:
    """The chunks rendered in worker processes, as each is done; then the
    workers are let go, even from a pool the caller opened: idle, they would
    hold their memory while the batch is joined."""
    with worker_pool(jobs) if pool is None else nullcontext(pool) as workers:
        assert workers is not None
        window = jobs * 2  # bounded: never more than this many chunks in flight
        pending: dict[Future, int] = {}
        queue = deque(todo)
        try:
            while queue or pending:
                while queue and len(pending) < window:
                    i = queue.popleft()
                    pending[workers.submit(_work, settings, i, chunks[i], str(staging))] = i
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    index = pending.pop(future)
                    with stops_the_run(index):
                        result = future.result()
                    yield result
        except BaseException:
            for future in pending:
                future.cancel()  # nothing more is started once the run stops
            raise
        workers.shutdown()
