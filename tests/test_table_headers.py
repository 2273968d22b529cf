"""Tables a screen reader can navigate, and an independent PDF/UA checker over the demo (issue 29 item 5).

Every table header cell (``TH``) says which cells it heads (``/Scope``), so a
screen reader can say "Registration: AB12 CDE" for a data cell;
``handle-docs check`` fails a header without it.  The ``pdfua`` checker
(PyPI, Matterhorn protocol), run the way a person runs it, finds no error
and no warning in the demo's letters, its print batch and its leaflets'
reading copies (a rule it cannot evaluate is reported as skipped, not as a
finding).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from handle_docs.checks import CheckConfig, check_paths
from handle_docs.outputs.leaflets import render_leaflet
from handle_docs.pdf.structure_tree import resolve_role, role_names, struct_type, walk_structure

from .conftest import EPOCH
from .rtl import render_letter, rtl_content_dir


def headers(pdf: Path) -> list[str | None]:
    """Each TH's /Scope, in structure order."""
    with pikepdf.open(pdf) as document:
        root = document.Root.StructTreeRoot
        roles = role_names(root)
        return [
            str(visit.elem.A.get("/Scope")) if "/A" in visit.elem else None
            for visit in walk_structure(root)
            if resolve_role(struct_type(visit.elem), roles) == "TH"
        ]


def without_scope(pdf: Path, out: Path) -> Path:
    """``pdf`` as WeasyPrint alone tags it: no /Scope on its header cells."""
    with pikepdf.open(pdf) as document:
        for visit in walk_structure(document.Root.StructTreeRoot):
            attributes = visit.elem.get("/A")
            if isinstance(attributes, pikepdf.Dictionary) and "/Scope" in attributes:
                del attributes["/Scope"]
        document.save(out)
    return out


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> dict[str, Path]:
    content_dir = rtl_content_dir(tmp_path_factory.mktemp("content"))
    out = tmp_path_factory.mktemp("letters")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return {lang: render_letter(content_dir, lang, out / lang) for lang in ("en-GB", "ar")}


@pytest.mark.parametrize("lang", ["en-GB", "ar"])
def test_each_vehicles_table_header_heads_its_column(letters, lang):
    assert headers(letters[lang]) == ["/Column"] * 3
    (report,) = check_paths([letters[lang]], CheckConfig())
    assert report.result("table-headers").passed


def test_check_fails_a_table_header_without_a_scope(letters, tmp_path):
    (report,) = check_paths([without_scope(letters["en-GB"], tmp_path / "old.pdf")], CheckConfig())
    result = report.result("table-headers")
    assert not result.passed
    assert len(result.findings) == 3
    assert "no /Scope" in result.findings[0].message and result.findings[0].page in (1, 2)
    assert result.findings[0].text == "Registration"


def pdfua_findings(paths: list[Path]) -> dict[str, list[str]]:
    """``pdfua check`` over ``paths``: each file's errors and warnings (rule, message)."""
    done = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
    )
    assert done.returncode in (0, 1, 2, 3), done.stderr
    decoder, text, at, found = json.JSONDecoder(), done.stdout, 0, {}
    while text[at:].strip():  # one JSON report a file, one after the other
        at += len(text[at:]) - len(text[at:].lstrip())
        report, at = decoder.raw_decode(text, at)
        bad = [
            f"{f['rule_id']}: {f['message']}"
            for f in report["findings"]
            if f["severity"] in ("error", "warning")
        ]
        if bad:
            found[report["file"]] = bad
    return found


def test_pdfua_finds_nothing_in_the_demo_letters_and_batch(sample_run):
    out, _, _ = sample_run
    files = [*sorted((out / "letters").glob("*.pdf")), out / "batch.pdf"]
    assert len(files) > 20
    assert pdfua_findings(files) == {}


def test_pdfua_finds_nothing_in_the_leaflets(content, tmp_path):
    files = []
    for material_id in sorted(
        m for m in content.materials if m.startswith(("lock-it-leaflet", "stay-connected"))
    ):
        result = render_leaflet(content, content.material(material_id), tmp_path / material_id, "a4")
        files.append(tmp_path / material_id / result.reading_copy)
    assert len(files) >= 7
    assert pdfua_findings(files) == {}


def test_a_header_without_a_scope_attribute_heads_its_column_in_thead_and_its_row_first_in_a_body_row(
    tmp_path,
):
    from handle_docs.render.pdf import PdfRenderer

    from .conftest import TEMPLATES

    renderer = PdfRenderer(TEMPLATES)
    html = (
        '<html lang="en-GB"><head><title>Table</title><link rel="stylesheet" href="base.css"></head><body>'
        "<table><thead><tr><th>Registration</th><th>Locked?</th></tr></thead>"
        "<tbody><tr><th>AB12 CDE</th><td>No</td></tr>"
        '<tr><th scope="col">Col</th><td>Yes</td></tr></tbody></table></body></html>'
    )
    pdf = tmp_path / "table.pdf"
    pdf.write_bytes(renderer.write(renderer.layout(html), title="Table", lang="en-GB"))
    assert headers(pdf) == ["/Column", "/Column", "/Row", "/Column"]
    (report,) = check_paths([pdf], CheckConfig())
    assert report.result("table-headers").passed
