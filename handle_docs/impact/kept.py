"""The force's police.uk crime data kept in the workspace's instance folder (``INSTANCE/crimes/``), or read
from a folder set when the workspace was started (``serve --crimes DIR``: then nothing is uploaded).

One copy per workspace (a workspace serves one force), not per run: the zip or CSV as uploaded, replaced
whole by the next upload, with a small ``summary.json`` beside it (the months and forces it covers, how many
vehicle crimes, when it was uploaded). police.uk data are public and anonymised, so this is not a store of
personal data; the uploaded file's own name is not kept.

An upload is checked before it replaces anything: its kind from its bytes (a zip or CSV text, never by its
name), its size, and, for a zip, the size its street-level files unpack to (a small zip may unpack to a great
deal); then every street-level file is read (:func:`handle_docs.impact.policeuk.load_crimes`), and a wrong
file is refused with its problems (file, row, column), leaving the data kept before untouched.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import secrets
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO, ClassVar

from handle_docs.impact.policeuk import FILE_SUFFIX, Crimes, load_crimes
from handle_docs.impact.words import span
from handle_docs.models import Problem, ProblemsError
from handle_docs.util import atomic

FOLDER = "crimes"
DATA_NAMES = {"zip": "police-uk.zip", "csv": "police-uk.csv"}
SUMMARY = "summary.json"
LOCK = ".replace.lock"
#: The largest upload: a force's three years of street-level files, zipped, is well under this.
MAX_BYTES = 250 * 1024 * 1024
#: The most a zip's street-level files may unpack to (a zip bomb is refused before it is read).
MAX_UNPACKED = 2 * 1024 * 1024 * 1024
ACCEPTED = "the zip file police.uk's data download gives you, or one of its street-level CSV files"


#: Why nothing is uploaded when the data is a folder set when the workspace was started.
FIXED = (
    "The crime data is read from a folder on the server, set when the workspace was started: whoever runs "
    "the workspace puts newer data there."
)


class CrimeDataRefused(Exception):
    """The upload is not police.uk street-level data; the message says why in plain words, ``problems``
    (file, row, column) say where, when the file was read."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


@dataclass(frozen=True)
class Summary:
    """What the kept data covers (``summary.json``)."""

    kind: str  # zip or csv (uploaded), or folder (serve --crimes)
    months: tuple[str, ...]  # every month in the files, YYYY-MM, in order
    forces: tuple[str, ...]  # police.uk's "Falls within"
    files: int
    vehicle_crimes: int
    uploaded: str  # ISO timestamp, UTC
    version: str  # a random token, new with each upload: results worked out from older data say so

    @property
    def words(self) -> str:
        """'Crime data: March 2024 to February 2026, 1 force'."""
        n = len(self.forces)
        return f"Crime data: {span(self.months) or 'no months'}, {n} force{'s' if n != 1 else ''}"

    @classmethod
    def of(cls, data: dict) -> Summary:
        return cls(**{**data, "months": tuple(data["months"]), "forces": tuple(data["forces"])})


def kind_of(head: bytes) -> str:
    """``"zip"`` or ``"csv"`` from a file's first bytes; :class:`CrimeDataRefused` otherwise."""
    if not head.strip():
        raise CrimeDataRefused(f"The file is empty. Upload {ACCEPTED}.")
    if head[:4] == b"PK\x03\x04":
        return "zip"
    if (
        b"\x00" in head[:8192]
        or head[:4] in (b"%PDF", b"\x7fELF")
        or head[:2] == b"MZ"
        or head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    ):
        raise CrimeDataRefused(f"The file is not a zip file or CSV text. Upload {ACCEPTED}.")
    return "csv"


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            street = [i for i in archive.infolist() if i.filename.lower().endswith(FILE_SUFFIX)]
    except (zipfile.BadZipFile, ValueError):
        raise CrimeDataRefused(
            f"The zip file is damaged. Download it from police.uk again. Upload {ACCEPTED}."
        ) from None
    if not street:
        raise CrimeDataRefused(
            "The zip file holds no police.uk street-level crime files (their names end "
            f"'{FILE_SUFFIX}'). Choose 'Include crime data' when you download from police.uk."
        )
    if sum(i.file_size for i in street) > MAX_UNPACKED:
        raise CrimeDataRefused(
            "The zip file's crime files are larger than 2 GB unpacked. Download fewer months "
            "or one force at a time."
        )


