"""The words a resident reads, as plain text, and word-level diffs of them.

``approve`` and ``request-changes`` keep a snapshot of this text for every
version they sign (``review/<id>.versions/<short-hex>.txt``), so a reviewer
can later see exactly what changed since the last approved version: the
wording with placeholders filled in, labels, contact details and links, never
YAML syntax.  The snapshot's header lists the fingerprint's parts, so changes
outside the wording (a template, the CSS, a font) are named too.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from handle_docs.compose.context import placeholder_values
from handle_docs.util import atomic
from handle_docs.wording import markup
from handle_docs.wording.content import Content

from .fingerprints import SHORT_HEX, Part, fingerprint_of_parts, fingerprint_parts, hex_of

HEADER_MARK = "# "
SECTION_RE = re.compile(r"^\[([^\]\n]+)\]$")


def resident_text(content: Content, material_id: str) -> str:
    """Every word a resident may read in this material, one section per block."""
    material = content.material(material_id)
    spec = material.spec
    values = placeholder_values(content)
    sections: list[tuple[str, list[str]]] = [("title", [spec.title])]
    for name, block in material.blocks.items():
        lines: list[str] = []
        if block.heading:
            lines.append(markup.fill(block.heading, values))
        lines.extend(markup.plain_text(markup.fill_nodes(block.nodes, values)).splitlines())
        sections.append((name, lines))
    if spec.labels:
        sections.append(("labels", [f"{k}: {v}" for k, v in spec.labels.items()]))
    if spec.items:
        sections.append(("items", [f"{k}: {v}" for k, v in spec.items.items()]))
    op = content.operation
    sections.append(
        (
            "contact",
            [
                op.force.name,
                op.force.team,
                *op.force.address,
                f"phone: {op.force.phone}",
                f"non-emergency: {op.force.non_emergency}",
                f"emergency: {op.force.emergency}",
                f"signed: {op.signatory.name}, {op.signatory.role}",
            ],
        )
    )
    sections.append(
        (
            "links",
            [
                f"{k}: {content.link_label(material, k)}: {v.short} ({v.url})"
                for k, v in content.links.links.items()
            ],
        )
    )
    out: list[str] = []
    for name, lines in sections:
        out.append(f"[{name}]")
        out.extend(line for line in lines if line.strip())
        out.append("")
    return "\n".join(out)


# --- snapshots ---------------------------------------------------------------


@dataclass
class Snapshot:
    material_id: str
    fingerprint: str
    parts: list[Part]
    text: str


def versions_dir(review_dir: Path, material_id: str) -> Path:
    return Path(review_dir) / f"{material_id}.versions"


def snapshot_path(review_dir: Path, material_id: str, fp: str) -> Path:
    return versions_dir(review_dir, material_id) / f"{hex_of(fp)[:SHORT_HEX]}.txt"


def snapshot_text(content: Content, material_id: str) -> str:
    parts = fingerprint_parts(content, material_id)
    fp = fingerprint_of_parts(material_id, parts)
    head = [
        "# handle-docs review snapshot: the words a resident reads in one version.",
        "# Written by 'handle-docs review approve' / 'request-changes'; used by 'review diff'.",
        f"# material: {material_id}",
        f"# fingerprint: {fp}",
        *(f"# part: {p.line()}" for p in parts),
    ]
    return "\n".join(head) + "\n\n" + resident_text(content, material_id)


def write_snapshot(review_dir: Path, content: Content, material_id: str, fp: str) -> Path:
    path = snapshot_path(review_dir, material_id, fp)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(path, snapshot_text(content, material_id))
    with contextlib.suppress(OSError):  # pragma: no cover
        path.chmod(0o644)
    return path


def read_snapshot(review_dir: Path, material_id: str, fp: str) -> Snapshot | None:
    """The snapshot of version ``fp``, or None if there is none (or it is for another version)."""
    path = snapshot_path(review_dir, material_id, fp)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    head, _, text = raw.partition("\n\n")
    meta: dict[str, str] = {}
    parts: list[Part] = []
    for line in head.splitlines():
        if not line.startswith(HEADER_MARK):
            return None
        body = line[len(HEADER_MARK) :]
        key, _, value = body.partition(": ")
        if key == "part":
            bits = value.split(" ")
            if len(bits) == 3:
                parts.append(Part(*bits))
        elif key in ("material", "fingerprint"):
            meta[key] = value.strip()
    if meta.get("fingerprint") != fp:
        return None
    return Snapshot(material_id, fp, parts, text)


def known_versions(review_dir: Path, material_id: str) -> set[str]:
    """Short hex of every version a snapshot exists for."""
    folder = versions_dir(review_dir, material_id)
    if not folder.is_dir():
        return set()
    return {p.stem for p in folder.glob("*.txt")}


# --- word diff ---------------------------------------------------------------


def sections_of(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        match = SECTION_RE.match(line)
        if match:
            current = sections.setdefault(match.group(1), [])
        elif current is not None and line.strip():
            current.append(line)
    return sections


def _tokens(lines: list[str]) -> list[str]:
    tokens: list[str] = []
    for line in lines:
        tokens.extend(line.split())
        tokens.append("\n")
    return tokens


def word_diff(old_lines: list[str], new_lines: list[str]) -> list[tuple[str, bool]]:
    """Lines of the new text with changes marked ``[-old-]{+new+}``, each with
    a flag saying whether it changed (like ``git diff --word-diff``)."""
    a, b = _tokens(old_lines), _tokens(new_lines)
    out: list[tuple[str, bool]] = []
    words: list[str] = []
    changed = False

    def end_line() -> None:
        nonlocal words, changed
        out.append((" ".join(words), changed))
        words, changed = [], False

    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            for token in a[i1:i2]:
                end_line() if token == "\n" else words.append(token)
            continue
        changed = True
        gone = [t for t in a[i1:i2] if t != "\n"]
        pending = "[-" + " ".join(gone) + "-]" if gone else ""
        run: list[str] = []
        for token in b[j1:j2]:
            if token == "\n":
                if run:
                    pending += "{+" + " ".join(run) + "+}"
                    run = []
                if pending:
                    words.append(pending)
                    pending = ""
                end_line()
                changed = True
            else:
                run.append(token)
        if run:
            pending += "{+" + " ".join(run) + "+}"
        if pending:
            words.append(pending)
    if words:
        end_line()
    # a line that is only the tail of a changed line's break is not a change of its own
    return [(text, flag) for text, flag in out if text or flag]


@dataclass
class SectionDiff:
    name: str
    status: str  # "changed", "added", "removed"
    lines: list[str] = field(default_factory=list)


def diff_sections(old_text: str, new_text: str) -> list[SectionDiff]:
    old, new = sections_of(old_text), sections_of(new_text)
    result: list[SectionDiff] = []
    for name, lines in new.items():
        if name not in old:
            result.append(SectionDiff(name, "added", ["{+" + line + "+}" for line in lines]))
        elif old[name] != lines:
            marked = [text for text, flag in word_diff(old[name], lines) if flag and text]
            result.append(SectionDiff(name, "changed", marked))
    for name, lines in old.items():
        if name not in new:
            result.append(SectionDiff(name, "removed", ["[-" + line + "-]" for line in lines]))
    return result


def diff_parts(old: list[Part], new: list[Part]) -> list[str]:
    """Human lines for parts that changed, appeared or went away."""
    before = {p.name: p for p in old}
    after = {p.name: p for p in new}
    lines = []
    for name, part in after.items():
        if name not in before:
            lines.append(f"added    {part.kind} {name}")
        elif before[name].sha256 != part.sha256:
            lines.append(f"changed  {part.kind} {name}")
    for name, part in before.items():
        if name not in after:
            lines.append(f"removed  {part.kind} {name}")
    return lines
