"""Lint the wording in ``content/``: plain English and screen-reader pitfalls.

``lint_content(content, config)`` checks every printed string of every
material (title, labels, item names, block headings and text) and the link
labels in ``links.yaml``, and returns :class:`LintProblem`\\ s located by
file, line and key like a compiler's messages::

    content/letters/visit.yaml:56: blocks.findings.insecure_vehicle.text: warning: [long-sentence] sentence has …

The rules and their ids are in :mod:`handle_docs.lint.rules`; thresholds,
severities, jargon and acronyms come from ``content/lint.yaml``
(:mod:`handle_docs.lint.config`).  Readability is computed here from pyphen's
bundled dictionaries: nothing is downloaded at run time.  Flesch scores are
for English only; other languages get sentence and word length limits, and
each language its own words to avoid.  The report says, for each material,
which measures applied (:mod:`handle_docs.lint.measures`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TypeVar

from handle_docs.wording.content import Content, Material
from handle_docs.wording.yamlfile import YamlDoc

from ..models import Problem, Severity
from .config import CONFIG_NAME, JargonTerm, LintConfig, load_lint_config
from .locate import SourceMap
from .measures import MaterialMeasures, measures_for, measures_of
from .readability import TextStats, WordStats
from .rules import RULES, Finding, Piece, measured, piece_from_nodes, scored

__all__ = [
    "CONFIG_NAME",
    "RULES",
    "JargonTerm",
    "LintConfig",
    "LintProblem",
    "MaterialMeasures",
    "TextStats",
    "WordStats",
    "block_scores",
    "count_line",
    "format_json",
    "format_text",
    "lint_content",
    "lint_material",
    "load_lint_config",
    "measures_for",
    "measures_of",
    "pieces_of",
    "sort_problems",
    "strict",
]


@dataclass(frozen=True)
class LintProblem(Problem):
    """A :class:`Problem` that also names the rule that found it."""

    rule: str = ""

    def __str__(self) -> str:
        tag = f"[{self.rule}] " if self.rule else ""
        return f"{self.where}: {self.severity.value}: {tag}{self.message}"

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return {k: data[k] for k in ("file", "line", "key", "rule", "severity", "message")}


# --- what gets checked ---------------------------------------------------------------


def _text_key(doc: YamlDoc | None, base: str) -> str:
    """``blocks.x.text`` when the block is a mapping with heading and text, else ``blocks.x``."""
    if doc is not None and f"{base}.text" in doc.lines:
        return f"{base}.text"
    return base


def pieces_of(material: Material, doc: YamlDoc | None = None) -> Iterator[Piece]:
    """Every printed string of a material, keyed as in its YAML file."""
    spec = material.spec
    lang = spec.language
    yield Piece("title", spec.title, lang)
    for name, label in spec.labels.items():
        yield Piece(f"labels.{name}", label, lang)
    for name, item in spec.items.items():
        yield Piece(f"items.{name}", item, lang)
    for link_id, label in spec.link_labels.items():
        yield Piece(f"link_labels.{link_id}", label, lang, link_text=True)
    for name, block in material.blocks.items():
        base = f"blocks.{name}"
        if block.heading:
            yield Piece(f"{base}.heading", block.heading, lang)
        yield piece_from_nodes(_text_key(doc, base), block.nodes, lang)


# --- running the rules ----------------------------------------------------------------


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _lint_pieces(
    pieces: Iterable[Piece], doc: YamlDoc, file_text: str | None, config: LintConfig
) -> Iterator[LintProblem]:
    for piece in pieces:
        key_line = doc.line_of(piece.key)
        source = SourceMap(piece.text, file_text, key_line, piece.key.rsplit(".", 1)[-1])
        for rule_id, rule in RULES.items():
            default = config.severity_of(rule_id)
            if default is None:
                continue
            finding: Finding
            for finding in rule(piece, config):
                yield LintProblem(
                    message=finding.message,
                    file=doc.path,
                    line=source.line_at(finding.offset),
                    key=piece.key,
                    severity=finding.severity or default,
                    rule=finding.rule,
                )


_P = TypeVar("_P", bound=Problem)


def sort_problems(problems: Iterable[_P]) -> list[_P]:
    """By file, then line (as a compiler lists them); otherwise in the order found."""
    return sorted(problems, key=lambda p: (p.file, p.line if p.line is not None else 0))


def _config(content: Content, config: LintConfig | None) -> LintConfig:
    return config if config is not None else load_lint_config(Path(content.root) / CONFIG_NAME)


def lint_material(
    content: Content, material_id: str, config: LintConfig | None = None, *, file_text: str | None = None
) -> list[LintProblem]:
    """Check one material's wording (what ``lint_content`` says about it).

    ``file_text`` is the YAML the lines are found in (default: the file on
    disk); the workspace passes nothing for unsaved wording, so the lines
    are the saved file's nearest ones."""
    config = _config(content, config)
    material = content.material(material_id)
    doc = content.docs.get(material.source) or YamlDoc(path=material.source, data=None)
    if file_text is None:
        file_text = _read(Path(content.root) / material.source)
    return sort_problems(_lint_pieces(pieces_of(material, doc), doc, file_text, config))


