"""A small harness for race tests: real processes or threads against one real database file."""

from __future__ import annotations

import multiprocessing
import threading
import traceback
from collections.abc import Callable
from typing import Any


def in_processes(target: Callable[..., Any], args_list: list[tuple], timeout: float = 120) -> list[Any]:
    """Run target(*args) in one spawned process per args tuple, all released at once; return their results.

    *target* must be a module-level function; each process builds its own app and engine.
    """
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(len(args_list))
        with context.Pool(len(args_list)) as pool:
            pending = [pool.apply_async(target, (barrier, *args)) for args in args_list]
            return [p.get(timeout) for p in pending]


def in_threads(calls: list[Callable[[], Any]], timeout: float = 60) -> list[Any]:
    """Run each call in its own thread, released together by a barrier; return results or raised exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except BaseException as exc:  # reported to the test as a value
            exc.trace = traceback.format_exc()
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


def claim_numbers(barrier, database_uri: str, count: int) -> list[str]:
    """In a fresh process: claim *count* pay-notice numbers of 2026, one transaction each."""
    from csapp import create_app
    from csapp.services.notices import claim_number

    app = create_app({"TESTING": True, "SECRET_KEY": "race", "SQLALCHEMY_DATABASE_URI": database_uri})
    with app.app_context():
        barrier.wait()
        return [claim_number("pay", 2026) for _ in range(count)]


def issue_job(barrier, config: dict, kind: str, month: str, application_id: int | None) -> str:
    """In a fresh process: start a notice job (the queue runs it at once here); report how it went."""
    from csapp import create_app
    from csapp.queue import huey
    from csapp.services import jobs
    from csapp.services.errors import ServiceError

    huey.immediate = True
    app = create_app({"TESTING": True, "SECRET_KEY": "race", "RENDER_WORKERS": 0, **config})
    with app.app_context():
        from csapp.extensions import db
        from csapp.models import User

        hr = db.session.query(User).filter_by(username="hr").one()
        db.session.commit()
        barrier.wait()
        try:
            job = jobs.create(hr, kind, month, application_id=application_id)
        except ServiceError as exc:
            return f"refused: {exc.message}"
        db.session.rollback()
        return f"job {job.id}: {db.session.get(type(job), job.id).status}"


def start_on_empty_instance(barrier, instance: str, database_uri: str) -> dict:
    """In a fresh process: an app with no SECRET_KEY on *instance*; serve one request, sign one session."""
    from csapp import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_uri})
    app.instance_path = instance
    barrier.wait()
    status = app.test_client().get("/login").status_code
    cookie = app.session_interface.get_signing_serializer(app).dumps({"from": multiprocessing.current_process().pid})
    return {"status": status, "key": app.config["SECRET_KEY"], "cookie": cookie}
