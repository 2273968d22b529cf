"""The worker pool starts its processes when it opens (handle_docs.run.batch.worker_pool)."""

from __future__ import annotations

import os

from handle_docs.run import batch

READ_LATER: list[str] = []


def _seen_by_worker() -> tuple[int, list[str]]:
    return os.getpid(), list(READ_LATER)


def test_workers_hold_nothing_the_main_process_reads_after_the_pool_opens():
    READ_LATER.clear()
    with batch.worker_pool(2) as pool:
        READ_LATER.append("12 Larkspur Road")  # e.g. the records, read once the workers run
        seen = [pool.submit(_seen_by_worker).result() for _ in range(6)]
    READ_LATER.clear()
    assert all(pid != os.getpid() for pid, _ in seen)
    assert [found for _, found in seen] == [[]] * 6


def test_one_job_needs_no_pool():
    with batch.worker_pool(1) as pool:
        assert pool is None


def test_a_run_lets_the_workers_go_once_its_chunks_are_rendered(tmp_path):
    # idle workers would otherwise hold their memory while the batch is joined
    import pytest

    from handle_docs.records.read import read_records
    from handle_docs.run.pipeline import RunOptions, file_sha256, run_letters
    from handle_docs.wording.content import load_content

    from .conftest import CONTENT, TEMPLATES
    from .synth import write_records

    records = write_records(tmp_path / "records.csv", 4)
    settings = batch.RunSettings(content_root=CONTENT, templates=TEMPLATES, chunk_size=1)
    with batch.worker_pool(2) as pool:
        result = run_letters(
            read_records(records),
            file_sha256(records),
            load_content(CONTENT, TEMPLATES),
            settings,
            tmp_path / "run",
            RunOptions(jobs=2, pool=pool),
        )
        assert len(result.letters) == 4
        with pytest.raises(RuntimeError, match="shutdown"):
            pool.submit(_seen_by_worker)
