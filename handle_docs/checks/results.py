"""Results of the output checks and how they are shown to people.

A :class:`FileReport` holds one :class:`CheckResult` per named check; a failed
check carries :class:`Finding` s saying *where* it failed (page, element or
font name, and a text snippet of at most 40 characters).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SNIPPET_MAX = 40
#: Findings kept per check; the rest are counted in a final "… more" finding.
MAX_FINDINGS = 25


def snippet(text: str, limit: int = SNIPPET_MAX) -> str:
    """``text`` with whitespace collapsed, cut to ``limit`` characters (… included)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Finding:
    """One place where a check failed (or, for a skipped check, why)."""

    message: str
    page: int | None = None
    element: str = ""
    text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", snippet(self.text) if self.text else "")

    @property
    def where(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.element:
            parts.append(self.element)
        where = ", ".join(parts)
        if self.text:
            where = f"{where}: '{self.text}'" if where else f"'{self.text}'"
        return where

    def to_dict(self) -> dict:
        return {
            "where": self.where,
            "page": self.page,
            "element": self.element,
            "text": self.text,
            "message": self.message,
        }


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one named check on one file."""

    check: str
    passed: bool
    findings: tuple[Finding, ...] = ()
    skipped: bool = False

    @property
    def status(self) -> str:
        if self.skipped:
            return "SKIP"
        return "PASS" if self.passed else "FAIL"

    @property
    def where(self) -> str:
        """Distinct failure places, ``; ``-separated (empty for a pass)."""
        return "; ".join(dict.fromkeys(f.where for f in self.findings if f.where))

    def to_dict(self) -> dict:
        return {
            "check": self.check,
            "status": self.status,
            "passed": self.passed,
            "skipped": self.skipped,
            "where": self.where,
            "findings": [f.to_dict() for f in self.findings],
        }

    @classmethod
    def from_findings(cls, check: str, findings: Iterable[Finding]) -> CheckResult:
        """Pass when there are no findings; keep at most ``MAX_FINDINGS``."""
        items = list(findings)
        if len(items) > MAX_FINDINGS:
            extra = len(items) - MAX_FINDINGS
            items = [*items[:MAX_FINDINGS], Finding(f"… and {extra} more")]
        return cls(check=check, passed=not items, findings=tuple(items))

    @classmethod
    def skip(cls, check: str, reason: str) -> CheckResult:
        return cls(check=check, passed=True, findings=(Finding(reason),), skipped=True)


@dataclass
class FileReport:
    """Every check result for one file."""

    path: Path
    kind: str  # "pdf", "docx", "print" (a PDF for the print shop only) or "unknown"
    results: list[CheckResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed]

    def result(self, check: str) -> CheckResult:
        """The result of the named check (``KeyError`` if it did not run)."""
        for r in self.results:
            if r.check == check:
                return r
        raise KeyError(f"{check!r} did not run on {self.path}")

    def to_dict(self) -> dict:
        return {
            "path": str(self.path),
            "kind": self.kind,
            "passed": self.passed,
            "failed_checks": [r.check for r in self.failed],
            "checks": [r.to_dict() for r in self.results],
        }


def format_json(reports: Sequence[FileReport]) -> str:
    """All reports as one JSON document (stable key order, UTF-8 text)."""
    doc = {
        "passed": all(r.passed for r in reports),
        "files": [r.to_dict() for r in reports],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _finding_text(f: Finding) -> str:
    where = f.where
    return f"{where} — {f.message}" if where else f.message


def format_table(reports: Sequence[FileReport], *, show_passes: bool = True) -> str:
    """A plain-text table: file, check, PASS/FAIL, where it failed.

    A failed check with several findings gets one row per finding.  The
    last line sums up how many files and checks failed.
    """
    rows: list[tuple[str, str, str, str]] = []
    for report in reports:
        name = str(report.path)
        for result in report.results:
            if result.passed and not result.skipped and not show_passes:
                continue
            if result.findings:
                for i, f in enumerate(result.findings):
                    rows.append(
                        (
                            name if i == 0 else "",
                            result.check if i == 0 else "",
                            result.status if i == 0 else "",
                            _finding_text(f),
                        )
                    )
            else:
                rows.append((name, result.check, result.status, ""))
            name = ""
    failed_files = [r for r in reports if not r.passed]
    failed_checks = sum(len(r.failed) for r in reports)
    if failed_files:
        summary = f"{len(failed_files)} of {len(reports)} file(s) failed ({failed_checks} failed check(s))."
    else:
        summary = f"All {len(reports)} file(s) passed."
    printed = sum(1 for r in reports if r.kind == "print")
    if printed:
        summary += f" {printed} of them for the print shop only, checked for print."
    if not rows:
        return summary
    header = ("FILE", "CHECK", "RESULT", "WHERE")
    widths = [max([len(header[i])] + [len(r[i]) for r in rows]) for i in range(3)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(header[:3], widths, strict=True)) + "  " + header[3],
        "  ".join("-" * w for w in widths) + "  " + "-" * 5,
    ]
    for row in rows:
        lines.append(
            ("  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)) + "  " + row[3]).rstrip()
        )
    lines.append("")
    lines.append(summary)
    return "\n".join(lines)
