"""Backing up a workspace's instance folder while it runs, and restoring it into a fresh folder.

A backup is a folder of its own (0700): the instance database copied with SQLite's online backup
(``sqlite3.Connection.backup``: a consistent copy while the server and its worker write), the
instance's other files (accounts, session secret, the workspace key, settings, every run's folder)
except the caches (``cache/``, rebuilt on demand) and the files that only mean something to a
running process (run-folder locks, temporary files of atomic writes), and ``backup.json``: when it
was made, by which version, and each file's size and SHA-256, which restore checks.  It is written
under a temporary name and renamed into place when complete, so a folder named DEST is a whole
backup.  Names in it are those of the instance folder (run ids are random; no personal data in any
name); the run folders themselves hold personal data, so keep the backup as safe as the server.

Restoring copies a backup into a folder that does not exist yet (or is empty), checks every file
against ``backup.json``, and then makes it a fresh workspace: every session ended (everyone signs in
again), the workers' heartbeats forgotten, and runs that were being made put back in the queue, so
the restored workspace's worker carries them on from their journals.

Errors are :class:`BackupError`, whose message says what and where.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from handle_docs import __version__
from handle_docs.identity import sessions
from handle_docs.services import heartbeat
from handle_docs.services.queue import RunQueue
from handle_docs.util import atomic, instance_db

MANIFEST = "backup.json"
FORMAT = 1
#: Top-level folders of the instance that are caches, rebuilt when needed.
CACHES = frozenset({"cache"})
#: Files never copied: the database (copied by SQLite's backup) and its side files, locks, temporary files.
SKIPPED_NAMES = frozenset(
    {
        instance_db.DB_FILE,
        instance_db.DB_FILE + "-wal",
        instance_db.DB_FILE + "-shm",
        instance_db.DB_FILE + "-journal",
        ".worker.lock",
    }
)
SKIPPED_PREFIXES = (".healthz-",)
SKIPPED_MARKERS = (".tmp-",)  # atomic.replacing's temporary files: .NAME.tmp-PID-THREAD-RANDOM


class BackupError(Exception):
    """A backup or restore that cannot be made; the message says why, naming the folder or file."""


@dataclass(frozen=True)
class Made:
    """What a backup or restore did: the folder, how many files, how many bytes."""

    folder: Path
    files: int
    size: int


def skipped(relative: Path) -> bool:
    """Whether ``relative`` (a path inside the instance folder) is left out of a backup."""
    if relative.parts and relative.parts[0] in CACHES:
        return True
    name = relative.name
    return (
        name in SKIPPED_NAMES or name.startswith(SKIPPED_PREFIXES) or any(m in name for m in SKIPPED_MARKERS)
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_database(instance: Path, dest: Path) -> None:
    """The instance database into ``dest`` by SQLite's online backup (consistent while others write)."""
    if not instance_db.db_path(instance).is_file():
        return
    target = dest / instance_db.DB_FILE
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, atomic.FILE_MODE)
    os.close(fd)
    with instance_db.opened(instance) as source:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one file, whatever the source's mode
        finally:
            copy.close()


def _copy_files(instance: Path, dest: Path) -> None:
    """The instance's files but the skipped ones; a file that vanishes while copying (a temporary file, a
    run deleted meanwhile) is left out."""
    for folder, dirs, files in os.walk(instance):
        here = Path(folder)
        relative_dir = here.relative_to(instance)
        dirs[:] = sorted(d for d in dirs if not skipped(relative_dir / d))
        atomic.private_dir(dest / relative_dir)
        for name in sorted(files):
            relative = relative_dir / name
            if skipped(relative) or not (here / name).is_file() or (here / name).is_symlink():
                continue
            try:
                shutil.copy2(here / name, dest / relative)
            except FileNotFoundError:
                continue
            os.chmod(dest / relative, atomic.FILE_MODE)


def _listing(folder: Path) -> dict[str, dict]:
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST):
        found[path.relative_to(folder).as_posix()] = {"size": path.stat().st_size, "sha256": _sha256(path)}
    return found


def backup(instance: Path, dest: Path, *, now: float | None = None) -> Made:
    """Back up ``instance`` (a workspace's instance folder, running or not) into the new folder ``dest``."""
    instance, dest = Path(instance).absolute(), Path(dest).absolute()
    if not instance_db.db_path(instance).is_file() and not (instance / "accounts.json").is_file():
        raise BackupError(
            f"{instance}: not a workspace's instance folder (no {instance_db.DB_FILE}, no accounts.json)"
        )
    if dest.exists():
        raise BackupError(f"{dest}: already exists; give a new folder for the backup")
    if dest == instance or instance in dest.parents:
        raise BackupError(f"{dest}: a backup cannot go inside the instance folder it backs up")
    if not dest.parent.is_dir():
        raise BackupError(f"{dest.parent}: no such folder")
    staging = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    try:
        atomic.private_dir(staging)
        _copy_database(instance, staging)
        _copy_files(instance, staging)
        files = _listing(staging)
        manifest = {
            "format": FORMAT,
            "version": __version__,
            "made": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if now is None else now)),
            "files": files,
        }
        atomic.write_text(staging / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        atomic.fsync_dir(staging)
        os.rename(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Made(dest, len(files), sum(entry["size"] for entry in files.values()))


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path}: missing, so {folder} is not a handle-docs backup") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path}: cannot be read ({exc})") from None
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise BackupError(
            f"{path}: not a backup this version of handle-docs can restore (format {manifest.get('format')})"
        )
    return manifest


def verify(folder: Path) -> dict:
    """The backup's manifest, once every file it lists is there with its size and SHA-256."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    for name, entry in manifest["files"].items():
        path = folder / name
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise BackupError(f"{folder / MANIFEST}: file {name!r} is outside the backup")
        if not path.is_file():
            raise BackupError(f"{path}: listed in {MANIFEST} but missing")
        if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise BackupError(f"{path}: differs from the copy the backup made (changed or damaged)")
    return manifest


def fresh_start(instance: Path) -> None:
    """Make a restored instance a fresh workspace: no session, no worker, runs being made queued again."""
    sessions.end_all(instance)
    heartbeat.forget_all(instance)
    RunQueue(instance).requeue_running()


def restore(backup_folder: Path, instance: Path) -> Made:
    """Restore the backup in ``backup_folder`` into ``instance``, which must not exist yet or be empty."""
    backup_folder, instance = Path(backup_folder).absolute(), Path(instance).absolute()
    if not backup_folder.is_dir():
        raise BackupError(f"{backup_folder}: no such folder")
    manifest = verify(backup_folder)
    if instance.exists() and (not instance.is_dir() or any(instance.iterdir())):
        raise BackupError(f"{instance}: already exists and is not empty; restore into a new folder")
    if not instance.parent.is_dir():
        raise BackupError(f"{instance.parent}: no such folder")
    staging = instance.with_name(f".{instance.name}.restoring-{os.getpid()}")
    try:
        atomic.private_dir(staging)
        for name in manifest["files"]:
            target = staging / name
            atomic.private_dir(target.parent)
            shutil.copy2(backup_folder / name, target)
            os.chmod(target, atomic.FILE_MODE)
        if (staging / instance_db.DB_FILE).is_file():
            fresh_start(staging)
        if instance.exists():
            instance.rmdir()  # empty, checked above
        os.rename(staging, instance)
        os.chmod(instance, atomic.DIR_MODE)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Made(instance, len(manifest["files"]), sum(e["size"] for e in manifest["files"].values()))
