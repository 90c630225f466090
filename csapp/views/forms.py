"""Every form of the app (Flask-WTF): labels and messages in Chinese, typed values out.

Views read input only through these forms (and people_forms, the 员工档案 ones) (the grid's cell endpoints keep their one-value parser);
services get dates, Decimals and booleans, never raw text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation

REQUIRED = "此项必填。"


class NumberField(StringField):
    """A number typed by a person: Decimal or None; a Chinese message for anything else."""

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip().replace(",", "")
        self.raw_text = text
        if not text:
            self.data = None
            return
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.data = None
            raise ValueError(f"“{self.label.text}”须填数字,不能是“{text}”。") from None
        if not number.is_finite():
            self.data = None
            raise ValueError(f"“{self.label.text}”须填数字。")
        self.data = number

    def _value(self) -> str:
        return getattr(self, "raw_text", None) or ("" if self.data is None else str(self.data))


class DayField(StringField):
    """A date as 年-月-日 (the browser's date input sends 2026-11-04)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.raw_text = text
        if not text:
            self.data = None
            return
        try:
            self.data = dt.date.fromisoformat(text)
        except ValueError:
            self.data = None
            raise ValueError(f"“{self.label.text}”请按 年-月-日 填写,例如 2026-11-04。") from None

    def _value(self) -> str:
        return getattr(self, "raw_text", None) or (self.data.isoformat() if self.data else "")


class IdField(IntegerField):
    """A record id sent by the page itself."""

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = int(text) if text.isdigit() else None
        if text and self.data is None:
            raise ValueError("请求参数无效。")


class ChoiceField(SelectField):
    """A select whose choices are set by the view; an unknown value gets a Chinese message."""

    def pre_validate(self, form) -> None:
        if self.data in (None, "") and not self.flags.required:
            return
        if self.data not in {str(option[0]) for option in self.iter_choices()}:
            raise StopValidation("请从列表中选择。")


def required(message: str = REQUIRED):
    return InputRequired(message)


class ReasonForm(FlaskForm):
    """Actions that take nothing but an optional reason (a correction of a locked month)."""

    reason = StringField("更正原因", validators=[Optional(), Length(max=500, message="原因最多 500 字。")])


class RequiredReasonForm(FlaskForm):
    reason = StringField(
        "原因", validators=[DataRequired("请填写原因。"), Length(max=500, message="原因最多 500 字。")]
    )


class IncidentForm(ReasonForm):
    person = IdField("坐席", validators=[required("请选择坐席。")])
    kind = ChoiceField("事件类型", validators=[required("请选择事件类型。")])
    occurred_on = DayField("日期", validators=[required("请填写日期。")])
    note = StringField("说明", validators=[Optional(), Length(max=300, message="说明最多 300 字。")])


class QaSampleForm(ReasonForm):
    score = NumberField("质检分数", validators=[required("请填写质检分数。")])
    recording_id = StringField("录音编号", validators=[Optional(), Length(max=60, message="录音编号最多 60 字。")])


class CaseForm(ReasonForm):
    recording_id = StringField("录音编号", validators=[Optional(), Length(max=60, message="录音编号最多 60 字。")])
    note = StringField("说明", validators=[Optional(), Length(max=300, message="说明最多 300 字。")])


class CaseReviewForm(ReasonForm):
    item_id = IdField("记录", validators=[required("请求参数无效。")])
    justified = ChoiceField(
        "复核结论",
        choices=[SelectChoice("", "待复核"), SelectChoice("yes", "有理由"), SelectChoice("no", "无理由")],
        validators=[Optional()],
    )


class ItemForm(ReasonForm):
    """Remove one QA sample or dissatisfied case."""

    item_id = IdField("记录", validators=[required("请求参数无效。")])


class ReviewScoreForm(ReasonForm):
    employee_id = IdField("员工", validators=[required("请求参数无效。")])
    item = StringField("考核项", validators=[required("请求参数无效。")])
    value = NumberField("分数", validators=[Optional()])


class InterviewForm(FlaskForm):
    interview_on = DayField("面谈日期", validators=[required("请填写面谈日期。")])
    notes = TextAreaField("面谈记录", validators=[Optional(), Length(max=2000, message="面谈记录最多 2000 字。")])
    interview_result = ChoiceField(
        "面谈结果",
        choices=[SelectChoice("pass", "合格"), SelectChoice("fail", "不合格")],
        validators=[required("请选择面谈结果:合格或不合格。")],
    )
    written_test = NumberField("笔试成绩", validators=[Optional()])
    change_reason = TextAreaField("修改原因", validators=[Optional(), Length(max=500, message="修改原因最多 500 字。")])
    process_result = ChoiceField(
        "流程优化",
        choices=[SelectChoice("", "—"), SelectChoice("pass", "合格"), SelectChoice("fail", "不合格")],
        validators=[Optional()],
        name="process",
    )  # `process` is a method of forms


class DecisionForm(FlaskForm):
    decision = ChoiceField(
        "评定",
        choices=[SelectChoice("approve", "批准晋升"), SelectChoice("reject", "不予晋升")],
        validators=[required("请选择评定结果。")],
    )
    reason = TextAreaField(
        "评定理由", validators=[DataRequired("请填写评定理由。"), Length(max=1000, message="评定理由最多 1000 字。")]
    )


class LateApplicationForm(FlaskForm):
    late_reason = StringField(
        "接受逾期申请的原因",
        validators=[DataRequired("请填写接受逾期申请的原因。"), Length(max=500, message="原因最多 500 字。")],
    )


class AppointForm(FlaskForm):
    grade = ChoiceField("职级", validators=[required("请选择职级。")])
    effective_on = DayField("生效日期", validators=[required("请填写生效日期。")])
    reason = StringField(
        "任命原因", validators=[DataRequired("请填写任命原因。"), Length(max=500, message="原因最多 500 字。")]
    )


class MonthField(StringField):
    """A month as 年-月 (the browser's month input sends 2026-11)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        from ..policy.months import is_month

        text = (valuelist[0] if valuelist else "").strip()
        self.data = text or None
        if text and not is_month(text):
            self.data = None
            raise ValueError(f"“{self.label.text}”请按 年-月 填写,例如 2026-11。")


class AllowanceForm(FlaskForm):
    kind = ChoiceField("补贴类型", validators=[required("请选择补贴类型。")])
    amount = NumberField("金额(元/月)", validators=[Optional()])
    effective_month = MonthField("自哪个月起", validators=[required("请填写自哪个月起。")])


class SeriousErrorForm(FlaskForm):
    flagged = ChoiceField(
        "操作", choices=[SelectChoice("1", "记录"), SelectChoice("0", "解除")], validators=[required("请求参数无效。")]
    )
    reason = StringField(
        "原因", validators=[DataRequired("请填写原因。"), Length(max=500, message="原因最多 500 字。")]
    )


class RolesField(SelectMultipleField):
    """Roles as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form) -> None:
        known = {str(option[0]) for option in self.iter_choices()}
        if any(value not in known for value in self.data or []):
            raise StopValidation("请从列表中选择角色。")


