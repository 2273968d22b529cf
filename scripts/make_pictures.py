#!/usr/bin/env python3
"""Render the README's pictures from the demo output (run `make demo` first).

    .venv/bin/python scripts/make_pictures.py

Writes small PNGs to docs/img/: the first two pages of a letter, each
leaflet's pages, and, when present, the operation report and social card.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "out"
IMG = ROOT / "docs" / "img"


def pages_side_by_side(pdf_path: Path, target: Path, pages: int = 2, width: int = 900) -> None:
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    try:
        images = [pdf[i].render(scale=1.2).to_pil() for i in range(min(pages, len(pdf)))]
    finally:
        pdf.close()
    gap = 16
    sheet = Image.new("RGB", (sum(i.width for i in images) + gap * (len(images) + 1),
                              max(i.height for i in images) + 2 * gap), (200, 200, 200))
    x = gap
    for image in images:
        sheet.paste(image, (x, gap))
        x += image.width + gap
    sheet.thumbnail((width * len(images) // 2 + width // 2, 10_000))
    target.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(target, optimize=True)
    print(f"wrote {target.relative_to(ROOT)}")


def main() -> None:
    if not OUT.exists():
        sys.exit("run `make demo` first")
    letters = sorted((OUT / "letters" / "letters").glob("*.pdf"))
    if letters:
        # a letter with several findings shows the most wording
        pages_side_by_side(letters[0], IMG / "letter.png")
    for pdf in sorted((OUT / "leaflets").glob("*-a4.pdf")):
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
