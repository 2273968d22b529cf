"""Leaflets: QR codes that scan to tracked links, A4 sheets and A5 booklets."""

from __future__ import annotations

import json
import subprocess

import pikepdf
import pypdfium2
import pytest

from handle_docs.compose.qr import tracked_url
from handle_docs.outputs.leaflets import render_leaflet
from handle_docs.render.impose import booklet_order

from .pdfsee import catalog_facts, font_sizes_and_names, page_texts, qr_payloads
from .synth import run_records, write_rows
from .textread import BIDI_CONTROLS, poppler_pages

A4 = (595.28, 841.89)
A5 = (419.53, 595.28)


def expected_urls(content, material_id, source="leaflet"):
    campaign = content.operation.operation.id
    material = content.material(material_id)
    return sorted(
        tracked_url(content.links.links[i].url, source=source, campaign=campaign) for i in material.spec.links
    )


def page_sizes(path):
    with pikepdf.open(path) as pdf:
        return [tuple(round(float(v), 2) for v in page.mediabox[2:]) for page in pdf.pages]


@pytest.mark.parametrize("material_id", ["lock-it-leaflet", "stay-connected-leaflet"])
def test_a4_leaflet_qr_codes_scan_to_the_tracked_links(tmp_path, content, material_id):
    result = render_leaflet(content, content.material(material_id), tmp_path, "a4")
    path = tmp_path / result.reading_copy
    assert 1 <= result.pages <= 2, "an A4 leaflet is one sheet, one or two sides"
    assert all(abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 for w, h in page_sizes(path))
    found = sorted(p for page in qr_payloads(path) for p in page)
    assert found == expected_urls(content, material_id)
    assert all("utm_source=leaflet" in url and "utm_campaign=op-larkspur-2026-11" in url for url in found)
    text = "".join(page_texts(path)).replace("\n", "").replace(" ", "")
    for link_id in content.material(material_id).spec.links:
        assert content.links.links[link_id].short in text
    smallest, names = font_sizes_and_names(path)
    assert smallest >= 16 and all(n.replace("-", "").startswith("AtkinsonHyperlegibleNext") for n in names)
    facts = catalog_facts(path)
    assert facts["struct_tree"] and facts["lang"] == "en-GB" and str(facts["pdfua_part"]) == "1"


def test_booklet_order_pads_to_four_and_reads_in_order_when_folded():
    assert booklet_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    assert booklet_order(3) == [(None, 0), (1, 2)]
    assert booklet_order(5) == [(None, 0), (1, None), (None, 2), (3, 4)]


def test_a_right_to_left_booklet_is_bound_on_the_right_each_side_mirrored():
    assert booklet_order(8, "rtl") == [(0, 7), (6, 1), (2, 5), (4, 3)]


def test_the_arabic_a5_booklet_opens_from_the_right(tmp_path, content):
    result = render_leaflet(content, content.material("lock-it-leaflet-ar"), tmp_path, "a5-booklet")
    # read by Poppler, which honours the Arabic text layer (/ActualText) on the page and on the
    # imposed side alike (PDFium reads it differently inside the imposed side's forms)
    pages = [" ".join(t.split()) for t in poppler_pages(tmp_path / result.reading_copy)]
    sides = poppler_halves(tmp_path / result.booklet)
    # the outer sheet's front: the cover (page 1) on the left half, the back page on the right
    # (the same words: a line mixing scripts may be read in another order on the imposed side)
    assert sides[0][0] and sorted(sides[0][0].split()) == sorted(pages[0].split())
    assert sorted(sides[0][1].split()) == sorted(pages[-1].split() if len(pages) % 4 == 0 else [])
    with pikepdf.open(tmp_path / result.booklet) as pdf:
        assert pdf.Root.ViewerPreferences.Direction == pikepdf.Name.R2L


