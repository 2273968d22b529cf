"""Web addresses never split at a hyphen or inside a word (issue 29 item 2).

A printed address fits on one line or breaks only after a "/" or a ".", with
no hyphen added; ``handle-docs check`` reads every printed address back from
the page (beside a QR code or in the body text) and fails one broken anywhere
else (a reader typing "westmarch-" / "police.example/" / "watch" cannot tell
the hyphen belongs to the address) or one that is not a link of links.yaml.
"""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner

from handle_docs.checks import check_paths
from handle_docs.checks.config import config_from_links
from handle_docs.checks.pdf_addresses import (
    check_web_addresses,
    link_forms,
    looks_like_address,
    read_addresses,
)
from handle_docs.checks.pdf_common import PdfDoc
from handle_docs.commands.check import check
from handle_docs.outputs.leaflets import render_leaflet
from handle_docs.render.webaddress import pieces

from .conftest import CONTENT, edit
from .rtl import render_letter, rtl_content_dir

LINKS = CONTENT / "links.yaml"
NWS = "https://www.westmarch-police.example/neighbourhood-watch/join"  # content/links.yaml
CMS = "https://www.westmarch-alert.example/register"
REPORT = "https://www.westmarch-police.example/report"
ADDRESSES = ("westmarch-police.example/watch", "westmarch-alert.example")  # content/links.yaml: short


def test_an_address_is_cut_only_after_a_slash_or_a_dot():
    assert pieces("westmarch-police.example/watch") == ["westmarch-police.", "example/", "watch"]
    assert pieces("westmarch-alert.example") == ["westmarch-alert.", "example"]
    assert pieces("a.b//c") == ["a.", "b//", "c"]


def test_what_looks_like_a_web_address():
    for word in ("westmarch-police.example/watch", "www.anything", "https://x", "police.uk", "gov.uk/report"):
        assert looks_like_address(word), word
    for word in ("batch.pdf", "e.g", "1.5", "help@westmarch-police.example", "Westmarch", "a/b"):
        assert not looks_like_address(word), word


def printed(pdf: Path) -> list[tuple[int, tuple[str, ...], str | None, bool]]:
    """(page, pieces line by line, link, broken) of every address printed in ``pdf``."""
    forms = link_forms(config_from_links(LINKS))
    with pdfplumber.open(pdf) as document:
        return [
            (n, a.pieces, a.url, a.broken)
            for n, page in enumerate(document.pages, 1)
            for a in read_addresses(page.chars, forms)
        ]


def web_address_findings(pdf: Path) -> list[tuple[int | None, str]]:
    with PdfDoc(pdf) as doc:
        result = check_web_addresses(doc, config_from_links(LINKS))
    return [(f.page, f.message) for f in result.findings]


# ---------------------------------------------------------------------------
# one page a case, printed by WeasyPrint with its line breaks where they are written
# ---------------------------------------------------------------------------

CASES = [
    # (body text, findings on its page: the pieces as the message shows them, or the unknown address)
    ("Join online at westmarch-<br>police.example/watch today.", ["'westmarch-' / 'police.example/watch'"]),
    ("Join online at westmarch-police.example/<br>watch today.", []),
    ("Join at westmarch-police.<br>example/<br>watch or get alerts at westmarch-<br>alert.example.", ["'westmarch-' / 'alert.example.'"]),
    ("Join at westmarch-po-<br>lice.example/watch today.", ["'westmarch-po-' / 'lice.example/watch'"]),
    ("Join at westmarch-police. example/watch today.", ["'westmarch-police.' / 'example/watch'"]),
    ("Join at westmarch-police.example/wacth or win at www.prize-draw.example.com.", ["westmarch-police.example/wacth", "www.prize-draw.example.com"]),
    ("Police.uk/crime-map shows crime near you (see https://police.uk).", ["Police.uk/crime-map", "https://police.uk"]),
    ("Report it (westmarch-police.example/report), get alerts at westmarch-alert.example. "
     "Or<br>https://www.westmarch-alert.example/register. From police.uk data, as batch.pdf says.", []),
    ("Get alerts at westmarch-alert.example.<br>prize-draw.example.com is not ours.", ["prize-draw.example.com"]),
]  # fmt: skip