class CrimeStore:
    """``INSTANCE/crimes``: the kept data and its summary; or, when the workspace was started with a folder
    of police.uk data (``serve --crimes DIR``), that folder, read as it stands (``fixed``: no upload)."""

    #: folder -> (version, counted data, summary of a fixed folder): until the next upload or change
    _cache: ClassVar[dict[Path, tuple[object, Crimes | None, Summary | None]]] = {}
    _cache_lock = threading.Lock()

    def __init__(self, instance: Path, folder: Path | None = None):
        self.root = Path(instance).absolute() / FOLDER
        self.folder = Path(folder).absolute() if folder is not None else None

    @property
    def fixed(self) -> bool:
        """Whether the data is a folder set when the workspace was started (then nothing is uploaded)."""
        return self.folder is not None

    def summary(self) -> Summary | None:
        """What the kept data covers; None when none has been uploaded (or the folder holds none)."""
        if self.folder is not None:
            found = self._from_folder()
            return found[0] if found is not None else None
        try:
            return Summary.of(json.loads((self.root / SUMMARY).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def data_path(self) -> Path | None:
        if self.folder is not None:
            return self.folder
        summary = self.summary()
        if summary is None:
            return None
        path = self.root / DATA_NAMES[summary.kind]
        return path if path.is_file() else None

    def load(self) -> tuple[Summary, Crimes] | None:
        """The kept data, counted (remembered in this process until the next upload); None when none."""
        if self.folder is not None:
            return self._from_folder()
        summary, path = self.summary(), self.data_path()
        if summary is None or path is None:
            return None
        stat = path.stat()
        key = (summary.version, stat.st_mtime_ns, stat.st_size)
        with self._cache_lock:
            cached = self._cache.get(self.root)
        if cached is not None and cached[0] == key and cached[1] is not None:
            return summary, cached[1]
        crimes = load_crimes(path)
        with self._cache_lock:
            self._cache[self.root] = (key, crimes, None)
        return summary, crimes

    def folder_problems(self) -> list[Problem]:
        """Why the fixed folder cannot be used (file, row, column); empty when it can (or there is none)."""
        if self.folder is None:
            return []
        try:
            load_crimes(self.folder)
        except ProblemsError as exc:
            return exc.problems
        return []

    def _from_folder(self) -> tuple[Summary, Crimes] | None:
        """The fixed folder, read again whenever a file in it changes; None when it cannot be used."""
        assert self.folder is not None
        try:
            files = sorted(
                (p.relative_to(self.folder).as_posix(), p.stat().st_mtime_ns, p.stat().st_size)
                for p in self.folder.rglob("*")
                if p.name.lower().endswith(FILE_SUFFIX) and p.is_file()
            )
        except OSError:
            return None
        version = hashlib.sha256(repr(files).encode("utf-8")).hexdigest()[:16]
        with self._cache_lock:
            cached = self._cache.get(self.folder)
        if (
            cached is not None and cached[0] == version
        ):  # a folder that cannot be used is not read again either
            return (cached[2], cached[1]) if cached[1] is not None and cached[2] is not None else None
        try:
            crimes: Crimes | None = load_crimes(self.folder)
        except ProblemsError:
            crimes = None
        summary = _summary("folder", crimes, "", version) if crimes is not None else None
        with self._cache_lock:
            self._cache[self.folder] = (version, crimes, summary)
        return (summary, crimes) if crimes is not None and summary is not None else None

    def replace(self, upload: BinaryIO, now: dt.datetime | None = None) -> Summary:
        """Check the uploaded file and keep it in place of the data kept before (which stays as it was when
        the upload is refused: :class:`CrimeDataRefused`)."""
        if self.folder is not None:
            raise CrimeDataRefused(FIXED)
        root = atomic.private_dir(self.root)
        staged = (
            root / f".upload.tmp-{secrets.token_hex(8)}"
        )  # ".tmp-": never in a backup (services/backup.py)
        try:
            size = 0
            fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, atomic.FILE_MODE)
            with os.fdopen(fd, "wb") as out:
                head = b""
                while chunk := upload.read(1024 * 1024):
                    if not head:
                        head = chunk[:8192]
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise CrimeDataRefused(
                            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB, so it was "
                            f"not kept. Upload {ACCEPTED}, for fewer months if need be."
                        )
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            kind = kind_of(head)
            if kind == "zip":
                _check_zip(staged)
            try:
                crimes = load_crimes(staged)
            except ProblemsError as exc:
                raise CrimeDataRefused(
                    "The file is not police.uk street-level crime data as published, so it was not kept.",
                    [_as_sent(p, staged) for p in exc.problems],
                ) from None
            now = now or dt.datetime.now(dt.UTC)
            summary = _summary(kind, crimes, now.isoformat(timespec="seconds"), secrets.token_hex(8))
            with _locked(root):  # two uploads at once: one whole, then the other, never a mix
                os.replace(staged, root / DATA_NAMES[kind])
                for other, name in DATA_NAMES.items():
                    if other != kind:
                        (root / name).unlink(missing_ok=True)
                atomic.write_text(root / SUMMARY, json.dumps(asdict(summary), indent=2) + "\n")
                atomic.fsync_dir(root)
        finally:
            staged.unlink(missing_ok=True)
        with self._cache_lock:
            self._cache[self.root] = ((summary.version, *_stat(root / DATA_NAMES[kind])), crimes, None)
        return summary


def _summary(kind: str, crimes: Crimes, uploaded: str, version: str) -> Summary:
    return Summary(
        kind,
        tuple(sorted(crimes.months)),
        tuple(sorted(set(crimes.lsoa_force.values()) - {""})),
        crimes.files,
        crimes.rows,
        uploaded,
        version,
    )


def _as_sent(problem: Problem, staged: Path) -> Problem:
    """A problem of the staged copy as of the file sent: a file inside the zip by its name there, the CSV
    itself as "" (the page says "your file"), never the instance folder's path."""
    name = problem.file
    name = "" if name in (staged.name, str(staged)) else name.removeprefix(f"{staged.name}:")
    return Problem(problem.message, name, problem.line, problem.key, problem.severity)


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, atomic.FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _stat(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


__all__ = ["ACCEPTED", "FIXED", "MAX_BYTES", "CrimeDataRefused", "CrimeStore", "Summary", "kind_of"]
