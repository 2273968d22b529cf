"""QR code checks: readable at two resolutions, allowed link, printed link
on its page, big enough, and no QR figure that does not decode.  How the printed
link reads (whole, broken only after a "/" or a ".") is checks/pdf_addresses.py's."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import pypdfium2 as pdfium
import zxingcpp

from .config import CheckConfig
from .pdf_addresses import link_forms, read_addresses
from .pdf_common import PdfDoc
from .results import CheckResult, Finding

LOW_DPI = 150
HIGH_DPI = 300
_QR_WORD = re.compile(r"\bQR\b", re.IGNORECASE)


@dataclass(frozen=True)
class Decoded:
    text: str
    width_px: float  # shortest side of the symbol (quiet zone excluded)
    center_pt: tuple[float, float]  # (x, top) in PDF points from the page's top left


def _read_qr(image) -> list:
    """zxing-cpp results for the QR family only (never text as a barcode)."""
    wanted = (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.MicroQRCode)
    try:
        return zxingcpp.read_barcodes(image, formats=wanted)  # type: ignore[arg-type]  # 3.x takes a tuple; its stubs say a flag set
    except TypeError:  # pragma: no cover - zxing-cpp 2.x takes a flag set
        return zxingcpp.read_barcodes(image, formats=wanted[0] | wanted[1])


def _side_lengths(position) -> list[float]:
    pts = [position.top_left, position.top_right, position.bottom_right, position.bottom_left]
    return [math.dist((a.x, a.y), (b.x, b.y)) for a, b in zip(pts, pts[1:] + pts[:1], strict=True)]


def decode_page(pdf: pdfium.PdfDocument, index: int, dpi: int) -> list[Decoded]:
    """QR codes zxing-cpp decodes on page ``index`` (0-based) rendered at ``dpi``."""
    page = pdf[index]
    try:
        # grayscale straight into zxing-cpp (no colour bitmap, no PIL copy): the same codes, about 3.5x
        # faster on a whole batch (benchmarks/check_qr.py)
        image = page.render(scale=dpi / 72, grayscale=True).to_numpy()
    finally:
        page.close()
    results = _read_qr(image)
    decoded = []
    for r in results:
        pos = r.position
        corners = (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
        cx = sum(c.x for c in corners) / 4 * 72 / dpi
        cy = sum(c.y for c in corners) / 4 * 72 / dpi
        decoded.append(Decoded(r.text, min(_side_lengths(pos)), (cx, cy)))
    return decoded


def _norm_path(path: str) -> str:
    return path.rstrip("/") or "/"


def match_allowed(payload: str, allowed: tuple[str, ...]) -> str | None:
    """The allowed URL ``payload`` matches, else None.

    Scheme, host and path must be equal (host case-insensitive, trailing
    slash ignored); the payload may add query parameters whose names start
    with ``utm_``; any query or fragment of the allowed URL must be kept.
    """
    try:
        got = urlsplit(payload.strip())
    except ValueError:
        return None
    if not got.scheme or not got.netloc:
        return None
    got_query = parse_qsl(got.query, keep_blank_values=True)
    for url in allowed:
        want = urlsplit(url)
        if (
            got.scheme.lower() != want.scheme.lower()
            or (got.hostname or "") != (want.hostname or "")
            or got.port != want.port
            or _norm_path(got.path) != _norm_path(want.path)
            or got.fragment != want.fragment
        ):
            continue
        want_query = parse_qsl(want.query, keep_blank_values=True)
        extra = list(got_query)
        ok = True
        for pair in want_query:
            if pair in extra:
                extra.remove(pair)
            else:
                ok = False
        if ok and all(name.lower().startswith("utm_") for name, _ in extra):
            return url
    return None


@dataclass
class _QrFigure:
    alt: str
    page: int
    bbox: tuple[float, float, float, float] | None  # x0, top, x1, bottom in points


def _qr_figures(doc: PdfDoc) -> list[_QrFigure]:
    """Figures whose /Alt mentions QR, located by the objects they tag."""
    figures: list[_QrFigure] = []
    if doc.struct_root is None:
        return figures
    for elem in doc.struct_root.walk():
        if elem.type != "Figure" or not elem.alt or not _QR_WORD.search(elem.alt):
            continue
        keys = {k for e in elem.walk() for k in e.mcids}
        pages = sorted({p for p, _ in keys} or ({elem.page} if elem.page else set()))
        for p in pages:
            if not 1 <= p <= doc.page_count:
                continue
            boxes = []
            page_objects = doc.plumber_page(p).objects
            for kind in ("image", "rect", "curve", "line"):
                for obj in page_objects.get(kind, []):
                    if (p, obj.get("mcid")) in keys:
                        boxes.append((obj["x0"], obj["top"], obj["x1"], obj["bottom"]))
            bbox = None
            if boxes:
                bbox = (
                    min(b[0] for b in boxes),
                    min(b[1] for b in boxes),
                    max(b[2] for b in boxes),
                    max(b[3] for b in boxes),
                )
            figures.append(_QrFigure(elem.alt, p, bbox))
    return figures


def _inside(point: tuple[float, float], bbox: tuple[float, float, float, float], slack: float = 2.0) -> bool:
    x, y = point
    return bbox[0] - slack <= x <= bbox[2] + slack and bbox[1] - slack <= y <= bbox[3] + slack


def _unreadable_figures(figures: list[_QrFigure], found: list[Decoded]) -> list[Finding]:
    """QR figures on one page with no decoded QR code inside them."""
    findings = []
    unmatched = list(found)
    unlocated = []
    for fig in figures:
        if fig.bbox is None:
            unlocated.append(fig)
            continue
        hit = next((d for d in unmatched if _inside(d.center_pt, fig.bbox)), None)
        if hit is not None:
            unmatched.remove(hit)
        else:
            findings.append(
                Finding(
                    "QR code figure does not decode (unreadable QR code)",
                    page=fig.page,
                    element="Figure",
                    text=fig.alt,
                )
            )
    # figures we could not place: compare counts with codes not yet matched
    for fig in unlocated[len(unmatched) :]:
        findings.append(
            Finding(
                "QR code figure does not decode (unreadable QR code)",
                page=fig.page,
                element="Figure",
                text=fig.alt,
            )
        )
    return findings


def check_qr_codes(doc: PdfDoc, config: CheckConfig) -> CheckResult:
    """Render every page at 150 and 300 dpi and decode its QR codes.

    Each code must decode at both resolutions, hold an allowed link, have that
    link (or its short form) printed on the page (read as the ``web-addresses``
    check reads it, which fails it if broken where a reader cannot tell), and be
    at least ``min_qr_mm`` wide; a Figure whose /Alt mentions "QR" must contain a
    code that decodes.
    """
    findings = []
    figures = _qr_figures(doc)
    forms = link_forms(config)
    pdf = pdfium.PdfDocument(str(doc.path))
    try:
        for n in range(1, doc.page_count + 1):
            low = decode_page(pdf, n - 1, LOW_DPI)
            high = decode_page(pdf, n - 1, HIGH_DPI)
            low_count = Counter(d.text for d in low)
            high_count = Counter(d.text for d in high)
            printed = {address.url for address in read_addresses(doc.chars(n), forms)}
            payloads = sorted(set(low_count) | set(high_count))
            for text in payloads:
                if low_count[text] != high_count[text]:
                    which = f"{HIGH_DPI} dpi" if high_count[text] > low_count[text] else f"{LOW_DPI} dpi"
                    findings.append(
                        Finding(f"QR code decodes only at {which}", page=n, element="QR code", text=text)
                    )
            for text in payloads:
                url = match_allowed(text, config.allowed_urls)
                if url is None:
                    findings.append(
                        Finding(
                            f"QR code link is not in the link file: {text}",
                            page=n,
                            element="QR code",
                            text=text,
                        )
                    )
                    continue
                if url not in printed:
                    shown = config.short_forms.get(url, url)
                    findings.append(
                        Finding(
                            f"link not printed on the page (expected {shown!r})",
                            page=n,
                            element="QR code",
                            text=text,
                        )
                    )
            for d in high:
                mm = d.width_px / HIGH_DPI * 25.4
                if mm + 1e-6 < config.min_qr_mm:
                    findings.append(
                        Finding(
                            f"QR code is {mm:.1f} mm wide (minimum {config.min_qr_mm:g} mm)",
                            page=n,
                            element="QR code",
                            text=d.text,
                        )
                    )
            # a code counts as readable for a figure when it decodes at either resolution
            readable = high + [d for d in low if high_count[d.text] < low_count[d.text]]
            findings.extend(_unreadable_figures([f for f in figures if f.page == n], readable))
    finally:
        pdf.close()
    return CheckResult.from_findings("qr-codes", findings)


CHECKS = (("qr-codes", check_qr_codes),)
