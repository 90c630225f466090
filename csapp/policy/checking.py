"""Validate a policy version and say every problem at once, in Chinese, each at its path."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .fields import Path, label_for
from .schema import Policy


@dataclass(frozen=True)
class Problem:
    path: Path
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}:{self.message}"


_BY_TYPE = {
    "missing": "必须填写",
    "decimal_parsing": "须为数字",
    "decimal_type": "须为数字",
    "float_parsing": "须为数字",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "int_from_float": "须为整数",
    "string_type": "须为文字",
    "literal_error": "不是可选的值",
    "extra_forbidden": "不是方案中的项目",
    "too_short": "不能为空",
    "dict_type": "格式不对",
    "list_type": "格式不对",
    "model_type": "格式不对",
    "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多",
}
_BOUNDS = {"greater_than": "须大于 {gt}", "greater_than_equal": "须 ≥ {ge}", "less_than": "须小于 {lt}"}
_BOUNDS["less_than_equal"] = "须 ≤ {le}"
# the schema's own rules (csapp.policy.schema), said in Chinese
_RULES = [
    (re.compile(r"must be a month"), "须为月份(如 2027-01)"),
    (re.compile(r"unknown leave types"), "含有未知的假别"),
    (re.compile(r"unknown gates"), "含有未知的前置条件"),
    (re.compile(r"kpi\.items must be exactly"), "考核项目不能增删"),
    (re.compile(r"kpi\.items\.(\w+)\.(\w+) is required"), "考核项目缺少必需的参数"),
    (re.compile(r"tracks must be exactly"), "岗位序列不能增删"),
    (re.compile(r"every grade must stand"), "每个职级必须且只能在一个岗位序列中"),
    (re.compile(r"career ladder names"), "晋升阶梯含有未知职级"),
    (re.compile(r"grade_allowances names unknown"), "职级固定补贴含有未知职级"),
    (re.compile(r"promotion target (\S+) has no rung"), "晋升目标没有下一级职级"),
    (re.compile(r"criterion (\S+) needs a threshold"), "资格条件缺少某个晋升目标的门槛"),
]


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind in _BOUNDS:
        return _BOUNDS[kind].format(**{k: str(v) for k, v in (error.get("ctx") or {}).items()})
    if kind in _BY_TYPE:
        return _BY_TYPE[kind]
    text = str(error.get("msg", ""))
    for pattern, chinese in _RULES:
        if pattern.search(text):
            return chinese
    return "数值不合规则"


def check(raw: dict[str, Any], named_by: Policy | None = None) -> tuple[Policy | None, list[Problem]]:
    """Validate *raw*: (the version, []) or (None, every problem); labels come from *named_by* (its base)."""
    try:
        return Policy.model_validate(raw), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            problems.append(Problem(path, label_for(named_by, path), _message(error)))
        return None, problems
