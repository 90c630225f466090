"""Import a month's agent metrics from CSV or XLSX: every row valid → all saved, else nothing."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import delete, select

from ..db import writes
from ..extensions import db
from ..models import AgentMonth, DissatisfiedCase, Employee, QaSample, User
from . import audit
from .access import department_for, enterable, require, require_enter_all
from .errors import ServiceError
from .grid import SHEETS, Column, parse_cell
from .kpi import department_agents
from .month_lock import is_locked
from .policy_book import policy_in
from .results import data_changed
from .table_files import read_table

CODE = "工号"
NAME = "姓名"
CASES = "不满意录音编号"
QA_COLUMNS = tuple(f"质检{i}" for i in range(1, 6))
METRIC_COLUMNS = {c.label: c for c in SHEETS["metrics"].columns}
HEADERS = (CODE, NAME, *METRIC_COLUMNS, *QA_COLUMNS, CASES)
QA_SCORE = Column("score", "质检分数", "decimal", "", Decimal(100))


@dataclass
class ImportProblem:
    row: int  # 1-based row of the file (1 = header)
    column: str
    message: str


@dataclass
class ImportResult:
    saved: int = 0
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_header(header: list[str], problems: list[ImportProblem]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        name = name.strip()
        if not name:
            continue
        if name not in HEADERS:
            problems.append(ImportProblem(1, name, f"无法识别的列名“{name}”,请使用导入模板的表头。"))
        elif name in columns:
            problems.append(ImportProblem(1, name, f"列“{name}”出现了两次。"))
        else:
            columns[name] = index
    for required in (CODE, *METRIC_COLUMNS):
        if required not in columns:
            problems.append(ImportProblem(1, required, f"缺少列“{required}”。"))
    return columns


Parsed = list[tuple[Employee, dict, list[Decimal], list[str]]]


def import_metrics(
    user: User, department_id: int, month: str, filename: str, data: bytes, replace_qa: bool = False
) -> ImportResult:
    """Validate every row; save all of them in one transaction only when none has a problem.

    QA samples already recorded for an agent's month are replaced only when *replace_qa* says so.
    """
    department, result, parsed = parse_metrics(user, department_id, month, filename, data)
    if result.ok:
        save_rows(user, department, month, filename, parsed, replace_qa)
        result.saved = len(parsed)
    return result


def parse_metrics(user: User, department_id: int, month: str, filename: str, data: bytes):
    """Read and check a metrics file; return (department, result with its problems, parsed rows)."""
    require(user, "supervisor", "hr")
    department = department_for(user, department_id)
    if is_locked(department.id, month):
        raise ServiceError(f"{month} 已锁定,不能导入;如需更正请联系人事。")
    rows = read_table(filename, data)
    result = ImportResult()
    parsed: Parsed = []
    if not rows or not any(c.strip() for c in rows[0]):
        result.problems.append(ImportProblem(1, "", "文件是空的,请使用导入模板。"))
        return department, result, parsed
    columns = _check_header(rows[0], result.problems)
    if result.problems:
        return department, result, parsed
    agents = {a.code: a for a in department_agents(department.id, month)}
    allowed = enterable(user, list(agents.values()), month)
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: (row[i].strip() if i < len(row) else "") for name, i in columns.items()}
        if not any(cells.values()):
            continue
        code = cells[CODE]
        if code in seen:
            result.problems.append(ImportProblem(number, CODE, f"工号 {code} 与第 {seen[code]} 行重复。"))
            continue
        seen[code] = number
        employee = agents.get(code)
        if employee is None:
            result.problems.append(ImportProblem(number, CODE, f"工号“{code}”不是{department.name} {month} 的话务员。"))
            continue
        if employee.id not in allowed:
            result.problems.append(ImportProblem(number, CODE, f"工号 {code}:不能录入自己或上级、同级人员的数据。"))
            continue
        values, scores = {}, []
        for label, column in METRIC_COLUMNS.items():
            try:
                values[column.field] = parse_cell(column, cells[label])
            except ServiceError as exc:
                result.problems.append(ImportProblem(number, label, exc.message))
        for label in QA_COLUMNS:
            if label in cells and cells[label]:
                try:
                    scores.append(parse_cell(QA_SCORE, cells[label]))
                except ServiceError as exc:
                    result.problems.append(ImportProblem(number, label, exc.message.replace("质检分数", label)))
        recordings = [r.strip() for r in cells.get(CASES, "").replace(";", ";").split(";") if r.strip()]
        parsed.append((employee, values, scores, recordings))
    if not result.problems and not parsed:
        result.problems.append(ImportProblem(2, "", "文件里没有数据行。"))
    return department, result, parsed


@writes
def save_rows(user: User, department, month: str, filename: str, parsed: Parsed, replace_qa: bool = False) -> None:
    """Write every checked row in one short transaction (the file was read and checked before it)."""
    if is_locked(department.id, month):
        raise ServiceError(f"{month} 已锁定,不能导入;如需更正请联系人事。")
    require_enter_all(user, [row[0] for row in parsed], month)
    data_changed([department.id], month, employees=[row[0].id for row in parsed])
    for employee, values, scores, recordings in parsed:
        _save_row(user, employee, month, values, scores, recordings, replace_qa)
    audit.record(
        user,
        "import.metrics",
        "department",
        department.id,
        subject=department.name,
        month=month,
        field="rows",
        new=f"{filename}:{len(parsed)} 行",
    )


def existing_samples(employee_id: int, month: str) -> list[QaSample]:
    return list(
        db.session.scalars(
            select(QaSample).where(QaSample.employee_id == employee_id, QaSample.month == month).order_by(QaSample.id)
        )
    )


def _save_row(
    user: User,
    employee: Employee,
    month: str,
    values: dict,
    scores: list[Decimal],
    recordings: list[str],
    replace_qa: bool,
) -> None:
    subject = f"{employee.code} {employee.name}"
    record = db.session.scalar(
        select(AgentMonth).where(AgentMonth.employee_id == employee.id, AgentMonth.month == month)
    )
    if record is None:
        record = AgentMonth(employee_id=employee.id, month=month)
        db.session.add(record)
        db.session.flush()
    for name, value in values.items():
        if value is None and not AgentMonth.__table__.c[name].nullable:
            value = 0
        old = getattr(record, name)
        if old != value:
            setattr(record, name, value)
            audit.record(
                user,
                "metrics.import",
                "agent_month",
                record.id,
                subject=subject,
                month=month,
                field=name,
                old=old,
                new=value,
            )
    record.updated_by_id = user.id
    old_samples = existing_samples(employee.id, month)
    if scores and (replace_qa or not old_samples):  # recorded samples are replaced only when asked to
        old_scores = [s.score for s in old_samples]
        db.session.execute(delete(QaSample).where(QaSample.employee_id == employee.id, QaSample.month == month))
        db.session.add_all(QaSample(employee_id=employee.id, month=month, score=s, reviewer_id=user.id) for s in scores)
        audit.record(
            user,
            "qa.import",
            "qa_sample",
            None,
            subject=subject,
            month=month,
            field="scores",
            old=" ".join(map(str, old_scores)),
            new=" ".join(map(str, scores)),
        )
    known = set(
        db.session.scalars(
            select(DissatisfiedCase.recording_id).where(
                DissatisfiedCase.employee_id == employee.id, DissatisfiedCase.month == month
            )
        )
    )
    for recording in recordings:
        if recording not in known:
            db.session.add(DissatisfiedCase(employee_id=employee.id, month=month, recording_id=recording, note="导入"))
            audit.record(
                user,
                "case.import",
                "dissatisfied_case",
                None,
                subject=subject,
                month=month,
                field="recording_id",
                new=recording,
            )
            known.add(recording)


def template_workbook(agents: list[Employee], month: str) -> bytes:
    """Return the import template (Chinese headers; the agents' 工号 and 姓名 filled in)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "绩效数据"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for agent in agents:
        sheet.append([agent.code, agent.name])
    sheet.column_dimensions["A"].width = 12
    policy = policy_in(month)
    notes = book.create_sheet("填写说明")
    notes.append(["列", "说明"])
    notes.append([CODE, "必填,员工工号"])
    for label, column in METRIC_COLUMNS.items():
        notes.append([label, column.hint_for(policy) or "非负整数"])
    notes.append(["质检1–质检5", "当月抽检的录音分数 0–100;填写后替换本月已登记的样本"])
    notes.append([CASES, "不满意录音的编号,多个用分号隔开;导入后在“质检抽样”里复核是否有理由"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