TWO_COLUMNS = """<div style="display: flex; gap: 8mm; break-before: page">
<p style="width: 75mm">Join us:<br>westmarch-police.<br>example/<br>watch</p>
<p style="width: 75mm">Our streets are safer<br>when neighbours look<br>out for each other.</p></div>"""


@pytest.fixture(scope="module")
def cases_pdf(tmp_path_factory) -> Path:
    from weasyprint import HTML

    body = "".join(f'<p style="break-before: page">{text}</p>' for text, _ in CASES)
    path = tmp_path_factory.mktemp("addresses") / "cases.pdf"
    HTML(
        string=f'<html lang="en-GB"><body style="font-size: 16pt">{body}{TWO_COLUMNS}</body></html>'
    ).write_pdf(path)
    return path


def test_each_address_in_body_text_is_read_back_and_compared_with_its_link(cases_pdf):
    found = web_address_findings(cases_pdf)
    for page, (_, expected) in enumerate(CASES, 1):
        messages = [m for p, m in found if p == page]
        assert len(messages) == len(expected), (page, messages)
        for message, what in zip(messages, expected, strict=True):
            if what.startswith("'"):
                assert (
                    message
                    == f'web address broken where a reader cannot tell: {what} (it may break only after a "/" or a ".")'
                )
            else:
                assert message.startswith(f"web address not in the link file: {what!r}"), message
    assert [m for p, m in found if p > len(CASES)] == []  # two columns: the address is drawn whole


def test_the_link_each_printed_address_stands_for(cases_pdf):
    by_page: dict[int, list] = {}
    for page, lines, url, broken in printed(cases_pdf):
        by_page.setdefault(page, []).append((lines, url, broken))
    assert by_page[1] == [(("westmarch-", "police.example/watch"), NWS, True)]
    assert by_page[2] == [(("westmarch-police.example/", "watch"), NWS, False)]
    assert by_page[3] == [
        (("westmarch-police.", "example/", "watch"), NWS, False),
        (("westmarch-", "alert.example."), CMS, True),
    ]
    assert by_page[8] == [
        (("https://www.westmarch-alert.example/register.",), CMS, False),
        (("(westmarch-police.example/report),",), REPORT, False),
        (("westmarch-alert.example.",), CMS, False),
    ]
    assert by_page[9] == [
        (("westmarch-alert.example.",), CMS, False),
        (("prize-draw.example.com",), None, False),
    ]
    assert by_page[len(CASES) + 1] == [(("westmarch-police.", "example/", "watch"), NWS, False)]


def test_an_address_in_right_to_left_text_reads_back_whole_only_when_isolated(tmp_path):
    # not isolated, the address's "." joins the Arabic around it and goes to the far end of its line
    from weasyprint import HTML

    fonts = CONTENT.parent / "handle_docs" / "assets" / "fonts"
    faces = "".join(
        f'@font-face {{ font-family: "{name}"; src: url("{(fonts / f"{name}-Regular.ttf").as_uri()}"); }}'
        for name in ("AtkinsonHyperlegibleNext", "NotoSansArabic")
    )
    words = "انضموا إلى مراقبة الحي عبر الموقع"
    pdf = tmp_path / "rtl.pdf"
    HTML(
        string=f"""<html lang="ar" dir="rtl"><style>{faces}
body {{ font-family: AtkinsonHyperlegibleNext, NotoSansArabic; font-size: 16pt }}</style><body>
<p>{words} westmarch-police.<br>example/watch {words}</p>
<p style="break-before: page">{words} <bdi dir="ltr">westmarch-police.<br>example/watch</bdi> {words}</p>
</body></html>"""
    ).write_pdf(pdf)
    assert printed(pdf)[1:] == [(2, ("westmarch-police.", "example/watch"), NWS, False)]
    assert web_address_findings(pdf) == [
        (
            1,
            "web address not whole: 'example/watch' is only part of 'westmarch-police.example/watch' "
            "(links.yaml), the rest printed away from it where a reader cannot tell it belongs",
        )
    ]


