"""Braille (.brf) checks: the page size, the page numbers, and the words read back.

A BRF file made by a letters run (handle_docs/braille/outputs.py) has a words
file beside it (``L0042.brf`` → ``L0042.json``): the words the braille was
made from, the liblouis table and the page size.  The checks:

* ``brf-cells``: only Braille ASCII, lines of at most ``cells_per_line``
  cells, pages of at most ``lines_per_page`` lines (40 × 25 without a words
  file);
* ``brf-page-numbers``: each page's first line ends with its number, in order;
* ``brf-words``: the braille back-translated with liblouis gives back at
  least :data:`MIN_WORDS_MATCHED` of the letter's words, in order.

Words are compared by their letters alone, case, accents and ligatures
("æ" for "ae") aside: numbers
and punctuation are left out, because some codes' lowered digits share cells
with punctuation (liblouis reads Welsh braille's comma back as "1").  Findings
name a page or a count, never the words: they may be a registration.
"""

from __future__ import annotations

import difflib
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handle_docs.braille import translate
from handle_docs.braille.layout import page_number, read_pages
from handle_docs.braille.translate import BRAILLE_ASCII

from .config import CheckConfig
from .results import CheckResult, Finding

#: The share of the letter's words the braille must give back.
MIN_WORDS_MATCHED = 0.98
DEFAULT_CELLS, DEFAULT_LINES = 40, 25
_ALLOWED = set(BRAILLE_ASCII) | set(BRAILLE_ASCII.lower())
#: Letters some tables read back joined ("æ" for Welsh "ae"): compared as their two letters.
_LIGATURES = str.maketrans({"æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE"})


@dataclass
class BrfFile:
    path: Path
    pages: list[list[str]]
    words: dict[str, Any] | None  # the words file, None when there is none

    @classmethod
    def open(cls, path: Path) -> BrfFile:
        data = Path(path).read_bytes()
        words_path = Path(path).with_suffix(".json")
        words = json.loads(words_path.read_text(encoding="utf-8")) if words_path.is_file() else None
        return cls(Path(path), read_pages(data), words)

    @property
    def cells(self) -> int:
        return int(self.words["cells_per_line"]) if self.words else DEFAULT_CELLS

    @property
    def lines(self) -> int:
        return int(self.words["lines_per_page"]) if self.words else DEFAULT_LINES

    def text_lines(self) -> list[str]:
        """Every line of text, without the page number lines."""
        return [line for page in self.pages for line in page[1:] if line.strip()]


def word_keys(text: str) -> list[str]:
    """The words of ``text`` as compared: letters only, case and accents aside."""
    keys = []
    for word in text.split():
        plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
        plain = plain.translate(_LIGATURES)
        key = "".join(c for c in plain.casefold() if c.isalpha())
        if key:
            keys.append(key)
    return keys


def words_matched(expected: list[str], found: list[str]) -> float:
    """The share of ``expected`` found in ``found``, in order."""
    if not expected:
        return 1.0
    matcher = difflib.SequenceMatcher(None, expected, found, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(expected)


def check_cells(doc: BrfFile, config: CheckConfig) -> CheckResult:
    findings = []
    for number, page in enumerate(doc.pages, start=1):
        if len(page) > doc.lines:
            findings.append(Finding(f"{len(page)} lines: at most {doc.lines} on a page", page=number))
        for line_no, line in enumerate(page, start=1):
            if len(line) > doc.cells:
                findings.append(Finding(f"line {line_no} has {len(line)} cells: at most {doc.cells}", page=number))
            if set(line) - _ALLOWED:
                findings.append(Finding(f"line {line_no} has characters that are not Braille ASCII", page=number))
    return CheckResult.from_findings("brf-cells", findings)


def check_page_numbers(doc: BrfFile, config: CheckConfig) -> CheckResult:
    findings = []
    for number, page in enumerate(doc.pages, start=1):
        if not page or not page[0].rstrip().endswith(page_number(number)):
            findings.append(Finding(f"the first line does not end with the page number {number}", page=number))
    return CheckResult.from_findings("brf-page-numbers", findings)


def check_words(doc: BrfFile, config: CheckConfig) -> CheckResult:
    name = "brf-words"
    if doc.words is None:
        return CheckResult.from_findings(name, [Finding(f"no words file ({doc.path.with_suffix('.json').name}) "
                                                        "beside it: cannot compare the braille with the letter")])
    if not translate.available():
        return CheckResult.skip(name, "liblouis is not installed (Debian: liblouis-bin liblouis-data)")
    table = doc.words["table"]
    expected = word_keys(" ".join(p["text"] for p in doc.words["paragraphs"]))
    found = word_keys(" ".join(translate.backward(line.strip(), table) for line in doc.text_lines()))
    share = words_matched(expected, found)
    if share >= MIN_WORDS_MATCHED:
        return CheckResult.from_findings(name, [])
    return CheckResult.from_findings(name, [Finding(
        f"the braille reads back {share:.0%} of the letter's {len(expected)} words "
        f"(at least {MIN_WORDS_MATCHED:.0%} needed; table {table})")])


CHECKS = (
    ("brf-cells", check_cells),
    ("brf-page-numbers", check_page_numbers),
    ("brf-words", check_words),
)
