"""Print cost: page counting from rendered PDFs, and the arithmetic by hand."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from handle_docs.models import ProblemsError
from handle_docs.outputs.costs import (
    PageCounts,
    PageFlags,
    Prices,
    batch_counts,
    cost_lines,
    cost_table,
    count_pages,
    load_prices,
    money,
    page_flags,
    record_print_cost,
)
from handle_docs.render.pdf import PdfRenderer

from .conftest import CONTENT, TEMPLATES
from .pdfsee import page_texts
from .synth import run_records, write_rows

#: What a blank back of the batch says, as printed.
BLANK_PAGE_TEXT = "This page is intentionally blank."


def prices(**overrides) -> Prices:
    data = {
        "currency": "GBP",
        "paper": "A4",
        "per_sheet": "0.01",
        "per_page": {"mono": "0.02", "colour": "0.10"},
        "duplex": True,
    }
    data.update(overrides)
    return Prices.model_validate(data)


# --- the arithmetic, worked by hand ------------------------------------------------


def test_cost_table_matches_a_hand_worked_example():
    # A letter: 7 pages, 2 of them in colour, padded by 1 blank back in the batch.
    # A leaflet: 4 pages, all in colour, no blank backs.
    counts = {
        "visit-letter": PageCounts(pages=7, colour_pages=2, blank_backs=1),
        "lock-it-leaflet": PageCounts(pages=4, colour_pages=4, blank_backs=0),
    }
    # Double-sided, at 1p a sheet, 2p a mono side and 10p a colour side:
    #   letter : 8 sides -> 4 sheets = 4p; mono sides 5 + 1 blank back = 6 x 2p = 12p; 2 x 10p = 20p -> 36p
    #   leaflet: 4 sides -> 2 sheets = 2p; 0 mono;                              4 x 10p = 40p -> 42p
    #   total  : 6 sheets, 78p
    table = cost_table(counts, prices())
    letter, leaflet = table.lines
    assert (letter.sides, letter.sheets, letter.mono_sides, letter.colour_sides) == (8, 4, 6, 2)
    assert letter.cost == Decimal("0.36")
    assert (leaflet.sides, leaflet.sheets, leaflet.mono_sides, leaflet.colour_sides) == (4, 2, 0, 4)
    assert leaflet.cost == Decimal("0.42")
    assert table.total.sheets == 6 and table.total.cost == Decimal("0.78")
    assert table.money(table.total.cost) == "£0.78"

    # Single-sided, blank backs are not printed:
    #   letter : 7 sheets = 7p; 5 mono x 2p = 10p; 2 colour x 10p = 20p -> 37p
    #   leaflet: 4 sheets = 4p;                   4 colour x 10p = 40p -> 44p
    #   total  : 11 sheets, 81p
    single = cost_table(counts, prices(), duplex=False)
    assert [line.cost for line in single.lines] == [Decimal("0.37"), Decimal("0.44")]
    assert [line.sheets for line in single.lines] == [7, 4]
    assert single.total.sheets == 11 and single.total.cost == Decimal("0.81")


def test_an_odd_page_count_double_sided_takes_a_whole_sheet_and_each_line_rounds_half_up():
    table = cost_table(
        {"form": PageCounts(pages=3)}, prices(per_sheet="0.005", per_page={"mono": "0", "colour": "0"})
    )
    line = table.lines[0]
    assert line.sheets == 2  # 3 sides on 2 sheets
    assert line.paper_cost == Decimal("0.010") and line.cost == Decimal("0.01")
    half = cost_table(
        {"x": PageCounts(pages=1)}, prices(per_sheet="0.005", per_page={"mono": "0", "colour": "0"})
    )
    assert half.lines[0].cost == Decimal("0.01"), "half a penny rounds up"
    # the total is the sum of the rounded lines, so the table adds up as printed
    two = cost_table(
        {"a": PageCounts(pages=1), "b": PageCounts(pages=1)},
        prices(per_sheet="0.005", per_page={"mono": "0", "colour": "0"}),
    )
    assert two.total.cost == Decimal("0.02")


def test_duplex_default_comes_from_the_price_file():
    counts = {"x": PageCounts(pages=2)}
    assert cost_table(counts, prices(duplex=True)).total.sheets == 1
    assert cost_table(counts, prices(duplex=False)).total.sheets == 2


def test_money_uses_the_currency_sign_or_code():
    assert money(Decimal("1234.5"), "GBP") == "£1,234.50"
    assert money(Decimal("2"), "EUR") == "€2.00"
    assert money(Decimal("2"), "CHF") == "CHF 2.00"


# --- the price file ------------------------------------------------------------------


def test_the_bundled_price_file_loads():
    loaded = load_prices(CONTENT / "print-costs.yaml")
    assert loaded.currency == "GBP" and loaded.paper == "A4" and loaded.duplex is True
    assert loaded.per_page.colour > loaded.per_page.mono > 0


def test_a_wrong_price_file_names_the_line_and_key(tmp_path):
    path = tmp_path / "print-costs.yaml"
    path.write_text(
        "currency: GBP\npaper: A4\nper_sheet: -1\nper_page:\n  mono: 0.01\n  colour: 0.05\n  colur: 1\n",
        encoding="utf-8",
    )
    with pytest.raises(ProblemsError) as caught:
        load_prices(path)
    text = str(caught.value)
    assert "per_sheet" in text and ":3" in text
    assert "per_page.colur" in text and "unknown key" in text


# --- counting pages ------------------------------------------------------------------


def _pdf(body: str) -> bytes:
    renderer = PdfRenderer(TEMPLATES)
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Pages</title>'
        f'<link rel="stylesheet" href="{(TEMPLATES / "base.css").as_uri()}"></head><body>{body}</body></html>'
    )
    return renderer.write(renderer.layout(html), title="Pages", lang="en-GB")


def test_colour_pages_are_counted_from_the_rendered_pdf():
    data = _pdf(
        "<p>Black text only.</p>"
        '<p style="break-before: page">Grey is not colour: <span style="color:#595959">grey words</span></p>'
        '<p style="break-before: page">A blue rule:</p><div style="border-top: 1pt solid #1d4f91"></div>'
        f'<p style="break-before: page">{BLANK_PAGE_TEXT}</p>'
    )
    assert count_pages(data) == PageCounts(pages=3, colour_pages=1, blank_backs=1)
    # a caller who put the blank backs in names them instead of having them read
    assert page_flags(data, blanks={3}) == page_flags(data)
    assert page_flags(data, blanks={0})[0] == PageFlags(colour=False, blank=True)
    # a page painted again from the same laid-out page as an earlier one takes its flags, undrawn
    # (here the blue page is said to repeat the grey one, so it is not drawn and counts as mono)
    assert page_flags(data)[2] == PageFlags(colour=True, blank=False)
    assert page_flags(data, repeats={2: 1})[2] == PageFlags(colour=False, blank=False)


def test_a_page_of_grey_text_and_rules_is_known_mono_without_drawing_it():
    import pypdfium2

    from handle_docs.render.pages import COLOUR_DPI, COLOUR_TOLERANCE, _colour_spread, _drawn_in_greys

    data = _pdf(
        "<p>Black text only.</p>"
        '<p style="break-before: page">Grey words: <span style="color:#595959">grey</span></p>'
        '<p style="break-before: page">Blue words: <span style="color:#1d4f91">blue</span></p>'
        '<p style="break-before: page">A red rule:</p><div style="border-top: 1pt solid #c00000"></div>'
    )
    document = pypdfium2.PdfDocument(data)
    known = [_drawn_in_greys(document[i], COLOUR_TOLERANCE) for i in range(len(document))]
    drawn = [
        _colour_spread(document[i].render(scale=COLOUR_DPI / 72).to_pil()) > COLOUR_TOLERANCE
        for i in range(len(document))
    ]
    assert known == [True, True, False, False]  # the coloured pages are drawn to find out
    assert drawn == [False, False, True, True]
    assert [f.colour for f in page_flags(data)] == drawn


# --- a real run --------------------------------------------------------------------------


def test_the_sample_runs_counts_agree_with_its_stats(sample_run):
    out, result, _ = sample_run
    stats = json.loads((out / "stats.json").read_text())
    counts = batch_counts(out)
    # a line per material the letters were written from: the sample has records in five languages and one bilingual
    made_from = {
        letter["material_id"] for letter in json.loads((out / "manifest.json").read_text())["letters"]
    }
    assert {"visit-letter", "visit-letter-cy", "visit-letter-ar", "visit-letter-cy+visit-letter"} <= made_from
    assert set(counts) == made_from
    letter_pages = sum(c.pages for c in counts.values())
    blank_backs = sum(c.blank_backs for c in counts.values())
    assert letter_pages == stats["letter_pages"] == result.letter_pages
    assert letter_pages + blank_backs == stats["batch_pages"]
    # the blank backs counted are the pages of batch.pdf that say they are blank; the sample
    # letters' layout is shared-back, whose shared pages and blank backs name no letter in the footer
    pages = [t.split("\n") for t in page_texts(out / "batch.pdf")]
    printed_blank = [lines for lines in pages if lines[0] == BLANK_PAGE_TEXT]
    assert all(lines == [BLANK_PAGE_TEXT] for lines in printed_blank)
    assert blank_backs == len(printed_blank) > 0
    table = cost_table(counts, load_prices(CONTENT / "print-costs.yaml"))
    assert table.total.sheets == stats["letter_sheets_duplex"]
    lines = cost_lines(out, load_prices(CONTENT / "print-costs.yaml"))
    assert lines[0].startswith("print cost, A4 double-sided: ")
    assert any(line.startswith("print cost, A4 single-sided: ") for line in lines)


ROWS = (
    '2026-11-14 18:05,4127,"12 Larkspur Road, Eastmoor",ZZ1 4QX,QZ00 XKB,no,bag,yes,yes,no,,no',
    '2026-11-14 18:09,4127,"14 Larkspur Road, Eastmoor",ZZ1 4QX,QZ00 XKD,yes,,yes,no,yes,,no',
)


def test_a_batch_with_a_leaflet_after_each_letter_is_split_by_material(tmp_path):
    records = write_rows(tmp_path / "records.csv", *ROWS)
    run = tmp_path / "run"
    result, _ = run_records(records, run, leaflet_id="lock-it-leaflet")
    counts = batch_counts(run)
    # the manifest of a run without the review gate names no materials, so the leaflet line is "leaflets"
    # (test_letters_output checks a gated run names it by its id)
    assert set(counts) == {"visit-letter", "leaflets"}
    leaflet = counts["leaflets"]
    assert counts["visit-letter"].pages == result.letter_pages
    assert leaflet.pages + leaflet.blank_backs == result.leaflet_pages
    assert sum(c.pages + c.blank_backs for c in counts.values()) == result.batch_pages

    lines = record_print_cost(run, load_prices(CONTENT / "print-costs.yaml"))
    stats = json.loads((run / "stats.json").read_text())
    assert stats["print"]["materials"]["visit-letter"]["pages"] == result.letter_pages
    summary = (run / "summary.txt").read_text()
    assert all(line in summary for line in lines)
    # After the PDFs are purged the counts kept in stats.json still give the cost.
    (run / "batch.pdf").unlink()
    assert cost_lines(run, load_prices(CONTENT / "print-costs.yaml")) == lines


def test_pages_flagged_chunk_by_chunk_in_the_workers_match_a_count_of_the_whole_batch(tmp_path):
    records = write_rows(tmp_path / "records.csv", *ROWS)
    run = tmp_path / "run"
    result, _ = run_records(
        records,
        run,
        jobs=2,
        chunk_size=1,
        leaflet_id="lock-it-leaflet",
        prices=load_prices(CONTENT / "print-costs.yaml"),
    )
    kept = json.loads((run / "stats.json").read_text())["print"]["materials"]
    recounted = {name: c.as_dict() for name, c in batch_counts(run).items()}  # rasterises batch.pdf again
    assert kept == recounted
    assert sum(c["pages"] + c["blank_backs"] for c in kept.values()) == result.batch_pages
    assert "print cost, A4 double-sided: " in (run / "summary.txt").read_text()


def test_no_batch_and_no_kept_counts_says_so(tmp_path):
    (tmp_path / "stats.json").write_text("{}", encoding="utf-8")
    assert batch_counts(tmp_path) is None
    assert cost_lines(tmp_path, prices()) == [
        "print cost: not known (no batch.pdf and no print counts in stats.json)"
    ]


def test_the_colour_test_reads_pages_with_few_colours_and_with_many_alike():
    from PIL import Image

    from handle_docs.render.pages import _colour_spread

    greys = Image.new("RGB", (64, 64))
    greys.putdata([(v, v, v) for v in range(256)] * 16)  # 256 colours: counted one by one
    many = Image.new("RGB", (64, 64))
    pixels = [(i % 256, i % 256, (i * 7) % 256) for i in range(4096)]
    many.putdata(pixels)  # > 1024 colours: band arithmetic
    assert _colour_spread(greys) == 0
    assert _colour_spread(many) == max(max(p) - min(p) for p in pixels) > 0
    greys.putpixel((5, 5), (120, 90, 200))
    assert _colour_spread(greys) == 110
