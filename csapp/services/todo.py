"""待办: what needs each person now, per role, with counts and links (UI.md). Read only, from stored data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..models import ApplicationStatus, AuditEntry, PayRun, PayRunStatus, PaySlip, User
from ..policy.months import add_months
from ..policy.names import APPLICATION_STATUS_NAMES, ROLE_NAMES, TRACK_NAMES
from ..policy.numbers import fmt2
from . import accounts, jobs, policy_drafts, reviewed, teams
from .agent_kpi import agent_month
from .kpi import people_kpi
from .month_lock import is_locked
from .policy_book import policy_in
from .promotion import application_window, open_application, queue_count

GRANT_DAYS = 30  # role grants stay on HR's list this long
OPEN_MONTHS = 3  # a supervisor is reminded of the last months not yet locked


@dataclass(frozen=True)
class Item:
    text: str
    url: str | None = None
    count: int | None = None
    urgent: bool = False  # needs doing (else: for information)


@dataclass
class Section:
    title: str
    items: list[Item] = field(default_factory=list)


def sections(user: User) -> list[Section]:
    """The 待办 of every role the user holds, in the order of the navigation."""
    found = []
    if user.employee_id and user.has("agent"):
        found.append(_agent(user))
    if user.has("supervisor") and user.employee:
        found.append(_supervisor(user))
    if user.has("dept_head"):
        count = queue_count(user, ApplicationStatus.SUBMITTED)
        found.append(
            Section("部门负责人", [Item("待面谈的晋升申请", url_for("promotions.interviews"), count, count > 0)])
        )
    if user.has("hr"):
        found.append(_hr(user))
    if user.has("admin"):
        found.append(_admin())
    return found


def _agent(user: User) -> Section:
    employee, today = user.employee, clock.today()
    month = clock.current_month()
    section = Section("我的")
    for shown in (month, add_months(month, -1)):  # this month's score once entered, else last month's
        if (score := _score(employee, shown)) is not None:
            section.items.append(Item(f"{shown} 绩效总分 {fmt2(score)} 分", url_for("agent.my_scores", month=shown)))
            break
    else:
        section.items.append(Item("本月成绩尚未录入完整", url_for("agent.my_scores")))
    is_open, (start, end) = application_window(policy_in(month), today)
    application = open_application(employee.id)
    if application is not None:
        state = APPLICATION_STATUS_NAMES[application.status.value]
        section.items.append(Item(f"我的晋升申请:{state}", url_for("promotions.mine")))
    elif is_open:
        section.items.append(Item(f"晋升申请窗口开放中(至 {end})", url_for("promotions.mine"), urgent=True))
    else:
        section.items.append(Item(f"下一次晋升申请窗口:{start} 至 {end}", url_for("promotions.mine")))
    return section


def _score(employee, month: str):
    """The month's total: an agent's stored KPI score, or a specialist's / supervisor's reviewed score."""
    if employee.track_in(month) in reviewed.REVIEWED_TRACKS:
        return reviewed.reviewed_kpi(employee, month).score
    _, row = agent_month(employee, month)
    return row.score.total if row is not None and row.score is not None else None


def _supervisor(user: User) -> Section:
    department_id = user.employee.department_id
    month = clock.current_month()
    section = Section("主管")
    for back in range(OPEN_MONTHS, 0, -1):
        shown = add_months(month, -back)
        if not is_locked(department_id, shown):
            section.items.append(
                Item(f"{shown} 尚未锁定", url_for("entry.grid", dept=department_id, month=shown), urgent=back > 1)
            )
    team = teams.led_team(user, department_id)
    shown = add_months(month, -1)
    people = teams.team_people(team, shown) if team else []
    if team and people:
        kpi = people_kpi(department_id, shown, people)
        missing = [r for r in kpi.rows if r.score is None and r.missing]
        section.items.append(
            Item(
                f"{team.name} {shown} 数据不全的人数"
                + (
                    f":{'、'.join(r.employee.name for r in missing[:5])}{'等' if len(missing) > 5 else ''}"
                    if missing
                    else ""
                ),
                url_for("entry.grid", dept=department_id, month=shown, team=team.id),
                len(missing),
                bool(missing),
            )
        )
    return section


def _hr(user: User) -> Section:
    section = Section("人事")
    count = queue_count(user, ApplicationStatus.INTERVIEWED)
    section.items.append(Item("待评定的晋升申请", url_for("promotions.decisions"), count, count > 0))
    for run in db.session.scalars(select(PayRun).where(PayRun.status == PayRunStatus.DRAFT).order_by(PayRun.month)):
        gaps = db.session.scalar(  # counted in SQL: the home page never loads a run's 1,000 slips
            select(func.count()).where(PaySlip.run_id == run.id, PaySlip.gaps_json != "[]")
        )
        detail = f",{gaps} 人有数据缺失须说明" if gaps else ""
        stale = ",已过期须重新核算" if run.stale else ""
        section.items.append(
            Item(f"{run.month} 第 {run.run_no} 次工资核算待确认{detail}{stale}", url_for("pay.sheet", month=run.month),
                 urgent=True)
        )  # fmt: skip
    for job in jobs.recent_jobs(20):
        if job.status == "failed" or jobs.interrupted(job):
            state = "失败" if job.status == "failed" else "已中断"
            section.items.append(
                Item(f"{job.month} 通知书批量签发{state}", url_for("notices.batch", job_id=job.id), urgent=True)
            )
    for version in policy_drafts.awaiting_approval() if policy_drafts.is_admin(user) else []:
        waiting = "撤回" if version.status.value == "published" else "发布"
        mine = version.edited_by(user) or version.withdraw_requested_by_id == user.id
        section.items.append(
            Item(
                f"政策版本 {version.label}(自 {version.effective})待审批{waiting}"
                + ("(须由另一位政策管理员审批)" if mine else ""),
                url_for("policy_admin.version", version_id=version.id),
                urgent=not mine,
            )
        )
    for entry in _role_grants():
        section.items.append(
            Item(
                f"{entry.at:%Y-%m-%d} 管理员授予 {entry.subject} “人事”角色,请核实",
                url_for("audit_log.index", action="user"),
            )
        )
    return section


def _role_grants() -> list[AuditEntry]:
    """Grants of the hr role in the last GRANT_DAYS days (a new login with it, or a role change adding it)."""
    since = clock.now_utc() - dt.timedelta(days=GRANT_DAYS)
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action.in_(["user.roles", "user.create"]), AuditEntry.at >= since)
        .order_by(AuditEntry.at.desc())
    )
    return [e for e in entries if "hr" in (e.new_value or "").split(",") and "hr" not in (e.old_value or "").split(",")]


def _admin() -> Section:
    section = Section("管理员")
    for login, track, role in accounts.role_mismatches():
        section.items.append(
            Item(
                f"{login.username} {login.display_name}:现为{TRACK_NAMES[track]},但没有“{ROLE_NAMES[role]}”角色",
                url_for("admin.users"),
                urgent=True,
            )
        )
    if not section.items:
        section.items.append(Item("所有账号的角色与岗位一致"))
    return section
