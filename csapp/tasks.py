"""The queue's tasks. Run a consumer with ``huey_consumer csapp.tasks.huey -w 1 -d 0.1 -m 1``.

Each task runs inside an application context of one app per consumer (Huey's Flask recipe); under
``huey.immediate`` (tests) it uses the app that enqueued it.
"""

from __future__ import annotations

import os
import socket

from flask import Flask, current_app, has_app_context
from huey import crontab

from .queue import huey

_app: Flask | None = None
OWNER = f"{socket.gethostname()}:{os.getpid()}"


def flask_app() -> Flask:
    global _app
    if has_app_context():
        return current_app._get_current_object()
    if _app is None:
        from . import create_app

        _app = create_app()
    return _app


@huey.task()
def run_chunk(job_id: int) -> None:
    """Issue the next chunk of a job; enqueue the chunk after it."""
    from .services import jobs, policy_book

    app = flask_app()
    with app.app_context():
        policy_book.refresh()  # once per job: another process may have published a version
        more = jobs.run_chunk(job_id, OWNER)
        jobs.beat(OWNER, os.getpid())  # a working worker is alive
    if more:
        run_chunk(job_id)


@huey.task()
def rebuild_scores(since: str) -> None:
    """After a policy version is published: store every department-month's results from *since* on."""
    from .services import policy_book
    from .services.kpi import rebuild_results

    with flask_app().app_context():
        policy_book.refresh()  # once per job: the book this job computes with
        rebuild_results(since=since)


@huey.task()
def policy_preview(preview_id: int) -> None:
    """Compute an impact preview of a policy draft."""
    from .services import policy_book
    from .services import policy_preview as previews

    with flask_app().app_context():
        policy_book.refresh()
        previews.run(preview_id)


@huey.periodic_task(crontab(minute="*"))
def requeue_stalled() -> None:
    """Every minute: jobs whose message was lost or whose consumer died are enqueued again."""
    from .services import jobs

    with flask_app().app_context():
        stalled = jobs.stalled()
    for job_id in stalled:
        run_chunk(job_id)


@huey.periodic_task(crontab(minute="*"))
def minute() -> None:
    """Every minute: say this worker is alive; give an idle render pool's memory back."""
    from .services import jobs, render_pool

    app = flask_app()
    with app.app_context():
        jobs.beat(OWNER, os.getpid())
    render_pool.close_if_idle(float(app.config.get("RENDER_IDLE_SECONDS", 180)))


@huey.on_startup()
def start_consumer() -> None:
    """At consumer start: beat, finish what a crash left (notices and files), re-enqueue stalled jobs."""
    from .services import issuing, jobs
    from .services.render_pool import produce_signed

    with flask_app().app_context():
        jobs.beat(OWNER, os.getpid())
        issuing.sweep(produce_signed)
        stalled = jobs.stalled_now()
    for job_id in stalled:
        run_chunk(job_id)
