"""A generated department of any size, bulk-inserted (core INSERTs): the scale test and `make bench` use it.

One department 客服部 with *agents* agents in teams of 30 (a supervisor each, the first one's login
``sup1``), HR (``hr``), the first agent's login ``agent1``; every month: the department's figures,
each agent's counters, three QA samples and attendance.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from csapp.extensions import db
from csapp.models import (
    AgentMonth,
    Attendance,
    Department,
    DepartmentMembership,
    DepartmentMonth,
    Employee,
    GradeChange,
    QaSample,
    Team,
    TeamMembership,
    User,
    UserRole,
)
from csapp.policy.months import months_before

PASSWORD = "secret-pass"
TEAM_SIZE = 30
HIRED = dt.date(2023, 1, 1)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超霞平刚桂英华玉兰萍"


def _name(index: int) -> str:
    return _SURNAMES[index % 20] + _GIVEN[(index // 20) % 26] + _GIVEN[(index * 7) % 26]


def build_department(
    agents: int, last_month: str = "2026-10", months: int = 12, name: str = "客服部", logins: bool = True
) -> dict:
    """Insert the department and its months; return ids and the month list (*logins*: also hr, sup1, agent1)."""
    session = db.session
    department = Department(name=name)
    session.add(department)
    session.flush()
    teams = []
    for number in range((agents + TEAM_SIZE - 1) // TEAM_SIZE):
        team = Team(department_id=department.id, name=f"{number + 1}组")
        session.add(team)
        teams.append(team)
    session.flush()
    rows = [
        {"code": f"A{i:05d}", "name": _name(i), "department_id": department.id, "hired_on": HIRED,
         "regularized_on": dt.date(2023, 4, 1)}
        for i in range(agents)
    ] + [
        {"code": f"S{t:04d}", "name": "主管" + _name(t + 7), "department_id": department.id, "hired_on": HIRED,
         "regularized_on": dt.date(2023, 4, 1)}
        for t in range(len(teams))
    ]  # fmt: skip
    session.execute(insert(Employee), rows)
    people = dict(session.execute(select(Employee.code, Employee.id)).all())
    agent_ids = [people[f"A{i:05d}"] for i in range(agents)]
    sup_ids = [people[f"S{t:04d}"] for t in range(len(teams))]
    session.execute(
        insert(GradeChange),
        [{"employee_id": e, "grade": "agent.1", "effective_on": HIRED, "kind": "hire"} for e in agent_ids]
        + [{"employee_id": e, "grade": "sup.1", "effective_on": HIRED, "kind": "hire"} for e in sup_ids],
    )
    session.execute(
        insert(DepartmentMembership),
        [{"employee_id": e, "department_id": department.id, "effective_on": HIRED} for e in agent_ids + sup_ids],
    )
    memberships = [
        {"employee_id": e, "team_id": teams[i // TEAM_SIZE].id, "effective_on": HIRED} for i, e in enumerate(agent_ids)
    ] + [{"employee_id": e, "team_id": teams[t].id, "effective_on": HIRED} for t, e in enumerate(sup_ids)]
    session.execute(insert(TeamMembership), memberships)
    password = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    with_logins = logins
    logins = [("hr", None, ["hr"]), ("sup1", sup_ids[0], ["supervisor", "agent"]), ("agent1", agent_ids[0], ["agent"])]
    for username, employee_id, roles in logins if with_logins else []:
        user = User(username=username, display_name=username, password_hash=password, employee_id=employee_id)
        user.role_rows = [UserRole(role=role) for role in roles]
        session.add(user)
    month_list = months_before(_next(last_month), months)
    for m_index, month in enumerate(month_list):
        session.add(
            DepartmentMonth(
                department_id=department.id, month=month, connection_rate=Decimal("95.50"),
                service_level=Decimal("92.00"), headcount=agents + len(teams), leavers=0,
            )
        )  # fmt: skip
        session.execute(
            insert(AgentMonth),
            [
                {"employee_id": e, "month": month, "production": 800 + (i * 37 + m_index * 11) % 500,
                 "avg_call_seconds": Decimal(90 + (i * 13) % 50), "feedback_unprocessed": (i + m_index) % 7 == 0,
                 "version": 1}
                for i, e in enumerate(agent_ids)
            ],
        )  # fmt: skip
        session.execute(
            insert(QaSample),
            [
                {"employee_id": e, "month": month, "score": Decimal(85 + (i * 3 + k + m_index) % 15)}
                for i, e in enumerate(agent_ids)
                for k in range(3)
            ],
        )
        session.execute(
            insert(Attendance), [{"employee_id": e, "month": month, "version": 1} for e in agent_ids + sup_ids]
        )
    session.commit()
    return {"department": department.id, "teams": [t.id for t in teams], "agents": agent_ids, "months": month_list}


def _next(month: str) -> str:
    from csapp.policy.months import add_months

    return add_months(month, 1)
