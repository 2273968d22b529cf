"""A paragraph of a letter in a language not written in Latin letters, split into script runs.

An Arabic or Urdu letter holds Latin words too: the force's name and
address, the web addresses, the reference.  liblouis's Arabic table writes
them in Arabic braille's own letters (which read back as Arabic) and its Urdu
tables have no braille for them at all, so each run of Latin words is
translated with the English (UEB) table instead, and the rest with the
letter's own table (``content/braille.yaml``: ``latin_words_in_english``).

A word (text between spaces) of Latin letters, digits and ASCII punctuation
is Latin; any other word with a letter is the letter's own; a word with no letter (a
number, a dash) goes with the run before it (the first run, when it comes
first).  No braille indicator marks the change: liblouis's Arabic and Urdu
tables define none, and we found none in the codes (docs/braille.md).
"""

from __future__ import annotations

import unicodedata

from handle_docs.braille import translate


def _is_latin(char: str) -> bool:
    return char.isalpha() and unicodedata.name(char, "").startswith("LATIN")


def _script(word: str) -> str | None:
    """'latin', 'own', or None for a word with no letter.

    A word is Latin when all its letters are Latin and nothing in it is outside
    ASCII and Latin letters: a Latin word with the letter's own punctuation
    stuck to it ("Westmarch،") stays with the letter's table, which has braille
    for that punctuation (the English table has none)."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return None
    latin = all(_is_latin(c) for c in letters) and all(c.isascii() or _is_latin(c) for c in word)
    return "latin" if latin else "own"


def script_runs(text: str, table: str, latin_table: str | None) -> list[tuple[str, str]]:
    """``text`` as ``(table, text)`` runs; one run with ``table`` when ``latin_table`` is None."""
    if not latin_table:
        return [(table, text)] if text.split() else []
    runs: list[tuple[str, list[str]]] = []
    for word in text.split():
        script = _script(word)
        chosen = latin_table if script == "latin" else table if script == "own" else None
        if chosen is None:
            chosen = runs[-1][0] if runs else None
        if runs and (chosen is None or runs[-1][0] == chosen):
            runs[-1][1].append(word)
        else:
            runs.append((chosen, [word]))  # type: ignore[arg-type]  # None only until a word with letters
    resolved: list[tuple[str, str]] = []
    for index, (chosen, words) in enumerate(runs):
        if chosen is None:  # the paragraph starts with words without letters: they go with the next run
            chosen = runs[index + 1][0] if index + 1 < len(runs) else table
        if resolved and resolved[-1][0] == chosen:
            resolved[-1] = (chosen, f"{resolved[-1][1]} {' '.join(words)}")
        else:
            resolved.append((chosen, " ".join(words)))
    return resolved


def forward_text(text: str, table: str, latin_table: str | None = None) -> str:
    """``text`` in braille (Braille ASCII), Latin runs with ``latin_table`` when given."""
    return " ".join(
        translate.forward(run, run_table) for run_table, run in script_runs(text, table, latin_table)
    )