class RolesForm(FlaskForm):
    roles = RolesField("角色", choices=[])


class UploadForm(FlaskForm):
    file = FileField("文件", validators=[required("请选择要上传的文件。")])


class ImportApplyForm(FlaskForm):
    replace_qa = BooleanField("替换已登记的质检样本")
    month = HiddenField()
    dept = HiddenField()


class BatchForm(FlaskForm):
    kind = ChoiceField(
        "通知书",
        choices=[SelectChoice("pay", "工资通知单"), SelectChoice("promotion", "晋升通知书与调薪通知单")],
        validators=[required("请选择要打印的通知书。")],
    )


class EmptyForm(FlaskForm):
    """A POST that carries nothing but its CSRF token (submit, withdraw, lock, compute)."""


def first_error(form: FlaskForm) -> str:
    """The first error message of a form, for a one-line message."""
    for field_errors in form.errors.values():
        for error in field_errors if isinstance(field_errors, list) else [field_errors]:
            return str(error)
    return "请求无效,请刷新页面后重试。"


class GapReasonForm(FlaskForm):
    """One reason for several gaps; each gap is posted as "employee_id:kind"."""

    gaps = SelectMultipleField("数据缺失", choices=[], validate_choice=False)
    reason = StringField(
        "原因", validators=[DataRequired("请填写原因。"), Length(max=500, message="原因最多 500 字。")]
    )

    def gap_keys(self) -> list[tuple[int, str]]:
        keys = []
        for value in self.gaps.data or []:
            employee, _, kind = value.partition(":")
            if not employee.isdigit() or not kind:
                raise ValueError("请求参数无效。")
            keys.append((int(employee), kind))
        return keys


class PeopleForm(FlaskForm):
    """Several people ticked in a list (their ids)."""

    people = SelectMultipleField("人员", choices=[], validate_choice=False)

    def ids(self) -> list[int]:
        values = self.people.data or []
        if not values:
            raise ValueError("请先勾选人员。")
        if not all(v.isdigit() for v in values):
            raise ValueError("请求参数无效。")
        return [int(v) for v in values]


def deduction_form(kinds: dict[str, str]) -> FlaskForm:
    """A person's deductions of a month: one amount field per kind of the policy in force."""

    class DeductionForm(FlaskForm):
        employee_id = IdField("员工", validators=[required("请求参数无效。")])

    for key, label in kinds.items():
        setattr(DeductionForm, f"d_{key}", NumberField(label, validators=[Optional()]))
    return DeductionForm()
