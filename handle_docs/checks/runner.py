"""Run the PDF, Word and braille checks over files and folders, one report per file (a crashed check is a
failed check)."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from handle_docs.checks import braille as brf_checks
from handle_docs.checks import docx as docx_checks
from handle_docs.checks import pdf_addresses, pdf_fonts, pdf_glyphs, pdf_qr, pdf_structure, pdf_text
from handle_docs.checks.config import CheckConfig
from handle_docs.checks.pdf_common import PdfDoc
from handle_docs.checks.results import CheckResult, FileReport, Finding
from handle_docs.pdf import printfile

PDF_CHECKS: tuple[tuple[str, Callable], ...] = (
    pdf_structure.CHECKS
    + pdf_fonts.CHECKS
    + pdf_glyphs.CHECKS
    + pdf_text.CHECKS
    + pdf_qr.CHECKS
    + pdf_addresses.CHECKS
)
DOCX_CHECKS: tuple[tuple[str, Callable], ...] = docx_checks.CHECKS

BRF_CHECKS: tuple[tuple[str, Callable], ...] = brf_checks.CHECKS

#: What a file made for the print shop only (pdf/printfile.py) is checked for: fonts, type
#: sizes, glyphs, contrast, page geometry, its QR codes and web addresses; not tagging, which it does
#: not have.
PRINT_CHECKS = frozenset(
    {
        "fonts-embedded",
        "font-families",
        "min-font-size",
        "no-italic",
        "glyphs",
        "contrast",
        "no-block-capitals",
        "page-size",
        "qr-codes",
        "web-addresses",
    }
)

SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".brf": "brf"}


def _run(name: str, func: Callable, doc: object, config: CheckConfig) -> CheckResult:
    """Run one check; a crash is a failed check, not a crashed run."""
    try:
        return func(doc, config)
    except Exception as exc:
        last = traceback.extract_tb(exc.__traceback__)[-1]
        return CheckResult.from_findings(
            name,
            [
                Finding(
                    f"check could not run: {type(exc).__name__}: {exc} "
                    f"({Path(last.filename).name}:{last.lineno})"
                )
            ],
        )


def check_pdf(path: Path, config: CheckConfig) -> FileReport:
    report = FileReport(Path(path), "pdf")
    try:
        doc = PdfDoc(Path(path))
    except Exception as exc:
        report.results.append(
            CheckResult.from_findings("readable", [Finding(f"cannot open PDF: {type(exc).__name__}: {exc}")])
        )
        return report
    with doc:
        printed = printfile.kind(doc.pike)
        if printed:
            report.kind = "print"
            report.results.append(
                CheckResult(
                    "print-file",
                    True,
                    (
                        Finding(
                            f"for the print shop only ({printed}): "
                            "checked for print (fonts, sizes, page geometry, QR codes, web addresses); "
                            "its reading copy is the accessible file"
                        ),
                    ),
                )
            )
        for name, func in PDF_CHECKS:
            if not printed or name in PRINT_CHECKS:
                report.results.append(_run(name, func, doc, config))
    return report


def _check_with(
    path: Path,
    config: CheckConfig,
    kind: str,
    what: str,
    opener: Callable[[Path], object],
    checks: tuple[tuple[str, Callable], ...],
) -> FileReport:
    """Open ``path`` with ``opener`` and run ``checks`` on it; a file that cannot be opened is one failed
    check named "readable"."""
    report = FileReport(Path(path), kind)
    try:
        doc = opener(Path(path))
    except Exception as exc:
        report.results.append(
            CheckResult.from_findings("readable", [Finding(f"cannot {what}: {type(exc).__name__}: {exc}")])
        )
        return report
    for name, func in checks:
        report.results.append(_run(name, func, doc, config))
    return report


def check_docx(path: Path, config: CheckConfig) -> FileReport:
    return _check_with(path, config, "docx", "open Word file", docx_checks.DocxFile, DOCX_CHECKS)


def check_brf(path: Path, config: CheckConfig) -> FileReport:
    return _check_with(path, config, "brf", "read braille file", brf_checks.BrfFile.open, BRF_CHECKS)


def _wanted(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES and not path.name.startswith("~$")


def collect_files(paths: Sequence[Path]) -> list[Path]:
    """Files to check: each file given, and every *.pdf / *.docx / *.brf under each
    directory (recursively, sorted).  Word lock files (``~$…``) are skipped."""
    found: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        candidates = (
            sorted(p for p in path.rglob("*") if p.is_file() and _wanted(p)) if path.is_dir() else [path]
        )
        for p in candidates:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                found.append(p)
    return found


def check_file(path: Path, config: CheckConfig) -> FileReport:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind == "pdf":
        return check_pdf(path, config)
    if kind == "docx":
        return check_docx(path, config)
    if kind == "brf":
        return check_brf(path, config)
    return FileReport(
        path,
        "unknown",
        [CheckResult.from_findings("file-type", [Finding("not a .pdf, .docx or .brf file")])],
    )


def check_paths(paths: Sequence[Path], config: CheckConfig | None = None, jobs: int = 1) -> list[FileReport]:
    """Check every PDF, Word and braille file in ``paths`` (files or directories).

    With ``jobs`` > 1 files are checked in a process pool (rendering pages
    for the QR check is the slow part); reports come back in file order.
    """
    config = config if config is not None else CheckConfig()
    files = collect_files(paths)
    if jobs <= 1 or len(files) < 2:
        return [check_file(path, config) for path in files]
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(partial(check_file, config=config), files, chunksize=4))
