"""The shared-back letter layout: what every letter shares, laid out once per chunk and painted into each letter.

A letter material with ``layout: shared-back`` (content) is printed in two
parts: the part that depends on the address (recipient, date, reference,
findings, vehicles table) and the part every letter shares (advice, staying
in touch with its QR codes, how to report, closing, sign-off), which always
starts a new page.  The template draws either part from the same context
(``part``: ``"address"`` or ``"shared"``; ``"whole"`` is the flowing layout).

Laying out the shared part is more than half of a letter's layout time, and
it is the same for every letter with the same shared wording.  So a chunk
lays out each distinct shared part once, as its own article after the
letters, and every letter's pages are its own address pages followed by the
shared pages.  Those are painted once and repeated after every letter, each
repeat with its own copy of the page's structure elements
(render/repeat_pages.py), so each letter keeps whole tags in today's reading
order, and render/split.py cuts it out as before.

Which letters share a part is decided from the context, not from the
material alone: the key is every context value the shared part prints
(:data:`SHARED_KEYS`), so a translation, a large-print letter, another
visit date filled into the wording or a watermark each get their own part.
The shared pages print no letter reference in their footer: one laid-out
page serves every letter (the reference is on the letter's first page).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

SHARED_BACK = "shared-back"
FLOWING = "flowing"
ANCHOR_PREFIX = "shared-"

#: The context values the shared part of a letter prints (the template's
#: ``shared_part`` macro, and the article around it).
SHARED_KEYS = (
    "lang",
    "title",
    "large_print",
    "watermark",
    "labels",
    "advice",
    "keep_informed",
    "qr_codes",
    "report",
    "closing",
    "sign_off",
    "signatory",
)


def is_shared_back(spec: Any) -> bool:
    """Does this material print its shared part on pages of its own?"""
    return getattr(spec, "layout", FLOWING) == SHARED_BACK


def shared_key(context: dict[str, Any]) -> str:
    """What identifies a letter's shared part: a hash of everything it prints."""
    shared = {key: context[key] for key in SHARED_KEYS}
    text = json.dumps(shared, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def address_context(context: dict[str, Any]) -> dict[str, Any]:
    """The context that draws only the address part of a letter."""
    return {**context, "part": "address"}


@dataclass
class SharedParts:
    """The shared parts one chunk needs, one per template and key, in the order first used."""

    parts: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def add(self, template: str, context: dict[str, Any]) -> str:
        """Note the shared part drawn by ``template`` from a letter's ``context``; returns its anchor."""
        key = (template, shared_key(context))
        self.parts.setdefault(key, context)
        return f"{ANCHOR_PREFIX}{list(self.parts).index(key) + 1}"

    def drawn(self) -> list[tuple[str, dict[str, Any]]]:
        """Each shared part as (template, context) drawing it as its own article."""
        return [
            (template, {**context, "part": "shared", "shared_anchor": f"{ANCHOR_PREFIX}{n}"})
            for n, ((template, _), context) in enumerate(self.parts.items(), 1)
        ]
