"""Which writing system a piece of text is in (by Unicode character names)."""

from __future__ import annotations

import unicodedata


def arabic_script(text: str) -> bool:
    """Whether ``text`` holds a character of the Arabic script (Arabic, Urdu, Persian…)."""
    return any("ARABIC" in unicodedata.name(ch, "") for ch in text)
