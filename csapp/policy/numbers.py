"""Exact arithmetic for scores and money: means as fractions, half-up rounding on output."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

Number = Decimal | Fraction | int

CENT = Decimal("0.01")


def exact(value: Number) -> Fraction:
    """Return *value* as an exact fraction."""
    return value if isinstance(value, Fraction) else Fraction(value)


def mean(values: Iterable[Number]) -> Fraction:
    """Return the exact arithmetic mean of *values* (which must not be empty)."""
    items = [exact(v) for v in values]
    if not items:
        raise ValueError("mean of no values")
    return sum(items, Fraction(0)) / len(items)


def round2(value: Number) -> Decimal:
    """Round to 2 decimals, half up (away from zero on a tie)."""
    if isinstance(value, Fraction):
        scaled = abs(value) * 100
        whole, rest = divmod(scaled.numerator, scaled.denominator)
        if 2 * rest >= scaled.denominator:
            whole += 1
        result = Decimal(whole).scaleb(-2)
        return -result if value < 0 else result
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt2(value: Number) -> str:
    """Format with exactly 2 decimals, e.g. ``93.50``."""
    return f"{round2(value):.2f}"


def fmt(value: Number) -> str:
    """Format rounded to 2 decimals without trailing zeros, e.g. ``93.5`` or ``7``."""
    text = f"{round2(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def money(value: Number) -> str:
    """Format an amount of yuan as ``¥3,300.00``."""
    rounded = round2(value)
    sign = "-" if rounded < 0 else ""
    return f"{sign}¥{abs(rounded):,.2f}"
