"""Impact preview of a policy draft: what each person's score, rank, stars, pay and promotion verdict would
be under the draft, beside what they are under the published book — computed by the same services.

The draft is treated as in force for every month the computation reads (cycle months included). Stored
results are neither read nor written (services.policy_book.computing_with); the job stores only its own
result, keyed by the draft's content hash and the months, so an edit makes it stale.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal

from flask import current_app
from sqlalchemy import select, update

from .. import clock
from ..db import on_commit, write_transaction, writes
from ..extensions import db
from ..models import Department, Employee, PolicyPreview, PolicyVersion, User
from ..models.org import dated_facts
from ..policy.months import add_months, days_in, first_day, is_month
from ..policy.pay import compute_pay
from ..policy.promotion import evaluate
from . import audit
from .errors import NotFound, ServiceError
from .kpi import department_kpi
from .pay.cases import pay_cases
from .policy_book import computing_with, load_published, policy_in
from .policy_drafts import policy_of, require_admin, version
from .promotion_data import build_application, current_grade

MOST_MONTHS = 6
STALLED = dt.timedelta(minutes=30)  # a preview queued or running this long lost its consumer: asking again requeues it


def default_months(today: dt.date | None = None) -> list[str]:
    """The last 3 closed months (the three before the current one), oldest first."""
    current = clock.current_month() if today is None else f"{today:%Y-%m}"
    return [add_months(current, -n) for n in (3, 2, 1)]


def parse_months(text: str) -> list[str]:
    """Months typed as "2026-08,2026-09" (or with spaces): checked, sorted, no duplicates."""
    months = sorted({m.strip() for m in (text or "").replace(",", ",").replace(" ", ",").split(",") if m.strip()})
    if not months:
        raise ServiceError("请选择至少一个月份。", "months")
    bad = [m for m in months if not is_month(m)]
    if bad:
        raise ServiceError(f"月份格式不对:{'、'.join(bad)}(应为 2026-08 这样的年-月)。", "months")
    if len(months) > MOST_MONTHS:
        raise ServiceError(f"一次最多预览 {MOST_MONTHS} 个月。", "months")
    if months[-1] > clock.current_month():
        raise ServiceError("只能预览已经开始的月份。", "months")
    return months


def preview(preview_id: int) -> PolicyPreview:
    """One preview (policy admins only)."""
    found = db.session.get(PolicyPreview, preview_id)
    if found is None:
        raise NotFound("没有这个预览。")
    return found


def current_preview(row: PolicyVersion, months: list[str]) -> PolicyPreview | None:
    """The preview of the draft's current content for *months*, if one was asked for."""
    return db.session.scalar(
        select(PolicyPreview).where(
            PolicyPreview.version_id == row.id,
            PolicyPreview.content_hash == row.content_hash,
            PolicyPreview.months == ",".join(months),
        )
    )


def latest_preview(row: PolicyVersion) -> PolicyPreview | None:
    """The newest preview of this version (stale when its hash differs from the draft's)."""
    return db.session.scalar(
        select(PolicyPreview).where(PolicyPreview.version_id == row.id).order_by(PolicyPreview.id.desc()).limit(1)
    )


@writes
def request(user: User, version_id: int, months: list[str]) -> PolicyPreview:
    """Queue the preview of the draft for *months* (a preview of the same content and months is reused)."""
    require_admin(user)
    row = version(version_id)
    found = current_preview(row, months)
    if found is not None and found.status == "done":
        return found
    if found is not None and found.status != "failed" and found.created_at > clock.now_utc() - STALLED:
        return found  # queued or running, and not stalled: the same job serves this request
    if found is None:
        found = PolicyPreview(
            version_id=row.id, content_hash=row.content_hash, months=",".join(months), created_by_id=user.id
        )
        db.session.add(found)
    found.status, found.done, found.error, found.created_at = "queued", 0, "", clock.now_utc()
    db.session.flush()
    audit.record(user, "policy.preview", "policy_version", row.id, subject=row.label, new=found.months)
    preview_id = found.id
    on_commit(lambda: _enqueue(preview_id))
    return found


def _enqueue(preview_id: int) -> None:
    from ..tasks import policy_preview  # the task module imports the services, not the other way round

    policy_preview(preview_id)


def _progress(preview_id: int, **values) -> None:
    """Say how far the job is, on a connection of its own (the computation keeps its one snapshot)."""
    with db.engine.begin() as connection:
        connection.execute(update(PolicyPreview).where(PolicyPreview.id == preview_id).values(**values))


def run(preview_id: int) -> None:
    """Compute a queued preview (the queue's task): claim it, compute both books, store the result."""
    with write_transaction() as session:
        claimed = session.execute(
            update(PolicyPreview)
            .where(PolicyPreview.id == preview_id, PolicyPreview.status == "queued")
            .values(status="running")
            .returning(PolicyPreview.id)
        ).first()
    if claimed is None:
        return
    try:
        preview = db.session.get(PolicyPreview, preview_id)
        draft = policy_of(preview.version)
        months = preview.month_list
        result = compute(draft, months, lambda done, total: _progress(preview_id, done=done, total=total))
        db.session.commit()  # the computation's read snapshot ends here
        _progress(preview_id, status="done", result=json.dumps(result, ensure_ascii=False), finished_at=clock.now_utc())
    except Exception as exc:  # the job says what failed (the page shows it); the log keeps the traceback
        db.session.rollback()
        current_app.logger.exception("policy preview %s failed", preview_id)
        _progress(preview_id, status="failed", error=str(exc)[:500], finished_at=clock.now_utc())


