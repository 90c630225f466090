"""Build a ZIP while it is being downloaded: members are copied from the archive, no ZIP file is kept."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream: zipfile then writes data descriptors instead of seeking back."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def stream_zip(members: Iterable[tuple[str, Callable[[], BinaryIO]]]) -> Iterator[bytes]:
    """Yield a ZIP (stored, UTF-8 member names) of the given files (each opened when its turn comes),
    one member at a time."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, opener in members:
            with opener() as source, archive.open(name, "w") as target:
                shutil.copyfileobj(source, target, 1 << 16)
            yield sink.drain()
    yield sink.drain()
