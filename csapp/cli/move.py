"""`flask --app csapp migrate-to URL`: move this install's data into another (empty) database."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("migrate-to")
@click.argument("url")
@click.option(
    "--notices-into-database",
    is_flag=True,
    help="Also copy the archived notice PDFs into the target's notice_file table (then set NOTICE_STORE = 'database').",
)
@with_appcontext
def migrate_to_command(url: str, notices_into_database: bool) -> None:
    """Bring the database at URL to the migration head, copy every table into it, check counts and notices."""
    from ..services.move_install import MoveError, move_to

    if "://" not in url:
        raise click.BadParameter(
            "expected a database URL such as postgresql+psycopg://user@host/csapp", param_hint="URL"
        )
    try:
        report = move_to(url, notices_into_database, say=click.echo)
    except MoveError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(report.rows.values())
    click.echo(
        f"moved {rows} rows in {len(report.rows)} tables; {report.notices} notices match their registered hashes"
        + (f" ({report.notices_copied} copied into the database)" if notices_into_database else "")
    )
    click.echo("next: point SQLALCHEMY_DATABASE_URI in instance/config.py at the new database"
               + (" and set NOTICE_STORE = 'database'" if notices_into_database else ""))  # fmt: skip
