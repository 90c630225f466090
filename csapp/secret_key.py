"""The key that signs sessions: from config, else ``instance/secret_key``, else created there once.

Several processes may start at once on an empty instance: each writes its own random key to a temporary
file and tries to ``os.link()`` it to the final name — atomic, and refused if the name exists — then
every process, the winner included, reads the file. So all of them sign with the same key.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

FILE = "secret_key"


class SecretKeyUnavailable(RuntimeError):
    """No configured key and none can be read or written in the instance folder."""


def instance_secret_key(instance: Path) -> str:
    """Return the instance's key, creating it once (0600) when there is none."""
    target = Path(instance) / FILE
    try:
        if not target.exists():
            _create(target)
        key = target.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise SecretKeyUnavailable(
            f"cannot read or create {target}: {exc.strerror}. Set SECRET_KEY in instance/config.py, "
            "or make the instance folder writable for the app."
        ) from exc
    if len(key) < 32:
        raise SecretKeyUnavailable(f"{target} holds no usable key (fewer than 32 characters)")
    return key


def _create(target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(descriptor, secrets.token_hex(32).encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    try:
        os.link(temporary, target)  # the first process wins; the others read its key
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
