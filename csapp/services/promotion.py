"""The promotion workflow: apply, withdraw, interview, HR decision, appointment (RULES.md §4.1)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from .. import clock
from ..db import writes
from ..extensions import db
from ..models import ApplicationStatus, Employee, GradeChange, IllegalTransition, PromotionApplication, User
from ..policy.months import add_months, first_day, month_of
from ..policy.promotion import Eligibility, evaluate
from . import audit, jobs
from .access import employee_for, require, require_enter, subject_for
from .errors import Forbidden, NotFound, ServiceError
from .grid import Column, check_value
from .notices import issuing_problem
from .pay.runs import mark_pay_stale, mark_track_change
from .policy_book import policy_in
from .promotion_data import build_application, current_grade
from .results import person_changed

if TYPE_CHECKING:
    from ..policy.schema import Policy

WRITTEN_TEST = Column("written_test", "笔试成绩", "decimal", "0–100", Decimal(100))
OPEN = (ApplicationStatus.SUBMITTED, ApplicationStatus.INTERVIEWED)


@dataclass(frozen=True)
class Outlook:
    """Where a person stands: grade, next rung, window, the live pre-check, the open application."""

    employee: Employee
    grade: str | None
    target: str | None
    policy: Policy
    window_open: bool
    next_window: tuple[dt.date, dt.date]
    precheck: Eligibility | None
    open_application: PromotionApplication | None


def application_window(policy: Policy, day: dt.date) -> tuple[bool, tuple[dt.date, dt.date]]:
    """Whether *day* is inside the monthly application window, and the window open now or next."""
    first, last = policy.promotion.window_first_day, policy.promotion.window_last_day
    if day.day <= last:
        start = day.replace(day=first)
    else:
        start = first_day(add_months(month_of(day), 1)).replace(day=first)
    return first <= day.day <= last, (start, start.replace(day=last))


def open_application(employee_id: int) -> PromotionApplication | None:
    return db.session.scalar(
        select(PromotionApplication).where(
            PromotionApplication.employee_id == employee_id, PromotionApplication.status.in_(OPEN)
        )
    )


def applications_of(employee_id: int) -> list[PromotionApplication]:
    return list(
        db.session.scalars(
            select(PromotionApplication)
            .where(PromotionApplication.employee_id == employee_id)
            .order_by(PromotionApplication.id.desc())
        )
    )


def outlook(user: User, employee_id: int, today: dt.date) -> Outlook:
    """Return the person's promotion outlook with a live pre-check against the recorded data."""
    employee = employee_for(user, employee_id)
    policy = policy_in(month_of(today))
    grade, _ = current_grade(employee, today)
    target = policy.next_grade(grade) if grade else None
    is_open, window = application_window(policy, today)
    precheck = evaluate(build_application(employee, target, today, policy), policy) if target else None
    return Outlook(employee, grade, target, policy, is_open, window, precheck, open_application(employee.id))


def _evaluation_json(result: Eligibility) -> str:
    return json.dumps(result.as_dict(), ensure_ascii=False)


def evaluate_application(application: PromotionApplication) -> Eligibility:
    """Re-evaluate an application against today's data and its recorded interview."""
    policy = policy_in(application.month)
    app = build_application(application.employee, application.target_grade, application.applied_on, policy, application)
    return evaluate(app, policy)


