"""pg_dump and pg_restore get the password in PGPASSWORD, never on their command line (issue 16)."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy.engine import make_url

from csapp.services import backup_postgres
from csapp.services.backup import BackupError

BACKENDS = ("pg",)


def test_the_password_goes_in_the_environment_not_in_argv(db_app, tmp_path, monkeypatch):
    url = make_url(db_app.config["SQLALCHEMY_DATABASE_URI"]).set(password="s3cret-Pw")  # trust auth accepts it
    db_app.config["SQLALCHEMY_DATABASE_URI"] = url.render_as_string(hide_password=False)
    seen = []
    real = subprocess.run

    def recording(command, *args, **kwargs):
        seen.append((command, kwargs.get("env") or {}))
        return real(command, *args, **kwargs)

    monkeypatch.setattr(backup_postgres.subprocess, "run", recording)
    manifest = backup_postgres.backup(tmp_path / "b.tar.gz")
    assert manifest["rows"]["employee"] > 0
    dumps = [(command, env) for command, env in seen if command[0] == "pg_dump" and "-Fc" in command]
    assert len(dumps) == 1
    command, env = dumps[0]
    assert not any("s3cret" in part for part in command) and env["PGPASSWORD"] == "s3cret-Pw"


def test_an_older_client_than_the_server_is_refused(db_app, tmp_path, monkeypatch):
    real = subprocess.run

    def old_client(command, *args, **kwargs):
        if command[1:] == ["--version"]:
            return subprocess.CompletedProcess(command, 0, stdout="pg_dump (PostgreSQL) 9.6.24\n", stderr="")
        return real(command, *args, **kwargs)

    monkeypatch.setattr(backup_postgres.subprocess, "run", old_client)
    with pytest.raises(BackupError, match="older than the server"):
        backup_postgres.backup(tmp_path / "b.tar.gz")
    assert not (tmp_path / "b.tar.gz").exists()
