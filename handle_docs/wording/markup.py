"""The tiny, safe wording markup used in content files.

* a blank line starts a new paragraph;
* a line starting ``- `` is a bullet point (consecutive ones form one list);
* ``**two stars**`` make words bold;
* ``{name}`` is a placeholder filled in per document from an allowed set.

Nothing else means anything: ``<b>``, ``{{ x }}`` or ``url(...)`` are printed
as the literal characters a resident would read.  The parser produces plain
data that both the HTML and the Word renderer draw from, so the two can never
disagree about the words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class BulletList:
    items: tuple[tuple[Run, ...], ...]


Node = Paragraph | BulletList


def _runs(text: str) -> tuple[Run, ...]:
    """Split a line of text on ``**`` pairs into plain and bold runs."""
    parts = text.split("**")
    if len(parts) % 2 == 0:  # an unmatched ** is printed literally
        parts = [*parts[:-2], parts[-2] + "**" + parts[-1]]
    runs = [Run(part, bold=bool(i % 2)) for i, part in enumerate(parts) if part]
    return tuple(runs)


def parse(text: str) -> tuple[Node, ...]:
    """Parse wording into paragraphs and bullet lists."""
    nodes: list[Node] = []
    para: list[str] = []
    items: list[str] = []

    def flush_para() -> None:
        if para:
            nodes.append(Paragraph(_runs(" ".join(para))))
            para.clear()

    def flush_items() -> None:
        if items:
            nodes.append(BulletList(tuple(_runs(item) for item in items)))
            items.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if not line:
            flush_para()
            flush_items()
        elif line.startswith("- "):
            flush_para()
            items.append(line[2:].strip())
        elif items and raw[:1].isspace():
            items[-1] += " " + line  # continuation of a bullet point
        else:
            flush_items()
            para.append(line)
    flush_para()
    flush_items()
    return tuple(nodes)


def placeholders(text: str) -> list[str]:
    return PLACEHOLDER_RE.findall(text)


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace known ``{name}`` placeholders; leave anything else literal."""
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def fill_nodes(nodes: tuple[Node, ...], values: Mapping[str, str]) -> tuple[Node, ...]:
    """Fill placeholders after parsing, so values can never inject markup."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Paragraph):
            out.append(Paragraph(tuple(Run(fill(r.text, values), r.bold) for r in node.runs)))
        else:
            out.append(
                BulletList(
                    tuple(tuple(Run(fill(r.text, values), r.bold) for r in item) for item in node.items)
                )
            )
    return tuple(out)


def plain_text(nodes: tuple[Node, ...]) -> str:
    """The words a resident reads, one paragraph or bullet point per line."""
    lines: list[str] = []
    for node in nodes:
        if isinstance(node, Paragraph):
            lines.append("".join(r.text for r in node.runs))
        else:
            lines.extend("".join(r.text for r in item) for item in node.items)
    return "\n".join(lines)
