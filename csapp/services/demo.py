"""A demo department with 12 months of plausible data and demo logins."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from .. import clock
from ..extensions import db
from ..models import (
    AgentMonth,
    Attendance,
    Department,
    DepartmentMonth,
    DissatisfiedCase,
    Employee,
    GradeChange,
    Incident,
    LeaderMonth,
    QaSample,
    ReviewedScore,
    SpecialistMonth,
    Team,
    TeamMembership,
    User,
    UserRole,
)
from ..policy.months import add_months, first_day, month_of
from .errors import ServiceError
from .policy_book import policy_in

DEMO_PASSWORD = "demo1234"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "婷",
    "雪",
    "琳",
    "晨",
    "宇",
    "欣怡",
    "子涵",
    "梓萱",
    "浩然",
    "珺",
    "喆",
    "堃",
]


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.4 else "")
        if name not in used:
            used.add(name)
            return name


def _user(username: str, name: str, roles: list[str], employee: Employee | None, password_hash: str) -> User:
    user = User(username=username, display_name=name, password_hash=password_hash, employee=employee)
    user.role_rows = [UserRole(role=r) for r in roles]
    db.session.add(user)
    return user


def create_demo(today: dt.date | None = None, seed: int = 7) -> dict:
    """Create the demo department, people, logins and the 12 months before this one."""
    if db.session.scalar(select(func.count()).select_from(Department)):
        raise ServiceError("数据库里已经有数据,未创建演示数据。")
    rng = random.Random(seed)
    today = today or clock.today()
    last = add_months(month_of(today), -1)
    months = [add_months(last, -i) for i in reversed(range(12))]
    start = first_day(months[0])
    password_hash = generate_password_hash(DEMO_PASSWORD)
    used: set[str] = set()
    department = Department(name="客服部")
    db.session.add(department)

    def person(
        code: str,
        track: str,
        grade: str,
        hired: dt.date,
        regular: dt.date | None,
        grade_since: dt.date | None = None,
    ) -> Employee:
        employee = Employee(
            code=code,
            name=_name(rng, used),
            department=department,
            hired_on=hired,
            regularized_on=regular,
        )
        ladder = policy_in(month_of(hired)).tracks[track].ladder
        first = "agent.p" if track == "agent" else ladder[0]
        employee.grades.append(GradeChange(grade=first, effective_on=hired, kind="hire", reason="入职"))
        if grade != first:
            employee.grades.append(
                GradeChange(grade=grade, effective_on=grade_since or hired, kind="appointment", reason="历史职级")
            )
        db.session.add(employee)
        return employee

    manager = person("M001", "mgr", "mgr.2", dt.date(2018, 3, 1), dt.date(2018, 6, 1))
    supervisors = [
        person("S001", "sup", "sup.1", dt.date(2020, 5, 1), dt.date(2020, 8, 1)),
        person("S002", "sup", "sup.2", dt.date(2019, 9, 1), dt.date(2019, 12, 1)),
    ]
    agents: list[tuple[Employee, float]] = []
    for index in range(1, 31):
        skill = rng.uniform(0.0, 1.0)
        if index > 25:  # interns, hired recently
            hired = start + dt.timedelta(days=30 * (index - 22))
            emp = person(f"A{index:03d}", "agent", "agent.p", hired, None)  # 实习 until 转正 (D21)
        else:
            hired = start - dt.timedelta(days=rng.randint(120, 1500))
            regular = hired + dt.timedelta(days=90)
            grade = rng.choice(["agent.p", "agent.1", "agent.1", "agent.2", "agent.2", "agent.3"])
            since = max(regular, start - dt.timedelta(days=rng.randint(0, 400))).replace(day=1)
            emp = person(f"A{index:03d}", "agent", grade, hired, regular, grade_since=since)
        agents.append((emp, skill))
    specialists = [
        person(f"P{i:03d}", "spec", g, dt.date(2023, 2, 1), dt.date(2023, 5, 1), grade_since=dt.date(2024, 1, 1))
        for i, g in enumerate(["spec.p", "spec.1", "spec.1", "spec.2"], start=1)
    ]
    db.session.flush()

    hr = _user("hr", "人事 林晓", ["hr"], None, password_hash)
    _user("admin", "系统管理员", ["admin"], None, password_hash)
    _user("manager", manager.name, ["dept_head", "agent"], manager, password_hash)
    for i, sup in enumerate(supervisors, start=1):
        _user(f"sup{i}", sup.name, ["supervisor", "agent"], sup, password_hash)
    for i, (agent, _) in enumerate(agents, start=1):
        _user(f"agent{i:02d}", agent.name, ["agent"], agent, password_hash)
    for i, spec in enumerate(specialists, start=1):
        _user(f"spec{i:02d}", spec.name, ["agent"], spec, password_hash)
    db.session.flush()
    supervisor_user = db.session.scalar(select(User).where(User.username == "sup1"))

    everyone = [manager, *supervisors, *(a for a, _ in agents), *specialists]
    policy = policy_in(last)
    incident_keys = list(policy.kpi.incidents)
    for month in months:
        month_start = first_day(month)
        locked = month != last
        db.session.add(
            DepartmentMonth(
                department=department,
                month=month,
                connection_rate=Decimal(rng.randint(9050, 9850)) / 100,
                service_level=Decimal(rng.randint(8800, 9700)) / 100,
                headcount=len(everyone),
                leavers=1 if rng.random() < 0.15 else 0,
                locked_at=dt.datetime.combine(first_day(add_months(month, 1)) + dt.timedelta(days=3), dt.time(18))
                if locked
                else None,
                locked_by_id=hr.id if locked else None,
            )
        )
        for agent, skill in agents:
            if agent.hired_on > month_start.replace(day=28):
                continue
            intern = agent.regularized_on is None
            db.session.add(
                AgentMonth(
                    employee=agent,
                    month=month,
                    production=int(rng.gauss(1250 + 350 * skill, 90)),
                    feedback_unprocessed=int(rng.random() < 0.15),
                    im_unprocessed=int(rng.random() < 0.2),
                    avg_call_seconds=Decimal(rng.randint(950 if not intern else 1400, 1250 if not intern else 1850))
                    / 10,
                    plan_missed=int(rng.random() < 0.1),
                    knowledge_errors=int(rng.random() < 0.1),
                    operation_errors=int(rng.random() < 0.08),
                    discipline=int(rng.random() < 0.1),
                    cooperation=int(rng.random() < 0.05),
                    updated_by_id=supervisor_user.id,
                )
            )
            for n in range(5):
                score = min(100, max(70, round(rng.gauss(90 + 8 * skill, 3))))
                db.session.add(
                    QaSample(
                        employee=agent,
                        month=month,
                        score=Decimal(score),
                        recording_id=f"R{month.replace('-', '')}{agent.code}{n + 1}",
                        reviewer_id=supervisor_user.id,
                    )
                )
            if rng.random() < 0.12:
                db.session.add(
                    DissatisfiedCase(
                        employee=agent,
                        month=month,
                        recording_id=f"D{month}{agent.code}",
                        justified=rng.random() < 0.5,
                        note="用户评价不满意",
                    )
                )
            if rng.random() < 0.25:
                kind = rng.choice(incident_keys)
                db.session.add(
                    Incident(
                        employee=agent,
                        month=month,
                        kind=kind,
                        occurred_on=month_start + dt.timedelta(days=rng.randint(0, 26)),
                        note=policy.kpi.incidents[kind].name,
                        recorded_by_id=supervisor_user.id,
                    )
                )
        for member in everyone:
            if member.hired_on > month_start.replace(day=28):
                continue
            leave = rng.random()
            db.session.add(
                Attendance(
                    employee=member,
                    month=month,
                    late=int(rng.random() < 0.1),
                    absent=int(rng.random() < 0.02),
                    leave_annual=Decimal(rng.choice([0, 0, 0, 1, 2])) if leave < 0.3 else Decimal(0),
                    leave_sick=Decimal(rng.choice([0.5, 1, 2])) if 0.3 <= leave < 0.4 else Decimal(0),
                    leave_personal=Decimal(rng.choice([0.5, 1])) if 0.4 <= leave < 0.48 else Decimal(0),
                )
            )
        for spec in specialists:
            db.session.add(
                SpecialistMonth(
                    employee=spec,
                    month=month,
                    books_delivered=rng.randint(300, 620),
                    audit_errors=int(rng.random() < 0.1),
                    delivery_data_errors=int(rng.random() < 0.05),
                    shipping_errors=int(rng.random() < 0.05),
                )
            )
        for leader in [manager, *supervisors]:
            db.session.add(
                LeaderMonth(
                    employee=leader, month=month, work_errors=int(rng.random() < 0.05), coordination_complaints=0
                )
            )
        for member in [manager, *supervisors, *specialists]:
            for item in policy.reviewed_scores[member.track].items:
                db.session.add(
                    ReviewedScore(
                        employee=member, month=month, item=item, score=Decimal(rng.randint(88, 100)), reviewer_id=hr.id
                    )
                )
    db.session.commit()
    _demo_people_over_time(hr, department, agents, months, today, rng, password_hash)
    _demo_application(agents, first_day(month_of(today)) + dt.timedelta(days=2))
    _demo_pay(hr, add_months(last, -1), last, everyone, rng)
    return {
        "department": department.name,
        "months": (months[0], months[-1]),
        "people": len(everyone),
        "password": DEMO_PASSWORD,
    }


def _demo_people_over_time(
    hr: User,
    department: Department,
    agents: list[tuple[Employee, float]],
    months: list[str],
    today: dt.date,
    rng: random.Random,
    password_hash: str,
) -> None:
    """A department that lived: a 三星 agent promoted to 主管 four months ago, an intern regularised last
    month, someone who left in the middle of last month, a hire this month, and a second HR user."""
    last = months[-1]
    stars = [agent for agent, _ in agents if agent.grades[-1].grade == "agent.3"]
    if stars:
        promoted = stars[0]
        since = months[-4]
        promoted.grades.append(
            GradeChange(grade="sup.1", effective_on=first_day(since), kind="promotion", reason="晋升申请(演示数据)")
        )
        items = policy_in(since).reviewed_scores["sup"].items
        for month in months[-4:]:
            db.session.add_all(
                ReviewedScore(
                    employee=promoted, month=month, item=item, score=Decimal(rng.randint(88, 98)), reviewer_id=hr.id
                )
                for item in items
            )
    interns = [agent for agent, _ in agents if agent.regularized_on is None]
    if interns:
        interns[0].regularized_on = first_day(last)  # 转正: 正式 from last month on (D21)
    regulars = sorted(
        (skill, agent)
        for agent, skill in agents
        if agent.regularized_on and agent.grades[-1].grade in ("agent.p", "agent.1")
    )
    if regulars:
        regulars[0][1].separated_on = first_day(last) + dt.timedelta(days=14)  # left mid-month
    hire_day = first_day(month_of(today)) + dt.timedelta(days=min(9, today.day - 1))
    newcomer = Employee(code="A031", name=_name(rng, set()), department=department, hired_on=hire_day)
    newcomer.grades.append(GradeChange(grade="agent.p", effective_on=hire_day, kind="hire", reason="入职"))
    db.session.add(newcomer)
    _user("hr2", "人事 周敏", ["hr"], None, password_hash)
    _demo_teams(department, agents, newcomer, first_day(months[-2]))
    db.session.commit()


def _demo_teams(
    department: Department, agents: list[tuple[Employee, float]], newcomer: Employee, moved_on: dt.date
) -> None:
    """Two teams (班组), each led by a supervisor; the agents alternate between them from their hire date,
    and one agent moved from 一组 to 二组 on *moved_on* (a dated transfer)."""
    leaders = [
        s
        for s in db.session.scalars(select(Employee).where(Employee.department_id == department.id))
        if s.code in ("S001", "S002")
    ]
    teams = [Team(department=department, name=f"{label}组", leader=leader) for label, leader in zip("一二", leaders)]
    db.session.add_all(teams)
    for index, person in enumerate([agent for agent, _ in agents] + [newcomer]):
        person.memberships.append(
            TeamMembership(team=teams[index % len(teams)], effective_on=person.hired_on, reason="演示数据")
        )
    mover = next((a for a, _ in agents[2:] if a.separated_on is None and a.hired_on < moved_on), None)
    if len(teams) == 2 and mover is not None:
        mover.memberships.append(TeamMembership(team=teams[1], effective_on=moved_on, reason="调整班组(演示数据)"))


def _demo_application(agents: list[tuple[Employee, float]], applied_on: dt.date) -> None:
    """Let the strongest regular agent below 三星 apply this month, so 待面谈 has an entry."""
    from .promotion import submit  # the demo goes through the same workflow as everyone

    candidates = [
        (skill, agent)
        for agent, skill in agents
        if agent.regularized_on is not None and agent.grades[-1].grade in ("agent.1", "agent.2")
    ]
    if candidates:
        agent = max(candidates, key=lambda c: c[0])[1]
        user = db.session.scalar(select(User).where(User.employee_id == agent.id))
        submit(user, applied_on)


def _demo_pay(hr: User, confirmed: str, draft: str, everyone: list[Employee], rng: random.Random) -> None:
    """The month before last: deductions imported, pay computed and confirmed. Last month: a draft with gaps."""
    from ..models import Deduction, DeductionMonth
    from .pay.gaps import explain_gaps, open_gaps
    from .pay.runs import compute_run, confirm_run

    for person in everyone:
        social = Decimal(rng.randint(300, 420))
        db.session.add_all(
            [
                Deduction(employee=person, month=confirmed, kind="social_insurance", amount=social),
                Deduction(employee=person, month=confirmed, kind="housing_fund", amount=Decimal(rng.randint(150, 260))),
            ]
        )
    db.session.add(DeductionMonth(month=confirmed, source="import", note="服务商扣款表.xlsx", by_id=hr.id))
    db.session.commit()
    run = compute_run(hr, confirmed)
    gaps = [(g.employee_id, g.kind) for g in open_gaps(run) if g.employee_id]
    if gaps:
        explain_gaps(hr, confirmed, gaps, "演示数据:已与部门核实")
    confirm_run(hr, run.id)
    late_sheet = db.session.scalar(select(Attendance).where(Attendance.month == draft).order_by(Attendance.id.desc()))
    if late_sheet:  # one attendance sheet not handed in yet: a gap HR must explain before confirming
        db.session.delete(late_sheet)
        db.session.commit()
    compute_run(hr, draft)
