"""`flask backup FILE` and `flask restore FILE [--force]`: the install in one file, and back."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write a backup (database, notices, keys, settings; mode 0600 — it holds the signing key)."""
    from ..services.backup import BackupError, backup

    try:
        manifest = backup(file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(manifest["rows"].values())
    click.echo(f"backup written to {file}: {rows} rows, {len(manifest['notices'])} notices (keep it private)")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace an install that already holds data.")
@with_appcontext
def restore_command(file: Path, force: bool) -> None:
    """Restore a backup into this install and check it against its manifest."""
    from ..extensions import db
    from ..services.backup import BackupError, restore

    db.session.remove()
    db.engine.dispose()  # no connection may hold the database file being replaced
    try:
        manifest = restore(file, force)
    except (BackupError, OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored the backup of {manifest['taken_at']}: rows and notices match its manifest")