def poppler_halves(path):
    """Text of the left and right half of the first imposed side, as Poppler reads them."""
    with pikepdf.open(path) as pdf:
        x0, y0, x1, y1 = (float(v) for v in pdf.pages[0].mediabox)
    width, height = int(x1 - x0), int(y1 - y0)
    halves = []
    for left in (0, width // 2):
        done = subprocess.run(
            [
                "pdftotext",
                "-enc",
                "UTF-8",
                "-f",
                "1",
                "-l",
                "1",
                "-x",
                str(left),
                "-y",
                "0",
                "-W",
                str(width // 2),
                "-H",
                str(height),
                str(path),
                "-",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        halves.append(" ".join(done.stdout.translate(BIDI_CONTROLS).split()))
    return [tuple(halves)]


def halves_text(path):
    """Text of the left and right half of every imposed side."""
    pdf = pypdfium2.PdfDocument(str(path))
    sides = []
    try:
        for page in pdf:
            width, height = page.get_size()
            textpage = page.get_textpage()
            left = textpage.get_text_bounded(0, 0, width / 2, height)
            right = textpage.get_text_bounded(width / 2, 0, width, height)
            sides.append((" ".join(left.split()), " ".join(right.split())))
    finally:
        pdf.close()
    return sides


def test_a5_booklet_is_a5_pages_imposed_on_a4_sheets_in_fold_order(tmp_path, content):
    result = render_leaflet(content, content.material("lock-it-leaflet"), tmp_path, "a5-booklet")
    reading = tmp_path / result.reading_copy
    booklet = tmp_path / result.booklet
    assert all(abs(w - A5[0]) < 1 and abs(h - A5[1]) < 1 for w, h in page_sizes(reading))
    assert all(abs(w - A4[1]) < 1 and abs(h - A4[0]) < 1 for w, h in page_sizes(booklet)), (
        "A4 landscape sheets"
    )
    pages = [" ".join(t.split()) for t in page_texts(reading)]
    order = booklet_order(len(pages))
    assert len(order) == result.sides and result.sides % 2 == 0
    for (left, right), (left_text, right_text) in zip(order, halves_text(booklet), strict=True):
        assert left_text == (pages[left] if left is not None else "")
        assert right_text == (pages[right] if right is not None else "")
    expected = expected_urls(content, "lock-it-leaflet")
    assert sorted(p for page in qr_payloads(reading) for p in page) == expected
    assert sorted(p for page in qr_payloads(booklet, dpi=300) for p in page) == expected


ROWS = (
    '2026-11-14 18:05,4127,"12 Larkspur Road, Eastmoor",ZZ1 4QX,QZ00 XKB,no,bag,yes,yes,no,,no',
    '2026-11-14 18:09,4127,"14 Larkspur Road, Eastmoor",ZZ1 4QX,QZ00 XKD,yes,,yes,no,yes,,yes',
)


def test_with_leaflet_each_letter_is_followed_by_the_leaflet_and_starts_a_fresh_sheet(tmp_path, content):
    records = write_rows(tmp_path / "records.csv", *ROWS)
    result, _ = run_records(records, tmp_path / "run", leaflet_id="lock-it-leaflet")
    run = tmp_path / "run"
    texts = page_texts(run / "batch.pdf")
    starts = [i for i, t in enumerate(texts) if t.startswith("The Occupier")]
    leaflet_starts = [
        i for i, t in enumerate(texts) if "Lock it, check it, hide it\n" in t and "Most thefts" in t
    ]
    assert len(starts) == 2 and len(leaflet_starts) == 2
    assert all(i % 2 == 0 for i in starts + leaflet_starts), "everything starts on the front of a sheet"
    assert starts[0] < leaflet_starts[0] < starts[1] < leaflet_starts[1]
    manifest = json.loads((run / "manifest.json").read_text())
    for letter in manifest["letters"]:  # the per-letter files hold the letter only
        assert not any("Most thefts" in t for t in page_texts(run / letter["file"]))
    summary = (run / "summary.txt").read_text()
    assert f"leaflet sheets (double-sided): {result.leaflet_sheets}" in summary and result.leaflet_sheets == 2
