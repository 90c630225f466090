"""Imports never replace silently: upload → preview (to add, to replace with old and new values,
unchanged) → 确认导入. The checked rows wait as an ImportDraft; QA samples already recorded are
replaced only when the person ticks 替换已登记的质检样本.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from .. import clock
from ..db import writes
from ..extensions import db
from ..models import AgentMonth, DissatisfiedCase, Employee, ImportDraft, User
from .access import department_for, require
from .errors import Forbidden, NotFound
from .imports import METRIC_COLUMNS, ImportResult, Parsed, existing_samples, parse_metrics, save_rows

DRAFT_EXPIRES = dt.timedelta(hours=12)
LABELS = {column.field: label for label, column in METRIC_COLUMNS.items()}


@dataclass
class RowPreview:
    employee: Employee
    status: str  # add | replace | unchanged
    changes: list[tuple[str, object, object]] = field(default_factory=list)  # (label, old, new)
    qa_old: list[tuple[Decimal, str]] = field(default_factory=list)  # (score, recording id) already recorded
    qa_new: list[Decimal] = field(default_factory=list)
    new_cases: list[str] = field(default_factory=list)

    @property
    def qa_conflict(self) -> bool:
        """The file brings QA scores for a month whose samples were already entered (by hand or before)."""
        return bool(self.qa_new and self.qa_old and [s for s, _ in self.qa_old] != self.qa_new)


@dataclass
class Preview:
    draft: ImportDraft
    rows: list[RowPreview]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def qa_conflicts(self) -> list[RowPreview]:
        return [row for row in self.rows if row.qa_conflict]


def upload(user: User, department_id: int, month: str, filename: str, data: bytes) -> tuple[ImportResult, int | None]:
    """Check a file; when every row is right keep it as a draft and return its id (nothing is saved yet)."""
    department, result, parsed = parse_metrics(user, department_id, month, filename, data)
    if not result.ok:
        return result, None
    return result, _keep(user, department.id, month, filename, parsed)


def _encode(parsed: Parsed) -> str:
    return json.dumps(
        [
            {
                "employee_id": e.id,
                "values": {k: None if v is None else str(v) for k, v in values.items()},
                "scores": [str(s) for s in scores],
                "recordings": recordings,
            }
            for e, values, scores, recordings in parsed
        ],
        ensure_ascii=False,
    )


def _decode(draft: ImportDraft) -> Parsed:
    parsed = []
    for row in json.loads(draft.rows_json):
        values = {}
        for name, text in row["values"].items():
            kind = METRIC_COLUMNS[LABELS[name]].kind
            values[name] = None if text is None else int(text) if kind == "int" else Decimal(text)
        parsed.append(
            (
                db.session.get(Employee, row["employee_id"]),
                values,
                [Decimal(s) for s in row["scores"]],
                row["recordings"],
            )
        )
    return parsed


@writes
def _keep(user: User, department_id: int, month: str, filename: str, parsed: Parsed) -> int:
    draft = ImportDraft(
        user_id=user.id, department_id=department_id, month=month, filename=filename[:200], rows_json=_encode(parsed)
    )
    db.session.add(draft)
    db.session.flush()
    return draft.id


def draft_for(user: User, draft_id: int) -> ImportDraft:
    require(user, "supervisor", "hr")
    draft = db.session.get(ImportDraft, draft_id)
    if draft is None or clock.now_utc() - draft.created_at > DRAFT_EXPIRES:
        raise NotFound("这份导入已过期或已处理,请重新上传文件。")
    if draft.user_id != user.id:
        raise Forbidden("这是他人上传的文件。")
    department_for(user, draft.department_id)
    return draft


def preview(user: User, draft_id: int) -> Preview:
    """Compare the draft's rows with what is recorded now."""
    draft = draft_for(user, draft_id)
    rows = []
    for employee, values, scores, recordings in _decode(draft):
        record = db.session.scalar(
            select(AgentMonth).where(AgentMonth.employee_id == employee.id, AgentMonth.month == draft.month)
        )
        changes = []
        for name, new in values.items():
            if new is None and not AgentMonth.__table__.c[name].nullable:
                new = 0
            old = getattr(record, name) if record else None
            if record is None or old != new:
                changes.append((LABELS[name], old, new))
        samples = existing_samples(employee.id, draft.month)
        known = set(
            db.session.scalars(
                select(DissatisfiedCase.recording_id).where(
                    DissatisfiedCase.employee_id == employee.id, DissatisfiedCase.month == draft.month
                )
            )
        )
        row = RowPreview(
            employee,
            "add" if record is None else "replace" if changes else "unchanged",
            changes,
            [(s.score, s.recording_id) for s in samples],
            scores,
            [r for r in recordings if r not in known],
        )
        if row.status == "unchanged" and (row.new_cases or (scores and not samples) or row.qa_conflict):
            row.status = "replace"
        rows.append(row)
    return Preview(draft, rows)


def apply(user: User, draft_id: int, replace_qa: bool) -> int:
    """确认导入: save the draft's rows (QA samples already recorded only with *replace_qa*); return the row count."""
    draft = draft_for(user, draft_id)
    department = department_for(user, draft.department_id)
    parsed = _decode(draft)
    _apply(user, department, draft, parsed, replace_qa)
    return len(parsed)


@writes
def _apply(user: User, department, draft: ImportDraft, parsed: Parsed, replace_qa: bool) -> None:
    save_rows(user, department, draft.month, draft.filename, parsed, replace_qa)
    db.session.delete(draft)
