"""Issue 32 in the workspace: police.uk crime data uploaded and kept, "Did it work?" on a run's results page
(worked out by the worker process ``make serve`` starts, after the run or when the officer asks), and Where
to patrol next. Flask's test client on a copy of the content; the sample police.uk extract (invented)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from handle_docs.web import Settings, create_app

from .browser import DEVELOPER_WORDS, copy_sample, started
from .conftest import ROOT, approve_all, edit
from .synth import write_records
from .test_web_runs import finished, make, run_id_of, text, token, upload, with_worker
from .test_worker import Browser
from .webaccounts import add, csrf, running, sign_in

SAMPLE = ROOT / "examples" / "police-uk-sample-invented"


def crimes_zip(up_to: str = "9999-99", broken: dict[str, str] | None = None) -> bytes:
    """The sample extract as police.uk's zip (monthly folders), months up to ``up_to``; ``broken`` replaces
    text in the files (first occurrence in each)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(SAMPLE.rglob("*-street.csv")):
            if path.parent.name > up_to:
                continue
            data = path.read_text(encoding="utf-8")
            for old, new in (broken or {}).items():
                data = data.replace(old, new, 1)
            archive.writestr(path.relative_to(SAMPLE).as_posix(), data)
    return buffer.getvalue()


def send_crimes(client, data: bytes, name: str = "police-uk-download 14 Larkspur Road.zip"):
    return client.post(
        "/crime-data/",
        data={"csrf_token": token(client, "/crime-data/"), "crimes": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def plain(page: str) -> str:
    """The page's text outside the "Technical details" disclosures."""
    return re.sub(r"<details class=\"details technical\">.*?</details>", "", page, flags=re.S)


@pytest.fixture
def web(content_copy, tmp_path):
    """The workspace without accounts (the local user is an officer), not yet with a worker."""
    approve_all(content_copy)
    settings = Settings(content=content_copy, instance=tmp_path / "instance")
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app, settings
    app.extensions["handle_docs"]["previewer"].close()


# --- the crime data ---------------------------------------------------------------------------


def test_the_police_uk_zip_is_kept_once_privately_with_the_months_it_covers_and_replaced_by_the_next(web):
    app, _settings = web
    client = app.test_client()
    assert "No crime data has been uploaded yet" in text(client.get("/crime-data/"))
    response = send_crimes(client, crimes_zip())
    assert response.status_code == 303
    page = text(client.get("/crime-data/"))
    assert "Crime data: January 2025 to May 2027, 1 force." in page
    kept = Path(app.instance_path) / "crimes"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o700
    assert sorted(p.name for p in kept.iterdir()) == [".replace.lock", "police-uk.zip", "summary.json"]
    assert stat.S_IMODE((kept / "police-uk.zip").stat().st_mode) == 0o600
    assert (
        "Larkspur" not in json.dumps([p.name for p in kept.iterdir()]) + (kept / "summary.json").read_text()
    )

    assert send_crimes(client, crimes_zip(up_to="2026-06")).status_code == 303  # replaced, not added
    assert "Crime data: January 2025 to June 2026, 1 force." in text(client.get("/crime-data/"))
    assert sorted(p.name for p in kept.iterdir()) == [".replace.lock", "police-uk.zip", "summary.json"]


def test_a_wrong_file_is_refused_naming_its_file_row_and_column_and_the_data_kept_stays(web):
    app, _settings = web
    client = app.test_client()
    send_crimes(client, crimes_zip())
    bad = crimes_zip(broken={"LSOA code": "LSOA", "2026-03,": "March 2026,"})
    response = send_crimes(client, bad)
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem with your file" in page
    # the header's wrong column in every file, and (in a file whose header is right) a row's wrong month
    assert (
        "2025-01-westmarch-street.csv, row 1, column “LSOA code”: column 8 should be &#39;LSOA code&#39; but "
        "is &#39;LSOA&#39;" in page
    )
    assert "and " in page and " more</li>" in page  # 29 files wrong: ten shown, the rest counted
    assert not DEVELOPER_WORDS.search(plain(page))
    assert "/crimes/" not in plain(page) and ".upload" not in page  # never the instance folder's path
    assert "Crime data: January 2025 to May 2027, 1 force." in page  # what was kept before is still kept

    one_month = (SAMPLE / "2026-03" / "2026-03-westmarch-street.csv").read_text(encoding="utf-8")
    lines = one_month.splitlines()
    row = next(i for i, line in enumerate(lines) if ",Vehicle crime," in line)
    lines[row] = lines[row].replace(",2026-03,", ",March 2026,", 1)
    response = send_crimes(client, ("\n".join(lines) + "\n").encode(), name="2026-03-westmarch-street.csv")
    assert response.status_code == 400
    assert (
        f"Your file, row {row + 1}, column “Month”: &#39;March 2026&#39; is not a month written YYYY-MM"
        in text(response)
    )

    response = send_crimes(client, b"%PDF-1.7\n...", name="crimes.pdf")
    assert response.status_code == 400 and "The file is not a zip file or CSV text." in text(response)


def test_a_file_too_large_is_refused_before_it_is_read(web, monkeypatch):
    app, _settings = web
    client = app.test_client()
    form_token = token(client, "/crime-data/")
    # the route's limit made small, so the test need not send 250 MB: the 413 page names the real limit
    monkeypatch.setattr(app.view_functions["crimes.upload"], "handle_docs_body_limit", 64 * 1024)
    response = client.post(
        "/crime-data/",
        data={"csrf_token": form_token, "crimes": (io.BytesIO(crimes_zip()), "police-uk.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "The file was larger than 250 MB, so it was not kept." in text(response)
    assert not (Path(app.instance_path) / "crimes" / "summary.json").exists()


# --- where to patrol next ---------------------------------------------------------------------------


def test_where_to_patrol_next_ranks_the_neighbourhoods_marks_earlier_patrols_and_downloads_as_csv(web):
    app, settings = web
    edit(
        Path(settings.content) / "operation.yaml",
        "  lsoa: [Z01000018, Z01000019]",
        "  lsoa: [Z01000018, Z01000019]\n  earlier: [{date: 2025-06-10, lsoa: [Z01000029]}]",
    )
    client = app.test_client()
    page = text(client.get("/"))
    assert 'href="/where-next/">Where to patrol next</a>' in page  # in the nav for officers
    assert "No crime data has been uploaded yet" in text(client.get("/where-next/"))
    send_crimes(client, crimes_zip())
    page = text(client.get("/where-next/"))
    assert "<caption>Neighbourhoods by vehicle crime</caption>" in page
    assert '<th scope="col" class="n">Last 3 months</th>' in page
    first = re.search(r"<tbody>\s*<tr>(.*?)</tr>", page, re.S).group(1)
    assert '<th scope="row">Westmarch 029E</th>' in first and ">Z01000029<" in first
    assert 'data-label="Last patrolled">10 June 2025<' in first
    assert "Millbrook Close" in page  # police.uk's busiest streets in the top neighbourhoods
    assert not DEVELOPER_WORDS.search(plain(page))
    response = client.get("/where-next/hotspots.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = response.get_data(as_text=True).splitlines()
    assert (
        rows[0] == '"rank","lsoa_code","lsoa_name","crimes_last_3_months","crimes_last_12_months","trend",'
        '"last_patrolled"'
    )
    assert len(rows) == 36  # every neighbourhood, not only those shown
    assert any('"Z01000019"' in row and row.endswith('"2026-11-14"') for row in rows)  # this operation's area


# --- did it work? ----------------------------------------------------------------------------------


def section(client, run_id: str, timeout: float = 60) -> str:
    """The section once it is worked out, polled as the page does."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        fragment = text(client.get(f"/runs/{run_id}/impact"))
        if "hx-trigger" not in fragment:
            return fragment
        time.sleep(0.3)
    raise AssertionError("the crime figures were not worked out")


def ask(client, run_id: str) -> None:
    response = client.post(
        f"/runs/{run_id}/impact", data={"csrf_token": token(client, f"/runs/{run_id}/results")}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("#did-it-work")


def test_the_results_page_says_whether_crime_fell_worked_out_by_the_worker(web, tmp_path):
    app, settings = web
    client = app.test_client()
    assert send_crimes(client, crimes_zip()).status_code == 303
    records = write_records(tmp_path / "six.csv", 6).read_bytes()
    with with_worker(settings):
        run_id = run_id_of(upload(client, records))
        make(client, run_id)
        finished(app)
        page = section(client, run_id)  # queued by the worker after the run, as make serve's worker does
        results = text(client.get(f"/runs/{run_id}/results"))
        assert '<h2 id="did-it-work-title">Did it work?</h2>' in results
        verdict = re.search(r'<p id="impact-verdict"><strong>([^<]+)\.</strong> ([^<]+)</p>', page)
        assert verdict.group(1) == "Vehicle crime fell"
        assert verdict.group(2).startswith("In the 6 months after the patrol (December 2026 to May 2027), ")
        alt = re.search(r'<img id="impact-chart" src="([^"]+)" alt="([^"]+)"', page)
        assert verdict.group(2) in alt.group(2)  # the chart's alt text states the finding
        chart = client.get(alt.group(1))
        assert chart.headers["Content-Type"].startswith("image/svg+xml") and b"<svg" in chart.data
        assert b"<style" not in chart.data and b" style=" not in chart.data  # the CSP refuses inline style
        assert '<th scope="row">November 2026 (the patrol)</th>' in page
        assert '<th scope="col" class="n">The patrolled area</th>' in page
        pdf = client.get(f"/runs/{run_id}/impact/impact.pdf")
        assert pdf.data.startswith(b"%PDF") and "attachment" in pdf.headers["Content-Disposition"]
        table = client.get(f"/runs/{run_id}/impact/impact.csv").data.decode("utf-8-sig")
        assert table.startswith('"month","area","buffer","comparison"')
        assert json.loads(client.get(f"/runs/{run_id}/impact/impact.json").data)["verdict"] == "fell"
        assert client.get(f"/runs/{run_id}/impact/..%2Frun.json").status_code == 404
        assert not DEVELOPER_WORDS.search(plain(page))
        folder = Path(app.instance_path) / "runs" / run_id / "extras" / "impact"
        written = " ".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.iterdir())
        assert not re.search(r"\d+ (Larkspur Road|Tanners Row|Millbrook Close)", written)  # no address

        # the streets alone place the patrol once the area is not written down: Millbrook Close is in two
        # neighbourhoods, so it is listed, not guessed, and the page says what to do in plain words
        edit(Path(settings.content) / "operation.yaml", "area:\n  lsoa: [Z01000018, Z01000019]", "")
        ask(client, run_id)
        page = section(client, run_id)
        assert (
            "Millbrook Close is in 2 neighbourhoods: Eastmoor 019C (Z01000019), Westmarch 029E (Z01000029)."
            in page
        )
        assert "area.lsoa" not in plain(page) and "operation.yaml" not in plain(page)
        assert (
            "lsoa: [Z01000018]  # and whichever of Z01000019, Z01000029 was patrolled" in page
        )  # in the details
        assert (
            client.get(f"/runs/{run_id}/impact/impact.pdf").status_code == 404
        )  # no finding beside the question

        # neighbourhoods written down that the crime data does not hold: said so, not a crash
        edit(
            Path(settings.content) / "operation.yaml",
            "# Where the patrol was",
            "area:\n  lsoa: [Z09999999]\n# Where the patrol was",
        )
        ask(client, run_id)
        assert (
            "The neighbourhoods written down for the patrol (Z09999999) are not in the crime data"
            in section(client, run_id)
        )
        edit(Path(settings.content) / "operation.yaml", "area:\n  lsoa: [Z09999999]\n", "")

        # newer crime data that ends before the patrol: the old answer is marked, and the new one says why
        # there is none, in words
        edit(
            Path(settings.content) / "operation.yaml",
            "# Where the patrol was",
            "area:\n  lsoa: [Z01000018, Z01000019]\n# Where the patrol was",
        )
        send_crimes(client, crimes_zip(up_to="2026-11"))
        assert "Newer crime data has been uploaded since this was worked out" in text(
            client.get(f"/runs/{run_id}/impact")
        )
        ask(client, run_id)
        page = section(client, run_id)
        assert (
            "Too few to tell yet. The crime data has no month after the operation month November 2026" in page
        )

        send_crimes(client, crimes_zip(up_to="2026-12"))  # one month after: too few crimes to tell
        ask(client, run_id)
        page = section(client, run_id)
        assert "<strong>Too few to tell.</strong>" in page and "The numbers are too small to tell" in page


def test_crime_data_and_where_next_are_for_officers_and_admins_only(content_copy, tmp_path):
    instance = tmp_path / "instance"
    add(instance, "dana", "editor")
    add(instance, "olu", "officer")
    add(instance, "ash", "admin")
    with running(content_copy, instance) as app:
        for account, allowed in (("dana", False), ("olu", True), ("ash", True)):
            client = app.test_client()
            sign_in(client, account)
            nav = re.search(r"<nav.*?</nav>", text(client.get("/", follow_redirects=True)), re.S).group(0)
            assert ("Where to patrol next" in nav) is allowed
            for url in ("/crime-data/", "/where-next/", "/where-next/hotspots.csv"):
                status = client.get(url).status_code
                assert status == 403 if not allowed else status in (200, 404), (account, url, status)
        client = app.test_client()
        sign_in(client, "dana")
        refused = client.post(
            "/crime-data/",
            data={"csrf_token": csrf(client, "/"), "crimes": (io.BytesIO(crimes_zip()), "police-uk.zip")},
            content_type="multipart/form-data",
        )
        assert refused.status_code == 403 and not (instance / "crimes" / "summary.json").exists()


# --- serve --crimes DIR -------------------------------------------------------------------------------------


def test_serve_with_a_crimes_folder_reads_it_there_and_its_worker_works_out_whether_crime_fell(tmp_path):
    root = tmp_path
    approve_all(copy_sample(root))
    shutil.copytree(SAMPLE, root / "police-uk")
    records = write_records(root / "records.csv", 6).read_bytes()
    with started(root, "--crimes", "police-uk") as url:  # a relative folder, as a person gives it
        browser = Browser()
        page = browser.request(f"{url}/crime-data/")[2].decode()
        assert "Crime data: January 2025 to May 2027, 1 force." in page
        assert "read from a folder on the server" in page and 'type="file"' not in page  # nothing to upload
        status, _headers, _body = browser.post(
            f"{url}/crime-data/", {"csrf_token": browser.token(f"{url}/runs/")}
        )
        assert status == 409
        assert ">Westmarch 029E</th>" in browser.request(f"{url}/where-next/")[2].decode()

        status, headers, _body = browser.post(
            f"{url}/runs/", {"csrf_token": browser.token(f"{url}/runs/")}, ("records.csv", records)
        )
        run_id = re.search(r"/runs/([A-Za-z0-9_-]{22})/check", headers["Location"]).group(1)
        browser.post(f"{url}/runs/{run_id}/make", {"csrf_token": browser.token(f"{url}/runs/{run_id}/check")})
        end = time.monotonic() + 120
        while time.monotonic() < end:  # the run, then the worker serve started works it out from the folder
            fragment = browser.request(f"{url}/runs/{run_id}/impact")[2].decode()
            if "impact-verdict" in fragment:
                break
            time.sleep(0.5)
        assert "<strong>Vehicle crime fell.</strong>" in fragment


def test_serve_refuses_a_crimes_folder_that_is_not_police_uk_data_naming_file_row_and_column(tmp_path):
    approve_all(copy_sample(tmp_path))
    month = tmp_path / "police-uk" / "2026-03"
    month.mkdir(parents=True)
    (month / "2026-03-westmarch-street.csv").write_text("Crime ID,Month,Reported\n", encoding="utf-8")
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "handle-docs"),
            "serve",
            "--content",
            "content",
            "--instance",
            "instance",
            "--port",
            "0",
            "--crimes",
            "police-uk",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    said = done.stderr + done.stdout
    assert (
        "2026-03/2026-03-westmarch-street.csv:1: Reported by: error: column 3 should be 'Reported by'" in said
    )


# --- what a run keeps of its patrol ------------------------------------------------------------------------


def _found(page: str) -> tuple[str, str, str]:
    """The finding's verdict, its areas and its table, as the section shows them."""
    verdict = re.search(r'<p id="impact-verdict">(.*?)</p>', page, re.S)
    assert verdict, page
    areas = re.search(r'<p class="help" id="impact-areas">(.*?)</p>', page, re.S).group(1)
    return (
        verdict.group(1),
        areas,
        re.search(r'<table[^>]*id="impact-table">.*?</table>', page, re.S).group(0),
    )


def _kept(app, run_id: str) -> str:
    return (Path(app.instance_path) / "runs" / run_id / "extras" / "impact" / "patrol.json").read_text(
        "utf-8"
    )


def _personal(records_csv: Path) -> list[str]:
    """Every address, house-numbered street, postcode and registration of the records."""
    rows = list(csv.DictReader(records_csv.open(encoding="utf-8")))
    found = (
        [row["address"] for row in rows] + [row["postcode"] for row in rows] + [row["vrm"] for row in rows]
    )
    found += [row["address"].split(",")[0] for row in rows]  # "1 Larkspur Road"
    assert all(found) and len(found) == 4 * len(rows)
    return found


NEXT_OPERATION = (
    ("id: op-larkspur-2026-11", "id: op-heron-2027-04"),
    ("name: Operation Larkspur", "name: Operation Heron"),
    ("patrol_date: 2026-11-14", "patrol_date: 2027-04-02"),
    ("lsoa: [Z01000018, Z01000019]", "lsoa: [Z01000029]"),
)


def test_a_run_keeps_its_patrol_so_did_it_work_holds_after_the_settings_move_on_and_its_records_go(
    web, tmp_path
):
    app, settings = web
    client = app.test_client()
    assert send_crimes(client, crimes_zip(up_to="2027-02")).status_code == 303
    records = write_records(tmp_path / "six.csv", 6)
    with with_worker(settings):
        run_id = run_id_of(upload(client, records.read_bytes()))
        make(client, run_id)
        finished(app)
        first = section(client, run_id)
        verdict, areas, table = _found(first)
        assert (
            "About Operation Larkspur, the patrol on 14 November 2026, as this run kept it when it was made."
            in (first)
        )
        assert "Eastmoor 018" in areas or "Z01000018" in areas

        # the force moves on to its next operation: another area and month in operation.yaml
        for old, new in NEXT_OPERATION:
            edit(Path(settings.content) / "operation.yaml", old, new)
        ask(client, run_id)
        assert _found(section(client, run_id)) == (verdict, areas, table)

        kept = _kept(app, run_id)  # nothing personal: no address, postcode or registration
        assert not [found for found in _personal(records) if found in kept]
        assert json.loads(kept)["area"]["lsoa"] == ["Z01000018", "Z01000019"]
        assert json.loads(kept)["streets"] == []  # the area was written down: no street is kept

        # the run's personal data deleted, then newer crime data: worked out again, still a finding
        response = client.post(f"/runs/{run_id}/delete", data={"csrf_token": token(client)})
        assert response.status_code == 303
        assert not (Path(app.instance_path) / "runs" / run_id / "records.csv").exists()
        send_crimes(client, crimes_zip())
        ask(client, run_id)
        page = section(client, run_id)
        newer_verdict, newer_areas, _table = _found(page)
        assert newer_areas == areas and newer_verdict != verdict  # the same area, three more months
        assert "In the 6 months after the patrol (December 2026 to May 2027)" in newer_verdict
        assert "Worked out from the crime data: January 2025 to May 2027, 1 force." in page
        assert not DEVELOPER_WORDS.search(plain(page))

    # where next marks the run's area on its patrol date, beside operation.yaml's (now the next operation)
    assert "the patrol of every letters run made in this workspace" in text(client.get("/where-next/"))
    rows = client.get("/where-next/hotspots.csv").get_data(as_text=True).splitlines()
    assert next(row for row in rows if '"Z01000018"' in row).endswith('"2026-11-14"')
    assert next(row for row in rows if '"Z01000019"' in row).endswith('"2026-11-14"')
    assert next(row for row in rows if '"Z01000029"' in row).endswith('"2027-04-02"')


def test_a_run_without_a_written_area_keeps_its_street_names_only_even_one_made_before_runs_kept_them(
    web, tmp_path
):
    app, settings = web
    client = app.test_client()
    edit(Path(settings.content) / "operation.yaml", "area:\n  lsoa: [Z01000018, Z01000019]", "")
    records = write_records(tmp_path / "six.csv", 6)
    with with_worker(settings):
        run_id = run_id_of(upload(client, records.read_bytes()))
        make(client, run_id)
        finished(app)  # no crime data yet: nothing is worked out, but the run keeps its patrol
        kept = json.loads(_kept(app, run_id))
        assert kept["streets"] == ["Larkspur Road", "Millbrook Close", "Tanners Row"]
        assert kept["area"] is None and kept["patrol_date"] == "2026-11-14"
        assert not [found for found in _personal(records) if found in _kept(app, run_id)]

        # a run made before runs kept their patrol has no patrol.json: it keeps it before its records go
        (Path(app.instance_path) / "runs" / run_id / "extras" / "impact" / "patrol.json").unlink()
        for old, new in NEXT_OPERATION[:3]:  # and the force has moved on since
            edit(Path(settings.content) / "operation.yaml", old, new)
        client.post(f"/runs/{run_id}/delete", data={"csrf_token": token(client)})
        kept = json.loads(_kept(app, run_id))  # the settings are another month's: the date is the checks'
        assert kept["streets"] == ["Larkspur Road", "Millbrook Close", "Tanners Row"]
        assert (kept["kept"], kept["date_from"], kept["patrol_date"]) == (
            "first worked out",
            "check times",
            "2026-11-14",
        )

        # the streets still place the patrol after the records are deleted: Millbrook Close is listed
        send_crimes(client, crimes_zip())
        ask(client, run_id)
        page = section(client, run_id)
        assert (
            "Millbrook Close is in 2 neighbourhoods: Eastmoor 019C (Z01000019), Westmarch 029E (Z01000029)."
            in page
        )
        assert "About the patrol on 14 November 2026, the day most of its checks were made" in page
        assert "The operation's settings now describe another operation" in page  # not asked to write it

        # a run whose personal data was deleted before runs kept their patrol keeps nothing: the settings as
        # they are now are used, and the page says so in words
        (Path(app.instance_path) / "runs" / run_id / "extras" / "impact" / "patrol.json").unlink()
        ask(client, run_id)
        page = section(client, run_id)
        assert (
            "This run was made before runs kept their patrol, and its records have been deleted, so the "
            "operation&#39;s settings as they are now were used (a patrol on 2 April 2027): if they now describe "
            "a later operation, this is about that one, not this run&#39;s." in page
        )
        assert not DEVELOPER_WORDS.search(plain(page))
