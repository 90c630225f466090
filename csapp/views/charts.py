"""Server-rendered SVG trend charts (no JS library)."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

STEP = Decimal(5)  # axis lines fall on multiples of 5 points


def _axis(values: list[Decimal]) -> tuple[Decimal, Decimal]:
    """A range that fits the data (89–100 → 85–100, not 0–100), at least 10 points tall."""
    if not values:
        return Decimal(0), Decimal(100)
    low = ((min(values) - 1) / STEP).to_integral_value(ROUND_FLOOR) * STEP
    high = ((max(values) + 1) / STEP).to_integral_value(ROUND_CEILING) * STEP
    if high - low < 10:
        low = high - 10
    return max(low, Decimal(0)) if min(values) >= 0 else low, high


def trend(
    points: list[tuple[str, Decimal | None]],
    averages: dict[str, Decimal] | None = None,
    width: int = 400,
    height: int = 190,
    pad: int = 30,
) -> dict:
    """Lay out a line chart of monthly values (and the department's average); months without a value leave a gap.

    The drawing is 400 units wide so that its 12-unit labels stay readable scaled down to a phone.
    """
    averages = averages or {}
    values = [v for _, v in points if v is not None] + list(averages.values())
    low, high = _axis(values)
    span = float(high - low)
    step = (width - pad - 10) / max(1, len(points) - 1)

    def y_of(value: Decimal | None) -> float | None:
        return None if value is None else round(height - pad - float(value - low) / span * (height - 2 * pad), 1)

    laid = [
        {
            "month": month,
            "value": value,
            "average": averages.get(month),
            "x": round(pad + i * step, 1),
            "y": y_of(value),
        }
        for i, (month, value) in enumerate(points)
    ]
    grid = [
        {"value": low + (high - low) * i / 4, "y": round(height - pad - (height - 2 * pad) * i / 4, 1)}
        for i in range(5)
    ]
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "points": laid,
        "lines": _segments([(p["x"], p["y"]) for p in laid]),
        "average_lines": _segments([(p["x"], y_of(p["average"])) for p in laid]),
        "grid": grid,
        "has_average": bool(averages),
    }


def _segments(points: list[tuple[float, float | None]]) -> list[str]:
    """Polyline point lists, broken where a month has no value."""
    segments, current = [], []
    for x, y in points:
        if y is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{x},{y}")
    if current:
        segments.append(current)
    return [" ".join(s) for s in segments]
