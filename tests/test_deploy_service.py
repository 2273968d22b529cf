"""The workspace as a service: the systemd unit (checked by systemd-analyze where the machine has it), its
health check ``GET /healthz`` and its log lines, the workspace started as make serve starts it."""

from __future__ import annotations

import csv
import json
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from handle_docs.identity.accounts import STAFF_ROLES
from tests.browser import copy_sample, started
from tests.conftest import ROOT, SAMPLE_CSV
from tests.deployment import add_accounts, client, few_rows, make_run, sign_in

UNIT = ROOT / "deploy" / "handle-docs.service"
BACKUP_UNIT, BACKUP_TIMER = (
    ROOT / "deploy" / "handle-docs-backup.service",
    ROOT / "deploy" / "handle-docs-backup.timer",
)
SHIPPED_PROGRAM = "/opt/handle-docs/.venv/bin/handle-docs "
ANALYZE = shutil.which("systemd-analyze")
needs_systemd = pytest.mark.skipif(
    ANALYZE is None,
    reason="systemd-analyze is not on this machine (systemd is not "
    "installed by make: it is the init system, not a tool)",
)


def unit_lines(unit: Path = UNIT) -> dict[str, list[str]]:
    """The unit's settings, joined across backslash-continued lines: name -> every value given."""
    text = unit.read_text(encoding="utf-8").replace("\\\n", " ")
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            name, value = line.split("=", 1)
            found.setdefault(name.strip(), []).append(value.strip())
    return found


def runnable_unit(folder: Path, unit: Path = UNIT) -> Path:
    """The shipped unit with only its program's path changed to this virtual environment's handle-docs
    (systemd-analyze verify checks that the program exists)."""
    text = unit.read_text(encoding="utf-8")
    assert text.count(SHIPPED_PROGRAM) == (1 if unit.suffix == ".service" else 0)
    path = folder / unit.name
    path.write_text(
        text.replace(SHIPPED_PROGRAM, f"{Path(sys.executable).parent}/handle-docs "), encoding="utf-8"
    )
    return path