@writes
def submit(user: User, today: dt.date, late_reason: str = "", employee_id: int | None = None) -> PromotionApplication:
    """Apply for the next rung: by the person on day 1–5, or by HR for them later with a written reason."""
    if employee_id is None or employee_id == user.employee_id:
        if not user.employee_id:
            raise Forbidden("只有员工本人可以提交晋升申请。")
        employee = user.employee
        by_hr = False
    else:
        require(user, "hr")
        employee = subject_for(user, employee_id)
        by_hr = True
    policy = policy_in(month_of(today))
    grade, _ = current_grade(employee, today)
    target = policy.next_grade(grade) if grade else None
    if target is None:
        raise ServiceError("您已在职业阶梯的最高一级,没有可申请的晋升。")
    if open_application(employee.id):
        raise ServiceError("已有一份未完成的晋升申请,不能重复提交。")
    is_open, (start, end) = application_window(policy, today)
    late_reason = (late_reason or "").strip()
    if not is_open:
        if not by_hr:
            raise ServiceError(
                f"每月 {policy.promotion.window_first_day}–{policy.promotion.window_last_day} 日"
                f"才能提交晋升申请。下一个申请窗口:{start} 至 {end}。"
            )
        if not late_reason:
            raise ServiceError("逾期申请须由人事填写接受的原因。", "late_reason")
    application = PromotionApplication(
        employee_id=employee.id,
        from_grade=grade,
        target_grade=target,
        applied_on=today,
        month=month_of(today),
        policy_version=policy.version,
        snapshot="{}",
        late_reason=late_reason if not is_open else "",
        created_by_id=user.id,
    )
    result = evaluate(build_application(employee, target, today, policy, application), policy)
    application.snapshot = _evaluation_json(result)
    db.session.add(application)
    db.session.flush()
    audit.record(
        user,
        "promotion.submit",
        "promotion_application",
        application.id,
        subject=audit.subject_of(employee),
        month=application.month,
        field="target",
        old=grade,
        new=target,
        reason=application.late_reason,
    )
    return application


def _application(application_id: int) -> PromotionApplication:
    application = db.session.get(PromotionApplication, application_id)
    if application is None:
        raise NotFound("没有这份申请。")
    return application


def visible_application(user: User, application_id: int) -> PromotionApplication:
    application = _application(application_id)
    employee_for(user, application.employee_id)
    return application


def _move(application: PromotionApplication, change) -> str:
    """Run a workflow transition; an illegal one becomes a ServiceError and changes nothing."""
    old = application.status.label
    try:
        change()
    except IllegalTransition as exc:
        db.session.rollback()
        raise ServiceError(exc.message) from None
    return old


@writes
def withdraw(user: User, application_id: int) -> PromotionApplication:
    """The applicant withdraws before the interview."""
    application = _application(application_id)
    if application.employee_id != user.employee_id:
        raise Forbidden("只有申请人本人可以撤回申请。")
    old = _move(application, application.withdraw)
    audit.record(
        user,
        "promotion.withdraw",
        "promotion_application",
        application.id,
        subject=f"{application.employee.code} {application.employee.name}",
        month=application.month,
        field="status",
        old=old,
        new=application.status.label,
    )
    return application


@writes
def record_interview(
    user: User,
    application_id: int,
    day: dt.date,
    notes: str,
    result: str,
    written_test: Decimal | None,
    process: str | None,
    change_reason: str = "",
) -> PromotionApplication:
    """The department head records the interview (and written test / 流程优化 where the track has one)."""
    require(user, "dept_head")
    application = _application(application_id)
    employee = application.employee
    if user.department_id != employee.department_id:
        raise Forbidden("只有申请人所在部门的负责人可以记录面谈。")
    if application.employee_id == user.employee_id:
        raise Forbidden("不能为自己的申请记录面谈。")
    require_enter(user, employee, application.month)
    policy = policy_in(application.month)
    track = policy.track_of(application.target_grade)
    keys = {c.key for c in policy.promotion.tracks[track].criteria}
    if day > clock.today() or day < application.applied_on:
        raise ServiceError("面谈日期应在申请日期之后、今天或之前。", "interview_on")
    if result not in ("pass", "fail"):
        raise ServiceError("请选择面谈结果:合格或不合格。", "interview_result")
    score = None
    if "written_test" in keys:
        score = check_value(WRITTEN_TEST, written_test)
        if score is None:
            raise ServiceError("请填写笔试成绩。", "written_test")
    process_passed = None
    if "process" in keys:
        if process not in ("pass", "fail"):
            raise ServiceError("请选择流程优化的评定:合格或不合格。", "process")
        process_passed = process == "pass"
    old = _move(
        application,
        lambda: application.record_interview(
            user, day, (notes or "").strip(), result == "pass", score, process_passed, change_reason or ""
        ),
    )
    application.latest = _evaluation_json(evaluate_application(application))
    audit.record(
        user,
        "promotion.interview",
        "promotion_application",
        application.id,
        subject=audit.subject_of(employee),
        month=application.month,
        field="interview",
        old=old,
        new=f"{'合格' if result == 'pass' else '不合格'}" + (f",笔试 {score}" if score is not None else ""),
        reason=(change_reason or "").strip(),
    )
    return application


