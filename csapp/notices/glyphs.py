"""Check a notice's text against the shipped fonts' character maps before it takes a number.

WeasyPrint would draw a .notdef box for a character no shipped font has; checking the cmaps first
(fontTools, loaded once per process) means a notice that would fail never takes a number.
"""

from __future__ import annotations

import functools
import unicodedata
from html.parser import HTMLParser

from .render import FACES, FONT_DIR


@functools.cache
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    codes: set[int] = set()
    for _, name, _ in FACES:
        font = TTFont(str(FONT_DIR / name), lazy=True)
        codes.update(font.getBestCmap() or {})
        font.close()
    return frozenset(codes)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "head"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script", "head") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def missing_characters(html: str) -> list[str]:
    """The characters of the notice's visible text that no shipped font can draw, in order, once each."""
    parser = _Text()
    parser.feed(html)
    covered = _covered()
    missing: list[str] = []
    for char in "".join(parser.parts):
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        if ord(char) not in covered and char not in missing:
            missing.append(char)
    return missing
