"""Which way a language's text runs: the one place that decides right to left.

Everything that lays out a document (the HTML templates through the
``text_direction`` global, the Word renderer and its choice of template) asks
:func:`text_direction`; nothing else keeps its own list of languages.  A
value put into wording (a phone number, a date, a place) reads in its own
direction, :func:`direction_of_text`.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

from handle_docs.util.langtag import primary_subtag

Direction = Literal["ltr", "rtl"]

#: Primary language subtags written right to left: Arabic, Urdu, Persian,
#: Hebrew, Pashto, Sindhi, Uyghur, Yiddish.
RTL_LANGUAGES = frozenset({"ar", "ur", "fa", "he", "ps", "sd", "ug", "yi"})


def text_direction(lang: str | None) -> Direction:
    """``rtl`` for a language written right to left (``ar``, ``ur-PK`` …), else ``ltr``."""
    return "rtl" if primary_subtag(lang) in RTL_LANGUAGES else "ltr"


def direction_of_text(text: str) -> Direction:
    """The direction a value reads in, from its first strong character: a
    registration, postcode, phone number, web address or English name reads
    left to right, an Arabic or Urdu one right to left (digits alone: left to
    right).  The value is then isolated in that direction inside text of
    either direction (``<bdi dir=…>``): WeasyPrint does not do ``dir="auto"``."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "ltr"
