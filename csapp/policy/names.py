"""The Chinese name of every code a person could otherwise see: one place for pages, exports and PDFs.

Pure: no Flask, no database. Grade names come from the policy version in force (they are policy
data); everything else is fixed vocabulary here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .numbers import Number, fmt

if TYPE_CHECKING:
    from .schema import Policy

TRACK_NAMES = {"agent": "话务员", "spec": "成长档案专员", "sup": "客服主管", "mgr": "客服经理"}
EMPLOYMENT_NAMES = {"regular": "正式", "intern": "实习"}
ROLE_NAMES = {"agent": "坐席/专员", "supervisor": "主管", "dept_head": "部门负责人", "hr": "人事", "admin": "管理员"}
APPLICATION_STATUS_NAMES = {
    "draft": "待提交",
    "submitted": "待面谈",
    "interviewed": "待评定",
    "approved": "已通过",
    "rejected": "未通过",
    "withdrawn": "已撤回",
}
PAY_RUN_STATUS_NAMES = {"draft": "草稿", "confirmed": "已确认", "superseded": "已被更正", "abandoned": "已放弃"}
PAY_GAP_NAMES = {
    "attendance": "考勤未录入",
    "agent_data": "绩效数据不全",
    "reviewed": "考核评分未录入",
    "department": "部门数据缺失",
    "deductions": "扣款未录入",
}
JOB_STATUS_NAMES = {
    "queued": "排队中",
    "running": "进行中",
    "done": "已完成",
    "failed": "失败",
    "interrupted": "已中断",
}
NOTICE_STATUS_NAMES = {"reserved": "签发中", "valid": "有效", "superseded": "已被取代", "voided": "已作废"}
NOTICE_KIND_NAMES = {"promotion": "晋升通知书", "salary_change": "调薪通知单", "pay": "工资通知单"}
POLICY_STATUS_NAMES = {
    "draft": "草稿",
    "pending": "待审批",
    "published": "已发布",
    "returned": "已退回",
    "withdrawn": "已撤回",
}
ELIGIBILITY_NAMES = {"eligible": "✔ 符合", "pending": "待定", "ineligible": "✘ 不符合", None: "—"}
STAR_NAMES = {"production": "产量明星", "qa": "质检明星"}
VERDICT_NAMES = {True: "满足", False: "不满足", None: "待定"}

AUDIT_ACTION_NAMES = {
    "metrics.update": "修改绩效数据",
    "attendance.update": "修改考勤",
    "specialist.update": "修改专员数据",
    "leader.update": "修改主管/经理数据",
    "department_month.update": "修改部门数据",
    "incident.add": "登记事件",
    "incident.remove": "删除事件",
    "qa.add": "添加质检样本",
    "qa.remove": "删除质检样本",
    "qa.import": "导入质检样本",
    "case.add": "登记不满意录音",
    "case.review": "复核不满意录音",
    "case.remove": "删除不满意录音",
    "case.import": "导入不满意录音",
    "import.metrics": "导入绩效数据",
    "metrics.import": "导入绩效数据",
    "month.lock": "锁定月份",
    "month.unlock": "解锁月份",
    "reviewed.update": "修改考核评分",
    "serious_error.record": "严重工作失误",
    "promotion.submit": "提交晋升申请",
    "promotion.withdraw": "撤回晋升申请",
    "promotion.interview": "记录面谈",
    "promotion.decide": "晋升评定",
    "grade.appoint": "直接任命",
    "allowance.update": "修改补贴",
    "pay.run": "核算工资",
    "notice.issue": "签发通知书",
    "notice.batch": "批量签发通知书",
    "user.create": "创建用户",
    "user.roles": "修改角色",
    "user.password": "修改密码",
    "user.logout": "退出登录",
    "user.login": "登录",
    "user.login_failed": "登录失败",
    "user.login_throttled": "登录被限制",
    "notice.download": "下载通知书",
    "notice.download_zip": "下载通知书压缩包",
    "export.pay": "导出工资表",
    "export.ranking": "导出排名",
    "export.roster": "导出花名册",
    "user.reset_password": "重置密码",
    "user.disable": "停用账号",
    "user.enable": "启用账号",
    "user.one_time_password": "生成一次性密码",
    "team.assign": "调整班组",
    "person.hire": "入职",
    "person.regularize": "转正",
    "person.leave": "离职",
    "person.transfer": "调动部门",
    "person.rehire": "再次入职",
    "person.correct": "更正员工档案记录",
    "notice.void": "作废通知书",
    "notice.supersede": "通知书被更正取代",
    "roster.import": "导入花名册",
    "policy.draft": "新建政策草稿",
    "policy.import": "导入政策草稿",
    "policy.edit": "修改政策草稿",
    "policy.submit": "提交政策审批",
    "policy.return": "退回政策草稿",
    "policy.publish": "发布政策版本",
    "policy.discard": "删除政策草稿",
    "policy.withdraw_request": "申请撤回政策版本",
    "policy.withdraw": "撤回政策版本",
    "policy.preview": "预览政策影响",
    "export.policy_preview": "导出政策影响预览",
}

FIELD_NAMES = {
    # month data
    "production": "接线量",
    "feedback_unprocessed": "未处理反馈",
    "im_unprocessed": "未处理环信",
    "avg_call_seconds": "通话均长",
    "plan_missed": "计划未达标",
    "knowledge_errors": "业务知识差错",
    "operation_errors": "操作失误",
    "discipline": "纪律/卫生",
    "cooperation": "配合度",
    "late": "迟到",
    "absent": "旷工",
    "leave_annual": "年假",
    "leave_sick": "病假",
    "leave_personal": "事假",
    "leave_bereavement": "丧假",
    "leave_maternity": "产假",
    "leave_marriage": "婚假",
    "leave_other": "其他假",
    "books_delivered": "交付本数",
    "audit_errors": "审核差错",
    "delivery_data_errors": "数据交付失误",
    "shipping_errors": "配送失误",
    "work_errors": "工作差错",
    "coordination_complaints": "部门协调投诉",
    "connection_rate": "接通率",
    "service_level": "服务水平",
    "headcount": "在册人数",
    "leavers": "流失人数",
    # records and workflow
    "score": "分数",
    "scores": "分数",
    "recording_id": "录音编号",
    "justified": "复核结果",
    "locked": "锁定",
    "password": "密码",
    "people": "人数",
    "reason": "原因",
    "roles": "角色",
    "rows": "行数",
    "grade": "职级",
    "target": "申请职级",
    "interview": "面谈",
    "status": "状态",
    "serious_error": "严重工作失误",
    "total": "份数",
    "name": "姓名",
    "kind": "类型",
    "team": "班组",
    "hire": "入职",
    "regularize": "转正",
    "leave": "离职",
    "transfer": "调动部门",
    "rehire": "再次入职",
}

# Units of promotion criteria, for "≥ 93 分" (dept_quality is a QA score for supervisors, a rate for managers)
CRITERION_UNITS = {
    "production": "个月",
    "qa": "分",
    "kpi": "分",
    "written_test": "分",
    "dissatisfied": "例",
    "work_errors": "次",
    "stars": "次",
    "refused": "次",
    "audit_errors": "次",
    "delivery_data_errors": "次",
    "shipping_errors": "次",
    "connection": "%",
    "dept_service_errors": "例",
    "dept_quality": "分",
    "coordination": "次",
    "turnover": "%",
    "service_complaint": "例",
    "leave": "天",
}


def grade_name(policy: Policy, grade: str | None, regularized: bool | None = None) -> str:
    """``话务员 · 一星``; an agent without a star is 话务员(未定星) once regularised, 话务员(试用期) before."""
    if not grade:
        return "—"
    if grade not in policy.grades:
        return "未知职级"
    info = policy.grades[grade]
    if regularized and info.unrated_title:
        return info.unrated_title
    return info.title or info.name


def audit_action_name(action: str) -> str:
    return AUDIT_ACTION_NAMES.get(action, "其他操作")


def field_name(field: str, extra: dict[str, str] | None = None) -> str:
    """A field's Chinese name; *extra* holds names known only from the policy (incident kinds, items)."""
    if extra and field in extra:
        return extra[field]
    return FIELD_NAMES.get(field, field if not field.isascii() else "其他")


