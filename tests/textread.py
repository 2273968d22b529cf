"""Text read back out of a PDF by readers that honour ``/ActualText``, and the words of a letter.

* Poppler's ``pdftotext`` (Debian ``poppler-utils``),
* MuPDF through PyMuPDF (the ``test`` extra; Debian's ``mutool`` 1.21 does
  not read ``/ActualText`` at all, docs/languages.md),
* PDFium through pypdfium2, shown but never the judge: it puts ``/ActualText``
  through its own right-to-left reordering a second time.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pymupdf
import pypdfium2
import pytest

from handle_docs.util.script import arabic_script

#: Direction marks and embeddings pdftotext writes around right-to-left lines (and around the
#: punctuation in them: "المقيم\u202a،\u202c"); they are not text, so they are taken out.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def poppler(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: install Debian's poppler-utils (make test installs it)")
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout.translate(BIDI_CONTROLS)


def poppler_pages(path: Path) -> list[str]:
    """Each page's text as Poppler reads it."""
    return poppler(path).split("\f")[:-1] or [""]


def poppler_words(path: Path) -> str:
    """All the words as Poppler reads them, whitespace normalised (lines joined with spaces)."""
    return " ".join(poppler(path).split())


def mupdf(path: Path) -> str:
    with pymupdf.open(path) as document:
        return "\n".join(page.get_text() for page in document).translate(BIDI_CONTROLS)


def pdfium(path: Path) -> str:
    document = pypdfium2.PdfDocument(str(path))
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


READERS = {"poppler": poppler, "mupdf": mupdf}


def _kind(ch: str) -> str:
    if unicodedata.category(ch)[0] not in "LMN":
        return ""
    return "arabic" if arabic_script(ch) else "other"


def words_of(text: str) -> list[str]:
    """Words: runs of letters, marks and digits of one script (a reader that glues an
    Arabic word to a Latin registration beside it still gives two words)."""
    found: list[str] = []
    word, kind = "", ""
    for ch in unicodedata.normalize("NFC", text):
        k = _kind(ch)
        if k != kind or not k:
            if word:
                found.append(word)
            word = ""
        kind = k
        if k:
            word += ch
    if word:
        found.append(word)
    return found


def html_words(document: str) -> set[str]:
    """Every word of a letter's HTML (its content and its record), tags and attributes left out."""
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", document, flags=re.S)
    return set(words_of(html.unescape(re.sub(r"<[^>]*>", " ", body))))
