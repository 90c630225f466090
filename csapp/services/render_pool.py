"""Where notices are rendered and signed: a small pool of worker processes, kept warm.

WeasyPrint and pyHanko add some 100 MB to a process. Keeping them out of the web worker keeps it
small however many notices it issues, and a warm pool serves both single notices and batches.
RENDER_WORKERS = 0 renders in the calling process instead (used by most tests).
"""

from __future__ import annotations

import atexit
import threading
from concurrent.futures import Future

from flask import current_app

from ..notices.produce import produce, warm_up

_pool = None
_pool_key = None
_lock = threading.Lock()


def _executor(workers: int, path: str, passphrase: bytes | None):
    global _pool, _pool_key
    with _lock:
        if _pool is None or _pool_key != (workers, path, passphrase):
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=warm_up,
                initargs=(path, passphrase),
            )
            _pool_key = (workers, path, passphrase)
        return _pool


def submit(html: str, path: str, passphrase: bytes | None, reason: str) -> Future:
    """Start rendering and signing one notice; the Future holds the signed PDF."""
    workers = int(current_app.config.get("RENDER_WORKERS", 2))
    if workers <= 0:
        done: Future = Future()
        try:
            done.set_result(produce(html, path, passphrase, reason))
        except Exception as exc:  # hand any failure to the caller, as a pool would
            done.set_exception(exc)
        return done
    return _executor(workers, path, passphrase).submit(produce, html, path, passphrase, reason)


def shutdown() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


atexit.register(shutdown)