def unit_of(key: str, track: str | None = None) -> str:
    if key == "dept_quality" and track == "mgr":
        return "%"
    return CRITERION_UNITS.get(key, "")


def amount(value: Number, unit: str) -> str:
    """``93 分``, ``85%``, ``7 天``: a number (2 decimals at most) with its unit."""
    if unit == "%":
        return f"{fmt(value)}%"
    return f"{fmt(value)} {unit}".rstrip()


def at_least(value: Number, unit: str) -> str:
    return f"≥ {amount(value, unit)}"


def at_most(value: Number, unit: str) -> str:
    return "0 " + unit if value == 0 and unit not in ("%", "分") else f"≤ {amount(value, unit)}"


def less_than(value: Number, unit: str) -> str:
    return f"少于 {amount(value, unit)}"


def not_later_than(day) -> str:
    return f"不晚于 {day}"


def window_days(first: int, last: int) -> str:
    return f"每月 {first}–{last} 日"


def audit_value(field: str, text: str | None, policy: Policy) -> str:
    """An audit row's old or new value as people read it (grade codes, role lists, yes/no)."""
    if text is None:
        return ""
    if field in ("grade", "target"):
        return grade_name(policy, text) if text in policy.grades else text
    if field == "roles":
        return "、".join(ROLE_NAMES.get(role, role) for role in text.split(",") if role) or "无"
    if text in ("True", "False"):
        return "是" if text == "True" else "否"
    if text == "None":
        return "无"
    return text
