"""PDF page and text checks: contrast, block capitals, page size, real text."""

from __future__ import annotations

from typing import Any

from .config import CheckConfig
from .pdf_common import PdfDoc, contrast_ratio, hex_color, join_chars, to_rgb
from .pdf_fonts import char_runs
from .results import CheckResult, Finding

WHITE = (1.0, 1.0, 1.0)

#: Named page sizes in PDF points (width × height, portrait).
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A3": (841.89, 1190.55),
    "A4": (595.28, 841.89),
    "A5": (419.53, 595.28),
    "A6": (297.64, 419.53),
    "LETTER": (612.0, 792.0),
    "LEGAL": (612.0, 1008.0),
}
PAGE_SIZE_TOLERANCE = 2.0  # pt

_EDGE_PUNCT = "\"'`.,;:!?()[]{}<>«»“”‘’…–—-/\\*•◦▪·"


# -- contrast ---------------------------------------------------------------------


def _backgrounds(
    page: Any,
) -> list[tuple[float, list[tuple[float, float, float, float]], tuple[float, float, float]]]:
    """Filled shapes on the page, smallest first: (area, boxes, rgb).

    A shape is one box, or, for a path filled by the even-odd rule, the
    boxes of its subpaths: WeasyPrint draws a border as the outer rectangle
    and the inner one filled even-odd (a ring), which pdfplumber reports as
    two filled rectangles one after the other.  A point is inside a shape
    when it is inside an odd number of its boxes, so the text a border goes
    round is measured against what is under the ring, not against the ring.
    """
    shapes: list[tuple[list[tuple[float, float, float, float]], tuple[float, float, float]]] = []
    for objects in (page.rects, page.curves):
        ring: list[tuple[float, float, float, float]] | None = None  # boxes of the even-odd path being read
        ring_rgb = None
        for obj in objects:
            rgb = to_rgb(obj.get("non_stroking_color")) if obj.get("fill") else None
            if rgb is None:
                ring = None
                continue
            box = (obj["x0"], obj["top"], obj["x1"], obj["bottom"])
            if obj.get("evenodd") and ring is not None and rgb == ring_rgb and _nested(ring[-1], box):
                ring.append(box)  # another subpath of the same even-odd path
                continue
            boxes = [box]
            shapes.append((boxes, rgb))
            ring, ring_rgb = (boxes, rgb) if obj.get("evenodd") else (None, None)
    sized = [(max((x1 - x0) * (b - t) for x0, t, x1, b in boxes), boxes, rgb) for boxes, rgb in shapes]
    sized.sort(key=lambda s: s[0])  # smallest first: the innermost shape wins
    return sized


