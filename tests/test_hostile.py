"""Hostile input: printed as literal text, never executed, never fetched."""

from __future__ import annotations

import csv
import http.server
import json
import threading
from pathlib import Path
from typing import ClassVar

import pypdfium2
import pytest

from handle_docs.models import ProblemsError
from handle_docs.records.read import read_records

from .conftest import CONTENT, TEMPLATES
from .pdfsee import words
from .synth import HEADER, HEADER_LINE, run_records
from .textread import poppler_words


def write_checks(path: Path, rows: list[dict], encoding="utf-8") -> Path:
    """Checks as dicts of the columns that matter here; the other columns get plain values."""
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, HEADER)
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    **{h: "" for h in HEADER},
                    "submitted_at": "2026-11-14 19:00",
                    "officer": "4127",
                    "postcode": "ZZ1 4QX",
                    "vehicle_secure": "no",
                    **row,
                }
            )
    return path


class Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self):
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Recorder.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", Recorder.hits
    httpd.shutdown()


def run(tmp_path, records, content_dir=CONTENT, templates=TEMPLATES):
    out = tmp_path / "run"
    result, recordset = run_records(records, out, content_dir=content_dir, templates=templates)
    return out, result, recordset


def test_record_text_with_jinja_html_and_css_is_printed_literally_and_fetches_nothing(tmp_path, server):
    base, hits = server
    nasty = [
        "{{ 7*7 }} Larkspur Road",
        "{% for x in range(3) %}loop{% endfor %} Road",
        f"<script>alert(1)</script><img src={base}/img.png> Road",
        f"<link rel=stylesheet href={base}/s.css> Road",
        f"url({base}/bg.png) **bold** Road",
    ]
    rows = [
        {
            "address": f"{i + 1} {text}, Eastmoor",
            "vrm": f"QZ00 XK{chr(65 + i)}",
            "items_on_display": "<b>bag</b>" if i == 0 else "",
        }
        for i, text in enumerate(nasty)
    ]
    out, result, _ = run(tmp_path, write_checks(tmp_path / "r.csv", rows))
    assert len(result.letters) == len(nasty) and not result.rejects
    manifest = json.loads((out / "manifest.json").read_text())
    seen = "".join(words(out / letter["file"]) for letter in manifest["letters"]).replace(" ", "")
    for text in nasty:  # lines may wrap anywhere there is a space: compare without spaces
        assert text.replace(" ", "") in seen, text
    assert "<b>bag</b>" in seen
    assert "49 Larkspur" not in seen, "Jinja in a record must never be evaluated"
    assert hits == [], "nothing may be fetched"


def test_content_wording_with_markup_and_jinja_is_printed_literally(tmp_path, content_copy, server):
    base, hits = server
    visit = content_copy / "letters" / "visit.yaml"
    text = visit.read_text()
    assert "We tried the door handles" in text
    visit.write_text(
        text.replace(
            "We tried the door handles",
            f'We tried {{{{ 7*7 }}}} <script>x</script> <img src="{base}/i.png"> url({base}/c.png) handles',
        )
    )
    out, result, _ = run(
        tmp_path,
        write_checks(tmp_path / "r.csv", [{"address": "1 Mill Close", "vrm": "QZ00 XKA"}]),
        content_copy,
        content_copy.parent / "templates",
    )
    seen = words(out / "letters" / f"{result.letters[0].letter_id}.pdf").replace(" ", "")
    expected = f'We tried {{{{ 7*7 }}}} <script>x</script> <img src="{base}/i.png"> url({base}/c.png) handles'
    assert expected.replace(" ", "") in seen
    assert hits == []


@pytest.mark.parametrize("resource", ["http", "file", "data"])
def test_a_template_that_reaches_outside_is_refused_and_reported_as_rejected_rows(
    tmp_path, content_copy, server, resource
):
    base, hits = server
    src = {
        "http": f"{base}/tracker.png",
        "file": "file:///etc/hostname",
        "data": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
    }[resource]
    template = content_copy.parent / "templates" / "letters" / "visit.html.j2"
    template.write_text(template.read_text().replace("<h1>", f'<img src="{src}" alt="x"><h1>', 1))
    records = write_checks(
        tmp_path / "r.csv",
        [{"address": "1 Mill Close", "vrm": "QZ00 XKA"}, {"address": "3 Mill Close", "vrm": "QZ00 XKB"}],
    )
    out, result, _recordset = run(tmp_path, records, content_copy, content_copy.parent / "templates")
    assert result.letters == []
    assert sorted(r.row for r in result.rejects) == [2, 3]
    assert all("refused to fetch" in r.reason for r in result.rejects)
    assert hits == []
    rejects = (out / "rejects.csv").read_text(encoding="utf-8-sig")
    assert "refused to fetch a " + resource in rejects


