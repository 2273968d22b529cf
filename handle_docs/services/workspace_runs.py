"""The workspace's letters runs on disk: one private folder per run under
``INSTANCE/runs/<random id>/`` holding the upload, its corrections, the run's
own record (who made it, when it goes, its state) and its output folder.

No run logic lives here beyond keeping the folders: reading and checking the
upload is :func:`handle_docs.records.check.check_records`, making the letters
is the worker's (:mod:`handle_docs.services.worker`, through the same
letters-run service as ``handle-docs letters``), deleting personal data is
:func:`handle_docs.run.purge.purge_run`.  The upload is never altered; the
original file name is not kept (it may hold a street), and nothing in a run's
record holds an address or registration.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import secrets
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from handle_docs.records.read import MAX_FILE_BYTES
from handle_docs.run.purge import NotARunFolder, purge_run
from handle_docs.util import atomic

#: A run id: 22 URL-safe characters from the system's random source, nothing else.
RUN_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
#: What the upload is stored as, by the kind its bytes show.
UPLOAD_NAMES = {"csv": "records.csv", "xlsx": "records.xlsx"}
ACCEPTED = "a CSV file (.csv) or a Microsoft Forms export (.xlsx), up to 50 MB"

#: A run's states, in order.
UPLOADED, QUEUED, RUNNING, DONE, FAILED, PURGED = "uploaded", "queued", "running", "done", "failed", "purged"


class UploadRefused(Exception):
    """The upload is not a file the workspace reads; the message says what is accepted."""


def sniff(data: bytes) -> str:
    """``"csv"`` or ``"xlsx"`` from the bytes themselves (never the name), else UploadRefused."""
    if not data.strip():
        raise UploadRefused(f"The file is empty. Upload {ACCEPTED}.")
    if len(data) > MAX_FILE_BYTES:
        raise UploadRefused(f"The file is larger than 50 MB. Upload {ACCEPTED}.")
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            raise UploadRefused(f"The file is a damaged zip archive. Upload {ACCEPTED}.") from None
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
        raise UploadRefused(f"The file is a zip archive but not an Excel workbook. Upload {ACCEPTED}.")
    head = data[:8192]
    if (
        b"\x00" in head
        or head[:2] == b"MZ"
        or head[:4] in (b"\x7fELF", b"%PDF")
        or head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    ):
        raise UploadRefused(f"The file is not text (a program, a PDF or an old .xls?). Upload {ACCEPTED}.")
    return "csv"


@dataclass
class RunRecord:
    """``run.json``: what the workspace knows about one run (no personal data)."""

    id: str
    owner: str
    kind: str  # csv or xlsx
    uploaded: str  # ISO timestamp, UTC
    expires: str  # ISO timestamp, UTC: the run's personal data is deleted then
    state: str = UPLOADED
    leaflet: str | None = None
    leaflet_language: str = (
        "resident"  # run/routing.LEAFLET_LANGUAGES: in each resident's language, or English
    )
    docx: bool = False
    draft: bool = False
    message: str = ""  # why a run failed, in words for the officer
    corrections: dict[str, dict[str, str]] = field(default_factory=dict)  # row -> {field: value}
    # ISO timestamp, UTC: the rest of the run (counts, reports, its patrol) is deleted then; "" for a run made
    # before runs kept their counts longer than their personal data: it goes whole at ``expires``
    keep_until: str = ""

    @property
    def expires_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.expires)

    @property
    def kept_until_at(self) -> dt.datetime:
        return (
            max(dt.datetime.fromisoformat(self.keep_until), self.expires_at)
            if self.keep_until
            else self.expires_at
        )

    def corrections_by_row(self) -> dict[int, dict[str, str]]:
        return {int(row): dict(cells) for row, cells in self.corrections.items()}


class RunStore:
    """The runs folder of a workspace instance (0700 folders, 0600 files)."""

    def __init__(self, instance: Path):
        # absolute: a file is served by its path, which must not depend on the server's working folder
        self.root = atomic.private_dir(Path(instance).absolute() / "runs")

    # --- one run ------------------------------------------------------------------------

    def folder(self, run_id: str) -> Path:
        if not RUN_ID.match(run_id):
            raise KeyError(run_id)
        return self.root / run_id

    def upload_path(self, record: RunRecord) -> Path:
        return self.folder(record.id) / UPLOAD_NAMES[record.kind]

    def out_dir(self, record: RunRecord) -> Path:
        return self.folder(record.id) / "out"

    def extras_dir(self, record: RunRecord) -> Path:
        """The report, cards, letters zip and preview pages made after the run."""
        return self.folder(record.id) / "extras"

    def progress_path(self, record: RunRecord) -> Path:
        return self.folder(record.id) / "progress.json"

    def create(
        self,
        owner: str,
        data: bytes,
        retention_days: int,
        now: dt.datetime | None = None,
        keep_counts_days: int | None = None,
    ) -> RunRecord:
        """A new run holding ``data`` (refused with UploadRefused unless it is a CSV or .xlsx): its personal data
        deleted ``retention_days`` after now, the rest ``keep_counts_days`` after (the same when None)."""
        kind = sniff(data)
        now = now or dt.datetime.now(dt.UTC)
        record = RunRecord(
            id=secrets.token_urlsafe(16),
            owner=owner,
            kind=kind,
            uploaded=now.isoformat(timespec="seconds"),
            expires=(now + dt.timedelta(days=retention_days)).isoformat(timespec="seconds"),
            keep_until=(now + dt.timedelta(days=max(keep_counts_days or 0, retention_days))).isoformat(
                timespec="seconds"
            ),
        )
        atomic.private_dir(self.folder(record.id))
        atomic.write_bytes(self.upload_path(record), data)
        self.save(record)
        return record

    def save(self, record: RunRecord) -> None:
        atomic.write_text(
            self.folder(record.id) / "run.json", json.dumps(asdict(record), indent=2, sort_keys=True)
        )

    def load(self, run_id: str) -> RunRecord:
        """The run with that id (KeyError when there is none)."""
        try:
            data = json.loads((self.folder(run_id) / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise KeyError(run_id) from None
        return RunRecord(**data)

    def owned(self, run_id: str, owner: str) -> RunRecord:
        """The run if ``owner`` made it; KeyError otherwise (the same answer as no such run)."""
        record = self.load(run_id)
        if record.owner != owner:
            raise KeyError(run_id)
        return record

    def all(self) -> Iterator[RunRecord]:
        for path in sorted(self.root.iterdir()):
            try:
                yield self.load(path.name)
            except KeyError:
                continue

    def of(self, owner: str) -> list[RunRecord]:
        """``owner``'s runs, newest first."""
        return sorted((r for r in self.all() if r.owner == owner), key=lambda r: r.uploaded, reverse=True)

    def correct(self, record: RunRecord, row: int, cells: dict[str, str]) -> RunRecord:
        """Keep ``cells`` as the corrections of ``row`` for this run (the upload is not changed)."""
        record.corrections[str(row)] = {name: value for name, value in cells.items()}
        self.save(record)
        return record

    # --- personal data ----------------------------------------------------------------------

    def purge(self, record: RunRecord) -> RunRecord:
        """Delete the run's personal data (the upload, corrections, letters, batch,
        follow-up list, round sheet, previews), keeping its counts and reports."""
        try:
            purge_run(self.out_dir(record))
        except NotARunFolder:
            shutil.rmtree(self.out_dir(record), ignore_errors=True)
        self.upload_path(record).unlink(missing_ok=True)
        for name in ("letters.zip", "preview"):
            path = self.extras_dir(record) / name
            shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
        record.corrections = {}
        record.state = PURGED
        self.save(record)
        return record

    def sweep(
        self, now: dt.datetime | None = None, purge: Callable[[RunRecord], object] | None = None
    ) -> Swept:
        """Delete the personal data of every run past its retention period (``purge``, :meth:`purge` when None)
        and the whole of every run past the time its counts are kept; a run being made waits for its end."""
        now = now or dt.datetime.now(dt.UTC)
        swept = Swept()
        for record in list(self.all()):
            if record.state in (QUEUED, RUNNING):
                continue
            if record.kept_until_at <= now:
                shutil.rmtree(self.folder(record.id))
                swept.deleted.append(record.id)
            elif record.expires_at <= now and record.state != PURGED:
                (purge or self.purge)(record)
                swept.purged.append(record.id)
        return swept


@dataclass
class Swept:
    """What a sweep did: the runs whose personal data it deleted, and the runs it deleted whole."""

    purged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def read_json(path: Path) -> dict[str, Any] | None:
    """A small JSON file the run wrote, or None when it is not there (yet)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
