"""Find the line of the YAML file a piece of wording's words are on.

The YAML loader records the line of every key, not of the words inside a
multi-line value.  To point at the line a sentence starts on, we walk the
piece's plain text word by word and find each word, in order, in the file
from the key onwards; between two words of the value there can only be
spaces, line breaks, indentation and markup (``**``, ``- ``), never another
word.  A word we cannot find that way (say, behind a YAML escape) takes the
line of the word before it, or the key's line.
"""

from __future__ import annotations

import bisect
import re

_TOKEN = re.compile(r"\w+")


def value_start(file_text: str, key_line: int, key_name: str) -> int:
    """Offset in ``file_text`` just after ``key_name:`` on line ``key_line``."""
    lines = file_text.split("\n")
    if not 1 <= key_line <= len(lines):
        return len(file_text)
    offset = sum(len(line) + 1 for line in lines[: key_line - 1])
    line = lines[key_line - 1]
    match = re.search(re.escape(key_name) + r"""["']?\s*:""", line)
    return offset + (match.end() if match else 0)


class SourceMap:
    """Maps offsets in a piece's plain text to 1-based lines of its file."""

    def __init__(self, plain: str, file_text: str | None, key_line: int | None, key_name: str):
        self.key_line = key_line
        self._starts: list[int] = []
        self._lines: list[int | None] = []
        if file_text is None or key_line is None:
            return
        cursor = value_start(file_text, key_line, key_name)
        line_starts = [0] + [m.end() for m in re.finditer("\n", file_text)]
        previous: int | None = key_line
        for token in _TOKEN.finditer(plain):
            pattern = re.compile(r"(?<!\w)" + re.escape(token.group()) + r"(?!\w)")
            found = pattern.search(file_text, cursor)
            if found is not None and not _TOKEN.search(file_text, cursor, found.start()):
                cursor = found.end()
                previous = bisect.bisect_right(line_starts, found.start())
            self._starts.append(token.start())
            self._lines.append(previous)

    def line_at(self, offset: int | None) -> int | None:
        """Line of the first word at or after ``offset`` (None: the key's line)."""
        if offset is None or not self._starts:
            return self.key_line
        index = bisect.bisect_left(self._starts, offset)
        if index >= len(self._starts):
            index = len(self._starts) - 1
        return self._lines[index]
