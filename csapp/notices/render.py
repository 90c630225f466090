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
SEAL_MM = 34  # the seal: the signature field's box, the same in the page layout (#seal) and in the signature
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
    fonts = CSS(
        string=font_face_css()
        + f"\nhtml {{ font-family: {FAMILY}, {FALLBACK}; }}\n#seal {{ width: {SEAL_MM}mm; height: {SEAL_MM}mm; }}",
        font_config=config,
    )
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
    return render_notice(html, base_url)[0]


def render_notice(
    html: str, base_url: str | None = None, notice_style: bool = True
) -> tuple[bytes, int, tuple[float, ...] | None]:
    """Render one notice: the PDF, and the page and box (PDF points) of its #seal, where the signature goes."""
    from weasyprint import HTML

    config, stylesheets = _fonts()
    stylesheets = stylesheets if notice_style else stylesheets[:1]  # the seal: fonts only, no page footer
    collector = _Collect()
    logger = logging.getLogger("weasyprint")
    with _lock:  # one FontConfiguration per process is not meant for concurrent use
        logger.addHandler(collector)
        try:
            document = HTML(string=html, base_url=base_url).render(stylesheets=stylesheets, font_config=config)
            pdf = document.write_pdf()
        finally:
            logger.removeHandler(collector)
    missing = [m for m in collector.messages if ".notdef" in m]
    if missing:
        raise MissingGlyph("; ".join(missing[:3]))
    for index, page in enumerate(document.pages):
        if "seal" in page.anchors:
            x1, y1, x2, y2 = page.anchors["seal"]
            return pdf, index, (x1 * 0.75, (page.height - y2) * 0.75, x2 * 0.75, (page.height - y1) * 0.75)
    return pdf, 0, None


@functools.cache
def seal_pdf(organisation: str) -> str:
    """The seal as a one-page vector PDF (from static/pdf/seal.svg with the organisation's name), made once."""
    import tempfile

    svg = (STATIC / "pdf" / "seal.svg").read_text(encoding="utf-8").replace("{{ organisation }}", organisation)
    page = (
        f"<html><head><style>@page {{ size: {SEAL_MM}mm {SEAL_MM}mm; margin: 0 }} body {{ margin: 0 }}</style></head>"
    )
    pdf = render_notice(f"{page}<body>{svg}</body></html>", notice_style=False)[0]
    handle = tempfile.NamedTemporaryFile(prefix="csapp-seal-", suffix=".pdf", delete=False)
    handle.write(pdf)
    handle.close()
    atexit.register(lambda: Path(handle.name).unlink(missing_ok=True))
    return handle.name
