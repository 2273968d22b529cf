"""The built wheel is a tool that runs: installed into a fresh environment outside the repository, `init` makes a
force's folder from the packaged starter, letters are drafted from the packaged sample records inside it, and
`review status` lists what needs approval. Offline: the wheel is built without build isolation and installed
without an index; the new environment borrows this one's installed dependencies through a .pth file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pdfplumber
import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow

#: What a build needs from the repository (copied, so the build writes nothing into the checkout).
SOURCES = [
    "handle_docs",
    "content",
    "templates",
    "review",
    "examples/patrol-records.csv",
    "examples/patrol-forms-export.xlsx",
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "LICENSE",
]
LANGUAGES = ["ar", "cy", "pl", "ro", "ur"]
MATERIALS = sorted(
    [
        "lock-it-leaflet",
        "paper-check-form",
        "social-card",
        "stay-connected-leaflet",
        "visit-letter",
        *(f"lock-it-leaflet-{lang}" for lang in LANGUAGES),
        *(f"visit-letter-{lang}" for lang in LANGUAGES),
    ]
)


def sh(*args, cwd: Path, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv bin folder, environment, wheel path): the wheel built from a copy of the sources and installed."""
    base = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    src = base / "src"
    for name in SOURCES:
        source, target = ROOT / name, src / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copyfile(source, target)
    sh(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        base / "dist",
        src,
        cwd=base,
        env=env,
    )
    (wheel,) = (base / "dist").glob("handle_docs-*.whl")

    venv = base / "venv"
    sh(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base, env=env)
    sh(
        sys.executable,
        "-m",
        "pip",
        "--python",
        venv / "bin" / "python",
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=base,
        env=env,
    )
    # the dependencies: this environment's, added after the install so pip never sees this one's handle-docs
    site = Path(
        sh(
            venv / "bin" / "python",
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            cwd=base,
            env=env,
        ).stdout.strip()
    )
    (site / "zz-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin", env, wheel, site


def test_the_wheel_carries_the_starter_and_nothing_of_the_repository_else(installed):
    _, _, wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in [
        "handle_docs/starter/content/letters/visit.yaml",
        "handle_docs/starter/content/forms-columns.yaml",
        "handle_docs/starter/templates/letters/visit.html.j2",
        "handle_docs/starter/templates/letters/visit.docx",
        "handle_docs/starter/review/visit-letter.yaml",
        "handle_docs/starter/examples/patrol-records.csv",
        "handle_docs/assets/fonts/AtkinsonHyperlegibleNext-Regular.ttf",
    ]:
        assert expected in names
    starter = {n.removeprefix("handle_docs/starter/") for n in names if n.startswith("handle_docs/starter/")}
    in_git = {
        p.relative_to(ROOT).as_posix()
        for folder in ("content", "templates", "review")
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
    }
    assert {n for n in starter if n.split("/")[0] in ("content", "templates", "review")} == in_git
    assert not [n for n in names if n.startswith(("tests/", "examples/", "content/", "scripts/"))]
    assert "handle_docs/starter/examples/generate_sample.py" not in names


def test_installed_outside_the_repository_init_then_a_draft_run_and_review_status(installed, tmp_path):
    bin_dir, env, _, site = installed
    work = tmp_path / "work"
    work.mkdir()
    where = sh(bin_dir / "python", "-c", "import handle_docs; print(handle_docs.__file__)", cwd=work, env=env)
    assert Path(where.stdout.strip()).is_relative_to(site), (
        "the installed wheel, not the checkout, is imported"
    )
    hd = bin_dir / "handle-docs"

    # a Forms export with no column map given is read through the packaged starter's map
    forms = sh(
        bin_dir / "python",
        "-c",
        "from handle_docs.records.read import DEFAULT_COLUMN_MAP as m, read_records; "
        "from handle_docs.starter import starter_path; "
        "r = read_records(starter_path('examples', 'patrol-forms-export.xlsx')); "
        "print(m); print(r.rows_read, len(r.records), len({x.row for x in r.rejects}))",
        cwd=work,
        env=env,
    )
    column_map, counts = forms.stdout.splitlines()
    assert Path(column_map).is_relative_to(site) and counts == "127 125 2"

    outside = sh(hd, "lint", cwd=work, env=env, check=False)
    assert outside.returncode == 2 and "handle-docs init DIR" in outside.stderr

    made = sh(hd, "init", "force", cwd=work, env=env)
    assert f"created {(work / 'force').resolve()}: content/, templates/, review/, examples/" in made.stdout
    force = work / "force"
    assert sorted(p.name for p in (force / "review").iterdir()) == [
        "README.txt",
        "reviewers.root",
    ]  # the pin awaits the first approval

    run = sh(
        hd,
        "letters",
        "examples/patrol-records.csv",
        "--out",
        "out/letters",
        "--draft",
        "--quiet",
        cwd=force,
        env=env,
    )
    assert "96 letters (215 pages), 2 rejected rows of 127 read" in run.stdout
    assert "DRAFT: every page is watermarked 'DRAFT — NOT APPROVED'; not for delivery" in run.stdout
    with pdfplumber.open(force / "out" / "letters" / "batch.pdf") as pdf:
        assert len(pdf.pages) >= 194
        first = pdf.pages[0]
        # the watermark is drawn rotated: read it as characters in drawing order
        drawn = "".join(c["text"] for c in first.chars if not c["text"].isspace())
        assert "DRAFT—NOTAPPROVED" in drawn and "The Occupier" in first.extract_text()

    status = sh(hd, "review", "status", cwd=force, env=env, check=False)
    assert status.returncode == 1, status.stdout + status.stderr
    assert status.stdout.splitlines()[1].startswith("reviewers (registry)")
    rows = {line.split()[0]: line for line in status.stdout.splitlines()[2 : 2 + len(MATERIALS)]}
    assert sorted(rows) == MATERIALS and all("NEEDS APPROVAL" in row for row in rows.values())
    assert (
        f"NOT READY: {len(MATERIALS) + 1} of {len(MATERIALS) + 1} (materials and the reviewer registry) not approved for their current version"
        in status.stdout
    )
