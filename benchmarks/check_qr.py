#!/usr/bin/env python3
"""How long ``handle-docs check`` takes to decode the QR codes of a whole batch: each page drawn in colour
and handed to zxing-cpp through PIL (the naive way, as the check did until 2026-12-06) against each page
drawn in grayscale and handed over as the bitmap's own buffer (the check as shipped). Both decode every
page at 150 and 300 dpi, as the check does, and must find the same codes.

    python benchmarks/check_qr.py                 # the demo's out/letters/batch.pdf (make demo first)
    python benchmarks/check_qr.py some/batch.pdf
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import pypdfium2 as pdfium

from handle_docs.checks import pdf_qr

ROOT = Path(__file__).resolve().parent.parent


def naive(pdf: pdfium.PdfDocument, index: int, dpi: int) -> list[str]:
    """The page drawn in colour and handed to zxing-cpp through PIL, as the check did before."""
    page = pdf[index]
    try:
        image = page.render(scale=dpi / 72).to_pil()
    finally:
        page.close()
    return sorted(result.text for result in pdf_qr._read_qr(image))


def shipped(pdf: pdfium.PdfDocument, index: int, dpi: int) -> list[str]:
    """The check's own decoding (checks/pdf_qr.decode_page)."""
    return sorted(decoded.text for decoded in pdf_qr.decode_page(pdf, index, dpi))


def decode_all(path: Path, decode) -> tuple[float, list[list[str]]]:
    pdf = pdfium.PdfDocument(str(path))
    found: list[list[str]] = []
    start = time.perf_counter()
    try:
        for index in range(len(pdf)):
            for dpi in (pdf_qr.LOW_DPI, pdf_qr.HIGH_DPI):
                found.append(decode(pdf, index, dpi))
    finally:
        pdf.close()
    return time.perf_counter() - start, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=ROOT / "out" / "letters" / "batch.pdf")
    args = parser.parse_args()
    if not args.pdf.is_file():
        print(f"{args.pdf}: not found (make demo makes it)", file=sys.stderr)
        return 1
    pages = len(pdfium.PdfDocument(str(args.pdf)))
    naive_s, naive_found = decode_all(args.pdf, naive)
    shipped_s, shipped_found = decode_all(args.pdf, shipped)
    if naive_found != shipped_found:
        print("the two ways decode different codes", file=sys.stderr)
        return 1
    codes = sum(len(page) for page in shipped_found)
    print(
        f"# QR decoding of {args.pdf.name}: {pages} pages at {pdf_qr.LOW_DPI} and {pdf_qr.HIGH_DPI} dpi, "
        f"{codes} codes found by both ({platform.python_version()}, {platform.machine()})"
    )
    print("| way | seconds | × naive |")
    print("| --- | ---: | ---: |")
    print(f"| naive: colour, through PIL | {naive_s:.1f} | 1.00 |")
    print(f"| shipped: grayscale buffer | {shipped_s:.1f} | {naive_s / shipped_s:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
