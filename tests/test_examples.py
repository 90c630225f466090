"""Every worked case of shared/spec/examples passes through the `rules` command."""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation

import pytest
from conftest import EXAMPLES

CASES = sorted(p.name[: -len(".in.json")] for p in EXAMPLES.glob("*.in.json"))


def _number(text):
    try:
        return Decimal(text)
    except (InvalidOperation, TypeError):
        return None


def _first_number(text):
    """The number inside one of our short Chinese texts: "≥ 93 分" → 93, "7 天" → 7."""
    match = re.search(r"-?\d+(?:\.\d+)?", text or "")
    return Decimal(match.group(0)) if match else None


def assert_matches(actual, expected, path="$"):
    """Every key of *expected* is in *actual* with the same value.

    `required`/`actual` of a criterion are free human-readable texts (CONTRACT.md): where the
    example holds a number ours must hold that number rounded to 2 decimals (with its unit and
    comparison sign in Chinese, "≥ 93 分"); otherwise only the pass/fail verdict is compared.
    """
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} missing"
            if key in ("required", "actual") and "passed" in expected:
                exp_num, act_num = _number(value), _first_number(actual[key])
                if exp_num is not None and expected["passed"] is not None:
                    assert act_num is not None, f"{path}.{key}: {actual[key]!r} is not a number"
                    assert abs(act_num - exp_num) <= Decimal("0.005"), f"{path}.{key}: {actual[key]} vs {value}"
                continue
            assert_matches(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{path}: {actual!r}"
        for index, (a, e) in enumerate(zip(actual, expected)):
            assert_matches(a, e, f"{path}[{index}]")
    else:
        assert (
            actual == expected
            and type(actual) is type(expected)
            or (isinstance(expected, float) and isinstance(actual, (int, float)) and actual == expected)
        ), f"{path}: {actual!r} != {expected!r}"


def test_examples_are_there():
    assert len(CASES) >= 5, f"no examples found under {EXAMPLES}"


@pytest.mark.parametrize("case", CASES)
def test_example(case, rules):
    kind = case.split("-")[0]
    document = (EXAMPLES / f"{case}.in.json").read_text(encoding="utf-8")
    expected = json.loads((EXAMPLES / f"{case}.out.json").read_text(encoding="utf-8"))
    code, out, err = rules(kind, document)
    assert code == 0, err
    assert err == ""
    assert_matches(json.loads(out), expected)
