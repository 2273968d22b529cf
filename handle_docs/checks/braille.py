"""Braille (.brf) checks: the page size, the page numbers, and the words read back.

A BRF file made by a letters run (handle_docs/braille/outputs.py) has a words
file beside it (``L0042.brf`` → ``L0042.json``): the words the braille was
made from, the liblouis table and the page size.  The checks:

* ``brf-cells``: only Braille ASCII, lines of at most ``cells_per_line``
  cells, pages of at most ``lines_per_page`` lines (40 × 25 without a words
  file);
* ``brf-page-numbers``: each page's first line ends with its number, in order;
* ``brf-words``: the braille holds at least :data:`MIN_WORDS_MATCHED` of the
  letter's words, in order, each translated again with the table (and, for
  the Latin words of an Arabic or Urdu letter, the English table) the words
  file names: the braille says what the letter says, as the table writes it;
* ``brf-read-back``: liblouis reads the braille back into at least
  :data:`MIN_WORDS_MATCHED` of the letter's words: the table itself is checked
  too.  For a table liblouis reads back wrongly although its braille follows
  the code (``read_back_unreliable`` in braille.yaml: Welsh grade 2, see
  docs/braille.md), the share is reported and the check skipped.

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
from handle_docs.braille.runs import script_runs
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
                findings.append(
                    Finding(f"line {line_no} has {len(line)} cells: at most {doc.cells}", page=number)
                )
            if set(line) - _ALLOWED:
                findings.append(
                    Finding(f"line {line_no} has characters that are not Braille ASCII", page=number)
                )
    return CheckResult.from_findings("brf-cells", findings)


def check_page_numbers(doc: BrfFile, config: CheckConfig) -> CheckResult:
    findings = []
    for number, page in enumerate(doc.pages, start=1):
        if not page or not page[0].rstrip().endswith(page_number(number)):
            findings.append(
                Finding(f"the first line does not end with the page number {number}", page=number)
            )
    return CheckResult.from_findings("brf-page-numbers", findings)


def letter_runs(words: dict[str, Any]) -> list[tuple[str, str]]:
    """The letter's words as ``(table, text)`` runs, as the run translated them."""
    return [
        run
        for p in words["paragraphs"]
        for run in script_runs(p["text"], words["table"], words.get("latin_table"))
    ]


def expected_cells(runs: list[tuple[str, str]]) -> tuple[list[str], list[int]]:
    """The letter's words translated again: braille words (Braille ASCII), and the run each comes from."""
    cells: list[str] = []
    owners: list[int] = []
    for index, (table, text) in enumerate(runs):
        for word in translate.forward(text, table).split():
            cells.append(word)
            owners.append(index)
    return cells, owners


def found_cells(doc: BrfFile, expected: list[str]) -> list[str]:
    """The BRF's braille words; a word the layout cut at a full line's end is joined again."""
    known = set(expected)
    words: list[str] = []
    full = False
    for line in doc.text_lines():
        tokens = line.upper().split()
        if full and words and tokens and words[-1] + tokens[0] in known and words[-1] not in known:
            words[-1] += tokens.pop(0)
        words += tokens
        full = len(line) >= doc.cells
    return words


def _needs_liblouis(name: str, doc: BrfFile) -> CheckResult | None:
    if doc.words is None:
        return CheckResult.from_findings(
            name,
            [
                Finding(
                    f"no words file ({doc.path.with_suffix('.json').name}) "
                    "beside it: cannot compare the braille with the letter"
                )
            ],
        )
    if not translate.available():
        return CheckResult.skip(name, "liblouis is not installed (Debian: liblouis-bin liblouis-data)")
    return None


def check_words(doc: BrfFile, config: CheckConfig) -> CheckResult:
    """The braille is the letter's words: each translated again with the run's tables, word for word."""
    name = "brf-words"
    if (early := _needs_liblouis(name, doc)) is not None:
        return early
    assert doc.words is not None  # _needs_liblouis answered for a file without one
    expected, _ = expected_cells(letter_runs(doc.words))
    share = words_matched(expected, found_cells(doc, expected))
    if share >= MIN_WORDS_MATCHED:
        return CheckResult.from_findings(name, [])
    return CheckResult.from_findings(
        name,
        [
            Finding(
                f"the braille holds {share:.0%} of the letter's {len(expected)} words in braille "
                f"(at least {MIN_WORDS_MATCHED:.0%} needed; table {doc.words['table']})"
            )
        ],
    )


def read_back(doc: BrfFile) -> tuple[list[str], list[str]]:
    """(the letter's words, the words liblouis reads back from the BRF), as compared.

    Each stretch of the BRF's braille words is read back with the table of the
    run it lines up with (a Latin run of an Arabic letter with the English table)."""
    if doc.words is None:
        raise ValueError(f"{doc.path}: no words file beside it")
    runs = letter_runs(doc.words)
    expected, owners = expected_cells(runs)
    found = found_cells(doc, expected)
    found_owner = [0] * len(found)
    matcher = difflib.SequenceMatcher(None, expected, found, autojunk=False)
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for j in range(j1, j2):
            i = min(i1 + (j - j1), i2 - 1) if i2 > i1 else max(i1 - 1, 0)
            found_owner[j] = owners[i] if owners else 0
    back: list[str] = []
    start = 0
    for j in range(1, len(found) + 1):
        if j == len(found) or found_owner[j] != found_owner[start]:
            table = runs[found_owner[start]][0] if runs else doc.words["table"]
            back.append(translate.backward(" ".join(found[start:j]), table))
            start = j
    return word_keys(" ".join(run for _, run in runs)), word_keys(" ".join(back))


def check_read_back(doc: BrfFile, config: CheckConfig) -> CheckResult:
    """liblouis reads the braille back into the letter's words (reported only, for a table it reads back wrongly)."""
    name = "brf-read-back"
    if (early := _needs_liblouis(name, doc)) is not None:
        return early
    assert doc.words is not None  # _needs_liblouis answered for a file without one
    expected, found = read_back(doc)
    share = words_matched(expected, found)
    table = doc.words["table"]
    said = f"liblouis reads back {share:.0%} of the letter's {len(expected)} words (table {table})"
    if not doc.words.get("read_back_reliable", True):
        return CheckResult.skip(
            name,
            f"{said}: it reads this table's braille back wrongly (braille.yaml: "
            "read_back_unreliable), so brf-words compares the braille itself",
        )
    if share >= MIN_WORDS_MATCHED:
        return CheckResult.from_findings(name, [])
    return CheckResult.from_findings(name, [Finding(f"{said}: at least {MIN_WORDS_MATCHED:.0%} needed")])


CHECKS = (
    ("brf-cells", check_cells),
    ("brf-page-numbers", check_page_numbers),
    ("brf-words", check_words),
    ("brf-read-back", check_read_back),
)
