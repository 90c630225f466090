"""Moving an installation to another database (`flask --app csapp migrate-to URL`, issue 16).

The target is brought to the migration head, must hold no data, and receives every table of the schema
in dependency order (``metadata.sorted_tables``), 1,000 rows a batch with SQLAlchemy Core; the migration
bookkeeping (``alembic_version``) and the queue's own tables (``huey_*``) are left out. On PostgreSQL each
sequence is set past the largest id copied. Then row counts are compared table by table and every issued
notice's bytes are hashed against the registry (and, with ``into_database``, copied from the archive
folder into the target's ``notice_file`` table, so the new install needs no shared disk).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import Engine, create_engine, func, insert, select, text

from ..extensions import db
from ..models import IssuedNotice, NoticeFile
from ..notices.store import DatabaseStore
from ..queue import is_queue_table

BATCH = 1000
SKIPPED = {"alembic_version"}
SEEDED = ("policy_generation", "policy_version")  # what the migrations insert: replaced by the source's rows


class MoveError(RuntimeError):
    """The move cannot be done (the target holds data, counts differ, a notice is missing or altered)."""


@dataclass
class MoveReport:
    rows: dict[str, int] = field(default_factory=dict)
    notices: int = 0
    notices_copied: int = 0


def move_to(url: str, into_database: bool = False, say: Callable[[str], None] = lambda line: None) -> MoveReport:
    """Copy this install's database into the empty database at *url* (brought to the migration head first)."""
    _upgrade(url)
    source = db.engine
    target = create_engine(url)
    try:
        tables = [t for t in db.metadata.sorted_tables if t.name not in SKIPPED and not is_queue_table(t.name)]
        _refuse_data(target, [t for t in tables if t.name not in SEEDED])  # anything beyond what migrations seed
        _drop_seeded(target)
        report = MoveReport()
        with source.connect() as reading, target.begin() as writing:
            for table in tables:
                copied = 0
                rows = reading.execution_options(yield_per=BATCH).execute(select(table)).mappings()
                for batch in rows.partitions(BATCH):
                    writing.execute(insert(table), [dict(row) for row in batch])
                    copied += len(batch)
                report.rows[table.name] = copied
                say(f"{table.name}: {copied} rows")
            _advance_sequences(writing, tables)
            if into_database:
                report.notices_copied = _copy_notice_files(reading, writing)
        _check(source, target, tables, report)
        return report
    finally:
        target.dispose()


def _upgrade(url: str) -> None:
    """Bring the target to the migration head with the same migrations, in an app of its own."""
    from flask_migrate import upgrade

    from .. import create_app
    from ..extensions import init_migrate

    config = {key: value for key, value in current_app.config.items() if key.isupper()}
    config.pop("SQLALCHEMY_ENGINE_OPTIONS", None)
    config["SQLALCHEMY_DATABASE_URI"] = url
    other = create_app(config)
    with other.app_context():
        init_migrate(other)
        upgrade(directory=other.config["MIGRATIONS_DIR"])
        db.session.remove()
        db.engine.dispose()


def _drop_seeded(target: Engine) -> None:
    """Empty the tables the migrations seeded (the shipped policy) of a target that holds nothing else."""
    with target.begin() as connection:
        for name in SEEDED:
            connection.execute(text(f"DELETE FROM {name}"))


def _refuse_data(target: Engine, tables) -> None:
    with target.connect() as connection:
        for table in tables:
            if connection.execute(select(1).select_from(table).limit(1)).first() is not None:
                raise MoveError(f"the target already holds data (table {table.name}); move into an empty database")


def _advance_sequences(writing, tables) -> None:
    """PostgreSQL: each table's id sequence continues after the largest id copied."""
    if writing.dialect.name != "postgresql":
        return
    for table in tables:
        for column in table.primary_key.columns:
            sequence = writing.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            )
            name = sequence.scalar()
            if name is None:
                continue
            largest = writing.execute(select(func.max(column))).scalar()
            if largest is not None:
                writing.execute(text("SELECT setval(:s, :v)"), {"s": name, "v": largest})


def _copy_notice_files(reading, writing) -> int:
    """Put every archived notice file into the target's notice_file table (once; hash as registered)."""
    from .notices import store

    archive = store()
    if not hasattr(archive, "path"):
        return 0  # already in the database: copied with the tables
    have = set(writing.execute(select(NoticeFile.key)).scalars())
    notices = reading.execute(select(IssuedNotice.path, IssuedNotice.sha256).where(IssuedNotice.sha256.is_not(None)))
    copied = 0
    for key, digest in notices:
        if key in have:
            continue
        data = archive.read(key)
        if hashlib.sha256(data).hexdigest() != digest:
            raise MoveError(f"notice {key} differs from its registered hash; nothing was moved")
        writing.execute(insert(NoticeFile), [{"key": key, "data": data, "sha256": digest}])
        copied += 1
    return copied


def _check(source: Engine, target: Engine, tables, report: MoveReport) -> None:
    """Every table holds as many rows on both sides, every notice's bytes hash as registered."""
    with source.connect() as before, target.connect() as after:
        for table in tables:
            count = select(func.count()).select_from(table)
            mine, theirs = before.execute(count).scalar(), after.execute(count).scalar()
            if table.name == NoticeFile.__tablename__:
                mine += report.notices_copied  # the archive's files joined the rows copied
            if mine != theirs:
                raise MoveError(f"table {table.name}: {mine} rows here, {theirs} in the target")
        in_database = DatabaseStore.digests(after)
        registered = after.execute(
            select(IssuedNotice.path, IssuedNotice.sha256).where(IssuedNotice.sha256.is_not(None))
        ).all()
        from .notices import store

        archive = store()
        for key, digest in registered:
            found = in_database.get(key)
            if found is None and hasattr(archive, "path") and archive.exists(key):
                found = hashlib.sha256(archive.read(key)).hexdigest()
            if found != digest:
                raise MoveError(f"notice {key} is missing or differs from its registered hash in the target")
            report.notices += 1
