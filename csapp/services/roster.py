"""花名册: the roster as people read it, exported as XLSX (text cells stay text, never formulas)."""

from __future__ import annotations

import datetime as dt
import io

from sqlalchemy import select

from ..extensions import db
from ..models import Employee, User
from ..policy import names
from ..policy.months import month_of
from .exports import cells
from .policy_book import policy_in

HEADERS = ("工号", "姓名", "部门", "班组", "岗位", "职级", "类型", "入职日期", "转正日期", "离职日期", "登录名")


def roster_rows(day: dt.date) -> list[tuple]:
    """One row per person, as of *day*."""
    month = month_of(day)
    policy = policy_in(month)
    logins = {u.employee_id: u.username for u in db.session.scalars(select(User).where(User.employee_id.is_not(None)))}
    rows = []
    for person in db.session.scalars(select(Employee).order_by(Employee.department_id, Employee.code)):
        team = person.team_in(month)
        grade = person.grade_on(max(day, person.hired_on))
        rows.append(
            (
                person.code,
                person.name,
                person.department.name,
                team.name if team else "",
                names.TRACK_NAMES.get(person.track_in(month), ""),
                names.grade_name(policy, grade, person.employment_on(day) == "regular"),
                names.EMPLOYMENT_NAMES[person.employment_on(day)],
                person.hired_on,
                person.regularized_on,
                person.separated_on,
                logins.get(person.id, ""),
            )
        )
    return rows


def roster_workbook(day: dt.date) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append([f"花名册 · {day.isoformat()}"])
    sheet.append(list(HEADERS))
    for row in roster_rows(day):
        sheet.append(cells(sheet, row))  # a name starting with "=" stays a name
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
