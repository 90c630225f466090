"""Backup and restore of an install on PostgreSQL: ``pg_dump -Fc`` and ``pg_restore`` (issue 16).

The same one file as on SQLite (tar.gz, mode 0600): the dump, the notice folder (unless the notices are
in the database), ``instance/pki``, ``instance/secret_key``, ``instance/config.py`` and a manifest. The
manifest's row counts and notice hashes are read in the very snapshot pg_dump copies (an exported
snapshot), so a restore can be checked exactly while the app kept writing. The password goes to the
client programs in ``PGPASSWORD``, never on their command line; pg_dump's major version must be at least
the server's. The queue's own tables (``huey_*``) are left out: jobs are rows and resume by themselves.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, text
from sqlalchemy.engine import URL, make_url

from .. import clock
from ..extensions import db
from ..models import IssuedNotice
from ..notices.store import DatabaseStore
from ..queue import TABLE_PREFIX
from .backup import MANIFEST, BackupError, _replace_tree

DUMP = "database.dump"


def backup(target: Path) -> dict:
    """Write the backup to *target* (refusing to overwrite); return its manifest."""
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    dsn, env = _client_settings()
    _check_client_version("pg_dump", env)
    places = _places()
    with tempfile.TemporaryDirectory() as work, db.engine.connect() as held:
        held.execution_options(isolation_level="REPEATABLE READ")
        snapshot = held.exec_driver_sql("SELECT pg_export_snapshot()").scalar()  # pg_dump copies this snapshot
        manifest = _manifest(held)
        dump = Path(work) / DUMP
        _run(
            ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", f"--exclude-table={TABLE_PREFIX}_*",
             "-f", str(dump), "--dbname", dsn], env,
        )  # fmt: skip
        held.rollback()
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file, tarfile.open(fileobj=file, mode="w:gz") as archive:
            archive.add(dump, DUMP)
            for name, folder in places.items():
                if folder is not None and folder.exists():
                    archive.add(folder, name)
            for name in ("secret_key", "config.py"):
                if (Path(current_app.instance_path) / name).exists():
                    archive.add(Path(current_app.instance_path) / name, f"instance/{name}")
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(clock.now_utc().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(data))
    return manifest


def restore(source: Path, force: bool = False) -> dict:
    """Restore a backup with pg_restore into an empty database (*force*: one whose tables hold no data
    is emptied of its schema first); check the manifest."""
    dsn, env = _client_settings()
    _check_client_version("pg_restore", env)
    with tarfile.open(source, mode="r:gz") as archive:
        names = set(archive.getnames())
        if DUMP not in names or MANIFEST not in names:
            raise BackupError(f"{source} is not a csapp PostgreSQL backup (no {DUMP} or {MANIFEST})")
        manifest = json.load(archive.extractfile(MANIFEST))
        with tempfile.TemporaryDirectory() as work:
            archive.extractall(work, filter="data")
            unpacked = Path(work)
            _require_empty(force)  # only once the file is known to be a backup
            db.session.remove()
            db.engine.dispose()
            _run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", dsn, str(unpacked / DUMP)], env)
            for name, folder in _places().items():
                if folder is not None and (unpacked / name).exists():
                    _replace_tree(unpacked / name, folder)
            instance = Path(current_app.instance_path)
            for name in ("secret_key", "config.py"):
                if (unpacked / "instance" / name).exists():
                    instance.mkdir(parents=True, exist_ok=True)
                    os.replace(unpacked / "instance" / name, instance / name)
    with db.engine.connect() as connection:
        found = _manifest(connection)
    problems = [
        f"table {table}: {found['rows'].get(table)} rows, the backup had {count}"
        for table, count in manifest["rows"].items()
        if found["rows"].get(table) != count
    ]
    problems += _notice_problems(manifest["notices"])
    if problems:
        raise BackupError("restored, but the manifest does not match: " + "; ".join(problems[:10]))
    return manifest


def _client_settings() -> tuple[str, dict]:
    """The connection string without its password (which goes into PGPASSWORD) and the environment."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    return plain.render_as_string(hide_password=False), env


def _check_client_version(program: str, env: dict) -> None:
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed: apt-get install -y postgresql-client")
    output = subprocess.run([program, "--version"], capture_output=True, text=True, env=env, check=True).stdout
    client = int(re.search(r"(\d+)(?:\.\d+)?", output).group(1))
    with db.engine.connect() as connection:
        server = int(connection.execute(text("SHOW server_version_num")).scalar()) // 10000
    if client < server:
        raise BackupError(
            f"{program} {client} is older than the server ({server}); install a client of version {server} or newer"
        )


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-800:]}")


def _places() -> dict[str, Path | None]:
    from .notices import pki_paths, store

    return {"notices": store().root, "pki": pki_paths().folder}


def _manifest(connection) -> dict:
    """Row counts of the app's tables and the registered hash of every issued notice, in *connection*'s snapshot."""
    counts = {}
    for table in db.metadata.sorted_tables:
        counts[table.name] = connection.execute(select(func.count()).select_from(table)).scalar()
    notices = dict(
        connection.execute(select(IssuedNotice.path, IssuedNotice.sha256).where(IssuedNotice.sha256.is_not(None))).all()
    )
    return {"taken_at": clock.now_utc().isoformat(), "rows": counts, "notices": notices}


def _notice_problems(registered: dict[str, str]) -> list[str]:
    from .notices import store

    archive = store()
    problems = []
    with db.engine.connect() as connection:
        in_database = DatabaseStore.digests(connection)
    for key, digest in registered.items():
        found = in_database.get(key)
        if found is None and archive.root is not None and (archive.root / key).exists():
            found = hashlib.sha256((archive.root / key).read_bytes()).hexdigest()
        if found is None:
            problems.append(f"notice {key} is missing")
        elif found != digest:
            problems.append(f"notice {key} differs from its registered hash")
    return problems


def _require_empty(force: bool) -> None:
    with db.engine.connect() as connection:
        tables = connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        if not tables:
            return
        if not force:
            raise BackupError(
                "this install already holds data (tables); restore into an empty database, or pass --force"
            )
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
        connection.commit()
