"""Backup and restore of an install: the database (a consistent copy), issued notices, keys and settings.

On PostgreSQL the same commands use pg_dump and pg_restore (services/backup_postgres.py).

A backup is one tar.gz, mode 0600 — it holds the signing keys. The database is copied first with
SQLite's online backup (one consistent snapshot while the app keeps writing), then the notice archive
(temporary files too: a notice committed just before may still be linking its file), the PKI folder,
``instance/secret_key`` and ``instance/config.py``, and a manifest of row counts and notice hashes that
a restore checks. The queue's own file is left out: jobs are rows and resume by themselves.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from .. import clock

DATABASE = "database.sqlite"
MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done, with the reason (the CLI prints it)."""


@dataclass(frozen=True)
class Places:
    """Where this install keeps what a backup holds."""

    database: Path
    notices: Path | None  # None: the notices are in the database (NOTICE_STORE = "database")
    pki: Path
    instance: Path

    @classmethod
    def of_app(cls) -> Places:
        from .notices import pki_paths, store

        uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
        if not uri.startswith("sqlite:///"):
            raise BackupError("backup supports SQLite and PostgreSQL databases; use the database's own tools otherwise")
        return cls(
            Path(uri.removeprefix("sqlite:///")), store().root, pki_paths().folder, Path(current_app.instance_path)
        )


def backup(target: Path) -> dict:
    """Write the backup to *target* (refusing to overwrite); return its manifest."""
    if _on_postgres():
        from .backup_postgres import backup as postgres_backup

        return postgres_backup(target)
    places = Places.of_app()
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / DATABASE
        _copy_database(places.database, copy)
        manifest = _manifest(copy)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file, tarfile.open(fileobj=file, mode="w:gz") as archive:
            archive.add(copy, DATABASE)
            for name, folder in (("notices", places.notices), ("pki", places.pki)):
                if folder is not None and folder.exists():
                    archive.add(folder, name)
            for name in ("secret_key", "config.py"):
                if (places.instance / name).exists():
                    archive.add(places.instance / name, f"instance/{name}")
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(clock.now_utc().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(data))
    return manifest


def _on_postgres() -> bool:
    return current_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def _copy_database(source: Path, target: Path) -> None:
    """SQLite's online backup: every page of one consistent state, WAL included, while others write."""
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy, pages=-1)


def _manifest(database: Path) -> dict:
    with closing(sqlite3.connect(database)) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        counts = {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}
        notices = dict(connection.execute("SELECT path, sha256 FROM issued_notice WHERE sha256 IS NOT NULL").fetchall())
    return {"taken_at": clock.now_utc().isoformat(), "rows": counts, "notices": notices}


def restore(source: Path, force: bool = False) -> dict:
    """Restore a backup into this install; refuse a non-empty one unless *force*; check the manifest."""
    if _on_postgres():
        from .backup_postgres import restore as postgres_restore

        return postgres_restore(source, force)
    places = Places.of_app()
    if not force and _holds_data(places):
        raise BackupError("this install already holds data; restore into an empty one, or pass --force")
    with tarfile.open(source, mode="r:gz") as archive:
        members = {member.name: member for member in archive.getmembers()}
        if DATABASE not in members or MANIFEST not in members:
            raise BackupError(f"{source} is not a csapp backup (no {DATABASE} or {MANIFEST})")
        manifest = json.load(archive.extractfile(members[MANIFEST]))
        with tempfile.TemporaryDirectory() as work:
            archive.extractall(work, filter="data")
            unpacked = Path(work)
            places.database.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(f"{places.database}{suffix}").unlink(missing_ok=True)
            os.replace(unpacked / DATABASE, places.database)
            for name, folder in (("notices", places.notices), ("pki", places.pki)):
                if folder is not None and (unpacked / name).exists():
                    _replace_tree(unpacked / name, folder)
            for name in ("secret_key", "config.py"):
                if (unpacked / "instance" / name).exists():
                    places.instance.mkdir(parents=True, exist_ok=True)
                    os.replace(unpacked / "instance" / name, places.instance / name)
    problems = check(places, manifest)
    if problems:
        raise BackupError("restored, but the manifest does not match: " + "; ".join(problems[:10]))
    return manifest


def _holds_data(places: Places) -> bool:
    if places.notices is not None and places.notices.exists() and any(places.notices.iterdir()):
        return True
    if not places.database.exists():
        return False
    with closing(sqlite3.connect(places.database)) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return any(
            connection.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone()
            for table in tables
            if table != "alembic_version"
        )


def _replace_tree(source: Path, target: Path) -> None:
    import shutil

    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target)


def check(places: Places, manifest: dict) -> list[str]:
    """What differs between a restored install and its manifest (row counts, notice files and hashes)."""
    problems = []
    found = _manifest(places.database)
    for table, count in manifest["rows"].items():
        if found["rows"].get(table) != count:
            problems.append(f"table {table}: {found['rows'].get(table)} rows, the backup had {count}")
    if places.notices is None:  # in the database: the restored rows must hash as registered
        with closing(sqlite3.connect(places.database)) as connection:
            for path, data in connection.execute("SELECT key, data FROM notice_file"):
                if manifest["notices"].get(path) not in (None, hashlib.sha256(data).hexdigest()):
                    problems.append(f"notice {path} differs from its registered hash")
        return problems
    for path, digest in manifest["notices"].items():
        file = places.notices / path
        if not file.exists():
            if not Path(f"{file}.tmp").exists():  # a staged file is linked by the next sweep
                problems.append(f"notice {path} is missing")
            continue
        if hashlib.sha256(file.read_bytes()).hexdigest() != digest:
            problems.append(f"notice {path} differs from its registered hash")
    return problems
