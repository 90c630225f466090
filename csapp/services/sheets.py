"""The entry sheets: their columns (label, kind, hint with the policy's numbers) and the department figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..models import AgentMonth, Attendance, LeaderMonth, SpecialistMonth
from ..policy.numbers import fmt
from .errors import ServiceError


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    kind: str  # int | decimal | half (half days)
    hint: str = ""  # may name policy numbers: {per_count}, {limit_regular}, {limit_intern}, {commission}, {seconds}
    maximum: Decimal | None = None
    item: str | None = None  # the KPI item whose numbers the hint shows

    def hint_for(self, policy) -> str:
        """The hint with the numbers of the policy in force (never typed twice), and the usual range."""
        soft = policy.soft_limits.get(self.field)
        usual = f"(通常 ≤ {fmt(soft)})" if soft is not None else ""
        return self._hint(policy) + usual

    def _hint(self, policy) -> str:
        if "{" not in self.hint:
            return self.hint
        item = policy.kpi.items[self.item] if self.item else None
        limits = item.limit_seconds if item and item.limit_seconds else {}
        spec = next((g for g in policy.grades.values() if g.commission_per_book), None)
        return self.hint.format(
            per_count=fmt(item.per_count) if item and item.per_count else "",
            limit_regular=fmt(limits.get("regular", 0)),
            limit_intern=fmt(limits.get("intern", 0)),
            commission=fmt(spec.commission_per_book) if spec else "",
            seconds=policy.promotion.service_level_seconds,
        )


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    model: type
    tracks: tuple[str, ...]
    columns: tuple[Column, ...]

    def column(self, field: str) -> Column:
        for column in self.columns:
            if column.field == field:
                return column
        raise ServiceError("没有这一列。")


SHEETS = {
    "metrics": Sheet(
        "metrics",
        "绩效数据",
        AgentMonth,
        ("agent",),
        (
            Column("production", "接线量", "int", "本月接听的电话数"),
            Column(
                "feedback_unprocessed",
                "未处理反馈",
                "int",
                "用户反馈未处理的例数,每例 −{per_count} 分",
                item="feedback",
            ),
            Column("im_unprocessed", "未处理环信", "int", "下班时未处理的环信消息,每条 −{per_count} 分", item="im"),
            Column(
                "avg_call_seconds",
                "通话均长(秒)",
                "decimal",
                "正式员工上限 {limit_regular} 秒,实习 {limit_intern} 秒",
                Decimal(3600),
                item="call_length",
            ),
            Column("plan_missed", "计划未达标", "int", "未达标的部门计划指标,每项 −{per_count} 分", item="plan"),
            Column(
                "knowledge_errors",
                "业务知识差错",
                "int",
                "解答错误或不专业,每次 −{per_count} 分;属于管理指标项的请在事件登记",
                item="knowledge",
            ),
            Column(
                "operation_errors",
                "操作失误",
                "int",
                "操作办理失误,每次 −{per_count} 分;属于“工作差错”的请在事件登记",
                item="operations",
            ),
            Column(
                "discipline",
                "纪律/卫生",
                "int",
                "现场纪律、办公环境卫生,每次 −{per_count} 分;辖区卫生问题请在事件登记",
                item="discipline",
            ),
            Column(
                "cooperation",
                "配合度",
                "int",
                "工作配合度/执行力,每次 −{per_count} 分;不执行工作安排请在事件登记",
                item="cooperation",
            ),
        ),
    ),
    "attendance": Sheet(
        "attendance",
        "考勤",
        Attendance,
        ("agent", "spec", "sup", "mgr"),
        (
            Column("late", "迟到", "int", "次数"),
            Column("absent", "旷工", "int", "次数"),
            Column("leave_annual", "年假", "half", "天,可填半天"),
            Column("leave_sick", "病假", "half", "天"),
            Column("leave_personal", "事假", "half", "天"),
            Column("leave_bereavement", "丧假", "half", "天"),
            Column("leave_maternity", "产假", "half", "天"),
            Column("leave_marriage", "婚假", "half", "天"),
            Column("leave_other", "其他假", "half", "天"),
        ),
    ),
    "specialist": Sheet(
        "specialist",
        "专员数据",
        SpecialistMonth,
        ("spec",),
        (
            Column("books_delivered", "交付本数", "int", "佣金 = 本数 × {commission} 元"),
            Column("audit_errors", "审核差错", "int", "次数"),
            Column("delivery_data_errors", "数据交付失误", "int", "次数"),
            Column("shipping_errors", "配送失误", "int", "次数"),
        ),
    ),
    "leader": Sheet(
        "leader",
        "主管/经理数据",
        LeaderMonth,
        ("sup", "mgr"),
        (
            Column("work_errors", "工作差错", "int", "次数,晋升条件“工作差错”按此统计"),
            Column("coordination_complaints", "部门协调投诉", "int", "主管:部门协调方面的投诉次数"),
        ),
    ),
}

DEPARTMENT_COLUMNS = (
    Column("connection_rate", "400电话接通率(%)", "decimal", "部门当月接通率,0–100", Decimal(100)),
    Column("service_level", "服务水平(%)", "decimal", "{seconds} 秒内接起的来电占比,0–100", Decimal(100)),
    Column("headcount", "在册人数", "int", "月末人数"),
    Column("leavers", "流失人数", "int", "本月离职人数"),
)
