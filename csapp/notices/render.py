"""Render notice HTML to PDF with the shipped CJK fonts; a missing glyph is an error, not a box."""

from __future__ import annotations

import atexit
import functools
import logging
import threading
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent.parent / "static"
FONT_DIR = STATIC / "fonts"
NOTICE_CSS = STATIC / "pdf" / "notice.css"
FAMILY = "CSAppSans"
FALLBACK = "CSAppSymbols"
FACES = (
    (FAMILY, "NotoSansSC-Regular.ttf", "normal"),
    (FAMILY, "NotoSansSC-Bold.ttf", "bold"),
    (FALLBACK, "DejaVuSans.ttf", "normal"),
)
_lock = threading.Lock()


class MissingGlyph(RuntimeError):
    """The shipped fonts lack a character of the notice (WeasyPrint drew .notdef)."""


def font_face_css() -> str:
    """Return the @font-face rules of the shipped fonts (one TrueType file per weight)."""
    return "\n".join(
        f"@font-face {{ font-family: {family}; font-weight: {weight}; src: url({(FONT_DIR / name).as_uri()}); }}"
        for family, name, weight in FACES
    )


@functools.cache
def _fonts():
    """Create the FontConfiguration and the stylesheets once per process."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    fonts = CSS(string=font_face_css() + f"\nhtml {{ font-family: {FAMILY}, {FALLBACK}; }}", font_config=config)
    notice = CSS(filename=str(NOTICE_CSS), font_config=config)
    return config, [fonts, notice]


atexit.register(_fonts.cache_clear)  # free WeasyPrint's fonts while the interpreter is still whole


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render one notice; raise MissingGlyph when any character fell back to .notdef."""
    from weasyprint import HTML

    config, stylesheets = _fonts()
    collector = _Collect()
    logger = logging.getLogger("weasyprint")
    with _lock:  # one FontConfiguration per process is not meant for concurrent use
        logger.addHandler(collector)
        try:
            pdf = HTML(string=html, base_url=base_url).write_pdf(stylesheets=stylesheets, font_config=config)
        finally:
            logger.removeHandler(collector)
    missing = [m for m in collector.messages if ".notdef" in m]
    if missing:
        raise MissingGlyph("; ".join(missing[:3]))
    return pdf