def compute(draft, months: list[str], progress=lambda done, total: None) -> dict:
    """The preview's result: per person old and new, per department and company totals (JSON-ready)."""
    published = load_published()
    apply_month = add_months(months[-1], 1)
    total = 2 * (len(months) + 1)
    outcomes = {}
    for step, (name, book) in enumerate((("old", published), ("new", (draft,)))):
        with computing_with(book):
            offset = step * total // 2
            outcomes[name] = _outcomes(months, apply_month, lambda done, offset=offset: progress(offset + done, total))
    progress(total, total)
    return _compare(outcomes["old"], outcomes["new"], months, apply_month)


def _outcomes(months: list[str], apply_month: str, step) -> dict[int, dict]:
    """Per person: by month (score, rank, stars, gross) and the promotion verdict in *apply_month*."""
    people: dict[int, dict] = defaultdict(lambda: {"months": {}, "verdict": None, "target": None})
    for done, month in enumerate(months, start=1):
        policy = policy_in(month)
        kpis: dict[int, object] = {}
        for case in pay_cases(month):
            person = case.employee
            pay = compute_pay(case.inputs, policy, days_in(month))
            entry = {"score": None, "rank": None, "stars": 0, "gross": str(pay.gross)}
            if person.track_in(month) == "agent":
                department_id = person.department_in(month)
                if department_id not in kpis:
                    kpis[department_id] = _ranked(department_kpi(department_id, month))
                found = kpis[department_id].get(person.id)
                if found:
                    entry.update(found)
            elif case.inputs.kpi_score is not None:
                entry["score"] = str(case.inputs.kpi_score)
            people[person.id]["months"][month] = entry
        step(done)
    policy = policy_in(apply_month)
    applied_on = first_day(apply_month).replace(day=policy.promotion.window_first_day)
    ids = list(people)
    for person in db.session.scalars(select(Employee).options(*dated_facts()).where(Employee.id.in_(ids))):
        grade, _ = current_grade(person, applied_on)
        target = policy.next_grade(grade) if grade else None
        if target is None or not person.employed_in(applied_on, applied_on):
            continue
        verdict = evaluate(build_application(person, target, applied_on, policy), policy)
        people[person.id]["verdict"] = verdict.status
        people[person.id]["target"] = target
    step(len(months) + 1)
    return dict(people)


def _ranked(kpi) -> dict[int, dict]:
    return {
        row.employee.id: {"score": str(row.score.total), "rank": rank, "stars": len(row.score.stars)}
        for rank, row in kpi.ranked()
    }


def _compare(old: dict[int, dict], new: dict[int, dict], months: list[str], apply_month: str) -> dict:
    ids = sorted(set(old) | set(new))
    people = {e.id: e for e in db.session.scalars(select(Employee).where(Employee.id.in_(ids)))}
    names = {d.id: d.name for d in db.session.scalars(select(Department))}
    rows = []
    for person_id in ids:
        person = people[person_id]
        a, b = old.get(person_id, {"months": {}}), new.get(person_id, {"months": {}})
        per_month = {}
        for month in months:
            before, after = a["months"].get(month), b["months"].get(month)
            if before is None and after is None:
                continue
            per_month[month] = {"old": before, "new": after, "changed": before != after}
        changed = any(m["changed"] for m in per_month.values()) or a.get("verdict") != b.get("verdict")
        department_id = person.department_in(months[-1]) or person.department_id
        rows.append(
            {
                "id": person_id,
                "code": person.code,
                "name": person.name,
                "department_id": department_id,
                "department": names.get(department_id, ""),
                "months": per_month,
                "verdict": {"old": a.get("verdict"), "new": b.get("verdict")},
                "target": b.get("target") or a.get("target"),
                "changed": changed,
            }
        )
    return {"months": months, "apply_month": apply_month, "people": rows, "totals": totals(rows, months)}


def _gross(entry: dict | None) -> Decimal:
    return Decimal(entry["gross"]) if entry else Decimal(0)


def totals(rows: list[dict], months: list[str]) -> dict:
    """People affected and the change of gross pay per month: per department and for the company."""

    def sums(selected: list[dict]) -> dict:
        cost = {
            m: sum(
                (
                    _gross(r["months"].get(m, {}).get("new")) - _gross(r["months"].get(m, {}).get("old"))
                    for r in selected
                ),
                Decimal(0),
            )
            for m in months
        }
        return {
            "people": len(selected),
            "affected": sum(1 for r in selected if r["changed"]),
            "cost": {m: str(v) for m, v in cost.items()},
            "cost_total": str(sum(cost.values(), Decimal(0))),
        }

    departments = defaultdict(list)
    for row in rows:
        departments[(row["department"], row["department_id"])].append(row)
    return {
        "company": sums(rows),
        "departments": [
            {"name": name, "id": key, **sums(group)}
            for (name, key), group in sorted(departments.items(), key=lambda kv: str(kv[0][0]))
        ],
    }


def result_of(preview: PolicyPreview) -> dict | None:
    return json.loads(preview.result) if preview.status == "done" and preview.result else None
