"""Where issued notices are archived: create-exclusive, never overwritten.

``put_new(session, key, data)`` stages the file as ``<final>.tmp`` (fsynced) and links it into its
final name only after the session's transaction commits (``os.link`` fails if the target exists, so a
final file is never overwritten). A crash in between leaves a temp file; ``sweep`` finishes it when
its hash matches a committed registry row and deletes it otherwise. The folder needs a disk every app
server shares; ``DatabaseStore`` keeps the PDFs in the database instead (table ``notice_file``), inserted
inside the caller's transaction, so nothing is ever half-written and nothing needs sweeping.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..db import on_commit

TMP = ".tmp"


class StoreConflict(RuntimeError):
    """A different file already has this key: nothing was overwritten."""


class FolderStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _final(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"key outside the store: {key}")
        return path

    def put_new(self, session, key: str, data: bytes) -> str:
        """Stage *data* under *key*; it becomes final when the current transaction commits. Returns its SHA-256."""
        final = self._final(key)
        if final.exists():
            raise StoreConflict(f"{key} exists already")
        final.parent.mkdir(parents=True, exist_ok=True)
        temp = final.with_name(final.name + TMP)
        with open(temp, "wb") as handle:  # a stale temp file of a crashed attempt is replaced, never a final one
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        on_commit(lambda: self._publish(final))
        return hashlib.sha256(data).hexdigest()

    def _publish(self, final: Path) -> None:
        temp = final.with_name(final.name + TMP)
        try:
            os.link(temp, final)
        except FileExistsError:
            if _sha256(final) != _sha256(temp):
                raise StoreConflict(f"{final.name} exists with other content; kept as it was") from None
        os.unlink(temp)
        _fsync_dir(final.parent)

    def read(self, key: str) -> bytes:
        return self._final(key).read_bytes()

    def open(self, key: str) -> BinaryIO:
        return open(self._final(key), "rb")

    def path(self, key: str) -> Path:
        return self._final(key)

    def exists(self, key: str) -> bool:
        return self._final(key).exists()

    def temp_files(self) -> Iterator[tuple[str, Path]]:
        for temp in self.root.glob(f"notices/**/*{TMP}"):
            yield str(temp.relative_to(self.root))[: -len(TMP)], temp

    def sweep(self, committed: dict[str, str]) -> tuple[int, int]:
        """Finish what a crash left: a temp file whose hash is the committed one for its key is linked into
        place; any other temp file is deleted. Returns (finished, deleted)."""
        finished = deleted = 0
        for key, temp in list(self.temp_files()):
            if committed.get(key) == _sha256(temp) and not self._final(key).exists():
                self._publish(self._final(key))
                finished += 1
            else:
                temp.unlink(missing_ok=True)
                deleted += 1
        return finished, deleted


class DatabaseStore:
    """Notices in the database (``notice_file``): a key is inserted once, in the caller's transaction, and
    never updated; a second insert of a key is refused (its primary key) and changes nothing."""

    root = None  # no folder: a backup of the database holds the notices

    def put_new(self, session, key: str, data: bytes) -> str:
        from sqlalchemy.exc import IntegrityError

        from ..models import NoticeFile

        digest = hashlib.sha256(data).hexdigest()
        try:
            with session.begin_nested():  # a clash rolls back only this insert
                session.add(NoticeFile(key=key, data=data, sha256=digest))
        except IntegrityError:
            raise StoreConflict(f"{key} exists already") from None
        return digest

    def _row(self, key: str):
        from ..extensions import db
        from ..models import NoticeFile

        row = db.session.get(NoticeFile, key)
        if row is None:
            raise FileNotFoundError(key)
        return row

    def read(self, key: str) -> bytes:
        return self._row(key).data

    def open(self, key: str) -> BinaryIO:
        return io.BytesIO(self.read(key))

    def exists(self, key: str) -> bool:
        from ..extensions import db
        from ..models import NoticeFile

        return db.session.get(NoticeFile, key) is not None

    def temp_files(self) -> Iterator[tuple[str, Path]]:
        return iter(())

    @staticmethod
    def digests(connection) -> dict[str, str]:
        """key → SHA-256 of every notice kept in the database, read a batch at a time (never every PDF at once)."""
        from sqlalchemy import select

        from ..models import NoticeFile

        rows = connection.execute(select(NoticeFile.key, NoticeFile.data).execution_options(yield_per=100))
        return {key: hashlib.sha256(data).hexdigest() for key, data in rows}

    def sweep(self, committed: dict[str, str]) -> tuple[int, int]:
        """Nothing to finish: a notice's bytes commit with its registry row, or not at all."""
        return 0, 0


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
