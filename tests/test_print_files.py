"""``handle-docs check`` on a whole run folder: print-shop files are print files (issue 29 item 6).

The imposed A5 booklets (pages out of reading order, two to a side, untagged
by design) say in their metadata that they are for the print shop, and
``check`` reports them as print files, checked for what applies to print
(fonts, sizes, glyphs, contrast, page geometry, QR codes), not as letters
failing PDF/UA.  A file that does not say so is still checked in full.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from handle_docs.checks import check_paths
from handle_docs.checks.runner import PRINT_CHECKS
from handle_docs.cli import cli
from handle_docs.pdf import printfile


@pytest.fixture(scope="module")
def booklets(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("leaflets")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1794693600")
        result = CliRunner().invoke(cli, ["leaflets", "--out", str(out), "--format", "a5-booklet"])
    assert result.exit_code == 0, result.output
    return out


def test_each_imposed_booklet_says_it_is_for_the_print_shop(booklets):
    files = sorted((booklets / "print").glob("*.pdf"))
    assert len(files) == 7
    for path in files:
        with pikepdf.open(path) as pdf:
            assert printfile.kind(pdf) == "imposed A5 booklet"
            reading_copy = path.name.replace("-a5-booklet.pdf", "-a5.pdf")
            assert str(pdf.docinfo["/Subject"]).endswith(f"the accessible copy is {reading_copy}")
            assert (booklets / reading_copy).is_file()
    with pikepdf.open(booklets / "lock-it-leaflet-a5.pdf") as pdf:
        assert printfile.kind(pdf) is None


def test_check_passes_the_leaflets_folder_reporting_print_files_as_print_files(booklets):
    result = CliRunner().invoke(cli, ["check", str(booklets)])
    assert result.exit_code == 0, result.output
    assert "All 14 file(s) passed. 7 of them for the print shop only, checked for print." in result.output
    reports = {r.path.name: r for r in check_paths([booklets])}
    booklet = reports["lock-it-leaflet-ar-a5-booklet.pdf"]
    assert booklet.kind == "print"
    assert {r.check for r in booklet.results} == PRINT_CHECKS | {"print-file"}
    assert "for the print shop only (imposed A5 booklet)" in booklet.result("print-file").findings[0].message
    reading = reports["lock-it-leaflet-ar-a5.pdf"]
    assert reading.kind == "pdf" and reading.result("tagged").passed and reading.result("text-layer").passed


def test_a_print_file_is_still_checked_for_print(booklets, tmp_path):
    # a booklet whose type is too small still fails: being a print file excuses only the tagging
    small = tmp_path / "small.pdf"
    with pikepdf.open(booklets / "print" / "lock-it-leaflet-a5-booklet.pdf") as pdf:
        for page in pdf.pages:
            page.contents_coalesce()
            page.Contents.write(b"q 0.5 0 0 0.5 0 0 cm\n" + page.Contents.read_bytes() + b"\nQ")
        pdf.save(small)
    (report,) = check_paths([small])
    assert report.kind == "print" and not report.result("min-font-size").passed


def test_an_unmarked_copy_of_a_booklet_is_checked_as_a_letter(booklets, tmp_path):
    unmarked = tmp_path / "unmarked.pdf"
    with pikepdf.open(booklets / "print" / "lock-it-leaflet-a5-booklet.pdf") as pdf:
        del pdf.docinfo[printfile.KEY]
        pdf.save(unmarked)
    (report,) = check_paths([unmarked])
    assert report.kind == "pdf" and not report.result("tagged").passed
