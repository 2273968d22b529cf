"""QR images: tracked URLs, lossless raster, made once per URL."""

import io

from PIL import Image, ImageChops

from handle_docs.compose.qr import BORDER, BOX_PX, qr_image, tracked_url


def test_tracking_parameters_replace_any_old_ones():
    url = tracked_url("https://x.example/join?a=1&utm_source=old", source="letter", campaign="op-1")
    assert url == "https://x.example/join?a=1&utm_source=letter&utm_medium=qr&utm_campaign=op-1"


def test_the_jpeg_is_pixel_for_pixel_the_png():
    image = qr_image("https://www.westmarch-police.example/neighbourhood-watch/join?utm_campaign=op")
    png = Image.open(io.BytesIO(image.png)).convert("L")
    jpeg = Image.open(io.BytesIO(image.jpeg)).convert("L")
    assert png.size == jpeg.size == (image.modules * BOX_PX,) * 2
    assert ImageChops.difference(png, jpeg).getextrema() == (0, 0)
    assert image.modules >= 21 + 2 * BORDER


def test_made_once_per_url():
    first = qr_image("https://a.example/")
    assert qr_image("https://a.example/") is first, "the same URL again is the image already made"
    other = qr_image("https://b.example/")
    assert other is not first and other.png != first.png
