"""Shared fixtures and content helpers: the bundled sample (rendered once per session), private copies to edit, approval."""

from __future__ import annotations

import contextlib
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


@pytest.fixture(scope="module")
def content():
    """The bundled content and templates, loaded (read-only: edit a ``content_copy``)."""
    from handle_docs.wording.content import load_content

    return load_content(CONTENT, TEMPLATES)


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A private copy of content/ and templates/ that a test may edit."""
    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    if (ROOT / "review").exists():
        shutil.copytree(ROOT / "review", tmp_path / "review")
    return tmp_path / "content"


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a content file by ``new`` (``old`` must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def with_link_labels(text: str, content_dir: Path, link_ids: tuple[str, ...] = ("nws", "cms")) -> str:
    """A material's YAML ``text`` with ``link_labels`` for ``link_ids`` added, as a
    translation must have (links.yaml's own labels: these test translations keep English words)."""
    import yaml

    links = yaml.safe_load((content_dir / "links.yaml").read_text(encoding="utf-8"))["links"]
    return (
        text.rstrip("\n") + "\n\nlink_labels:\n" + "".join(f"  {i}: {links[i]['label']}\n" for i in link_ids)
    )


def load(content_dir: Path):
    """The content in ``content_dir``, with the templates beside it, loaded (ProblemsError if it cannot be)."""
    from handle_docs.wording.content import load_content

    return load_content(content_dir, content_dir.parent / "templates")


def problems_of(content_dir: Path) -> list[str]:
    """Every problem loading ``content_dir`` reports, as printed (file:line: key: error: message)."""
    from handle_docs.models import ProblemsError

    with pytest.raises(ProblemsError) as raised:
        load(content_dir)
    return [str(p) for p in raised.value.problems]


def line_of(path: Path, needle: str) -> int:
    """The number of the first line of ``path`` holding ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def unsigned(content_dir: Path) -> Path:
    """A content copy with its materials' sign-offs removed: nothing approved yet
    (the approved reviewer registry and its record are kept)."""
    for path in (content_dir.parent / "review").glob("*"):
        if not path.name.startswith("reviewers."):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    return content_dir


#: The sample's invented translators (DEMO ONLY keys in examples/demo-keys/), by role.
TRANSLATORS = {
    "translator-cy": "eleri-pryce",
    "translator-pl": "agnieszka-wojcik",
    "translator-ro": "ioana-popescu",
    "translator-ar": "samir-haddad",
    "translator-ur": "ayesha-qureshi",
}


def sample_reviewers(content, material_id: str) -> list[tuple[str, str]]:
    """(reviewer id, role) pairs that approve ``material_id`` in the sample: the comms
    lead, and the sergeant or, for a translation, the translator for its language."""
    from handle_docs.review.policy import load_policy

    spec = content.material(material_id).spec
    policy, _ = load_policy(content.root)
    role = policy.translator_role(spec.language) if spec.translation_of else None
    second = (TRANSLATORS[role], role) if role else ("tom-okoro", "neighbourhood-sergeant")
    return [("priya-lang", "comms-lead"), second]


def approve_all(content_dir: Path) -> list[str]:
    """Approve every material in a test's copy of the content (every required role), so a gate
    test does not depend on where the bundled sign-offs stand today.  Returns the material ids."""
    from handle_docs.review import ReviewError, material_status, sign
    from handle_docs.wording.content import load_content

    from .signing import demo_signer

    content = load_content(content_dir, content_dir.parent / "templates")
    for material_id in content.materials:
        if not material_status(content, material_id).approved:
            for reviewer, role in sample_reviewers(content, material_id):
                with contextlib.suppress(ReviewError):  # already approved by this reviewer
                    sign(content, material_id, reviewer=reviewer, role=role, signer=demo_signer(reviewer))
        assert material_status(content, material_id).approved, material_id
    return sorted(content.materials)


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """The sample operation rendered by the real pipeline, as make demo does."""
    from handle_docs.records.read import read_records
    from handle_docs.run.batch import RunSettings
    from handle_docs.run.pipeline import RunOptions, file_sha256, run_letters
    from handle_docs.wording.content import load_content

    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    out = tmp_path_factory.mktemp("sample") / "run"
    content = load_content(CONTENT, TEMPLATES)
    recordset = read_records(SAMPLE_CSV, CONTENT / "forms-columns.yaml")
    settings = RunSettings(content_root=CONTENT, templates=TEMPLATES)
    result = run_letters(recordset, file_sha256(SAMPLE_CSV), content, settings, out, RunOptions(jobs=2))
    return out, result, recordset
