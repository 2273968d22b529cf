#!/usr/bin/env python3
"""Render the README's pictures from the demo output (run `make demo` first).

    .venv/bin/python scripts/make_pictures.py

Writes small PNGs to docs/img/: the first two pages of a letter, each
leaflet's pages, and, when present, the operation report and social card.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pypdfium2
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "out"
IMG = ROOT / "docs" / "img"


def pages_side_by_side(pdf_path: Path, target: Path, pages: int | list[int] = 2, width: int = 900) -> None:
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    try:
        wanted = (
            [i for i in pages if i < len(pdf)] if isinstance(pages, list) else range(min(pages, len(pdf)))
        )
        images = [pdf[i].render(scale=1.2).to_pil() for i in wanted]
    finally:
        pdf.close()
    gap = 16
    sheet = Image.new(
        "RGB",
        (sum(i.width for i in images) + gap * (len(images) + 1), max(i.height for i in images) + 2 * gap),
        (200, 200, 200),
    )
    x = gap
    for image in images:
        sheet.paste(image, (x, gap))
        x += image.width + gap
    sheet.thumbnail((width * len(images) // 2 + width // 2, 10_000))
    target.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(target, optimize=True)
    print(f"wrote {target.relative_to(ROOT)}")


def letter_in(language: str) -> Path | None:
    """The demo's first letter whose manifest language is ``language`` (e.g. "ar", "cy-GB+en-GB")."""
    manifest = OUT / "letters" / "manifest.csv"
    if not manifest.exists():
        return None
    with manifest.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            if row["language"] == language and row["file"]:
                return OUT / "letters" / row["file"]
    return None


def main() -> None:
    if not OUT.exists():
        sys.exit("run `make demo` first")
    letters = sorted((OUT / "letters" / "letters").glob("*.pdf"))
    if letters:
        # a letter with several findings shows the most wording
        pages_side_by_side(letters[0], IMG / "letter.png")
    arabic = letter_in("ar")
    if arabic:
        pages_side_by_side(arabic, IMG / "letter-ar.png")
    welsh = letter_in("cy-GB+en-GB")
    if welsh:  # the first page of the Welsh letter and of the English one after it
        pdf = pypdfium2.PdfDocument(str(welsh))
        english_first = next(
            (i for i in range(1, len(pdf)) if "Dear resident" in pdf[i].get_textpage().get_text_range()), 2
        )
        pdf.close()
        pages_side_by_side(welsh, IMG / "letter-cy-en.png", pages=[0, english_first])
    # the leaflets as written, and the lock-it leaflet in Welsh and in Arabic (the README shows those two)
    shown = {"lock-it-leaflet-cy-a4", "lock-it-leaflet-ar-a4"}
    for pdf in sorted((OUT / "leaflets").glob("*-a4.pdf")):
        if "-leaflet-" in pdf.stem and pdf.stem not in shown:
            continue
        pages_side_by_side(pdf, IMG / f"{pdf.stem}.png")
    for pdf in sorted((OUT / "report").glob("*.pdf")) if (OUT / "report").exists() else []:
        pages_side_by_side(pdf, IMG / "report.png", pages=1, width=700)
    for png in sorted((OUT / "card").glob("*.png")) if (OUT / "card").exists() else []:
        image = Image.open(png)
        image.thumbnail((600, 600))
        image.save(IMG / f"card-{png.stem}.png", optimize=True)
        print(f"wrote docs/img/card-{png.stem}.png")


if __name__ == "__main__":
    main()
