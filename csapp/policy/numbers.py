"""Exact arithmetic for scores and money: means as fractions, half-up rounding on output."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
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
    keys, scale = scaled(items)
    return Fraction(sum(keys), scale * len(items))


def scaled(values: Sequence[Fraction]) -> tuple[list[int], int]:
    """The fractions as whole numbers over one common denominator: (numerators, denominator).

    Sorting, summing and comparing these integers is exact and far cheaper than doing it on fractions
    (a department's QA means share a few small denominators)."""
    scale = math.lcm(*(v.denominator for v in values)) if values else 1
    return [v.numerator * (scale // v.denominator) for v in values], scale


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


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


def _group_capitals(group: int) -> str:
    """One group of up to four digits (仟佰拾个), a 零 for each inner run of zeros."""
    text, zero = "", False
    for place in (3, 2, 1, 0):
        digit = group // 10**place % 10
        if digit == 0:
            zero = bool(text)
            continue
        if zero:
            text, zero = text + "零", False
        text += _DIGITS[digit] + _SMALL_UNITS[place]
    return text


def _integer_capitals(number: int) -> str:
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    text, zero = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            zero = bool(text)
            continue
        if text and (group < 1000 or zero):
            text += "零"
        text += _group_capitals(group) + _BIG_UNITS[index]
        zero = False
    return text or "零"


def rmb_capitals(amount: Number) -> str:
    """An amount as written on Chinese financial documents: 3005.50 → 人民币叁仟零伍元伍角整."""
    cents = int(round2(amount) * 100)
    sign, cents = ("负", -cents) if cents < 0 else ("", cents)
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    text = _integer_capitals(yuan) + "元" if yuan or not rest else ""
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    text += _DIGITS[fen] + "分" if fen else "整"
    return f"人民币{sign}{text}"