def block_scores(
    content: Content, material_id: str, config: LintConfig | None = None
) -> dict[str, TextStats | WordStats | None]:
    """Reading ease and grade of each block of running text, by lint key (in
    any language but English its sentence and word length instead); None for
    a block too short to score (as the reading-ease rule counts)."""
    config = _config(content, config)
    material = content.material(material_id)
    doc = content.docs.get(material.source)
    return {
        piece.key: scored(piece, config) if piece.english else measured(piece, config)
        for piece in pieces_of(material, doc)
        if piece.prose
    }


def lint_content(content: Content, config: LintConfig | None = None) -> list[LintProblem]:
    """Check the wording of every material and link label in ``content``.

    ``config`` defaults to ``<content root>/lint.yaml`` (built-in defaults
    when there is none).  Returns problems sorted by file and line.
    """
    config = _config(content, config)
    problems: list[LintProblem] = []
    for material in sorted(content.materials.values(), key=lambda m: m.source):
        problems.extend(lint_material(content, material.id, config))
    links_doc = content.docs.get("links.yaml")
    if links_doc is not None:
        pieces = [
            Piece(f"links.{link_id}.label", link.label, link_text=True)
            for link_id, link in content.links.links.items()
        ]
        problems.extend(_lint_pieces(pieces, links_doc, _read(Path(content.root) / "links.yaml"), config))
    return sort_problems(problems)


# --- reporting ----------------------------------------------------------------------------


def strict(problems: Iterable[LintProblem]) -> list[LintProblem]:
    """``--strict``: every warning becomes an error."""
    return [replace(p, severity=Severity.ERROR) for p in problems]


def count_line(problems: Iterable[Problem]) -> str:
    problems = list(problems)
    errors = sum(1 for p in problems if p.severity == Severity.ERROR)
    warnings = len(problems) - errors
    return (
        f"lint: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    )


def format_text(problems: Iterable[Problem], measures: Iterable[MaterialMeasures] = ()) -> str:
    """What was measured in each material, then one line a problem, like a
    compiler, then the count line."""
    problems = list(problems)
    return "\n".join([*(str(m) for m in measures), *(str(p) for p in problems), count_line(problems)])


def _as_dict(problem: Problem) -> dict[str, object]:
    if isinstance(problem, LintProblem):
        return problem.to_dict()
    return {
        "file": problem.file,
        "line": problem.line,
        "key": problem.key,
        "rule": "content",
        "severity": problem.severity.value,
        "message": problem.message,
    }


def format_json(problems: Iterable[Problem], measures: Iterable[MaterialMeasures] = ()) -> str:
    """{"materials": [{file, material, language, measured, not_measured}],
    "problems": [{file, line, key, rule, severity, message}]}."""
    return json.dumps(
        {"materials": [m.to_dict() for m in measures], "problems": [_as_dict(p) for p in problems]},
        ensure_ascii=False,
        indent=2,
    )
