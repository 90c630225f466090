"""Flask extensions, created once and bound to the app in create_app."""

from __future__ import annotations

import click
from flask import Flask, g
from flask.cli import ScriptInfo, with_appcontext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(get_remote_address)  # RATELIMIT_STORAGE_URI: memory:// (per worker) unless set


def init_migrate(app: Flask) -> None:
    """Set up Flask-Migrate (Alembic) on the app; only migration commands and tests need it."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=app.config["MIGRATIONS_DIR"], render_as_batch=True)


class LazyMigrateGroup(click.Group):
    """`flask db …` from Flask-Migrate, imported only when a db command runs (keeps alembic out of workers)."""

    def _group(self, ctx: click.Context) -> click.Group:
        from flask_migrate.cli import db as group

        init_migrate(ctx.ensure_object(ScriptInfo).load_app())
        return group

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group(ctx).list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str):
        return self._group(ctx).get_command(ctx, name)


@click.group("db", cls=LazyMigrateGroup, help="Database migrations (Flask-Migrate / Alembic).")
@click.option("-d", "--directory", default=None, help="Migration script directory.")
@click.option("-x", "--x-arg", multiple=True, help="Additional arguments consumed by custom env.py scripts.")
@with_appcontext
def migrate_cli(directory: str | None, x_arg: tuple[str, ...]) -> None:
    g.directory = directory  # read by Flask-Migrate's commands, as its own group does
    g.x_arg = x_arg
