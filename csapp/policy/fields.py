"""Every leaf of a policy version with its Chinese label, walked from the pydantic schema.

The draft form, the diff of two versions and the 政策 page all read the same leaves: a label is the
chain of the schema's ``Field(title=…)`` and the names of the rows (a grade's title, a KPI item's name),
never a code.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Union

from pydantic import BaseModel

from .names import EMPLOYMENT_NAMES, field_name
from .schema import Policy

TENURE_NAMES = {"grade": "自任现职级起", "regularized": "自转正起", "regularized_cumulative": "自转正起累计"}
CHOICE_NAMES = {"tenure": TENURE_NAMES}
LONG_TEXT = ("decisions", "texts")

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Leaf:
    """One value of a version: where it is, what people call it, and how it is edited."""

    path: Path
    labels: tuple[str, ...]
    kind: str  # decimal | int | text | long_text | choice | fixed
    value: Any
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return " › ".join(self.labels)

    @property
    def editable(self) -> bool:
        return self.kind != "fixed"

    @property
    def name(self) -> str:
        """The form field's name: the path, parts joined by ``__`` (keys hold dots, never two underscores)."""
        return "f__" + "__".join(str(p) for p in self.path)

    @property
    def shown(self) -> str:
        """The value as people read it (a choice by its name, a list joined)."""
        if self.choices:
            return dict(self.choices).get(self.value, str(self.value))
        if isinstance(self.value, list):
            return "、".join(str(v) for v in self.value)
        return "" if self.value is None else str(self.value)


def _unwrap(annotation) -> tuple[Any, bool]:
    """Strip ``X | None``: return (X, whether None was allowed)."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], True
    return annotation, False


def key_label(policy: Policy, path: Path, key: str) -> str:
    """The name people read for the row *key* under *path* (in *policy*)."""
    where = tuple(p for p in path if isinstance(p, str))
    parent = where[-1] if where else ""
    if parent in ("grades", "targets", "thresholds", "texts", "grade_allowances") and key in policy.grades:
        return policy.grade_label(key)
    if parent in ("tracks", "reviewed_scores") and key in policy.tracks:
        return policy.tracks[key].name
    if parent == "items" and key in policy.kpi.items:
        return policy.kpi.items[key].name
    if parent == "incidents" and key in policy.kpi.incidents:
        return policy.kpi.incidents[key].name
    if parent in ("leave_type_names", "allowance_names", "deduction_kinds"):
        return getattr(policy.pay, parent).get(key, "新增项")
    if len(where) >= 2 and where[-2] == "grade_allowances":
        return policy.pay.allowance_names.get(key, "补贴")
    if parent == "limit_seconds":
        return EMPLOYMENT_NAMES.get(key, key)
    if parent == "decisions":
        return f"第 {key.lstrip('D')} 条"
    if parent == "soft_limits":
        return field_name(key)
    return key


def _index_label(path: Path, index: int) -> str:
    if path and path[-1] == "rank_bonuses":
        return f"第 {index + 1} 名"
    return f"第 {index + 1} 项"


def leaves(policy: Policy) -> list[Leaf]:
    """Every leaf of *policy*, in schema order."""
    found: list[Leaf] = []
    _walk(policy, policy, (), (), found)
    return found


def _walk(policy: Policy, model: BaseModel, path: Path, labels: tuple[str, ...], found: list[Leaf]) -> None:
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if value is None:
            continue
        fixed = bool((info.json_schema_extra or {}).get("fixed"))
        _value(policy, info.annotation, value, (*path, name), (*labels, info.title or name), fixed, found)


def _value(policy, annotation, value, path: Path, labels, fixed: bool, found: list[Leaf]) -> None:
    annotation, _ = _unwrap(annotation)
    origin = typing.get_origin(annotation)
    if isinstance(value, BaseModel):
        _walk(policy, value, path, labels, found)
    elif fixed:
        found.append(Leaf(path, labels, "fixed", value))
    elif origin is dict:
        _, inner = typing.get_args(annotation)
        for key, item in value.items():
            _value(policy, inner, item, (*path, key), (*labels, key_label(policy, path, key)), False, found)
    elif origin is list:
        (inner,) = typing.get_args(annotation)
        for index, item in enumerate(value):
            _value(policy, inner, item, (*path, index), (*labels, _index_label(path, index)), False, found)
    elif origin is Literal:
        names = CHOICE_NAMES.get(str(path[-1]), {})
        choices = tuple((c, names.get(c, c)) for c in typing.get_args(annotation))
        found.append(Leaf(path, labels, "choice", value, choices))
    elif annotation is Decimal:
        found.append(Leaf(path, labels, "decimal", value))
    elif annotation is int:
        found.append(Leaf(path, labels, "int", value))
    else:
        long = any(p in LONG_TEXT for p in path if isinstance(p, str))
        found.append(Leaf(path, labels, "long_text" if long else "text", value))


def label_for(policy: Policy | None, path: Path) -> str:
    """The Chinese label of *path* (an error's location), as far as the schema and *policy* name it."""
    labels: list[str] = []
    model: Any = Policy
    for depth, part in enumerate(path):
        if isinstance(model, type) and issubclass(model, BaseModel) and part in model.model_fields:
            info = model.model_fields[part]
            labels.append(info.title or str(part))
            model, _ = _unwrap(info.annotation)
            continue
        origin = typing.get_origin(model)
        if origin in (dict, list):
            args = typing.get_args(model)
            if isinstance(part, int):
                labels.append(_index_label(path[:depth], part))
            else:
                labels.append(key_label(policy, path[:depth], str(part)) if policy else str(part))
            model, _ = _unwrap(args[-1])
            continue
        break
    return " › ".join(labels) or "方案"


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def diff(old: Policy, new: Policy) -> list[Change]:
    """What differs between two versions, leaf by leaf: (label, old, new); a row only one has shows as —."""
    before = {leaf.path: leaf for leaf in leaves(old)}
    after = {leaf.path: leaf for leaf in leaves(new)}
    changes = []
    for path in [*before, *(p for p in after if p not in before)]:
        a, b = before.get(path), after.get(path)
        if path in (("version",), ("effective",)):
            continue
        if a is None or b is None or a.value != b.value:
            label = (a or b).label
            changes.append(Change(label, a.shown if a else "—", b.shown if b else "—"))
    return changes
