"""Amounts in Chinese capitals, as HR writes them on pay and salary-change notices."""

from decimal import Decimal

import pytest

from csapp.policy.numbers import rmb_capitals


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("3005.50", "人民币叁仟零伍元伍角整"),
        ("3000", "人民币叁仟元整"),
        ("3000.05", "人民币叁仟元零伍分"),
        ("3000.56", "人民币叁仟元伍角陆分"),
        ("0", "人民币零元整"),
        ("0.05", "人民币伍分"),
        ("0.50", "人民币伍角整"),
        ("10", "人民币壹拾元整"),
        ("1010", "人民币壹仟零壹拾元整"),
        ("10010", "人民币壹万零壹拾元整"),
        ("100000", "人民币壹拾万元整"),
        ("100100", "人民币壹拾万零壹佰元整"),
        ("1000005", "人民币壹佰万零伍元整"),
        ("12345678.9", "人民币壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整"),
        ("100000005", "人民币壹亿零伍元整"),
        ("101000000", "人民币壹亿零壹佰万元整"),
        ("4672.275", "人民币肆仟陆佰柒拾贰元贰角捌分"),  # half up to the cent first
        ("-300", "人民币负叁佰元整"),
    ],
)
def test_capitals(amount, words):
    assert rmb_capitals(Decimal(amount)) == words
