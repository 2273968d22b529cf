"""Where a printed web address may break: only after a "/" or a ".", never at its hyphen.

A reader types the address off the paper; an address broken after the hyphen
of "westmarch-police" looks hyphenated by the typesetter, and the reader
cannot tell the hyphen belongs to it.  The templates print each piece of
:func:`pieces` unbroken (``white-space: nowrap``) with a break opportunity
(``<wbr>``) between pieces and no hyphen added; ``handle-docs check`` reads
every printed address back and fails one broken anywhere else
(``checks/pdf_addresses.py``).
"""

from __future__ import annotations

import re

_PIECE = re.compile(r"[^/.]*(?:[/.]+|$)")


def pieces(address: str) -> list[str]:
    """``address`` cut after each run of "/" and ".": "westmarch-police.example/watch" ->
    ["westmarch-police.", "example/", "watch"]."""
    return [piece for piece in _PIECE.findall(address) if piece]


def joined_where_it_may_break(text: str) -> str:
    """``text`` (lines read off a page) with each line end that follows a "/" or "." taken
    out: a web address broken only where it may be reads back whole."""
    return re.sub(r"(?<=[/.])[ \t]*\n[ \t]*", "", text)
