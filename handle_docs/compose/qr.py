"""QR codes for sign-up links: made once per URL, shared by every document.

A crisp raster (8 px per module, drawn with ``image-rendering: pixelated``)
scans as well as a vector code and costs almost nothing per use, while
WeasyPrint re-parses an SVG for every page it appears on.

The PDF gets the raster as a greyscale JPEG: with modules exactly 8 px wide,
every 8×8 JPEG block is one flat colour, so the JPEG decodes to the very same
pixels as the PNG (a test checks this), and WeasyPrint embeds JPEG data as it
is, where it decodes and re-compresses a PNG on every write.  The PNG is kept
for Word.  The SVG form is kept for the naive benchmark baseline.

Error correction level M (15 %) keeps the code small enough for large modules
at 32 mm while surviving a smudged home print.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M

BOX_PX = 8  # pixels per module: one JPEG block, so the JPEG is lossless
BORDER = 4  # quiet zone, in modules (the QR standard's minimum)
SCHEME = "qr"  # image URLs the renderer's fetcher serves from this module


@dataclass(frozen=True)
class QrImage:
    url: str
    key: str  # stable id derived from the URL
    modules: int  # width in modules including the quiet zone
    png: bytes
    jpeg: bytes

    @property
    def src(self) -> str:
        return f"{SCHEME}:{self.key}.jpg"


def tracked_url(url: str, *, source: str, campaign: str, medium: str = "qr") -> str:
    """Add campaign parameters so a force can see which operation brought sign-ups."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")]
    query += [("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _make(url: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=BOX_PX, border=BORDER)
    code.add_data(url)
    code.make(fit=True)
    return code


_BY_KEY: dict[str, QrImage] = {}


@lru_cache(maxsize=256)
def qr_image(url: str) -> QrImage:
    """The PNG for ``url``, made once per process."""
    code = _make(url)
    image = code.make_image().get_image().convert("L")  # 8-bit grey, black on white
    png, jpeg = io.BytesIO(), io.BytesIO()
    image.save(png, format="PNG", optimize=True)
    image.save(jpeg, format="JPEG", quality=95, subsampling=0)
    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    qr = QrImage(
        url=url, key=key, modules=code.modules_count + 2 * BORDER, png=png.getvalue(), jpeg=jpeg.getvalue()
    )
    _BY_KEY[key] = qr
    return qr


def lookup(key: str) -> QrImage | None:
    """Find a QR image made in this process by its key (for the URL fetcher)."""
    return _BY_KEY.get(key.removesuffix(".png").removesuffix(".jpg"))


_SVG_BY_KEY: dict[str, bytes] = {}


def qr_svg(url: str) -> str:
    """A vector (SVG path) QR code, as the naive benchmark baseline draws it."""
    image = _make(url).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def svg_src(url: str) -> str:
    """Image URL of the vector form of ``url``'s code (re-parsed on every use)."""
    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    if key not in _SVG_BY_KEY:
        _SVG_BY_KEY[key] = qr_svg(url).encode()
    return f"{SCHEME}:{key}.svg"


def lookup_svg(key: str) -> bytes | None:
    return _SVG_BY_KEY.get(key.removesuffix(".svg"))