def test_check_fails_an_address_in_a_letters_body_text_that_is_not_a_link(content_copy, tmp_path):
    # a typing slip in the wording: the letter would send residents nowhere
    edit(
        content_copy / "letters" / "visit.yaml",
        "looked for things left on show.",
        "looked for things left on show. Read more at westmarch-police.example/wacth.",
    )
    pdf = render_letter(content_copy, "en-GB", tmp_path / "out")
    result = CliRunner().invoke(check, [str(pdf), "--json", "--links", str(content_copy / "links.yaml")])
    assert result.exit_code == 1, result.output
    (report,) = json.loads(result.output)["files"]
    assert report["failed_checks"] == ["web-addresses"]
    (checked,) = [c for c in report["checks"] if c["check"] == "web-addresses"]
    (finding,) = checked["findings"]
    assert finding["page"] == 1 and finding["text"] == "westmarch-police.example/wacth"
    assert finding["message"].startswith("web address not in the link file: 'westmarch-police.example/wacth'")


# ---------------------------------------------------------------------------
# what the demo prints: every letter and leaflet in every language
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en-GB", "cy", "cy+en", "pl", "ro", "ar", "ur"])
def test_each_letters_addresses_read_back_whole_broken_only_after_a_slash_or_a_dot(tmp_path, lang):
    pdf = render_letter(CONTENT, lang, tmp_path)
    addresses = printed(pdf)
    copies = 2 if lang == "cy+en" else 1
    assert sorted("".join(lines) for _, lines, _, _ in addresses) == sorted(ADDRESSES * copies)
    assert {url for _, _, url, _ in addresses} == {NWS, CMS}
    for _, lines, _, broken in addresses:
        assert not broken and all(line.endswith(("/", ".")) for line in lines[:-1]), lines
    (report,) = check_paths([pdf], config_from_links(LINKS))
    for name in ("web-addresses", "qr-codes"):
        assert report.result(name).passed, report.result(name).findings


LEAFLETS = [
    "lock-it-leaflet",
    "lock-it-leaflet-cy",
    "lock-it-leaflet-pl",
    "lock-it-leaflet-ro",
    "lock-it-leaflet-ar",
    "lock-it-leaflet-ur",
    "stay-connected-leaflet",
]


def test_every_leaflet_is_tested(content):
    assert sorted(LEAFLETS) == sorted(m for m in content.materials if "leaflet" in m)


@pytest.mark.parametrize("material_id", LEAFLETS)
@pytest.mark.parametrize("fmt", ["a4", "a5-booklet"])
def test_each_leaflets_addresses_read_back_whole(content, tmp_path, material_id, fmt):
    result = render_leaflet(content, content.material(material_id), tmp_path, fmt)
    files = [tmp_path / result.reading_copy] + ([tmp_path / result.booklet] if result.booklet else [])
    for pdf in files:
        addresses = printed(pdf)
        assert addresses, pdf
        assert all(url is not None and not broken for _, _, url, broken in addresses), addresses
        assert web_address_findings(pdf) == []


def test_each_generic_letters_addresses_read_back_whole(tmp_path):
    # the contingency pack's generic visit letter, in every language, as `handle-docs contingency` prints it
    from handle_docs.commands.contingency import contingency

    args = ["--out", str(tmp_path / "pack"), "--content", str(CONTENT), "--leaflet", "stay-connected-leaflet"]
    result = CliRunner().invoke(contingency, args)
    assert result.exit_code == 0, result.output
    letters = sorted((tmp_path / "pack").glob("generic-letter-*.pdf"))
    assert len(letters) == 6
    for pdf in letters:
        assert {url for _, _, url, _ in printed(pdf)} == {NWS, CMS}, pdf.name
        assert web_address_findings(pdf) == [], pdf.name


def test_check_fails_an_address_broken_at_its_hyphen(tmp_path):
    # the QR block as it was: the address printed as one value, free to break at its hyphen
    content_dir = rtl_content_dir(tmp_path / "copy")
    edit(
        content_dir.parent / "templates" / "letters" / "visit.html.j2",
        '<p class="address">{{ m.web_address(code.short) }}</p>',
        '<p class="address">{{ m.isolate(code.short) }}</p>',
    )
    pdf = render_letter(content_dir, "ur", tmp_path / "out")
    (report,) = check_paths([pdf], config_from_links(content_dir / "links.yaml"))
    assert report.result("qr-codes").passed  # the links are printed: how they read is the next check's
    result = report.result("web-addresses")
    assert not result.passed
    messages = [f.message for f in result.findings]
    assert any(
        m.startswith("web address broken where a reader cannot tell: 'westmarch-'") for m in messages
    ), messages
