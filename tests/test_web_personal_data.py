"""Personal data in the workspace, through Flask's test client: nothing a run
shows or offers may be kept by a browser (``Cache-Control: no-store``), and
"Delete this run's personal data" leaves nothing in the whole instance folder
but ids, counts and reasons: no address, postcode, registration, typed
correction or free-text item, in any file (SQLite database and caches
included)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from .pdfsee import text as pdf_text
from .synth import write_records
from .test_web_runs import app, client, finished, make, run_id_of, signed_in, text, token, upload  # noqa: F401

ADDRESS = "17 Quillfeather Mews, Zabrowskiton, Westmarch"
POSTCODE = "ZZ8 6WX"
VRM = "QX71 ZPQ"
ITEM = "Driving licence of Zebedee Quarrington DOB 12/03/1970"
CORRECTED = "5 Oxlade Gardens, Yarnbury, Westmarch"
#: What must be gone: the pieces a person would search for.
VALUES = [
    "Quillfeather",
    "Zabrowskiton",
    POSTCODE,
    VRM,
    VRM.replace(" ", ""),
    "Zebedee",
    "Quarrington",
    "12/03/1970",
    "Oxlade",
    "Yarnbury",
]


def records(tmp_path) -> bytes:
    """Six invented rows, one with the values above, then row 9 with no address (corrected in the page)."""
    path = write_records(tmp_path / "six.csv", 6)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    marked = list(rows[-1])
    marked[2], marked[3], marked[4], marked[6] = ADDRESS, POSTCODE, VRM, ITEM
    rows.append(marked)
    rows.append([*rows[1][:2], "", *rows[1][3:]])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def readable(path: Path) -> str:
    """A file's text as a person searching it would see it: PDFs and zip archives (.docx) opened."""
    data = path.read_bytes()
    found = [data.decode("utf-8", "replace"), data.decode("utf-16-le", "replace")]
    if data[:5] == b"%PDF-":
        found.append(pdf_text(path))
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(path) as archive:
            found += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return "\n".join(found)


def found_in(instance: Path) -> dict[str, list[str]]:
    """Each of VALUES found in a file under ``instance``, by file."""
    hits = {}
    for path in sorted(p for p in instance.rglob("*") if p.is_file()):
        seen = readable(path)
        values = [value for value in VALUES if value in seen]
        if values:
            hits[str(path.relative_to(instance))] = values
    return hits


def test_delete_leaves_no_personal_data_anywhere_in_the_instance_folder(client, app, tmp_path):
    instance = Path(app.instance_path)
    run_id = run_id_of(upload(client, records(tmp_path)))
    client.post(
        f"/runs/{run_id}/correct",
        data={"csrf_token": token(client, f"/runs/{run_id}/check"), "row": "9", "cell-address": CORRECTED},
    )
    assert make(client, run_id, docx="yes").status_code == 303
    finished(app)
    page = text(client.get(f"/runs/{run_id}/results"))
    assert "/preview/1.png" in page and client.get(f"/runs/{run_id}/preview/1.png").status_code == 200
    before = found_in(instance)
    found = {value for values in before.values() for value in values}
    assert set(VALUES) - {VRM.replace(" ", "")} <= found, before  # the search finds them where they belong

    response = client.post(f"/runs/{run_id}/delete", data={"csrf_token": token(client)})
    assert response.status_code == 303
    assert found_in(instance) == {}
    page = text(client.get(f"/runs/{run_id}/results"))
    assert "personal data has been deleted" in page and "8 rows in letters, 0 without a letter" in page


def test_no_page_or_file_of_a_run_may_be_kept_by_a_browser(client, app, tmp_path):
    run_id = run_id_of(upload(client, records(tmp_path)))
    assert client.get(f"/runs/{run_id}/check").headers["Cache-Control"] == "no-store"
    make(client, run_id)
    finished(app)
    for path in (
        "results",
        "files/batch.pdf",
        "files/manifest.json",
        "files/follow-up.csv",
        "files/letters.zip",
        "files/round-sheet.pdf",
        "preview/1.png",
    ):
        response = client.get(f"/runs/{run_id}/{path}")
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        assert "ETag" not in response.headers, path
