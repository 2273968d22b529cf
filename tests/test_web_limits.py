"""Request body limits in the workspace, through Flask's test client: an upload
of records up to the documented 50 MB is taken (the limit is set before CSRF
protection reads the form), a larger one is refused saying so, and every other
form keeps the small limit."""

from __future__ import annotations

import io
from pathlib import Path

from handle_docs.records.read import MAX_FILE_BYTES
from handle_docs.web.limits import MAX_BODY

from .synth import write_records
from .test_web_runs import app, client, signed_in, text, token, upload  # noqa: F401 (fixtures)


def runs_made(app) -> list[Path]:
    return list((Path(app.instance_path) / "runs").iterdir())


def test_an_upload_of_7000_rows_over_the_form_limit_is_taken(client, app, tmp_path):
    data = write_records(tmp_path / "many.csv", 7000).read_bytes()
    assert len(data) > 600 * 1024 > MAX_BODY
    response = upload(client, data)
    assert response.status_code == 303, text(response)[:500]
    (folder,) = runs_made(app)
    assert (folder / "records.csv").read_bytes() == data


def test_an_upload_of_45_mb_is_taken(client, app, tmp_path):
    one = write_records(tmp_path / "one.csv", 1).read_bytes()
    header, row = one.split(b"\n", 1)
    data = header + b"\n" + row * (45 * 1024 * 1024 // len(row))
    assert 44 * 1024 * 1024 < len(data) < MAX_FILE_BYTES
    response = upload(client, data)
    assert response.status_code == 303, text(response)[:500]
    (folder,) = runs_made(app)
    assert (folder / "records.csv").stat().st_size == len(data)


def test_an_upload_of_51_mb_is_refused_saying_the_limit(client, app):
    response = upload(client, b"a,b\n" + b"x" * (51 * 1024 * 1024))
    assert response.status_code == 413
    page = text(response)
    assert "The file was larger than 50 MB, so it was not kept." in page and "Traceback" not in page
    assert runs_made(app) == []


def test_any_other_form_over_512_kb_is_still_refused(client, app, tmp_path):
    data = write_records(tmp_path / "six.csv", 6).read_bytes()
    run_id = upload(client, data).headers["Location"].split("/")[-2]
    response = client.post(
        f"/runs/{run_id}/correct",
        data={
            "csrf_token": token(client, f"/runs/{run_id}/check"),
            "row": "2",
            "cell-address": "x" * (600 * 1024),
        },
    )
    assert response.status_code == 413
    page = text(response)
    assert "larger than 512 kB, so nothing was saved" in page and "50 MB" not in page
    # a file sent to a route that takes none is held to the small limit too
    response = client.post(
        f"/runs/{run_id}/correct",
        data={
            "csrf_token": token(client, f"/runs/{run_id}/check"),
            "row": "2",
            "records": (io.BytesIO(b"x" * (600 * 1024)), "records.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
