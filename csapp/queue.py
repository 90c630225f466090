"""The task queue (Huey). Its storage comes from QUEUE_URL in the environment:

- unset: SqliteHuey in ``instance/queue.sqlite`` — no server to install;
- ``sqlite:////path/queue.sqlite``: another SQLite file;
- ``redis://host:6379/0``: RedisHuey (needs the ``redis`` package).

The web process only enqueues; ``huey_consumer csapp.tasks.huey`` runs the tasks (see the Procfile).
"""

from __future__ import annotations

import os
from pathlib import Path

from huey import RedisHuey, SqliteHuey

INSTANCE = Path(__file__).resolve().parent.parent / "instance"


def make_huey(url: str | None):
    url = url or f"sqlite:///{INSTANCE / 'queue.sqlite'}"
    if url.startswith("redis://"):
        return RedisHuey("csapp", url=url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("csapp", filename=str(path), fsync=True, timeout=10)
    raise ValueError(f"QUEUE_URL must start with sqlite:/// or redis://, not {url!r}")


huey = make_huey(os.environ.get("QUEUE_URL"))
