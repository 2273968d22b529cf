"""Shared fixtures: the bundled sample, rendered once per test session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"
SAMPLE_CSV = ROOT / "examples" / "patrol-records.csv"
SAMPLE_XLSX = ROOT / "examples" / "patrol-forms-export.xlsx"
EPOCH = "1794693600"


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A private copy of content/ and templates/ that a test may edit."""
    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    if (ROOT / "review").exists():
        shutil.copytree(ROOT / "review", tmp_path / "review")
    return tmp_path / "content"


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """The sample operation rendered by the real pipeline, as make demo does."""
    from handle_docs.run.batch import RunSettings
    from handle_docs.wording.content import load_content
    from handle_docs.run.pipeline import RunOptions, file_sha256, run_letters
    from handle_docs.records.read import read_records

    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    out = tmp_path_factory.mktemp("sample") / "run"
    content = load_content(CONTENT, TEMPLATES)
    recordset = read_records(SAMPLE_CSV, CONTENT / "forms-columns.yaml")
    settings = RunSettings(content_root=CONTENT, templates=TEMPLATES)
    result = run_letters(recordset, file_sha256(SAMPLE_CSV), content, settings, out, RunOptions(jobs=2))
    return out, result, recordset
