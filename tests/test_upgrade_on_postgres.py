"""Migrations on PostgreSQL with data in every table (issue 16): the demo, brought back to the previous
release's migration head, is upgraded to the current one — a NOT NULL column without a default, harmless
on an empty table, fails only here."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from csapp import create_app
from csapp.extensions import db, init_migrate
from csapp.models import AgentMonth, Employee, IssuedNotice, PayRun
from csapp.queue import include_object
from csapp.services.demo import create_demo

PREVIOUS_RELEASE_HEAD = "f1a3c5e7b9d2"  # main's head before this release's migrations


def test_the_demo_upgrades_from_the_previous_release_on_postgresql(postgres, tmp_path, pki_dir):
    name = "upgrade_demo"
    url = postgres.fresh(name)
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": url, "PKI_DIR": str(pki_dir),
         "ARCHIVE_DIR": str(tmp_path / "archive"), "TODAY": "2026-11-26"}
    )  # fmt: skip
    with app.app_context():
        init_migrate(app)
        upgrade()
        create_demo(today=dt.date(2026, 11, 26))
        db.session.commit()
        counts = _counts()
        assert counts["agent_month"] > 300 and counts["pay_run"] >= 1
        db.session.remove()
        downgrade(revision=PREVIOUS_RELEASE_HEAD)
        assert _head() == PREVIOUS_RELEASE_HEAD
        upgrade()  # every migration since runs on populated tables
        assert _head() != PREVIOUS_RELEASE_HEAD
        assert _counts() == counts  # nothing lost on the way (stored results are a cache and not counted)
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_object": include_object})
            assert compare_metadata(context, db.metadata) == []
        db.session.remove()
        db.engine.dispose()
    postgres.drop(name)


def _head() -> str:
    db.session.rollback()  # a new snapshot: the migration committed on its own connection
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _counts() -> dict[str, int]:
    db.session.rollback()
    found = {}
    for model in (AgentMonth, Employee, IssuedNotice, PayRun):
        found[model.__tablename__] = db.session.scalar(select(func.count()).select_from(model))
    db.session.rollback()
    return found
