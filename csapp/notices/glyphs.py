"""Check a notice's text against the shipped fonts' character maps before it takes a number.

WeasyPrint would draw a .notdef box for a character no shipped font has; checking the cmaps first
(fontTools, loaded once per process) means a notice that would fail never takes a number.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from html import unescape

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


HIDDEN = re.compile(r"<(style|script)\b.*?</\1>|<[^>]*>", re.S | re.I)


def missing_characters(html: str) -> list[str]:
    """The characters of the notice's text that no shipped font can draw, in order, once each.

    Our own templates' HTML: tags (and style/script bodies) are dropped, entities decoded."""
    covered = _covered()
    missing: list[str] = []
    for char in dict.fromkeys(unescape(HIDDEN.sub(" ", html))):
        if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        if ord(char) not in covered and char not in missing:
            missing.append(char)
    return missing
