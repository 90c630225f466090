"""导入花名册: hire everyone new in an XLSX/CSV roster — every row right, or nothing saved.

The file may be the 花名册 export itself: people already on file (same 工号 and 姓名) are left as they
are; a 工号 on file under another name is an error. New people are hired as on 员工档案 (first grade,
department and team from the hire date, a login without a usable password; 转正 when a date is given).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from ..db import write_transaction
from ..extensions import db
from ..models import Department, Employee, Team, User
from ..policy.names import TRACK_NAMES
from . import audit, people
from .access import require
from .errors import ServiceError
from .imports import ImportProblem
from .table_files import read_table

REQUIRED = ("工号", "姓名", "部门", "岗位", "入职日期")
OPTIONAL = ("班组", "转正日期", "离职日期")
MAX_ROWS = 5000
TRACKS = {TRACK_NAMES["agent"]: "agent", "话务员": "agent", TRACK_NAMES["spec"]: "spec", "成长档案专员": "spec"}


@dataclass
class RosterRow:
    line: int
    code: str
    name: str
    department_id: int
    track: str
    hired_on: dt.date
    team_id: int | None
    regularized_on: dt.date | None


@dataclass
class RosterImport:
    hired: list[Employee] = field(default_factory=list)
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)


def import_roster(actor: User, filename: str, data: bytes) -> RosterImport:
    """Check every row; when all are right, hire the new people in one transaction."""
    require(actor, "hr")
    result = RosterImport()
    rows = _parse(read_table(filename, data), result)
    if result.problems:
        return result
    if not rows:
        raise ServiceError("文件里没有新员工(已在档的人员保持不变)。")
    with write_transaction():
        for row in rows:
            employee = people.hire(actor, row.code, row.name, row.department_id, row.track, row.hired_on, row.team_id)
            if row.regularized_on:
                people.regularize(actor, employee.id, row.regularized_on, "花名册导入")
            result.hired.append(employee)
        audit.record(actor, "roster.import", "employee", None, field="rows", new=str(len(rows)), reason=filename)
    return result


def _parse(table: list[list[str]], result: RosterImport) -> list[RosterRow]:
    start = next((i for i, row in enumerate(table[:5]) if "工号" in row), None)
    if start is None:
        raise ServiceError("找不到表头:须有“工号、姓名、部门、岗位、入职日期”几列(可直接使用导出的花名册)。")
    header = table[start]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ServiceError(f"表头缺少:{'、'.join(missing)}。")
    body = [(start + 2 + i, row) for i, row in enumerate(table[start + 1 :]) if any(cell.strip() for cell in row)]
    if len(body) > MAX_ROWS:
        raise ServiceError(f"一次最多导入 {MAX_ROWS} 行,请分批导入。")
    column = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}
    departments = {d.name: d for d in db.session.scalars(select(Department))}
    teams = {(t.department_id, t.name): t for t in db.session.scalars(select(Team))}
    on_file = {e.code: e for e in db.session.scalars(select(Employee))}
    seen: set[str] = set()
    rows = []
    for line, cells in body:

        def cell(name: str, cells=cells) -> str:
            index = column.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        def problem(name: str, message: str, line=line) -> None:
            result.problems.append(ImportProblem(line, name, message))

        code, name = cell("工号"), cell("姓名")
        if not code or not code.isalnum() or len(code) > 20:
            problem("工号", "工号须为 1–20 位字母或数字。")
            continue
        if code in seen:
            problem("工号", f"工号 {code} 在文件中出现了两次。")
            continue
        seen.add(code)
        if code in on_file:
            if on_file[code].name == name:
                result.unchanged += 1
            else:
                problem("姓名", f"工号 {code} 已是 {on_file[code].name} 的档案。")
            continue
        if not name or len(name) > 80:
            problem("姓名", "请填写姓名(最多 80 字)。")
        department = departments.get(cell("部门"))
        if department is None:
            problem("部门", f"没有名为“{cell('部门')}”的部门。")
        track = TRACKS.get(cell("岗位"))
        if track is None:
            problem("岗位", "岗位须为“话务员”或“成长档案专员”;主管和经理由晋升或任命产生。")
        hired_on = _day(cell("入职日期"))
        if hired_on is None:
            problem("入职日期", "入职日期请按 年-月-日 填写,例如 2026-11-04。")
        regularized_on = _day(cell("转正日期")) if cell("转正日期") else None
        if cell("转正日期") and (regularized_on is None or (hired_on and regularized_on < hired_on)):
            problem("转正日期", "转正日期须为 年-月-日,且不早于入职日期。")
        if cell("离职日期"):
            problem("离职日期", "导入只办理入职;离职请在员工档案上办理。")
        team = None
        if cell("班组") and department is not None:
            team = teams.get((department.id, cell("班组")))
            if team is None:
                problem("班组", f"{department.name}没有名为“{cell('班组')}”的班组。")
        if not [p for p in result.problems if p.row == line]:
            rows.append(
                RosterRow(line, code, name, department.id, track, hired_on, team.id if team else None, regularized_on)
            )
    return rows


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
