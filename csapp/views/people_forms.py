"""The 员工档案 forms: hire, 转正, transfer, leaving, rehire, corrections and teams (typed values out)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length, Optional

from .forms import ChoiceField, DayField, IdField, required

_TRACKS = [SelectChoice("agent", "话务员"), SelectChoice("spec", "成长档案专员")]
_REASON = [DataRequired("请填写原因。"), Length(max=500, message="原因最多 500 字。")]


class HireForm(FlaskForm):
    code = StringField("工号", validators=[DataRequired("请填写工号。"), Length(max=20, message="工号最多 20 位。")])
    name = StringField("姓名", validators=[DataRequired("请填写姓名。"), Length(max=80, message="姓名最多 80 字。")])
    department = IdField("部门", validators=[required("请选择部门。")])
    track = ChoiceField("岗位", choices=_TRACKS, validators=[required("请选择岗位。")])
    hired_on = DayField("入职日期", validators=[required("请填写入职日期。")])
    team = IdField("班组", validators=[Optional()])


class RegularizeForm(FlaskForm):
    on = DayField("转正日期", validators=[required("请填写转正日期。")])
    note = StringField("说明", validators=[Optional(), Length(max=500, message="说明最多 500 字。")])


class LeaveForm(FlaskForm):
    on = DayField("离职日(最后工作日)", validators=[required("请填写离职日。")])
    reason = StringField(
        "离职原因", validators=[DataRequired("请填写离职原因。"), Length(max=500, message="原因最多 500 字。")]
    )


class TransferForm(FlaskForm):
    department = IdField("调入部门", validators=[required("请选择调入部门。")])
    on = DayField("生效日期", validators=[required("请填写生效日期。")])
    team = IdField("班组", validators=[Optional()])
    reason = StringField("调动原因", validators=_REASON)


class RehireForm(FlaskForm):
    on = DayField("再次入职日期", validators=[required("请填写入职日期。")])
    track = ChoiceField("岗位", choices=_TRACKS, validators=[required("请选择岗位。")])
    team = IdField("班组", validators=[Optional()])
    reason = StringField("说明", validators=[Optional(), Length(max=500, message="说明最多 500 字。")])


class CorrectionForm(FlaskForm):
    """A new date for a person event, or 撤销 (the submit button named cancel)."""

    on = DayField("正确日期", validators=[Optional()])
    reason = StringField("更正原因", validators=_REASON)
    cancel = BooleanField("撤销")


class TeamForm(FlaskForm):
    team = IdField("班组", validators=[required("请选择班组。")])
    effective_on = DayField("生效日期", validators=[required("请填写生效日期。")])
    reason = StringField("原因", validators=[Optional(), Length(max=500, message="原因最多 500 字。")])
