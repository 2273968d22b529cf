"""Officers' letters runs in the workspace, through Flask's test client: upload,
the check page, a correction, making the letters, progress, results and
downloads, whose runs are whose, deleting personal data, the retention sweep,
and hostile uploads."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import html
import io
import json
import re
import stat
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from handle_docs.impact.patrol import keep_patrol
from handle_docs.models import ProblemsError
from handle_docs.services import run_patrol
from handle_docs.services.supervisor import worker_running
from handle_docs.services.workspace_runs import RunStore, Swept
from handle_docs.web import Settings, create_app
from handle_docs.web import runs as runs_module
from handle_docs.web.common import run_name
from handle_docs.wording.workspace_settings import load_config

from .browser import DEVELOPER_WORDS
from .conftest import SAMPLE_XLSX, approve_all
from .pdfsee import page_texts
from .synth import write_records


@dataclass(frozen=True)
class Account:
    """An account as sign-in (issue 18) gives it: id, name, roles."""

    id: str
    name: str
    roles: tuple[str, ...]

    @property
    def display(self) -> str:
        return self.name


OFFICER = Account("acc-officer-1", "PC Ada Example", ("officer",))
OTHER_OFFICER = Account("acc-officer-2", "PC Bo Example", ("officer",))
REVIEWER = Account("acc-reviewer", "Sgt Cy Example", ("officer", "comms-lead"))


@pytest.fixture
def signed_in(monkeypatch):
    """Who the workspace thinks is asking; a test changes ``signed_in["as"]``."""
    who = {"as": OFFICER}
    monkeypatch.setattr(runs_module, "current_actor", lambda: who["as"])
    return who


@contextmanager
def with_worker(settings: Settings):
    """The worker process serve starts beside the web server (services/supervisor.py), for these folders."""
    with worker_running(
        settings.instance, settings.content, settings.templates_dir, settings.review_dir
    ) as worker:
        yield worker


@pytest.fixture
def app(content_copy, tmp_path, signed_in):
    approve_all(content_copy)
    settings = Settings(content=content_copy, instance=tmp_path / "instance")
    app = create_app(settings)
    app.config["TESTING"] = True
    with with_worker(settings):
        yield app
        app.extensions["handle_docs"]["run_queue"].wait_idle(180)
    app.extensions["handle_docs"]["previewer"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def text(response) -> str:
    return response.get_data(as_text=True)


def token(client, path="/runs/") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', text(client.get(path))).group(1)


def upload(client, data: bytes, name: str = "records.csv"):
    return client.post(
        "/runs/",
        data={"csrf_token": token(client), "records": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def run_id_of(response) -> str:
    return re.search(r"/runs/([A-Za-z0-9_-]{22})/check", response.headers["Location"]).group(1)


@pytest.fixture
def small_csv(tmp_path) -> bytes:
    """Six good rows (rows 2-7 as Excel numbers them), then row 8 with no address."""
    path = write_records(tmp_path / "six.csv", 6)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows.append([*rows[-1][:2], "", "ZZ9 9ZZ", *rows[-1][4:]])  # the address left blank: rejected
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def make(client, run_id: str, **form) -> object:
    return client.post(
        f"/runs/{run_id}/make", data={"csrf_token": token(client, f"/runs/{run_id}/check"), **form}
    )


def finished(app) -> None:
    assert app.extensions["handle_docs"]["run_queue"].wait_idle(180)


# --- upload and check -----------------------------------------------------------------------


def test_an_upload_is_kept_privately_under_a_random_id_and_the_check_page_lists_only_problem_rows(
    client, app, small_csv
):
    response = upload(client, small_csv, name="14 Larkspur Road.csv")
    assert response.status_code == 303
    run_id = run_id_of(response)
    folder = Path(app.instance_path) / "runs" / run_id
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "records.csv").stat().st_mode) == 0o600
    assert (folder / "records.csv").read_bytes() == small_csv  # stored as sent, under a fixed name
    assert "Larkspur" not in json.dumps([p.name for p in folder.rglob("*")])

    page = text(client.get(f"/runs/{run_id}/check"))
    assert "<title>Check the records – Letters workspace</title>" in page
    assert "7 rows read" in page
    assert "1 row needs an answer before it gets a letter; 6 rows will get their letters." in page
    rows = re.findall(r'<fieldset class="row-card [a-z]+" id="row-(\d+)"', page)
    assert rows == ["8"]  # only the row with a problem, numbered as Excel does (header = row 1)
    assert "Address is missing" in page and "type the delivery address" in page
    assert page.count('<form method="post" action="/runs/') == 2  # one form of corrections, one to make
    assert '<label for="fix-8-address">Address</label>' in page
    assert (
        'name="cell-8-address" maxlength="500" value=""' in page
    )  # the value found (blank), to correct in place


def test_the_check_page_shows_every_problem_row_of_a_long_patrol_in_one_form(client, tmp_path):
    path = write_records(tmp_path / "many.csv", 500)
    lines = path.read_text(encoding="utf-8").splitlines()
    broken = [lines[0]] + [
        re.sub(r",(yes|no),", ",,", line, count=1) for line in lines[1:]
    ]  # no vehicle_secure
    run_id = run_id_of(upload(client, ("\n".join(broken) + "\n").encode()))
    started = time.monotonic()
    response = client.get(f"/runs/{run_id}/check")
    took = time.monotonic() - started
    page = text(response)
    numbers = [int(n) for n in re.findall(r'<fieldset class="row-card [a-z]+" id="row-(\d+)"', page)]
    assert numbers == list(range(2, 502))  # every row with a problem, five times a four-hour patrol
    assert page.count('<form method="post" action="/runs/') == 2 and page.count('id="check-again"') == 1
    assert "more rows to look at" not in page
    print(f"check page with 500 problem rows: {len(response.data) // 1024} kB in {took:.2f} s")
    assert len(response.data) < 1_500_000 and took < 5


def test_a_file_problem_comes_first_and_alone_and_no_letters_can_be_made(client):
    run_id = run_id_of(upload(client, b"name,street\nAda,Larkspur Road\n"))
    page = text(client.get(f"/runs/{run_id}/check"))
    assert 'id="file-problem"' in page and "The file cannot be used" in page
    assert page.count("The file cannot be used</h2>") == 1
    assert "Make the letters" not in page and 'class="row-card' not in page


def test_a_rejected_row_corrected_in_the_page_is_checked_again_and_the_upload_is_unchanged(
    client, app, small_csv
):
    run_id = run_id_of(upload(client, small_csv))
    page = text(client.get(f"/runs/{run_id}/check"))
    assert 'name="cell-8-address"' in page
    response = client.post(
        f"/runs/{run_id}/correct",
        data={
            "csrf_token": token(client, f"/runs/{run_id}/check"),
            "row": "8",
            "cell-address": "9 Tanners Row, Eastmoor, Westmarch",
        },
    )
    assert response.status_code == 303
    page = text(client.get(f"/runs/{run_id}/check"))
    assert "7 rows will get their letters." in page and "needs an answer" not in page
    assert "Corrected for this run and now accepted: row 8." in page
    assert (Path(app.instance_path) / "runs" / run_id / "records.csv").read_bytes() == small_csv


def test_a_correction_without_the_csrf_token_is_refused(client, app, small_csv):
    run_id = run_id_of(upload(client, small_csv))
    response = client.post(f"/runs/{run_id}/correct", data={"row": "8", "cell-address": "1 A Street, Town"})
    assert response.status_code == 403
    assert RunStore(Path(app.instance_path)).load(run_id).corrections == {}


# --- make, progress, results ---------------------------------------------------------------------


def test_make_runs_in_the_background_and_the_results_offer_every_download(
    client, app, small_csv, tmp_path, content_copy
):
    run_id = run_id_of(upload(client, small_csv))
    client.post(
        f"/runs/{run_id}/correct",
        data={
            "csrf_token": token(client, f"/runs/{run_id}/check"),
            "row": "8",
            "cell-address": "9 Tanners Row, Eastmoor, Westmarch",
        },
    )
    response = make(client, run_id, docx="yes")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/runs/{run_id}/progress")
    page = text(client.get(f"/runs/{run_id}/progress"))
    assert 'hx-trigger="every 1s"' in page and "<script>" not in page
    finished(app)

    folder = Path(app.instance_path) / "runs" / run_id
    progress = json.loads((folder / "progress.json").read_text())
    assert progress["done"] == progress["total"] == 7 and progress["finished"] is True
    bar = client.get(f"/runs/{run_id}/progress/bar")
    assert 'value="100"' in text(bar) and "7 of 7 letters (100 %)" in text(bar)
    assert bar.headers["HX-Redirect"] == f"/runs/{run_id}"

    page = text(client.get(f"/runs/{run_id}/results"))
    assert "7 letters made from 7 rows: 7 rows in letters, 0 without a letter." in page
    assert "Corrected for this run: row 8." in page
    assert re.search(r"Print <a [^>]*>batch\.pdf</a>: \d+ pages, double-sided on \d+ sheets of A4\.", page)
    assert re.search(r"Take <a [^>]*>round-sheet\.pdf</a> on the round\.", page)
    assert page.index('id="print-list"') < page.index('id="keep-list"') < page.index('id="all-files"')
    assert page.count('<span class="hint">') == page.count('<li><a href="/runs/')  # a line on every file
    with zipfile.ZipFile(io.BytesIO(client.get(f"/runs/{run_id}/files/all.zip").data)) as archive:
        assert {"batch.pdf", "round-sheet.pdf", "summary.txt"} <= set(archive.namelist())
    assert 'alt="Page 1 of the print batch"' in page
    for name in (
        "batch.pdf",
        "batch.docx",
        "letters.zip",
        "manifest.json",
        "rejects.csv",
        "warnings.csv",
        "follow-up.csv",
        "round-sheet.pdf",
        "operation-summary.pdf",
        "social-card-1080x1080.png",
    ):
        assert f"/files/{name}" in page, name
    preview = client.get(f"/runs/{run_id}/preview/1.png")
    assert preview.status_code == 200 and preview.data[:8] == b"\x89PNG\r\n\x1a\n"

    manifest = client.get(f"/runs/{run_id}/files/manifest.json").get_json()
    assert manifest["corrected_rows"] == [8] and manifest["letters_count"] == 7
    batch = client.get(f"/runs/{run_id}/files/batch.pdf")
    assert batch.mimetype == "application/pdf" and "attachment" in batch.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(client.get(f"/runs/{run_id}/files/letters.zip").data)) as archive:
        assert sum(name.endswith(".pdf") for name in archive.namelist()) == 7
    (tmp_path / "downloaded.pdf").write_bytes(batch.data)
    assert "Tanners Row" in " ".join(page_texts(tmp_path / "downloaded.pdf"))
    assert client.get(f"/runs/{run_id}/files/..%2Frun.json").status_code == 404
    assert client.get(f"/runs/{run_id}/files/run.json").status_code == 404

    # the force moves on to its next operation: the run keeps the name of the patrol it was made for
    operation = content_copy / "operation.yaml"
    operation.write_text(
        operation.read_text(encoding="utf-8")
        .replace("id: op-larkspur-2026-11", "id: op-heron-2027-02")
        .replace("name: Operation Larkspur", "name: Operation Heron")
        .replace("patrol_date: 2026-11-14", "patrol_date: 2027-02-06")
        .replace("area: Eastmoor", "area: Kiln Vale"),
        encoding="utf-8",
    )
    upload(client, small_csv)  # a run not made yet is named from operation.yaml
    names = re.findall(r'<a href="/runs/[^"]+">([^<]+)</a>', text(client.get("/runs/")))
    assert names == [
        "Operation Heron, Kiln Vale, 6 February 2027",
        "Operation Larkspur, Eastmoor, 14 November 2026",
    ]
    assert "Operation Larkspur, Eastmoor, 14 November 2026" in text(client.get(f"/runs/{run_id}/results"))


def test_a_run_that_kept_its_patrol_without_an_operation_is_named_by_the_patrols_day():
    kept = keep_patrol(None, [], [dt.datetime(2026, 11, 14, 18, 5)])  # operation.yaml could not be read
    assert run_name(None, "2026-11-15T09:00:00+00:00", kept) == "Patrol on 14 November 2026"


def test_the_review_gate_refuses_unapproved_material_and_drafts_are_for_reviewers_only(
    client, app, small_csv, signed_in, content_copy
):
    from .conftest import unsigned

    unsigned(content_copy)
    run_id = run_id_of(upload(client, small_csv))
    refused = make(client, run_id)
    assert refused.status_code == 409
    words = text(refused)  # the material, and who approves, in words
    outside = re.sub(r'<details class="details technical">.*?</details>', "", words, flags=re.S)
    assert not DEVELOPER_WORDS.search(
        re.sub(r"<[^>]+>", " ", outside)
    )  # the gate's own words only in the details
    assert "visit-letter" in words and "comms-lead" in words
    assert (
        "Advice after our vehicle crime patrol</strong>: Needs two more approvals: a comms lead must approve"
        in words
    )
    assert 'id="draft"' not in text(client.get(f"/runs/{run_id}/check"))  # no draft for an officer
    assert make(client, run_id, draft="yes").status_code == 403
    signed_in["as"] = REVIEWER
    run_id = run_id_of(upload(client, small_csv))
    assert 'id="draft"' in text(client.get(f"/runs/{run_id}/check"))
    assert make(client, run_id, draft="yes").status_code == 303
    finished(app)
    assert client.get(f"/runs/{run_id}/files/manifest.json").get_json()["draft"] is True


def test_two_runs_both_finish_and_the_second_says_it_waits(client, app, small_csv, tmp_path):
    first = run_id_of(upload(client, small_csv))
    second = run_id_of(upload(client, write_records(tmp_path / "nine.csv", 9).read_bytes()))
    make(client, first)
    make(client, second)
    page = text(client.get(f"/runs/{second}/progress"))
    assert "this run is next" in page or "letters (" in page or "1 run before this one" in page
    assert client.get("/runs/").status_code == 200  # the workspace answers while runs are made
    finished(app)
    counts = [
        client.get(f"/runs/{r}/files/manifest.json").get_json()["letters_count"] for r in (first, second)
    ]
    assert counts == [6, 9]


def test_a_run_cut_off_by_a_restart_carries_on_when_the_server_starts(
    content_copy, tmp_path, signed_in, small_csv
):
    approve_all(content_copy)
    settings = Settings(content=content_copy, instance=tmp_path / "instance")
    store = RunStore(tmp_path / "instance")
    record = store.create(OFFICER.id, small_csv, 7)
    record.state = "running"  # as a server stopped mid-run leaves it
    store.save(record)
    app = create_app(settings)
    with with_worker(settings):
        deadline = time.monotonic() + 180
        while store.load(record.id).state != "done" and time.monotonic() < deadline:
            time.sleep(0.2)
    assert store.load(record.id).state == "done"
    assert (store.out_dir(record) / "batch.pdf").is_file()
    app.extensions["handle_docs"]["previewer"].close()


# --- whose runs, personal data, retention -------------------------------------------------------


def test_the_run_pages_say_when_in_the_forces_time_zone(client, app, small_csv, content_copy):
    from zoneinfo import ZoneInfo

    from handle_docs.review.labels import long_date

    settings = content_copy / "workspace.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "time_zone: Europe/London", "time_zone: America/New_York"
        ),
        encoding="utf-8",
    )
    run_id = run_id_of(upload(client, small_csv))
    record = RunStore(Path(app.instance_path)).load(run_id)
    uploaded = dt.datetime.fromisoformat(record.uploaded).astimezone(ZoneInfo("America/New_York"))
    expires = dt.datetime.fromisoformat(record.expires).astimezone(ZoneInfo("America/New_York"))
    page = text(client.get("/runs/"))
    said = f"Uploaded {long_date(uploaded.date())} at {uploaded:%H:%M}. To check. Personal data deleted on {long_date(expires.date())}."
    assert said in html.unescape(page) and "UTC" not in page


def test_another_account_gets_404_for_a_run_even_with_its_link(client, app, small_csv, signed_in):
    run_id = run_id_of(upload(client, small_csv))
    signed_in["as"] = OTHER_OFFICER
    for path in (
        "",
        "/check",
        "/progress",
        "/progress/bar",
        "/results",
        "/files/batch.pdf",
        "/preview/1.png",
    ):
        assert client.get(f"/runs/{run_id}{path}").status_code == 404, path
    assert client.post(f"/runs/{run_id}/delete", data={"csrf_token": token(client)}).status_code == 404
    assert run_id not in text(client.get("/runs/"))
    assert (Path(app.instance_path) / "runs" / run_id / "records.csv").exists()


def test_delete_removes_the_personal_data_and_keeps_the_counts(client, app, small_csv):
    run_id = run_id_of(upload(client, small_csv))
    make(client, run_id)
    finished(app)
    folder = Path(app.instance_path) / "runs" / run_id
    results = text(client.get(f"/runs/{run_id}/results"))
    assert re.search(r'<a class="button danger" id="delete-run" href="/runs/[^"]+/delete">', results)
    confirm = text(client.get(f"/runs/{run_id}/delete"))  # a link only: nothing is deleted yet
    assert (
        "the records file you uploaded and your corrections" in confirm and (folder / "records.csv").exists()
    )
    assert '<button type="submit" class="danger" id="confirm-delete">' in confirm
    response = client.post(f"/runs/{run_id}/delete", data={"csrf_token": token(client)})
    assert response.status_code == 303
    assert not (folder / "records.csv").exists() and not (folder / "out" / "batch.pdf").exists()
    assert not (folder / "out" / "letters").exists() and not (folder / "extras" / "letters.zip").exists()
    page = text(client.get(f"/runs/{run_id}/results"))
    assert "personal data has been deleted" in page and "6 rows in letters, 1 without a letter" in page
    assert "/files/batch.pdf" not in page and "/files/rejects.csv" in page


def test_a_runs_personal_data_goes_after_the_retention_period_and_its_counts_when_they_are_no_longer_kept(
    client, app, small_csv, content_copy
):
    (content_copy / "workspace.yaml").write_text(
        "retention_days: 3\nkeep_counts_days: 90\njobs: 1\n", encoding="utf-8"
    )
    run_id = run_id_of(upload(client, small_csv))
    make(client, run_id)
    finished(app)
    folder = Path(app.instance_path) / "runs" / run_id
    store = RunStore(Path(app.instance_path))
    record = store.load(run_id)
    uploaded = dt.datetime.fromisoformat(record.uploaded)
    assert record.expires_at == uploaded + dt.timedelta(days=3)
    assert record.kept_until_at == uploaded + dt.timedelta(days=90)
    expires, kept = (dt.date.fromisoformat(when[:10]) for when in (record.expires, record.keep_until))
    listed = text(client.get("/runs/"))
    assert f"Personal data deleted on {expires.day} {expires:%B %Y}." in listed
    assert "Operation Larkspur, Eastmoor, 14 November 2026" in listed
    assert (
        "personal data is deleted 3 days after its upload; its counts and reports are kept\nfor 90 days"
        in listed
    )
    assert store.sweep(uploaded + dt.timedelta(days=2)) == Swept()
    # after 3 days: the records, letters and batch go; the counts, reports and the patrol the run keeps stay
    assert run_patrol.sweep(store, content_copy, uploaded + dt.timedelta(days=3)) == Swept(purged=[run_id])
    assert not (folder / "records.csv").exists() and not (folder / "out" / "batch.pdf").exists()
    assert (folder / "extras" / "impact" / "patrol.json").is_file()
    page = text(client.get(f"/runs/{run_id}/results"))
    assert "personal data has been deleted" in page and "6 rows in letters, 1 without a letter" in page
    assert f"kept until {kept.day} {kept:%B %Y}" in page
    assert f"Counts kept until {kept.day} {kept:%B %Y}." in text(client.get("/runs/"))
    assert store.sweep(uploaded + dt.timedelta(days=89)) == Swept()  # purged once, not again
    assert store.sweep(uploaded + dt.timedelta(days=90)) == Swept(deleted=[run_id])
    assert not folder.exists()
    assert client.get(f"/runs/{run_id}/check").status_code == 404


def test_a_run_made_before_runs_kept_their_counts_longer_goes_whole_at_its_retention_date(app, small_csv):
    store = RunStore(Path(app.instance_path))
    record = store.create("someone", small_csv, 3)
    record.keep_until = ""  # as run.json was written before keep_until existed
    store.save(record)
    uploaded = dt.datetime.fromisoformat(record.uploaded)
    assert store.sweep(uploaded + dt.timedelta(days=3)) == Swept(deleted=[record.id])


def test_counts_kept_for_less_time_than_the_personal_data_is_a_mistake_said_at_its_line(content_copy):
    (content_copy / "workspace.yaml").write_text(
        "retention_days: 30\nkeep_counts_days: 10\n", encoding="utf-8"
    )
    with pytest.raises(ProblemsError) as raised:
        load_config(content_copy)
    said = str(raised.value.problems[0])
    assert "workspace.yaml" in said and "keep_counts_days (10) must be at least retention_days (30)" in said


# --- hostile uploads -------------------------------------------------------------------------------


def files_outside(instance: Path, before: set[Path], root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p not in before and instance not in p.parents and p != instance]


def test_a_file_over_50_mb_is_refused_with_a_message(client, app):
    big = b"a,b\n" + b"x" * (51 * 1024 * 1024)
    response = upload(client, big)
    assert response.status_code == 413
    assert "larger than 50 MB" in text(response) and "Traceback" not in text(response)
    assert list((Path(app.instance_path) / "runs").iterdir()) == []


def test_a_program_renamed_csv_is_refused_saying_what_is_accepted(client, app):
    exe = (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
        + b"\x00" * 200
        + b"This program cannot be run in DOS mode"
    )
    response = upload(client, exe, name="records.csv")
    assert response.status_code == 400
    assert "not text" in text(response) and "a CSV file (.csv) or a Microsoft Forms export (.xlsx)" in text(
        response
    )
    assert list((Path(app.instance_path) / "runs").iterdir()) == []


def test_a_zip_bomb_named_xlsx_is_read_safely_and_reported(client, app, tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(SAMPLE_XLSX) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/media/padding.bin", b"\x00" * (8 * 1024 * 1024))
    before = set(tmp_path.rglob("*"))
    run_id = run_id_of(upload(client, path.read_bytes(), name="bomb.xlsx"))
    page = text(client.get(f"/runs/{run_id}/check"))
    assert "zip bomb" in page and "Traceback" not in page and "Make the letters" not in page
    assert files_outside(Path(app.instance_path), before, tmp_path) == []


def test_an_xlsx_with_formulas_and_external_links_is_read_as_text_and_nothing_is_fetched(
    client, app, tmp_path
):
    import openpyxl

    workbook = openpyxl.load_workbook(SAMPLE_XLSX)
    sheet = workbook.active
    sheet["C2"] = '=HYPERLINK("http://127.0.0.1:9/x","click")'
    sheet["D3"] = "='[http://127.0.0.1:9/evil.xlsx]Sheet1'!A1"
    path = tmp_path / "formulas.xlsx"
    workbook.save(path)
    before = set(tmp_path.rglob("*"))
    run_id = run_id_of(upload(client, path.read_bytes(), name="formulas.xlsx"))
    response = client.get(f"/runs/{run_id}/check")
    assert response.status_code == 200 and "Traceback" not in text(response)
    assert "127.0.0.1:9" not in text(response)
    assert files_outside(Path(app.instance_path), before, tmp_path) == []


def test_expired_runs_go_even_when_nobody_opens_the_run_list(client, app, small_csv, monkeypatch):
    store = RunStore(Path(app.instance_path))
    old = store.create(OFFICER.id, small_csv, 7, now=dt.datetime.now(dt.UTC) - dt.timedelta(days=8))
    fresh = store.create(OFFICER.id, small_csv, 7)
    monkeypatch.setattr(runs_module, "SWEEP_EVERY", 0)
    assert client.get("/").status_code == 200  # the materials page, not the run list
    assert not store.folder(old.id).exists() and store.folder(fresh.id).exists()


# --- the queue and the worker ----------------------------------------------------------------------


def test_a_double_click_on_make_queues_the_run_once(client, app, small_csv, monkeypatch):
    run_id = run_id_of(upload(client, small_csv))
    stale = RunStore(Path(app.instance_path)).load(
        run_id
    )  # what the second click read before the first saved
    assert make(client, run_id).status_code == 303
    monkeypatch.setattr(runs_module, "mine_or_404", lambda _run_id: copy.deepcopy(stale))
    second = make(client, run_id)
    assert second.status_code == 303 and second.headers["Location"].endswith(f"/runs/{run_id}/progress")
    monkeypatch.undo()
    assert "This run was already queued: it is made once." in text(client.get(f"/runs/{run_id}/progress"))
    finished(app)
    entry = app.extensions["handle_docs"]["run_queue"].entry(run_id)
    assert (entry.state, entry.starts) == ("done", 1)
    assert RunStore(Path(app.instance_path)).load(run_id).state == "done"


def test_letters_zip_is_written_by_the_run_and_streamed_from_disk_with_a_relative_instance_folder(
    content_copy, signed_in, small_csv, monkeypatch
):
    approve_all(content_copy)
    monkeypatch.chdir(content_copy.parent)  # serve --content content --instance instance, as the README says
    settings = Settings(content=Path("content"), instance=Path("instance"))
    app = create_app(settings)
    client = app.test_client()
    with with_worker(settings):
        run_id = run_id_of(upload(client, small_csv))
        make(client, run_id)
        finished(app)
    archive = content_copy.parent / "instance" / "runs" / run_id / "extras" / "letters.zip"
    assert archive.is_file() and stat.S_IMODE(archive.stat().st_mode) == 0o600
    with zipfile.ZipFile(archive) as opened:
        assert sorted(opened.namelist()) == sorted(
            f"letters/{p.name}"
            for p in (content_copy.parent / "instance" / "runs" / run_id / "out" / "letters").iterdir()
        )
    response = client.get(f"/runs/{run_id}/files/letters.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.is_streamed  # the file handed to the server in blocks, not bytes made for the request
    assert response.get_data() == archive.read_bytes()
    app.extensions["handle_docs"]["previewer"].close()


def test_the_results_page_offers_each_braille_letter_for_the_embosser_named_by_its_reference(
    client, app, small_csv
):
    rows = small_csv.decode().splitlines()
    rows[1] = rows[1].rsplit(",", 1)[0] + ",braille"  # the last column is the format column
    rows[2] = rows[2].rsplit(",", 1)[0] + ",Braille"
    rows[3] = rows[3].rsplit(",", 3)[0] + ",Romanian,no,braille"  # no Romanian braille: English braille, said
    run_id = run_id_of(upload(client, ("\n".join(rows) + "\n").encode()))
    make(client, run_id)
    finished(app)
    page = text(client.get(f"/runs/{run_id}/results"))
    manifest = client.get(f"/runs/{run_id}/files/manifest.json").get_json()
    ids = manifest["braille"]["letters"]
    assert len(ids) == 3 and "3 of them also in braille." in page
    [romanian] = [f["letter_id"] for f in manifest["braille"]["files"] if f["fallback"]]
    said = (
        f"Letter {romanian}: its braille copy is in English braille, not in the letter's language.</p>"
        '<details class="details technical"><summary>Technical details</summary>\n'
        '<div class="details-text">no braille table for Romanian in braille.yaml</div>'
    )
    assert said in html.unescape(page)
    assert page.index('id="print-batch"') < page.index('id="emboss-braille"') < page.index('id="keep-list"')
    for letter_id in ids:
        link = f'<a href="/runs/{run_id}/files/braille-{letter_id}.brf">braille-{letter_id}.brf</a>'
        assert (
            f'{link}<span class="hint">Braille letter for 1 resident — send to the embosser.</span>' in page
        )
        brf = client.get(f"/runs/{run_id}/files/braille-{letter_id}.brf")
        assert brf.status_code == 200 and "attachment" in brf.headers["Content-Disposition"]
        assert (
            brf.data.startswith(b" " * 30) and b"\f" in brf.data
        )  # the page number, then the letter's pages
    # nothing about the residents in the braille links; no other file of the braille folder offered
    addresses = [row.split('"')[1] for row in rows[1:3]]
    links = re.findall(r'href="([^"]*braille[^"]*)"', page)
    assert len(links) == 3 and not [a for a in addresses for link in links if a.split(",")[0] in link]
    assert client.get(f"/runs/{run_id}/files/braille-{ids[0]}.json").status_code == 404
    assert client.get(f"/runs/{run_id}/files/braille-..%2F..%2Frun.json").status_code == 404
    with zipfile.ZipFile(io.BytesIO(client.get(f"/runs/{run_id}/files/all.zip").data)) as archive:
        assert {f"braille-{letter_id}.brf" for letter_id in ids} <= set(archive.namelist())


# --- the leaflet after each letter: in each resident's language, or in English for everyone ----------------------

POLISH_LEAFLET = "Zamknij, sprawdź, schowaj"  # the sample's Polish lock-it leaflet's title
ENGLISH_LEAFLET = "Lock it, check it, hide it"


def polish_and_english(path: Path) -> bytes:
    """Two good rows: a resident asking for Polish, one for English."""
    from .synth import write_rows
    from .test_languages_run import row

    return write_rows(path, row(1, "polski"), row(2, "en")).read_bytes()


def leaflet_titles(pdf: Path) -> tuple[int, int]:
    """How often the Polish and the English leaflet's titles are printed: each letter names the leaflet
    enclosed after it once (its advice's heading), each leaflet prints its own once."""
    pages = " ".join(page_texts(pdf))
    return pages.count(POLISH_LEAFLET), pages.count(ENGLISH_LEAFLET)


def polish_letter_names(out: Path, manifest: dict) -> tuple[str, list[str]]:
    """The Polish resident's own letter (its own PDF: the leaflets are in the batch only): its words, and
    the languages its PDF's headings are tagged in."""
    from .pdfsee import element_languages

    (entry,) = [e for e in manifest["letters"] if e["asked"] == "pl"]
    letter = out / entry["file"]
    return " ".join(page_texts(letter)), sorted(
        {lang for _, kind, lang in element_languages(letter) if kind == "/H2"}
    )


def word_heading_languages(docx: Path, heading: str) -> set[str]:
    """The languages Word is told the paragraphs reading ``heading`` are in."""
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(docx) as archive:
        from lxml import etree

        root = etree.fromstring(archive.read("word/document.xml"))
    found = set()
    for p in root.iter(f"{ns}p"):
        if "".join(t.text or "" for t in p.iter(f"{ns}t")).replace("\u200e", "").strip() == heading:
            found |= {el.get(f"{ns}val") or el.get(f"{ns}bidi") for el in p.iter(f"{ns}lang")}
    return found


def test_the_leaflet_in_english_for_everyone_goes_through_the_queue_and_the_worker(client, app, tmp_path):
    run_id = run_id_of(upload(client, polish_and_english(tmp_path / "two.csv")))
    page = text(client.get(f"/runs/{run_id}/check"))
    choices = re.findall(
        r'<input type="radio" id="([^"]+)" name="leaflet" value="([^"]*)"( checked)?>\s*<label[^>]*>([^<]+)',
        page,
    )
    assert [
        (value, bool(checked), label)
        for _id, value, checked, label in choices
        if value.startswith("lock-it") or not value
    ] == [
        ("lock-it-leaflet", True, f"The “{ENGLISH_LEAFLET}” leaflet, in each resident's language"),
        ("lock-it-leaflet:english", False, f"The “{ENGLISH_LEAFLET}” leaflet, in English for everyone"),
        ("", False, "No leaflet"),
    ]
    assert make(client, run_id, leaflet="lock-it-leaflet:english").status_code == 303
    assert RunStore(Path(app.instance_path)).load(run_id).leaflet_language == "english"
    finished(app)
    manifest = client.get(f"/runs/{run_id}/files/manifest.json").get_json()
    assert {e["asked"]: e["material_id"] for e in manifest["letters"]} == {
        "pl": "visit-letter-pl",
        "en-GB": "visit-letter",
    }
    assert "lock-it-leaflet" in manifest["materials"] and "lock-it-leaflet-pl" not in manifest["materials"]
    assert manifest["history"]["options"]["leaflet_language"] == "english"
    (tmp_path / "batch.pdf").write_bytes(client.get(f"/runs/{run_id}/files/batch.pdf").data)
    # the English leaflet after both letters, and the Polish letter names it by its English title
    assert leaflet_titles(tmp_path / "batch.pdf") == (0, 4)

    refused = make(
        client,
        run_id_of(upload(client, polish_and_english(tmp_path / "again.csv"))),
        leaflet="lock-it-leaflet:klingon",
    )
    assert refused.status_code == 400


def test_the_command_line_gives_the_same_choice_each_residents_language_by_default(content_copy, tmp_path):
    from .test_languages_run import letters

    approve_all(content_copy)
    records = tmp_path / "two.csv"
    polish_and_english(records)
    assert (
        letters(
            records, tmp_path / "resident", content_copy, "--with-leaflet", "lock-it-leaflet", "--docx"
        ).exit_code
        == 0
    )
    assert leaflet_titles(tmp_path / "resident" / "batch.pdf") == (
        2,
        2,
    )  # the Polish leaflet for the Polish resident
    manifest = json.loads((tmp_path / "resident" / "manifest.json").read_text(encoding="utf-8"))
    assert "lock-it-leaflet-pl" in manifest["materials"]
    words, languages = polish_letter_names(tmp_path / "resident", manifest)
    assert POLISH_LEAFLET in words and ENGLISH_LEAFLET not in words and languages == ["pl-PL"]
    assert word_heading_languages(tmp_path / "resident" / "batch.docx", POLISH_LEAFLET) == {"pl-PL"}

    english = letters(
        records,
        tmp_path / "english",
        content_copy,
        "--with-leaflet",
        "lock-it-leaflet",
        "--leaflet-language",
        "english",
        "--docx",
    )
    assert english.exit_code == 0, english.output
    assert leaflet_titles(tmp_path / "english" / "batch.pdf") == (0, 4)
    # the Polish letter names the leaflet enclosed as it is printed, in English, tagged as English
    manifest = json.loads((tmp_path / "english" / "manifest.json").read_text(encoding="utf-8"))
    words, languages = polish_letter_names(tmp_path / "english", manifest)
    assert (
        ENGLISH_LEAFLET in words and POLISH_LEAFLET not in words and "Zamknij" in words
    )  # its advice still Polish
    assert languages == ["en-GB", "pl-PL"]
    docx = tmp_path / "english" / "batch.docx"
    assert POLISH_LEAFLET not in words and word_heading_languages(docx, ENGLISH_LEAFLET) == {"en-GB"}
    (entry,) = [e for e in manifest["letters"] if e["asked"] == "pl"]
    assert word_heading_languages(tmp_path / "english" / entry["docx_file"], ENGLISH_LEAFLET) == {"en-GB"}
