"""A word diff (review/wording.py's ``[-gone-]{+new+}`` marks) read back into pieces for a page's
``diff_line`` and ``word_changes`` components: removed words struck through, added underlined, never the
marks themselves (the review page's What changed, the History tab)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from handle_docs.review.wording import SectionDiff
from handle_docs.wording.labels import line_name, section_name

#: The word diff's marks (``[-gone-]``, ``{+new+}``), read back into removed / added pieces for the page.
MARK = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}", re.S)


def pieces(line: str) -> list[tuple[str, str]]:
    """One marked line as (kind, text) pieces: kind is "same", "removed" or "added"."""
    out, at = [], 0
    for match in MARK.finditer(line):
        if match.start() > at:
            out.append(("same", line[at : match.start()]))
        out.append(("removed", match.group(1)) if match.group(1) is not None else ("added", match.group(2)))
        at = match.end()
    if at < len(line):
        out.append(("same", line[at:]))
    return out


#: A line of a keyed section ("qr_alt: QR code: …"), marked or not: the mark it opens with, its key.
KEYED = re.compile(r"^(\[-|\{\+)?([a-z][a-z0-9_]*): ")


def named(section: str, line: str) -> str:
    """A line of a labels, items or links section with its key in words (the box's name in the editor)."""
    match = KEYED.match(line)
    name = line_name(section, match.group(2)) if match else None
    if match is None or name is None:
        return line
    return (match.group(1) or "") + (f"{name}: " if name else "") + line[match.end() :]


def sections_view(diffs: Iterable[SectionDiff]) -> list[dict]:
    """Changed sections of the resident's text for the page (the diff_line component): each one's name as the
    editor says it, whether it is new, removed or changed, and its lines in pieces (a label by its name)."""
    return [
        {
            "name": section_name(s.name),
            "status": s.status,
            "lines": [pieces(named(s.name, line)) for line in s.lines],
        }
        for s in diffs
    ]
