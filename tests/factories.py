"""Build small organisations in the test database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from csapp.extensions import db
from csapp.models import AgentMonth, Department, DepartmentMonth, Employee, GradeChange, QaSample, User, UserRole

PASSWORD = "secret-pass"
MONTH = "2026-10"
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def employee(
    department: Department,
    code: str,
    name: str,
    track: str = "agent",
    grade: str = "agent.1",
    hired: dt.date = dt.date(2024, 1, 1),
    regularized: dt.date | None = dt.date(2024, 4, 1),
    grade_since: dt.date | None = None,
) -> Employee:
    person = Employee(
        code=code,
        name=name,
        department=department,
        hired_on=hired,
        regularized_on=regularized,
    )
    person.grades.append(GradeChange(grade=grade, effective_on=grade_since or hired, kind="hire"))
    db.session.add(person)
    return person


def user(username: str, roles: list[str], person: Employee | None = None) -> User:
    login = User(
        username=username, display_name=person.name if person else username, password_hash=_HASH, employee=person
    )
    login.role_rows = [UserRole(role=r) for r in roles]
    db.session.add(login)
    return login


def metrics(person: Employee, month: str = MONTH, production: int = 1000, qa=(95,), **fields) -> AgentMonth:
    record = AgentMonth(
        employee=person,
        month=month,
        production=production,
        avg_call_seconds=Decimal(fields.pop("avg_call_seconds", 100)),
        **fields,
    )
    db.session.add(record)
    for score in qa:
        db.session.add(QaSample(employee=person, month=month, score=Decimal(score)))
    return record


def build_org() -> dict:
    """Two departments: 客服部 (3 agents, supervisor, head) and 售后部 (1 agent, supervisor); HR, admin."""
    main = Department(name="客服部")
    other = Department(name="售后部")
    db.session.add_all([main, other])
    agents = [
        employee(main, "A001", "张三"),
        employee(main, "A002", "李四"),
        employee(main, "A003", "王五", grade="agent.p", regularized=None),
    ]
    head = employee(main, "M001", "赵经理", track="mgr", grade="mgr.1")
    sup = employee(main, "S001", "钱主管", track="sup", grade="sup.1")
    spec = employee(main, "P001", "孙专员", track="spec", grade="spec.1")
    far_agent = employee(other, "B001", "周六")
    far_sup = employee(other, "S101", "吴主管", track="sup", grade="sup.1")
    users = {
        "agent": user("agent", ["agent"], agents[0]),
        "agent2": user("agent2", ["agent"], agents[1]),
        "supervisor": user("sup", ["supervisor", "agent"], sup),
        "dept_head": user("head", ["dept_head", "agent"], head),
        "hr": user("hr", ["hr"]),
        "admin": user("admin", ["admin"]),
        "far_supervisor": user("farsup", ["supervisor"], far_sup),
    }
    db.session.add(DepartmentMonth(department=main, month=MONTH, connection_rate=Decimal("96.00")))
    metrics(agents[0], production=1200, qa=(98, 96))
    metrics(agents[1], production=1000, qa=(90,))
    metrics(agents[2], production=800, qa=(85,))
    db.session.commit()
    return {
        "main": main,
        "other": other,
        "agents": agents,
        "head": head,
        "sup": sup,
        "spec": spec,
        "far_agent": far_agent,
        "users": users,
    }


CYCLE = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]


def fill_cycle(org: dict) -> None:
    """Give 客服部 the months 2026-05 … 2026-09 too: 张三 leads production and QA every month."""
    a1, a2, _ = org["agents"]
    for month in CYCLE:
        db.session.add(
            DepartmentMonth(
                department=org["main"],
                month=month,
                connection_rate=Decimal("96.00"),
                service_level=Decimal("95"),
                headcount=8,
                leavers=0,
            )
        )
        metrics(a1, month, production=1200, qa=(98, 96))
        metrics(a2, month, production=1000, qa=(90,))
    db.session.commit()


def org_ids(org: dict) -> dict:
    """The ids of an organisation built by build_org, to find it again in a copy of its database."""
    return {
        "main": org["main"].id,
        "other": org["other"].id,
        "agents": [a.id for a in org["agents"]],
        "head": org["head"].id,
        "sup": org["sup"].id,
        "spec": org["spec"].id,
        "far_agent": org["far_agent"].id,
        "users": {key: login.id for key, login in org["users"].items()},
    }


def load_org(ids: dict) -> dict:
    """The organisation of build_org, loaded by its ids in the current session."""
    get = db.session.get
    return {
        "main": get(Department, ids["main"]),
        "other": get(Department, ids["other"]),
        "agents": [get(Employee, i) for i in ids["agents"]],
        "head": get(Employee, ids["head"]),
        "sup": get(Employee, ids["sup"]),
        "spec": get(Employee, ids["spec"]),
        "far_agent": get(Employee, ids["far_agent"]),
        "users": {key: get(User, i) for key, i in ids["users"].items()},
    }


def confirmed_pay(org: dict, month: str = MONTH):
    """Compute a month's pay and confirm it as HR would: months locked, no deductions, gaps explained."""
    from csapp.services import month_lock
    from csapp.services.pay import deductions, gaps, runs

    hr = org["users"]["hr"]
    for department in (org["main"], org["other"]):
        row = db.session.scalar(
            select(DepartmentMonth).where(
                DepartmentMonth.department_id == department.id, DepartmentMonth.month == month
            )
        )
        if not (row and row.locked_at):
            month_lock.lock(hr, department.id, month)
    deductions.mark_none(hr, month, "测试:本月无扣款")
    run = runs.compute_run(hr, month)
    missing = [(g.employee_id, g.kind) for g in gaps.open_gaps(run) if g.employee_id]
    if missing:
        gaps.explain_gaps(hr, month, missing, "测试:数据缺失已核实")
    return runs.confirm_run(hr, run.id)


def legacy_person() -> None:
    """One department and one agent, inserted by SQL into a database still at an older migration
    (the employee table then had its track and employment columns)."""
    from sqlalchemy import text

    db.session.execute(text("INSERT INTO department (id, name) VALUES (1, 'd')"))
    db.session.execute(
        text(
            "INSERT INTO employee (id, code, name, department_id, track, employment, hired_on, serious_error) "
            "VALUES (1, 'A1', 'a', 1, 'agent', 'regular', '2024-01-01', 0)"
        )
    )


def interviewed_application(org: dict):
    """张三's application agent.1 → agent.2 of 2026-11 (cycle filled), interviewed and passed: HR decides next."""
    import datetime as dt

    from csapp.services import promotion

    fill_cycle(org)
    application = promotion.submit(org["users"]["agent"], dt.date(2026, 11, 3))
    promotion.record_interview(
        org["users"]["dept_head"], application.id, dt.date(2026, 11, 4), "好", "pass", Decimal("96"), None
    )
    return application