def _nested(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    def inside(p, q):
        return q[0] <= p[0] and q[1] <= p[1] and p[2] <= q[2] and p[3] <= q[3]

    return inside(a, b) or inside(b, a)


def _background_at(shapes: list, x: float, y: float) -> tuple[float, float, float]:
    for _, boxes, rgb in shapes:
        if sum(1 for x0, top, x1, bottom in boxes if x0 <= x <= x1 and top <= y <= bottom) % 2:
            return rgb
    return WHITE


def check_contrast(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    """Text colour against what is under it: the smallest filled rectangle or
    path containing the character's centre, else white paper.  (Text over
    images is not assessed.)"""
    findings = []
    for n in range(1, doc.page_count + 1):
        page = doc.plumber_page(n)
        shapes = _backgrounds(page)
        info: dict[int, tuple[str, str, float]] = {}

        def low(ch: dict, shapes=shapes, info=info) -> bool:
            if not ch["text"].strip():
                return False
            fg = to_rgb(ch.get("non_stroking_color"))
            if fg is None:
                return False
            bg = _background_at(shapes, (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2)
            ratio = contrast_ratio(fg, bg)
            if ratio + 1e-9 >= config.min_contrast:
                return False
            info[id(ch)] = (hex_color(fg), hex_color(bg), ratio)
            return True

        reported: set[tuple[str, str]] = set()
        for run in char_runs(page.chars, low):
            fg, bg, ratio = next(info[id(c)] for c in run if id(c) in info)
            if (fg, bg) in reported:
                continue
            reported.add((fg, bg))
            findings.append(
                Finding(
                    f"contrast {ratio:.2f}:1 ({fg} on {bg}), minimum {config.min_contrast:g}:1",
                    page=n,
                    text=join_chars(run),
                )
            )
    return CheckResult.from_findings("contrast", findings)


# -- block capitals -----------------------------------------------------------------


def _word_kind(token: str, acronyms: frozenset[str]) -> str:
    """'caps' (counts), 'neutral' (neither counts nor breaks) or 'break'."""
    word = token.strip(_EDGE_PUNCT)
    letters = [c for c in word if c.isalpha()]
    if not letters or any(c.isdigit() for c in word):
        return "neutral"  # numbers, postcodes, registrations
    bare = word.upper()
    if bare in acronyms or bare.removesuffix("'S").removesuffix("’S") in acronyms:
        return "neutral"
    if all(c.isupper() for c in letters):
        return "caps" if len(letters) >= 2 else "neutral"  # "A", "I"
    return "break"


def caps_runs(tokens: list[str], acronyms: tuple[str, ...], max_words: int) -> list[str]:
    """Text of every run of more than ``max_words`` all-capital words."""
    known = frozenset(a.upper() for a in acronyms)
    runs: list[str] = []
    start: int | None = None
    count = 0
    last_caps = -1

    def close() -> None:
        if start is not None and count > max_words:
            runs.append(" ".join(tokens[start : last_caps + 1]))

    for i, tok in enumerate(tokens):
        kind = _word_kind(tok, known)
        if kind == "caps":
            if start is None:
                start, count = i, 0
            count += 1
            last_caps = i
        elif kind == "break":
            close()
            start, count = None, 0
    close()
    return runs


def check_no_block_capitals(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    findings = []
    for n in range(1, doc.page_count + 1):
        tokens = [w["text"] for w in doc.words(n)]
        for run in caps_runs(tokens, config.acronyms, config.max_caps_words):
            findings.append(
                Finding(
                    f"more than {config.max_caps_words} words in block capitals",
                    page=n,
                    text=run,
                )
            )
    return CheckResult.from_findings("no-block-capitals", findings)


# -- page size and real text ----------------------------------------------------------


def page_size_name(width: float, height: float, names: tuple[str, ...]) -> str | None:
    """The first of ``names`` that (portrait or landscape) matches the size."""
    for name in names:
        size = PAGE_SIZES.get(name.upper())
        if size is None:
            continue
        w, h = size
        for a, b in ((w, h), (h, w)):
            if abs(width - a) <= PAGE_SIZE_TOLERANCE and abs(height - b) <= PAGE_SIZE_TOLERANCE:
                return name
    return None


def check_page_size(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    findings = []
    allowed = "/".join(config.page_sizes)
    for n, page in enumerate(doc.pike.pages, start=1):
        try:
            x0, y0, x1, y1 = (float(v) for v in page.cropbox)
        except Exception:
            findings.append(Finding("page has no readable MediaBox", page=n))
            continue
        width, height = abs(x1 - x0), abs(y1 - y0)
        if page_size_name(width, height, config.page_sizes) is None:
            findings.append(Finding(f"page is {width:.1f} × {height:.1f} pt, not {allowed}", page=n))
    return CheckResult.from_findings("page-size", findings)


def check_real_text(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    findings = [
        Finding("no extractable text on the page (only an image of text?)", page=n)
        for n in range(1, doc.page_count + 1)
        if not doc.words(n)
    ]
    return CheckResult.from_findings("real-text", findings)


CHECKS = (
    ("contrast", check_contrast),
    ("no-block-capitals", check_no_block_capitals),
    ("page-size", check_page_size),
    ("real-text", check_real_text),
)
