"""The policy forms: the draft editor generated from the schema's leaves, and the small workflow forms."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from .forms import ChoiceField, MonthField, NumberField, required

if TYPE_CHECKING:  # the schema (pydantic) loads with the first policy page, not when the app starts
    from ..policy.checking import Problem
    from ..policy.fields import Leaf, Path
    from ..policy.schema import Policy


class DraftForm(FlaskForm):
    """Every editable leaf of a version, one field each (built per version by ``draft_form``)."""

    lock = HiddenField()
    leaves: list[Leaf] = []

    def values(self) -> dict[Path, Any]:
        """The typed values by path (int leaves as int)."""
        found = {}
        for leaf in self.leaves:
            value = self[leaf.name].data
            if leaf.kind == "int" and isinstance(value, Decimal):
                value = int(value)
            found[leaf.path] = value
        return found

    def validate_ints(self) -> bool:
        ok = True
        for leaf in self.leaves:
            field = self[leaf.name]
            if leaf.kind == "int" and isinstance(field.data, Decimal) and field.data != field.data.to_integral_value():
                field.errors = [*field.errors, "须为整数"]
                ok = False
        return ok

    def place(self, problems: list[Problem]) -> list[Problem]:
        """Put each problem under its field; return those no field shows (rules across several values)."""
        by_path = {leaf.path: leaf.name for leaf in self.leaves}
        unplaced = []
        for problem in problems:
            name = by_path.get(problem.path)
            if name is None:
                unplaced.append(problem)
            else:
                field = self[name]
                field.errors = [*field.errors, f"{problem.label}:{problem.message}"]
        return unplaced

    def sections(self) -> list[tuple[str, list[tuple[Leaf, Any]]]]:
        """The fields grouped by the first label (方案名称, 职级与工资标准, 工资 …), in schema order."""
        grouped: dict[str, list] = {}
        for leaf in self.leaves:
            grouped.setdefault(leaf.labels[0], []).append((leaf, self[leaf.name]))
        return list(grouped.items())


def _field(leaf: Leaf):
    label = " › ".join(leaf.labels[1:]) or leaf.labels[0]
    if leaf.kind in ("decimal", "int"):
        return NumberField(label, validators=[InputRequired(f"“{leaf.label}”必须填写。")], default=leaf.value)
    if leaf.kind == "choice":
        return ChoiceField(label, choices=[SelectChoice(k, v) for k, v in leaf.choices], default=leaf.value)
    limit = 2000 if leaf.kind == "long_text" else 200
    validators = [DataRequired(f"“{leaf.label}”必须填写。"), Length(max=limit, message=f"最多 {limit} 字。")]
    cls = TextAreaField if leaf.kind == "long_text" else StringField
    return cls(label, validators=validators, default=leaf.value)


def draft_form(policy: Policy, lock: int, posted: bool = False) -> DraftForm:
    """The editor of *policy*: one field per editable leaf, prefilled with its value (*posted*: bound to the
    submitted form instead)."""
    from ..policy.fields import leaves

    editable = [leaf for leaf in leaves(policy) if leaf.editable]
    attributes: dict[str, Any] = {leaf.name: _field(leaf) for leaf in editable}
    attributes["leaves"] = editable
    form_class = type("GeneratedDraftForm", (DraftForm,), attributes)
    form = form_class() if posted else form_class(formdata=None)
    if not form.lock.data:
        form.lock.data = str(lock)
    return form


class NewDraftForm(FlaskForm):
    effective = MonthField("生效月份", validators=[required("请填写生效月份。")])


class EffectiveForm(FlaskForm):
    effective = MonthField("生效月份", validators=[required("请填写生效月份。")])


class ReturnForm(FlaskForm):
    reason = StringField(
        "退回原因", validators=[DataRequired("请填写退回原因。"), Length(max=500, message="原因最多 500 字。")]
    )


class WithdrawForm(FlaskForm):
    reason = StringField(
        "撤回原因", validators=[DataRequired("请填写撤回原因。"), Length(max=500, message="原因最多 500 字。")]
    )


class AddRowForm(FlaskForm):
    table = ChoiceField(
        "表",
        choices=[
            SelectChoice("allowance_names", "补贴项目"),
            SelectChoice("deduction_kinds", "扣款项目"),
            SelectChoice("incidents", "管理事件"),
            SelectChoice("soft_limits", "录入提醒上限"),
        ],
        validators=[required("请选择表。")],
    )
    name = StringField("名称", validators=[Optional(), Length(max=60, message="名称最多 60 字。")])
    amount = NumberField("分值/上限", validators=[Optional()])
    key = ChoiceField("数据项", validators=[Optional()])


class RemoveRowForm(FlaskForm):
    table = StringField(validators=[DataRequired()])
    key = StringField(validators=[DataRequired()])


class PreviewForm(FlaskForm):
    months = StringField(
        "预览月份(逗号分隔,最多 6 个月)",
        validators=[DataRequired("请填写月份。"), Length(max=80, message="月份太多。")],
    )


class DiffForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form

    a = ChoiceField("对比版本", validators=[required("请选择版本。")])
    b = ChoiceField("与", validators=[required("请选择版本。")])
