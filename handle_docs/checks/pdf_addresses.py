"""Every web address printed on a page, read back from the page's characters with its line
breaks as they fall, and compared with the link of the link file it stands for.

A page's characters are read in drawing order (a paragraph in one column of two is drawn
whole, where reading order interleaves the columns) and cut into *pieces*: the runs of
characters between spaces, gaps and line ends.  Each printed form of each link
(:func:`printed_forms`: the URL with or without ``https://`` and ``www.``, and its short
form) is looked for across the pieces, whole: it must start and end at a piece's edge (a
bracket or a full stop beside it is punctuation, not address).  A form found over several
pieces is *broken*, unless each break is a line end that follows a "/" or a "."
(render/webaddress.py): broken after its hyphen, inside a word, with a hyphen added or with
a space in it, a reader cannot type it back.  A piece left over that looks like a web address
(:func:`looks_like_address`) is an address the link file does not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from .config import CheckConfig
from .pdf_common import PdfDoc
from .results import CheckResult, Finding

CHECK = "web-addresses"

#: Top-level domains a dotted word must end in to look like a web address without
#: ``https://`` or ``www.`` (a file name such as "batch.pdf" or an abbreviation such as "e.g."
#: does not).  The reserved example names are here: the demo force's links use ``.example``.
TOP_LEVEL_DOMAINS = frozenset(
    {
        # the reserved names (the demo force's links use .example)
        "example", "test", "invalid", "localhost",
        # the UK's, and those of the languages the letters are printed in
        "uk", "cymru", "wales", "scot", "ie", "eu", "pl", "ro", "pk", "in",
        # the common generic ones
        "com", "org", "net", "gov", "edu", "int", "info", "biz", "io", "co", "me", "app", "online",
        "site", "tv", "ly", "ai", "dev",
    }
)  # fmt: skip
#: Sites printed as the name of where data come from, not as a link to follow: the reports say
#: "from police.uk street-level crime data" (templates/report/).  Accepted bare only, never with
#: a path, ``https://`` or ``www.``: a letter that sends a reader somewhere uses a link-file link.
NAMED_SITES = frozenset({"police.uk"})
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_HOST_AND_PATH = re.compile(rf"^(?:{_LABEL}\.)+(?P<tld>[a-z]+)(?::\d+)?(?:[/?#]\S*)?$")
_SCHEME_OR_WWW = re.compile(r"^(?:(?:https?|ftp)://|www\.)\S+$")


def looks_like_address(text: str) -> bool:
    """True for a word a reader would take for a web address: with ``https://`` or ``www.``,
    or a dotted name ending in a top-level domain (``westmarch-police.example/watch``,
    ``police.uk``); never an e-mail address."""
    word = text.lower()
    if "@" in word:
        return False
    if _SCHEME_OR_WWW.match(word):
        return True
    found = _HOST_AND_PATH.match(word)
    return found is not None and found.group("tld") in TOP_LEVEL_DOMAINS


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def printed_forms(url: str, short_forms: dict[str, str]) -> list[str]:
    """Ways the link may be printed, squashed (no whitespace, lower case, no trailing "/"):
    the URL with or without scheme and ``www.``, or its short form."""
    forms = []
    parts = urlsplit(url)
    rest = url.split("://", 1)[-1]
    forms.extend([url, rest])
    if parts.hostname and parts.hostname.startswith("www."):
        forms.append(rest[4:])
    if url in short_forms:
        forms.append(short_forms[url])
    return [_squash(f).rstrip("/") for f in forms if f.strip()]


def link_forms(config: CheckConfig) -> list[tuple[str, str]]:
    """(printed form, link) for every link of the link file, longest form first (a long
    form is found before a shorter one inside it)."""
    pairs = {(form, url) for url in config.allowed_urls for form in printed_forms(url, config.short_forms)}
    return sorted(pairs, key=lambda pair: (-len(pair[0]), pair))


@dataclass(frozen=True)
class Piece:
    """Characters drawn together: no space, gap or line end among them."""

    text: str
    line: int  # which line of the page (in drawing order) it is drawn on


@dataclass(frozen=True)
class PrintedAddress:
    """A web address as printed: its pieces line by line, and the link it stands for."""

    pieces: tuple[str, ...]
    url: str | None  # None: no link of the link file
    broken: bool = False  # broken somewhere a reader cannot tell
    part_of: str | None = None  # a link-file form it is only a part of (the rest printed away from it)

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    def shown(self) -> str:
        return " / ".join(repr(piece) for piece in self.pieces)


def page_pieces(chars: Iterable[dict]) -> list[Piece]:
    """The page's characters in drawing order, cut at spaces, at gaps wider than a third
    of the type size, where the pen goes back, and at line ends (the top moves by more
    than half the type size)."""
    pieces: list[Piece] = []
    text, line, piece_line, prev, cut = "", 0, 0, None, True
    for ch in chars:
        if not ch["text"].strip():
            cut = True
            continue
        if prev is not None:
            size = max(prev.get("size", 0), 1)
            new_line = abs(ch["top"] - prev["top"]) > size / 2
            gap = ch["x0"] - prev["x1"]
            cut = cut or new_line or gap > size / 3 or ch["x0"] < prev["x0"] - 1
            line += new_line
        if cut and text:
            pieces.append(Piece(text, piece_line))
            text = ""
        if not text:
            piece_line = line
        text += ch["text"]
        prev, cut = ch, False
    if text:
        pieces.append(Piece(text, piece_line))
    return pieces


def _stream(pieces: list[Piece], added_hyphens: bool) -> tuple[str, list[int], list[tuple[int, int]]]:
    """The pieces run together in lower case, which piece each character is from, and where
    each piece starts and ends in it; with ``added_hyphens``, a hyphen that ends a line is
    left out (as if the typesetter had added it)."""
    text: list[str] = []
    owner: list[int] = []
    bounds: list[tuple[int, int]] = []
    for i, piece in enumerate(pieces):
        word = piece.text.lower()
        line_end = i + 1 < len(pieces) and pieces[i + 1].line != piece.line
        if added_hyphens and line_end and word.endswith("-"):
            word = word[:-1]
        bounds.append((len(owner), len(owner) + len(word)))
        text.append(word)
        owner.extend([i] * len(word))
    return "".join(text), owner, bounds


def _edge_ok(before: str, after: str) -> bool:
    """A form found inside a piece is the whole address when only punctuation is beside it
    (a trailing "/" at most once)."""
    after = after[1:] if after.startswith("/") else after
    return not any(c.isalnum() for c in before) and not any(c.isalnum() or c == "/" for c in after)


def _broken(pieces: list[Piece], first: int, last: int) -> bool:
    """Whether a form over pieces ``first``..``last`` is broken other than at line ends after
    a "/" or a "." (a space inside it, or a line end after anything else)."""
    return any(
        pieces[k].line == pieces[k + 1].line or not pieces[k].text.endswith(("/", "."))
        for k in range(first, last)
    )


def _found(
    pieces: list[Piece], forms: list[tuple[str, str]], claimed: set[int], added_hyphens: bool
) -> Iterator[PrintedAddress]:
    """Each printed form found over pieces not yet ``claimed`` (claiming them)."""
    text, owner, bounds = _stream(pieces, added_hyphens)
    for form, url in forms:
        at = text.find(form)
        while at >= 0:
            first, last = owner[at], owner[at + len(form) - 1]
            span = set(range(first, last + 1))
            before, after = text[bounds[first][0] : at], text[at + len(form) : bounds[last][1]]
            if not span & claimed and _edge_ok(before, after):
                claimed |= span
                hyphen_added = any(
                    bounds[k][1] - bounds[k][0] < len(pieces[k].text) for k in range(first, last)
                )
                shown = tuple(p.text for p in pieces[first : last + 1])
                yield PrintedAddress(shown, url, hyphen_added or _broken(pieces, first, last))
            at = text.find(form, at + 1)


def _word(text: str) -> str:
    """``text`` without the punctuation a sentence puts round a word (any script's: brackets,
    quotes, full stops, the Arabic comma); a "/" that ends it stays."""
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] == "/"):
        end -= 1
    return text[start:end]


def _may_go_on(line_end: str, next_line: str) -> bool:
    """Whether an address may go on from a line ending ``line_end`` to the next, starting
    ``next_line``: after a "/", or after a "." when the next line starts in lower case (a
    capital starts a sentence)."""
    start = next_line[:1]
    return (
        start.isascii()
        and start.isalnum()
        and (line_end.endswith("/") or (line_end.endswith(".") and not start.isupper()))
    )


def _part_of(word: str, forms: list[tuple[str, str]]) -> str | None:
    """The shortest link-file form ``word`` is only a part of, when it is long enough and has
    a "." or a "/" inside ("example/watch" of "westmarch-police.example/watch": an address
    broken apart, as right-to-left text round an address it does not isolate does)."""
    low = word.lower()
    if len(low) < 6 or not any(c in low for c in "./"):
        return None
    return next((form for form, _ in reversed(forms) if low in form and low != form), None)


def _others(pieces: list[Piece], claimed: set[int], forms: list[tuple[str, str]]) -> Iterator[PrintedAddress]:
    """Pieces not ``claimed`` that look like a web address (not a named site) or are part of a
    link-file form, each with the pieces after it on the next lines while it may go on
    (:func:`_may_go_on`) and the whole still looks like an address ("https://" / "police.uk")."""
    i = 0
    while i < len(pieces):
        if i in claimed:
            i += 1
            continue
        last = i
        while (
            last + 1 < len(pieces)
            and last + 1 not in claimed
            and pieces[last + 1].line == pieces[last].line + 1
            and _may_go_on(pieces[last].text, pieces[last + 1].text)
            and looks_like_address(_word("".join(p.text for p in pieces[i : last + 2])))
        ):
            last += 1
        word = _word("".join(p.text for p in pieces[i : last + 1]))
        part_of = _part_of(word, forms)
        if part_of or (looks_like_address(word) and word.lower() not in NAMED_SITES):
            shown = tuple(p.text for p in pieces[i : last + 1])
            yield PrintedAddress((word,) if last == i else shown, None, part_of=part_of)
        i = last + 1


def read_addresses(chars: Iterable[dict], forms: list[tuple[str, str]]) -> list[PrintedAddress]:
    """Every web address printed in ``chars`` (one page's characters, pdfplumber's), in the
    order they are found: the link-file forms first, then (``url`` None) parts of them printed
    apart and anything else that looks like an address and is not one of the
    :data:`NAMED_SITES`."""
    pieces = page_pieces(chars)
    claimed: set[int] = set()
    found = list(_found(pieces, forms, claimed, added_hyphens=False))
    found.extend(_found(pieces, forms, claimed, added_hyphens=True))
    found.extend(_others(pieces, claimed, forms))
    return found


def findings_for(page: int, addresses: Iterable[PrintedAddress]) -> Iterator[Finding]:
    """What is wrong with a page's printed addresses, in the words of someone checking print."""
    for address in addresses:
        if address.part_of:
            yield Finding(
                f"web address not whole: {_word(address.text)!r} is only part of {address.part_of!r} "
                "(links.yaml), the rest printed away from it where a reader cannot tell it belongs",
                page=page,
                element="web address",
                text=_word(address.text),
            )
        elif address.url is None:
            yield Finding(
                f"web address not in the link file: {_word(address.text)!r} (print only the links of links.yaml)",
                page=page,
                element="web address",
                text=_word(address.text),
            )
        elif address.broken:
            yield Finding(
                "web address broken where a reader cannot tell: "
                + address.shown()
                + ' (it may break only after a "/" or a ".")',
                page=page,
                element="web address",
                text=_word(address.text),
            )


def check_web_addresses(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    """Every printed web address is a link of the link file, read back whole, broken across
    lines only after a "/" or a "."."""
    forms = link_forms(config)
    findings: list[Finding] = []
    for n in range(1, doc.page_count + 1):
        findings.extend(findings_for(n, read_addresses(doc.chars(n), forms)))
    return CheckResult.from_findings(CHECK, findings)


CHECKS = ((CHECK, check_web_addresses),)
