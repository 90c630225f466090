"""Where notices are rendered and signed: a small pool of worker processes, in the queue consumer only.

WeasyPrint and pyHanko add some 100 MB to a process; the web workers never load them for issuing.
The pool is built on first use, rebuilt when a render process dies (the notice is retried once), and
shut down after RENDER_IDLE_SECONDS without work so its memory is given back. Its processes exit on
their own when the consumer dies (they watch their parent), so none outlives a kill -9.
RENDER_WORKERS = 0 renders in the calling process instead (most tests).
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

from flask import current_app

from ..notices.produce import produce, warm_up
from .errors import ServiceError

_pool = None
_pool_key = None
_last_used = 0.0
_lock = threading.Lock()


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)


def _start_worker(parent: int, path: str, passphrase: bytes | None) -> None:
    """In each render process: exit when the consumer is gone, then load fonts and the key once."""
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    warm_up(path, passphrase)


def _executor(workers: int, path: str, passphrase: bytes | None):
    global _pool, _pool_key
    with _lock:
        if _pool is None or _pool_key != (workers, path, passphrase):
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            _pool = ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(), path, passphrase),
            )
            _pool_key = (workers, path, passphrase)
            idle = float(current_app.config.get("RENDER_IDLE_SECONDS", 180))
            threading.Thread(target=_close_when_idle, args=(_pool, idle), daemon=True).start()
        return _pool


def _close_when_idle(pool, idle: float) -> None:
    global _pool
    while True:
        time.sleep(min(idle, 5))
        with _lock:
            if _pool is not pool:
                return
            if time.monotonic() - _last_used >= idle:
                _pool = None
                pool.shutdown(wait=False, cancel_futures=True)
                return


def submit(html: str, path: str, passphrase: bytes | None, reason: str, trust=None) -> Future:
    """Start rendering and signing one notice; the Future holds the signed PDF."""
    global _last_used
    workers = int(current_app.config.get("RENDER_WORKERS", 2))
    if workers <= 0:
        done: Future = Future()
        try:
            done.set_result(produce(html, path, passphrase, reason, trust))
        except Exception as exc:  # hand any failure to the caller, as a pool would
            done.set_exception(exc)
        return done
    _last_used = time.monotonic()
    return _executor(workers, path, passphrase).submit(produce, html, path, passphrase, reason, trust)


def start(html: str, reason: str) -> Future:
    """Start rendering and signing one notice in the pool (several at once keep every process busy)."""
    from .notices import signer_file, signing_trust

    path, passphrase = signer_file()
    return submit(html, path, passphrase, reason, signing_trust())


def produce_signed(html: str, reason: str, started: Future | None = None) -> bytes:
    """Render and sign one notice (or wait for one *started*); a dead render process costs one retry on a
    fresh pool, not the batch."""
    from .notices import signer_file, signing_trust

    path, passphrase = signer_file()
    trust = signing_trust()
    try:
        return (started or submit(html, path, passphrase, reason, trust)).result()
    except BrokenProcessPool:
        _discard()
        try:
            return submit(html, path, passphrase, reason, trust).result()
        except BrokenProcessPool:
            _discard()
            raise ServiceError("生成通知书的进程意外退出,请稍后重试。") from None


def _discard() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None


def alive() -> bool:
    return _pool is not None


def shutdown() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


atexit.register(shutdown)
