"""Pages of a rendered PDF: the text of a blank back, and which pages carry
colour or are blank backs.

The batch pads each letter (and each leaflet after it) with a page saying
only :data:`BLANK_PAGE_TEXT`, so every one starts on a fresh sheet printed
double-sided; the print cost counts those pages as blank backs.  A page is
drawn small with pdfium and counts as *colour* when any pixel's red, green
and blue differ by more than a small tolerance (grey text, a grey watermark
and black QR codes are mono).  A page whose every object is text or a path
in greys, with no image, shading, form or annotation, cannot draw a
coloured pixel: it is known to be mono from its objects (read by pdfium, a
few times cheaper than drawing it), and only the others are drawn.  The flags travel as one character a page
(:func:`flags_code`), e.g. in the run journal.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

BLANK_PAGE_TEXT = "This page is intentionally blank."  # the batch's blank backs

#: Resolution pages are drawn at to look for colour (A4 → 413 × 585 px): a 1 pt
#: coloured rule still tints its pixels clearly at this size.
COLOUR_DPI = 50
#: A pixel is coloured when max(R, G, B) − min(R, G, B) exceeds this (0–255).
COLOUR_TOLERANCE = 8


@dataclass(frozen=True)
class PageFlags:
    colour: bool
    blank: bool


def _colour_spread(image: Any) -> int:
    """Largest max(R,G,B) − min(R,G,B) over the image's pixels."""
    from PIL import ImageChops

    image = image.convert("RGB")
    colours = image.getcolors(1024)  # a printed page has few: about twice as fast as the band arithmetic
    if colours is not None:
        return max((max(rgb) - min(rgb) for _, rgb in colours), default=0)
    r, g, b = image.split()
    high = ImageChops.lighter(ImageChops.lighter(r, g), b)
    low = ImageChops.darker(ImageChops.darker(r, g), b)
    return cast(int, ImageChops.subtract(high, low).getextrema()[1])  # one band (L): (lowest, highest)


def _drawn_in_greys(page: Any, tolerance: int) -> bool:
    """True when every object on ``page`` is text or a path whose fill and
    stroke are greys (or fully transparent), and it has no annotation: it
    cannot carry colour.  False means "draw it to find out"."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    if pdfium_c.FPDFPage_GetAnnotCount(page.raw):
        return False
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    plain = (pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH)
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, index)
        if pdfium_c.FPDFPageObj_GetType(obj) not in plain:
            return False  # an image, shading or form: only drawing tells
        for colour_of in (pdfium_c.FPDFPageObj_GetFillColor, pdfium_c.FPDFPageObj_GetStrokeColor):
            if not colour_of(obj, r, g, b, a):
                return False
            if a.value and max(r.value, g.value, b.value) - min(r.value, g.value, b.value) > tolerance:
                return False
    return True


def page_flags(
    pdf: Path | bytes,
    *,
    dpi: int = COLOUR_DPI,
    tolerance: int = COLOUR_TOLERANCE,
    blanks: Collection[int] | None = None,
    repeats: Mapping[int, int] | None = None,
) -> list[PageFlags]:
    """For each page of ``pdf``: does it carry colour, is it a blank back?

    Blank backs are found by their text, unless the caller, who put them
    there, gives their page indices as ``blanks`` (then they are not drawn).
    ``repeats`` maps a page painted from the same laid-out page as an earlier
    one to that earlier page's index: it is not drawn again, it takes its flags
    (the shared part of shared-back letters, render/shared_pages.py).
    """
    repeats = repeats or {}
    import pypdfium2 as pdfium

    source = str(pdf) if isinstance(pdf, Path) else pdf
    document = pdfium.PdfDocument(source)
    flags: list[PageFlags] = []
    try:
        for index in range(len(document)):
            if blanks is not None and index in blanks:
                flags.append(PageFlags(colour=False, blank=True))
                continue
            if index in repeats:
                flags.append(flags[repeats[index]])
                continue
            page = document[index]
            try:
                if _drawn_in_greys(page, tolerance):
                    colour = False
                else:
                    colour = _colour_spread(page.render(scale=dpi / 72).to_pil()) > tolerance
                blank = False
                if blanks is None:
                    textpage = page.get_textpage()
                    text = " ".join(textpage.get_text_range().split())
                    textpage.close()
                    blank = BLANK_PAGE_TEXT in text and len(text) < len(BLANK_PAGE_TEXT) + 40
                flags.append(PageFlags(colour=colour and not blank, blank=blank))
            finally:
                page.close()
    finally:
        document.close()
    return flags


FLAG_CODES = {(False, False): "m", (True, False): "c", (False, True): "b"}


def flags_code(flags: Sequence[PageFlags]) -> str:
    """Compact text form of page flags (m: mono, c: colour, b: blank back),
    for the run journal: one character a page."""
    return "".join(FLAG_CODES[(f.colour, f.blank)] for f in flags)


def flags_from_code(code: str) -> list[PageFlags]:
    return [PageFlags(colour=c == "c", blank=c == "b") for c in code]