@needs_systemd
def test_systemd_analyze_verify_passes_the_units(tmp_path):
    units = [str(runnable_unit(tmp_path, unit)) for unit in (UNIT, BACKUP_UNIT, BACKUP_TIMER)]
    done = subprocess.run(
        [ANALYZE, "verify", *units], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


@needs_systemd
@pytest.mark.parametrize("unit", [UNIT, BACKUP_UNIT], ids=lambda unit: unit.name)
def test_the_units_exposure_is_rated_ok_by_systemd_analyze_security(tmp_path, unit):
    done = subprocess.run(
        [ANALYZE, "security", "--offline=yes", "--threshold=20", str(runnable_unit(tmp_path, unit))],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    level = re.search(r"Overall exposure level for \S+: ([0-9.]+)", done.stdout)
    assert level and float(level.group(1)) <= 2.0, done.stdout[-500:]


def test_the_unit_runs_serve_unprivileged_writing_only_the_instance_and_force_folders():
    unit = unit_lines()
    for name, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "CapabilityBoundingSet": "",
        "RestrictSUIDSGID": "yes",
    }.items():
        assert unit.get(name) == [value], (name, unit.get(name))
    assert unit["User"] != ["root"] and unit["User"][0]
    command = shlex.split(unit["ExecStart"][0])
    assert command[0].endswith("/handle-docs") and "serve" in command
    option = {command[i]: command[i + 1] for i in range(len(command) - 1) if command[i].startswith("--")}
    instance, force = option["--instance"], str(Path(option["--content"]).parent)
    assert sorted(unit["ReadWritePaths"][0].split()) == sorted([instance, force])
    assert unit["WorkingDirectory"] == [force]
    assert option["--public-url"].startswith("https://") and option["--trusted-proxy"] == "127.0.0.1"
    assert "--host" not in option  # the default, 127.0.0.1: only nginx on the same machine reaches it


def test_the_backup_units_command_makes_a_dated_backup(tmp_path):
    """The backup unit's command, as systemd would run it (%% and $$ unescaped), on a real instance folder."""
    command = shlex.split(unit_lines(BACKUP_UNIT)["ExecStart"][0])
    assert command[:2] == ["/bin/sh", "-c"]
    instance, backups = tmp_path / "instance", tmp_path / "backups"
    backups.mkdir()
    copy_sample(tmp_path)
    add_accounts(tmp_path, dana="editor")
    script = (
        command[2]
        .replace("%%", "%")
        .replace("$$", "$")
        .replace(SHIPPED_PROGRAM, f"{Path(sys.executable).parent}/handle-docs ")
        .replace("/var/backups/handle-docs", str(backups))
        .replace("/var/lib/handle-docs/instance", str(instance))
    )
    done = subprocess.run(["/bin/sh", "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    made = list(backups.iterdir())
    assert len(made) == 1 and re.fullmatch(r"\d{8}-\d{6}", made[0].name), made
    assert (made[0] / "backup.json").is_file() and (made[0] / "accounts.json").is_file()


def test_users_add_knows_the_admin_role():
    assert "admin" in STAFF_ROLES


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("service")
    copy_sample(root)
    add_accounts(root, **{"officer-olu": "officer"})
    with started(root, "--log-format", "json") as url:
        yield url, root


def healthy(url: str, wait: float = 120, until=lambda found: found["http"] == 200) -> dict:
    """/healthz's answer (and its HTTP status as "http") once ``until`` it, or after ``wait`` seconds."""
    session = client()
    deadline = time.monotonic() + wait
    while True:
        response = session.get(f"{url}/healthz", timeout=60)
        assert response.headers["Content-Type"] == "application/json"
        assert response.headers["Cache-Control"] == "no-store"
        found = {**response.json(), "http": response.status_code}
        if until(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def test_healthz_needs_no_sign_in_and_reports_each_check(served):
    url, root = served
    found = healthy(url)
    assert found["http"] == 200 and found["status"] == "ok"
    assert found["version"]
    checks = found["checks"]
    assert set(checks) == {"content", "instance", "worker", "fonts"}
    assert all(check["ok"] for check in checks.values()), checks
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", checks["worker"]["last_heartbeat"])
    assert str(root) not in json.dumps(found) and "/" not in json.dumps(checks).replace("\\/", "")


def test_healthz_is_503_when_the_content_cannot_be_loaded_and_200_again_once_fixed(served):
    url, root = served
    operation = root / "content" / "operation.yaml"
    good = operation.read_text(encoding="utf-8")
    try:
        operation.write_text(good + "\n  this: [is not yaml\n", encoding="utf-8")
        broken = client().get(f"{url}/healthz", timeout=60)
        assert broken.status_code == 503, broken.text
        assert broken.json()["status"] == "failing" and broken.json()["checks"]["content"]["ok"] is False
        assert "operation.yaml" not in broken.text
    finally:
        operation.write_text(good, encoding="utf-8")
    assert healthy(url)["http"] == 200


def test_healthz_is_503_without_a_worker(content_copy, tmp_path):
    """The app alone (no serve, so no worker process): the worker check fails."""
    from tests.webaccounts import running

    with running(content_copy, tmp_path / "instance") as app:
        response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["worker"] == {"ok": False, "last_heartbeat": None}
    assert response.json["checks"]["content"]["ok"] is True


def test_healthz_is_503_when_a_font_the_templates_name_is_missing(tmp_path):
    root = tmp_path
    copy_sample(root)
    css = sorted((root / "templates").glob("*.css"))[0]
    css.write_text(
        css.read_text(encoding="utf-8") + '\n@font-face { font-family: "Gone"; '
        'src: url("bundled-font:NotBundled-Regular.ttf"); }\n',
        encoding="utf-8",
    )
    with started(root) as url:
        found = healthy(url, until=lambda found: found["checks"]["worker"]["ok"])
    assert found["http"] == 503 and found["checks"]["fonts"]["missing"] == ["NotBundled-Regular.ttf"]


def test_json_log_has_a_line_per_request_and_per_run_event_and_no_personal_data(served):
    url, root = served
    session = client()
    assert sign_in(session, url, "officer-olu").status_code == 303
    session.get(f"{url}/runs/?postcode=ZZ1+7HD&vrm=ZW00NVT", timeout=60)
    rows = few_rows(2)
    make_run(session, url, rows)
    time.sleep(1)
    lines = [
        line for line in (root / "serve.log").read_text(encoding="utf-8").splitlines() if line.startswith("{")
    ]
    records = [json.loads(line) for line in lines]
    requests_logged = [r for r in records if r["logger"] == "handle_docs.requests"]
    assert {"method", "route", "status", "ms"} <= set(requests_logged[0])
    assert any(r["route"] == "/runs/" and r["method"] == "GET" for r in requests_logged)
    assert any(
        r["route"] == "/sign-in" and r["method"] == "POST" and r["status"] == 303 for r in requests_logged
    )
    runs = [r for r in records if r.get("event") in ("started", "done")]
    assert {r["event"] for r in runs} == {"started", "done"}, records[-10:]
    text = (root / "serve.log").read_text(encoding="utf-8")
    personal = {"postcode", "officer-olu", PASSWORD_WORD}
    with SAMPLE_CSV.open(encoding="utf-8", newline="") as sample:
        for row, _ in zip(csv.DictReader(sample), range(2), strict=False):
            personal.update(
                {
                    row["address"],
                    row["address"].split(",")[0],
                    row["postcode"],
                    row["vrm"],
                    row["vrm"].replace(" ", ""),
                }
            )
    assert not [p for p in personal if p and p in text], [p for p in personal if p and p in text]


PASSWORD_WORD = "long test password"
