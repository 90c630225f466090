"""Server-rendered SVG trend charts (no JS library)."""

from __future__ import annotations

from decimal import Decimal


def trend(points: list[tuple[str, Decimal | None]], width: int = 640, height: int = 200, pad: int = 32) -> dict:
    """Lay out a line chart of monthly values; months without a value leave a gap."""
    values = [v for _, v in points if v is not None]
    top = max([Decimal(100), *values]) if values else Decimal(100)
    top = (top / 10).to_integral_value(rounding="ROUND_CEILING") * 10
    step = (width - 2 * pad) / max(1, len(points) - 1)
    laid = []
    for index, (month, value) in enumerate(points):
        x = pad + index * step
        y = None if value is None else height - pad - float(value) / float(top) * (height - 2 * pad)
        laid.append({"month": month, "value": value, "x": round(x, 1), "y": None if y is None else round(y, 1)})
    segments, current = [], []
    for point in laid:
        if point["y"] is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{point['x']},{point['y']}")
    if current:
        segments.append(current)
    grid = [{"value": top * i / 4, "y": round(height - pad - (height - 2 * pad) * i / 4, 1)} for i in range(5)]
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "points": laid,
        "lines": [" ".join(s) for s in segments],
        "grid": grid,
    }
