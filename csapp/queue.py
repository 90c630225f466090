"""The task queue (Huey). Its storage comes from QUEUE_URL in the environment:

- unset: SqliteHuey in ``instance/queue.sqlite`` — no server to install;
- ``sqlite:////path/queue.sqlite``: another SQLite file;
- ``postgresql://user@host/db`` (or ``postgresql+psycopg://…``, as in SQLALCHEMY_DATABASE_URI): PostgresHuey,
  its tables ``huey_*`` in that database (made by Huey itself; Alembic, ``migrate-to`` and ``backup`` skip them),
  so queue consumers can run on other machines;
- ``redis://host:6379/0``: RedisHuey (needs the ``redis`` package).

The web process only enqueues; ``huey_consumer csapp.tasks.huey`` runs the tasks (see the Procfile).
"""

from __future__ import annotations

import os
from pathlib import Path

from huey import PostgresHuey, RedisHuey, SqliteHuey

INSTANCE = Path(__file__).resolve().parent.parent / "instance"
TABLE_PREFIX = "huey"  # PostgresHuey's tables: huey_kv, huey_schedule, huey_task, huey_counter


def is_queue_table(name: str) -> bool:
    """Tables the queue owns in the app's database: not the app's schema (migrations, copies, backups)."""
    return name.startswith(TABLE_PREFIX + "_")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: the queue's tables (and their indexes) are not part of the app's schema."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return not is_queue_table(table or "")


def make_huey(url: str | None):
    url = url or f"sqlite:///{INSTANCE / 'queue.sqlite'}"
    if url.startswith("redis://"):
        return RedisHuey("csapp", url=url)
    if url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        dsn = "postgresql://" + url.split("://", 1)[1]
        return PostgresHuey("csapp", dsn=dsn, table_prefix=TABLE_PREFIX)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("csapp", filename=str(path), fsync=True, timeout=10)
    raise ValueError(f"QUEUE_URL must start with sqlite:///, postgresql:// or redis://, not {url!r}")


huey = make_huey(os.environ.get("QUEUE_URL"))