def test_emoji_and_scripts_no_bundled_font_draws_are_rejected_with_a_reason_not_dropped(tmp_path):
    rows = [
        {"address": "1 Mill Close", "vrm": "QZ00 XKA"},
        {"address": "2 ถนนสุขุมวิท, Eastmoor", "vrm": "QZ00 XKB"},  # Thai: no bundled font
        {"address": "3 Mill Close 🚗", "vrm": "QZ00 XKC"},
        {"address": "5 Mill Close", "vrm": "QZ00 XKD", "items_on_display": "bag;🎒"},
        {"address": "7 Rue Élodie, Crème Brûlée, £5 Lane", "vrm": "QZ00 XKE"},
        {"address": "9 شارع الملك, Eastmoor", "vrm": "QZ00 XKF"},  # Arabic: Noto Sans Arabic draws it
    ]
    out, result, _recordset = run(tmp_path, write_checks(tmp_path / "r.csv", rows))
    rejected = {r.row: r for r in result.rejects}
    assert sorted(rejected) == [3, 4, 5]
    assert rejected[3].field == "address" and "cannot print" in rejected[3].reason
    assert rejected[5].field == "items_on_display"
    # read by Poppler, which honours the Arabic text layer (/ActualText; PDFium reorders it again)
    letter_text = " ".join(poppler_words(out / letter.file) for letter in result.letters)
    assert "7 Rue Élodie, Crème Brûlée, £5 Lane".replace(",", "") in letter_text.replace(",", "")
    assert "شارع الملك" in letter_text


def test_welsh_addresses_with_accented_w_and_y_get_their_letter(tmp_path):
    # "Tŷ" (house) names many Welsh homes; the bundled font draws ŵ ŷ ẁ ẃ ẅ ỳ and their capitals
    rows = [
        {"address": "Tŷ Gwyn, Heol y Bont, Llanddŵr", "vrm": "QZ00 XKA"},
        {"address": "Ŵyn Bach, Ffordd Ŷd, Ẁ Ẃ Ẅ ẁ ẃ ẅ ỳ Ỳ", "vrm": "QZ00 XKB"},
    ]
    out, result, _recordset = run(tmp_path, write_checks(tmp_path / "r.csv", rows))
    assert result.rejects == [] and len(result.letters) == 2
    letter_text = " ".join(words(out / letter.file) for letter in result.letters)
    assert "Tŷ Gwyn" in letter_text and "Llanddŵr" in letter_text and "Ffordd Ŷd" in letter_text


def test_the_accents_on_w_and_y_are_drawn_not_empty(tmp_path):
    from PIL import ImageChops

    from handle_docs.render.pdf import PdfRenderer

    from .conftest import TEMPLATES
    from .pdfsee import font_sizes_and_names

    renderer = PdfRenderer(TEMPLATES)

    def picture(text: str, weight: str):
        html = (
            f'<html lang="cy"><head><title>t</title><link rel="stylesheet" href="base.css"></head>'
            f'<body><p style="font-size: 60pt; font-weight: {weight}">{text}</p></body></html>'
        )
        data = renderer.write(renderer.layout(html), title="t", lang="cy")
        (tmp_path / "t.pdf").write_bytes(data)
        _, fonts = font_sizes_and_names(tmp_path / "t.pdf")
        assert all(name.replace("-", "").startswith("AtkinsonHyperlegibleNext") for name in fonts), (
            fonts
        )  # no stand-in font
        pdf = pypdfium2.PdfDocument(data)
        try:
            return pdf[0].render(scale=1).to_pil().convert("L")
        finally:
            pdf.close()

    for weight in ("normal", "bold"):
        plain = picture("wy WY", weight)
        for accented in ("ŵŷ ŴŶ", "ẁỳ ẀỲ", "ẃý ẂÝ", "ẅÿ ẄŸ"):
            # same letters, same advance widths: the only difference is the marks above them
            difference = ImageChops.difference(plain, picture(accented, weight)).getbbox()
            assert difference is not None, f"{accented} drawn as plain letters ({weight})"


def test_windows_1252_pound_and_accents_reach_the_letter(tmp_path):
    records = write_checks(
        tmp_path / "r.csv", [{"address": "4 Café Row, £ Street", "vrm": "QZ00 XKA"}], encoding="cp1252"
    )
    out, result, _ = run(tmp_path, records)
    assert "4 Café Row" in words(out / result.letters[0].file)
    assert "£ Street" in words(out / result.letters[0].file)


def test_a_csv_over_50_mb_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w") as handle:
        handle.write(HEADER_LINE + "\n")
        line = '2026-11-14 19:00,4127,"1 Mill Close",ZZ1 4QX,QZ00 XKA,no,,,,,,\n'
        handle.write(line * (50 * 1024 * 1024 // len(line) + 10))
    with pytest.raises(ProblemsError) as info:
        read_records(path)
    assert "larger than 50 MB" in str(info.value)


def test_spreadsheet_formula_cells_are_neutralised_in_every_csv_written(tmp_path):
    rows = [
        {"address": '=HYPERLINK("http://x","a"), Eastmoor', "vrm": "QZ00 XKA", "nws_interest": "yes"},
        {"address": "+44 Mill Close", "vrm": "QZ00 XKB", "cms_interest": "yes"},
        {"address": "-3 Mill Close", "vrm": "QZ00 XKC", "nws_interest": "yes"},
        {"address": "@SUM(1), Mill Close", "vrm": "QZ00 XKD", "cms_interest": "yes"},
        {"address": "9 Mill Close", "vrm": "not a plate"},
    ]
    out, _result, _ = run(tmp_path, write_checks(tmp_path / "r.csv", rows))
    for name in ("follow-up.csv", "rejects.csv", "manifest.csv"):
        with open(out / name, encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
    follow = (out / "follow-up.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in follow and "'+44 Mill Close" in follow and "'@SUM(1)" in follow


def test_neutralise_follows_owasp():
    from handle_docs.util.tables import csv_text, neutralise

    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\tx") == "'\tx" and neutralise("\rx") == "'\rx"
    assert neutralise("plain") == "plain" and neutralise(12) == "12"
    assert csv_text(["a"], [["=cmd|' /C calc'!A0"]]).splitlines()[1] == "\"'=cmd|' /C calc'!A0\""
