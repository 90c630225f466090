"""A throwaway PostgreSQL for the tests: its own cluster in a temporary folder, Unix socket only.

initdb/pg_ctl come from /usr/lib/postgresql/*/bin, run as the ``postgres`` user when the tests run as
root (the server refuses root) and directly otherwise. Trust authentication, no TCP listener, and the
durability settings a test does not need are off. The cluster is stopped (``-m fast``) and its folder
removed when the session ends, also after Ctrl-C.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path


class ThrowawayPostgres:
    """One cluster for a test session: the tests' database (put back between tests by DatabaseReset) and
    the databases some tests create for themselves."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise RuntimeError("PostgreSQL is not installed: apt-get install -y postgresql (make test does it as root)")
        self.bin = Path(found[-1]).parent
        self.folder = Path(tempfile.mkdtemp(prefix="csapp-pg-"))
        self.folder.chmod(0o755)
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        self.data = self.folder / "data"
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        options = (
            f"-c listen_addresses='' -k {self.folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")
        atexit.register(self.stop)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.folder}"

    def execute(self, sql: str) -> None:
        """Run one statement on the maintenance database (autocommit: CREATE/DROP DATABASE)."""
        import psycopg

        with psycopg.connect(dbname="postgres", user="postgres", host=str(self.folder), autocommit=True) as conn:
            conn.execute(sql)

    def fresh(self, name: str) -> str:
        """An empty database *name* (dropped first if a test left one); return its URL."""
        self.drop(name)
        self.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.data.exists():
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(self.folder, ignore_errors=True)


class DatabaseReset:
    """Put one test database back to a saved state between tests, in one transaction (~15 ms; cloning a
    database of this schema from a template costs ~500 ms): other connections to it are ended, every table
    emptied (foreign-key triggers off), the saved rows inserted again, every id sequence set past them."""

    def __init__(self, engine) -> None:
        from sqlalchemy import select, text

        from csapp.extensions import db

        self.url = engine.url
        self.tables = db.metadata.sorted_tables
        with engine.connect() as connection:
            self.rows = {
                t.name: rows
                for t in self.tables
                if (rows := [dict(r) for r in connection.execute(select(t)).mappings()])
            }
            self.sequences = []
            for table in self.tables:
                for column in table.primary_key.columns:
                    found = connection.execute(
                        text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
                    ).scalar()
                    if found:
                        self.sequences.append((table.name, column.name, found))

    def run(self, engine) -> None:
        from sqlalchemy import insert, text

        with engine.begin() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
            present = connection.exec_driver_sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            connection.exec_driver_sql("; ".join(f'DELETE FROM "{name}"' for (name,) in present))
            for table in self.tables:
                if table.name in self.rows:
                    connection.execute(insert(table), self.rows[table.name])
            connection.exec_driver_sql(
                "; ".join(
                    f'SELECT setval(\'{sequence}\', coalesce((SELECT max("{column}") FROM "{table}"), 0) + 1, false)'
                    for table, column, sequence in self.sequences
                )
            )
