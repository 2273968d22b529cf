"""Web addresses never split at a hyphen or inside a word (issue 29 item 2).

A printed address fits on one line or breaks only after a "/" or a ".", with
no hyphen added; ``handle-docs check`` reads every printed address back from
the page and fails one broken anywhere else (a reader typing
"westmarch-" / "police.example/" / "watch" cannot tell the hyphen belongs to
the address).
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from handle_docs.checks import check_paths
from handle_docs.checks.config import config_from_links
from handle_docs.checks.pdf_qr import printed_lines
from handle_docs.outputs.leaflets import render_leaflet
from handle_docs.render.webaddress import pieces

from .conftest import EPOCH, edit
from .rtl import render_letter, rtl_content_dir

ADDRESSES = ("westmarch-police.example/watch", "westmarch-alert.example")  # content/links.yaml: short


def test_an_address_is_cut_only_after_a_slash_or_a_dot():
    assert pieces("westmarch-police.example/watch") == ["westmarch-police.", "example/", "watch"]
    assert pieces("westmarch-alert.example") == ["westmarch-alert.", "example"]
    assert pieces("a.b//c") == ["a.", "b//", "c"]


def addresses_as_printed(pdf: Path) -> list[list[str]]:
    with pdfplumber.open(pdf) as document:
        return [
            lines
            for page in document.pages
            for form in ADDRESSES
            if (lines := printed_lines(page.chars, form))
        ]


@pytest.fixture(scope="module")
def content_dir(tmp_path_factory) -> Path:
    return rtl_content_dir(tmp_path_factory.mktemp("content"))


@pytest.mark.parametrize("lang", ["en-GB", "cy", "pl", "ro", "ar", "ur"])
def test_each_letters_addresses_read_back_whole_broken_only_after_a_slash_or_a_dot(
    content_dir, tmp_path, lang, monkeypatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    pdf = render_letter(content_dir, lang, tmp_path)
    printed = addresses_as_printed(pdf)
    assert sorted("".join(lines) for lines in printed) == sorted(ADDRESSES)
    for lines in printed:
        assert all(line.endswith(("/", ".")) for line in lines[:-1]), lines
    (report,) = check_paths([pdf], config_from_links(content_dir / "links.yaml"))
    assert report.result("qr-codes").passed, report.result("qr-codes").findings


@pytest.mark.parametrize("material_id", ["lock-it-leaflet-cy", "lock-it-leaflet-ur"])
@pytest.mark.parametrize("fmt", ["a4", "a5-booklet"])
def test_each_leaflets_addresses_read_back_whole(content, tmp_path, material_id, fmt):
    result = render_leaflet(content, content.material(material_id), tmp_path, fmt)
    printed = addresses_as_printed(tmp_path / result.reading_copy)
    assert printed and all(all(line.endswith(("/", ".")) for line in lines[:-1]) for lines in printed)


def test_check_fails_an_address_broken_at_its_hyphen(tmp_path, monkeypatch):
    # the QR block as it was: the address printed as one value, free to break at its hyphen
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    content_dir = rtl_content_dir(tmp_path / "copy")
    edit(
        content_dir.parent / "templates" / "letters" / "visit.html.j2",
        '<p class="address">{{ m.web_address(code.short) }}</p>',
        '<p class="address">{{ m.isolate(code.short) }}</p>',
    )
    pdf = render_letter(content_dir, "ur", tmp_path / "out")
    (report,) = check_paths([pdf], config_from_links(content_dir / "links.yaml"))
    result = report.result("qr-codes")
    assert not result.passed
    messages = [f.message for f in result.findings]
    assert any(
        m.startswith("web address broken where a reader cannot tell: 'westmarch-'") for m in messages
    ), messages
