"""Where notices are rendered and signed: a small pool of worker processes, in the queue consumer only.

WeasyPrint and pyHanko add some 100 MB to a process; the web workers never load them for issuing.
The pool is built on first use, rebuilt when a render process dies (the notice is retried once), and
shut down once idle for RENDER_IDLE_SECONDS (checked by the worker's minute task and before each use)
so its memory is given back. Its processes get SIGKILL from the kernel when the worker thread that
started them dies (PR_SET_PDEATHSIG), so none outlives a kill -9 of the worker.
RENDER_WORKERS = 0 renders in the calling process instead (most tests).
"""

from __future__ import annotations

import atexit
import os
import signal
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


PR_SET_PDEATHSIG = 1


def _start_worker(parent: int, path: str, passphrase: bytes | None) -> None:
    """In each render process: die with the worker (Linux), then load fonts and the key once."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: at least notice a parent already gone
        pass
    if os.getppid() != parent:
        os._exit(0)
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
        return _pool


def close_if_idle(idle_seconds: float) -> bool:
    """Shut the pool down when it has had no work for *idle_seconds*; True when it did."""
    global _pool
    with _lock:
        if _pool is None or time.monotonic() - _last_used < idle_seconds:
            return False
        pool, _pool = _pool, None
    pool.shutdown(wait=True)
    return True


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
    try:
        return (started or submit(html, path, passphrase, reason, signing_trust())).result()
    except BrokenProcessPool:
        _discard()
        try:
            return submit(html, path, passphrase, reason, signing_trust()).result()
        except BrokenProcessPool:
            _discard()
            raise ServiceError("生成通知书的进程意外退出,请稍后重试。") from None


def _discard() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None


def shutdown() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


atexit.register(shutdown)
