"""A correction typed in the check page that still fails the rules: the row
stays rejected, the page says "still not accepted" with the reason, and
neither the check nor the run lists it as corrected."""

from __future__ import annotations

import csv
import io

from handle_docs.records.check import check_records
from handle_docs.records.read import read_records

from .synth import write_records
from .test_web_runs import app, client, finished, make, run_id_of, signed_in, text, token, upload  # noqa: F401


def records_with_row_8_unanswered(tmp_path):
    """Six good rows, then row 8 with "was it locked" left blank: rejected."""
    path = write_records(tmp_path / "six.csv", 6)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    last = list(rows[-1])
    last[2], last[5] = "9 Tanners Row, Eastmoor, Westmarch", ""
    rows.append(last)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_a_correction_that_still_fails_stays_rejected_and_is_not_counted_as_corrected(tmp_path):
    path = records_with_row_8_unanswered(tmp_path)
    recordset = read_records(path, corrections={8: {"vehicle_secure": "maybe"}})
    assert recordset.corrected_rows == [] and [r.row for r in recordset.rejects] == [8]
    result = check_records(path, corrections={8: {"vehicle_secure": "maybe"}})
    assert result.corrected_rows == [] and result.still_rejected == [8]
    (problem,) = result.rejected
    assert problem.row == 8 and problem.still and problem.what_is_wrong == "vehicle_secure must be yes or no"
    assert result.file_problems == []  # not "was not used": it was used, and failed
    good = check_records(path, corrections={8: {"vehicle_secure": "no"}})
    assert good.corrected_rows == [8] and good.still_rejected == [] and good.rejected == []


def test_the_check_page_says_still_not_accepted_and_the_run_lists_no_correction(client, app, tmp_path):
    data = records_with_row_8_unanswered(tmp_path).read_bytes()
    run_id = run_id_of(upload(client, data))
    response = client.post(
        f"/runs/{run_id}/correct",
        data={
            "csrf_token": token(client, f"/runs/{run_id}/check"),
            "row": "8",
            "cell-vehicle_secure": "maybe",
        },
    )
    assert response.status_code == 303
    page = text(client.get(f"/runs/{run_id}/check"))
    assert "1 row needs an answer before it gets a letter; 6 rows will get their letters." in page
    assert "Was it locked? must be yes or no" in page and "Your correction was not accepted either." in page
    assert "Corrected for this run" not in page and "Corrected but still not accepted: row 8." in page
    assert "corrected for this run and checked again" not in page
    make(client, run_id)
    finished(app)
    manifest = client.get(f"/runs/{run_id}/files/manifest.json").get_json()
    assert "corrected_rows" not in manifest and manifest["letters_count"] == 6
    rejects = text(client.get(f"/runs/{run_id}/files/rejects.csv"))
    assert '"8","vehicle_secure"' in rejects
    assert "Corrected for this run" not in text(client.get(f"/runs/{run_id}/results"))