@writes
def decide(user: User, application_id: int, approve: bool, reason: str) -> PromotionApplication:
    """HR approves (grade in force from the 1st of the application month) or rejects, with a reason."""
    require(user, "hr")
    application = _application(application_id)
    if application.employee_id == user.employee_id:
        raise Forbidden("不能评定自己的晋升申请,须由另一位人事评定。")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写评定理由。", "reason")
    fresh = evaluate_application(application)
    if approve:
        old = _move(application, lambda: application.approve(user, reason, fresh.status == "eligible"))
    else:
        old = _move(application, lambda: application.reject(user, reason))
    application.latest = _evaluation_json(fresh)
    employee = application.employee
    if approve:
        effective = first_day(application.month)
        db.session.add(
            GradeChange(
                employee_id=employee.id,
                grade=application.target_grade,
                effective_on=effective,
                kind="promotion",
                reason=f"晋升申请 #{application.id}:{reason}",
                created_by_id=user.id,
            )
        )
        policy = policy_in(application.month)
        text = f"晋升 {policy.grade_label(application.from_grade)} → {policy.grade_label(application.target_grade)}"
        mark_pay_stale(employee.id, application.month, text)
        if policy.track_of(application.from_grade) != policy.track_of(application.target_grade):
            mark_track_change(employee, application.month, f"{employee.name}{text},本部门排名与平均值随之变化")
            person_changed(employee, application.month)
    audit.record(
        user,
        "promotion.decide",
        "promotion_application",
        application.id,
        subject=audit.subject_of(employee),
        month=application.month,
        field="status",
        old=old,
        new=application.status.label,
        reason=reason,
    )
    if approve and issuing_problem() is None:  # the two notices go to the queue once the approval commits
        db.session.flush()
        jobs.create(user, "application", application.month, application_id=application.id)
    return application


@writes
def appoint(user: User, employee_id: int, grade: str, day: dt.date, reason: str) -> GradeChange:
    """HR appoints a person to any grade directly (an audited appointment, not a promotion)."""
    require(user, "hr")
    employee = subject_for(user, employee_id)
    policy = policy_in(clock.current_month())
    if grade not in policy.grades:
        raise ServiceError("请选择职级。", "grade")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写任命原因。", "reason")
    old, _ = current_grade(employee, day)
    change = GradeChange(
        employee_id=employee.id, grade=grade, effective_on=day, kind="appointment", reason=reason, created_by_id=user.id
    )
    db.session.add(change)
    db.session.flush()
    text = f"任命 {policy.grade_label(old) if old else '—'} → {policy.grade_label(grade)}"
    mark_pay_stale(employee.id, month_of(day), text)
    if old and policy.track_of(old) != policy.track_of(grade):
        mark_track_change(employee, month_of(day), f"{employee.name}{text},本部门排名与平均值随之变化")
        person_changed(employee, month_of(day))
    audit.record(
        user,
        "grade.appoint",
        "grade_change",
        change.id,
        subject=audit.subject_of(employee),
        month=month_of(day),
        field="grade",
        old=old,
        new=grade,
        reason=reason,
    )
    return change


def queue(user: User, status: ApplicationStatus) -> list[PromotionApplication]:
    """Return open applications in *status* the user is to act on (dept head: own department; HR: all)."""
    query = select(PromotionApplication).where(PromotionApplication.status == status)
    if status == ApplicationStatus.SUBMITTED:
        if not user.has("dept_head") or user.department_id is None:
            return []
        query = query.join(Employee).where(
            Employee.department_id == user.department_id, PromotionApplication.employee_id != user.employee_id
        )
    elif not user.has("hr"):
        return []
    return list(db.session.scalars(query.order_by(PromotionApplication.applied_on, PromotionApplication.id)))


def queue_count(user: User, status: ApplicationStatus) -> int:
    return len(queue(user, status))
