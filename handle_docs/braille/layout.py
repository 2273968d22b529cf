"""Braille ASCII paragraphs laid out as a BRF file for an embosser, and read back.

A BRF file here is North American Braille ASCII, one byte a cell, lines of at
most ``cells`` cells ending in CR LF, pages of at most ``lines`` lines with a
form feed between them.  The first line of every page holds only the page
number, at its end, in braille digits (number sign, then a–j); the text runs
on the lines below.  Paragraphs start two cells in and run over to cell one;
a heading has a blank line before it (none at the top of a page) and is never
the last line of a page; a short line of its own (the sender's address, a list
item, a vehicle) starts in cell one and runs over two cells in.  Lines break
at spaces; a word longer than a line (a long web address) is cut at the
line's end.  The same paragraphs always give the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handle_docs.braille.letter import HEADING, LINE, PARAGRAPH

#: Braille digits 0–9 in Braille ASCII (the letters a–j after the number sign).
DIGITS = "JABCDEFGHI"
NUMBER_SIGN = "#"
NEWLINE = "\r\n"
FORM_FEED = "\f"
_INDENT = "  "


@dataclass(frozen=True)
class Brf:
    data: bytes
    pages: int


def page_number(n: int) -> str:
    """``n`` in braille digits, in Braille ASCII: 12 → ``#AB``."""
    return NUMBER_SIGN + "".join(DIGITS[int(d)] for d in str(n))


def wrap(cells: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """``cells`` (Braille ASCII, words separated by spaces) in lines of at most
    ``width`` cells, the first line starting with ``first``, the others with ``rest``."""
    lines: list[str] = []
    line = first
    for word in cells.split():
        joined = f"{line} {word}" if line.strip() else line + word  # else: only the indent so far
        if len(joined) <= width:
            line = joined
            continue
        if line.strip():
            lines.append(line)
            line = rest
        while len(line) + len(word) > width:  # a word longer than a line: cut at the line's end
            room = width - len(line)
            lines.append(line + word[:room])
            word, line = word[room:], rest
        line += word
    if line.strip():
        lines.append(line)
    return lines


def lay_out(paragraphs: list[tuple[str, str]], cells: int, lines: int) -> Brf:
    """``(kind, Braille ASCII)`` paragraphs as a BRF file of ``cells`` × ``lines`` pages."""
    body = lines - 1  # the first line of each page is its number
    pages: list[list[str]] = [[]]

    def room() -> int:
        return body - len(pages[-1])

    for kind, text in paragraphs:
        if kind == PARAGRAPH:
            wrapped = wrap(text, cells, _INDENT, "")
        elif kind == LINE:
            wrapped = wrap(text, cells, "", _INDENT)
        else:
            wrapped = wrap(text, cells)
        if kind == HEADING:
            if pages[-1] and room() >= 3:  # blank line, heading, and a line of what follows
                pages[-1].append("")
            elif pages[-1]:
                pages.append([])
        for line in wrapped:
            if room() == 0:
                pages.append([])
            pages[-1].append(line)
    out = []
    for n, page in enumerate(pages, start=1):
        number = page_number(n)
        head = " " * (cells - len(number)) + number
        out.append("".join(line.rstrip() + NEWLINE for line in [head, *page]))
    return Brf(FORM_FEED.join(out).encode("ascii"), len(pages))


def read_pages(data: bytes) -> list[list[str]]:
    """A BRF file's pages, each a list of its lines (without line ends)."""
    text = data.decode("ascii")
    pages = text.split(FORM_FEED)
    return [
        re.split(r"\r?\n", page.removesuffix(NEWLINE).removesuffix("\n")) if page else [] for page in pages
    ]
