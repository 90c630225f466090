"""The month's KPI of a department, fed from the DB into the rules core."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..extensions import db
from ..models import AgentMonth, DepartmentMonth, DissatisfiedCase, Employee, Incident, QaSample
from ..models.org import department_people
from ..policy import kpi as kpi_rules
from ..policy.months import first_day
from . import rescoring, result_rows, result_store, results
from .month_lock import department_month
from .policy_book import policy_in, scratch

if TYPE_CHECKING:
    from ..policy.schema import Policy


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    start = first_day(month)
    return start, start.replace(day=calendar.monthrange(start.year, start.month)[1])


@dataclass
class AgentRow:
    """One agent's recorded month and, when complete, its score."""

    employee: Employee
    record: AgentMonth | None
    qa_samples: list[QaSample] = field(default_factory=list)
    cases: list[DissatisfiedCase] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    score: kpi_rules.AgentScore | None = None

    @property
    def missing(self) -> list[str]:
        """Say what keeps this agent out of the month's scoring."""
        gaps = []
        if self.record is None or self.record.production is None:
            gaps.append("接线量")
        if self.record is None or self.record.avg_call_seconds is None:
            gaps.append("通话均长")
        if not self.qa_samples:
            gaps.append("质检样本")
        return gaps

    @property
    def incident_counts(self) -> Counter:
        return Counter(i.kind for i in self.incidents)

    @property
    def justified_cases(self) -> int:
        return sum(1 for c in self.cases if c.justified)


@dataclass
class DepartmentKpi:
    department_id: int
    month: str
    policy: Policy
    dept_month: DepartmentMonth | None
    rows: list[AgentRow]
    result: kpi_rules.DepartmentScore | None
    scored: int | None = None  # how many agents the department's scoring has (when rows hold only some)
    _by_id: dict[int, AgentRow] | None = field(default=None, repr=False, compare=False)

    @property
    def scored_rows(self) -> list[AgentRow]:
        return [r for r in self.rows if r.score is not None]

    def ranked(self) -> list[tuple[int, AgentRow]]:
        """The scored rows by total (highest first), then 工号, each with its competition rank (D10)."""
        ordered = sorted(self.scored_rows, key=lambda r: (-r.score.total, r.employee.code))
        return list(zip(kpi_rules.competition_ranks([r.score.total for r in ordered]), ordered))

    @property
    def scored_count(self) -> int:
        return self.scored if self.scored is not None else len(self.scored_rows)

    @property
    def locked(self) -> bool:
        return bool(self.dept_month and self.dept_month.locked_at)

    def row_for(self, employee_id: int) -> AgentRow | None:
        if self._by_id is None or len(self._by_id) != len(self.rows):
            self._by_id = {r.employee.id: r for r in self.rows}
        return self._by_id.get(employee_id)


def department_agents(department_id: int, month: str) -> list[Employee]:
    """Return the department's agents employed during *month*, by 工号."""
    return [e for e in department_people(department_id, month) if e.track_in(month) == "agent"]


def _by_employee(model, ids: list[int], month: str) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    rows = db.session.scalars(select(model).where(model.employee_id.in_(ids), model.month == month).order_by(model.id))
    for row in rows:
        grouped[row.employee_id].append(row)
    return grouped


def department_kpi(department_id: int, month: str) -> DepartmentKpi:
    """Load a department's month and the scores of every agent whose data is complete: stored under the
    month's data version, or computed now (and stored) on a miss. Under an impact preview's book: computed
    from the data, once per preview."""
    running = scratch()
    if running is not None:
        key = (department_id, month)
        if key not in running.departments:
            running.departments[key] = _department_kpi(department_id, month)
        return running.departments[key]
    return _department_kpi(department_id, month)


def _department_kpi(department_id: int, month: str) -> DepartmentKpi:
    policy = policy_in(month)
    version = results.current_version(department_id, month)  # before the data, in the same snapshot
    rows = _rows(department_agents(department_id, month), month)
    dept_month = department_month(department_id, month)
    complete = [r for r in rows if not r.missing]
    result = None
    if dept_month and dept_month.connection_rate is not None and complete:
        result = results.stored_score(department_id, month, version, policy)
        derived = None if result is not None else derive_stored(department_id, month, version, policy, dept_month)
        if derived is not None:
            result = derived.whole()
        elif result is None:
            result = score_rows(month, dept_month.connection_rate, complete, policy)
            result_store.store(department_id, version, result)
        scores = {score.id: score for score in result.agents}
        for row in complete:
            row.score = scores.get(str(row.employee.id))
    return DepartmentKpi(department_id, month, policy, dept_month, rows, result)


def score_rows(month: str, connection_rate, complete: list[AgentRow], policy: Policy) -> kpi_rules.DepartmentScore:
    """Compute (never read from the store) the scoring of the complete rows."""
    return kpi_rules.score_department(month, connection_rate, [_agent_input(r) for r in complete], policy)


def _rows(agents: list[Employee], month: str) -> list[AgentRow]:
    ids = [a.id for a in agents]
    records = {
        r.employee_id: r
        for r in db.session.scalars(
            select(AgentMonth).where(AgentMonth.employee_id.in_(ids), AgentMonth.month == month)
        )
    }
    samples = _by_employee(QaSample, ids, month)
    cases = _by_employee(DissatisfiedCase, ids, month)
    incidents = _by_employee(Incident, ids, month)
    return [AgentRow(a, records.get(a.id), samples[a.id], cases[a.id], incidents[a.id]) for a in agents]


def _stored(department_id: int, month: str, employee_ids: list[int], decode=result_rows.agent_score):
    """The department-month row and, when the month's result for its current data version is stored,
    (the department's figures, these agents' scores by id, how many were scored); else None."""
    version = results.current_version(department_id, month)  # read before the data, in the same snapshot
    dept_month = department_month(department_id, month)
    if dept_month is None or dept_month.connection_rate is None:
        return dept_month, None
    policy = policy_in(month)
    stored = results.stored_people(department_id, month, version, policy, employee_ids, decode)
    if stored is None and (derived := derive_stored(department_id, month, version, policy, dept_month)) is not None:
        return dept_month, (derived.department, derived.scores(employee_ids, decode), derived.scored)
    return dept_month, stored


def derive_stored(department_id: int, month: str, version: int, policy: Policy, dept_month: DepartmentMonth):
    """The result of *version* derived from an earlier stored one when only a few agents' data changed."""
    return rescoring.derive(department_id, month, version, policy, dept_month, _inputs_loader(department_id, month))


def _inputs_loader(department_id: int, month: str):
    """Load some employees' scoring inputs: None for anyone not a complete agent of the department-month."""
    start, end = month_bounds(month)

    def load(employees: list[Employee]) -> dict[int, kpi_rules.AgentMonth | None]:
        agents = [
            e
            for e in employees
            if e.employed_in(start, end) and e.department_in(month) == department_id and e.track_in(month) == "agent"
        ]
        found: dict[int, kpi_rules.AgentMonth | None] = dict.fromkeys((e.id for e in employees), None)
        found.update({row.employee.id: _agent_input(row) for row in _rows(agents, month) if not row.missing})
        return found

    return load


def people_kpi(department_id: int, month: str, people: list[Employee]) -> DepartmentKpi:
    """The department's month for some of its agents (a team): their rows and their stored scores, with
    the department's figures; the whole department is loaded and scored only when not stored yet."""
    policy = policy_in(month)
    agents = [p for p in people if p.track_in(month) == "agent"]
    dept_month, stored = _stored(department_id, month, [a.id for a in agents])
    rows = _rows(agents, month)
    if stored is None:
        whole = department_kpi(department_id, month)
        for row in rows:
            whole_row = whole.row_for(row.employee.id)
            row.score = whole_row.score if whole_row else None
        return DepartmentKpi(department_id, month, policy, dept_month, rows, whole.result, scored=whole.scored_count)
    return _kpi_of(department_id, month, policy, dept_month, agents, stored, rows)


def _kpi_of(department_id, month, policy, dept_month, agents, stored, rows=None) -> DepartmentKpi:
    """Some agents' rows (loaded unless given) with their stored scores: stored = (result, scores, scored)."""
    rows = _rows(agents, month) if rows is None else rows
    result, scores, scored = stored
    for row in rows:
        row.score = None if row.missing else scores.get(row.employee.id)
    return DepartmentKpi(department_id, month, policy, dept_month, rows, result, scored=scored)


def saved_rows(
    department_id: int, month: str, version: int, people: list[Employee], edited_id: int
) -> tuple[DepartmentKpi, list[Employee]] | None:
    """After a cell save: the rows on screen (*people*) whose computed cells differ from the result of
    *version* (what the page showed), the edited one always, and the unscored ones (the summary names
    them), as a DepartmentKpi of just those rows; with the rows to send. Only those rows are loaded and
    decoded. None when the department's month has no result to derive (the caller shows every row)."""
    current = results.current_version(department_id, month)  # read before the data, in the same snapshot
    dept_month = department_month(department_id, month)
    if dept_month is None or dept_month.connection_rate is None:
        return None
    policy = policy_in(month)
    ids = [p.id for p in people if p.track_in(month) == "agent"]
    agent_ids = set(ids)
    derived = None
    after = results.stored_numbers(department_id, month, current, policy, ids)
    if after is None:
        derived = derive_stored(department_id, month, current, policy, dept_month)  # stored, but not in this snapshot
        if derived is None:
            return None
        after = derived.numbers(ids)
    before = after if version == current else results.stored_numbers(department_id, month, version, policy, ids)
    changed = [p for p in people if p.id == edited_id or before is None or after.get(p.id) != before.get(p.id)]
    shown = changed + [p for p in people if p.id in agent_ids and p.id not in after and p not in changed]
    agents = [p for p in shown if p.id in agent_ids]
    if derived is not None:
        stored = (derived.department, derived.scores([a.id for a in agents]), derived.scored)
    else:
        stored = results.stored_people(department_id, month, current, policy, [a.id for a in agents])
    return _kpi_of(department_id, month, policy, dept_month, agents, stored), changed


def scored_or_missing(
    department_id: int, month: str, agents: list[Employee]
) -> dict[int, tuple[kpi_rules.AgentScore | None, list[str]]]:
    """Per agent of the department: their stored total and summary text, or what data is missing (only
    those agents' rows are loaded); the department is scored now when its result is not stored yet."""
    _, stored = _stored(department_id, month, [a.id for a in agents], result_rows.agent_summary)
    if stored is None:
        whole = department_kpi(department_id, month)
        return {a.id: ((row.score, row.missing) if (row := whole.row_for(a.id)) else (None, [])) for a in agents}
    _, scores, _ = stored
    unscored = _rows([a for a in agents if a.id not in scores], month)
    found = {row.employee.id: (None, row.missing) for row in unscored}
    found.update({employee_id: (score, []) for employee_id, score in scores.items()})
    return found


def _agent_input(row: AgentRow) -> kpi_rules.AgentMonth:
    record = row.record
    return kpi_rules.AgentMonth(
        id=str(row.employee.id),
        employment=row.employee.employment_in(row.record.month),
        production=record.production,
        qa_scores=[s.score for s in row.qa_samples],
        dissatisfied=len(row.cases),
        feedback_unprocessed=record.feedback_unprocessed,
        im_unprocessed=record.im_unprocessed,
        avg_call_seconds=record.avg_call_seconds,
        plan_missed=record.plan_missed,
        knowledge_errors=record.knowledge_errors,
        operation_errors=record.operation_errors,
        discipline=record.discipline,
        cooperation=record.cooperation,
        incidents=dict(row.incident_counts),
    )


def rebuild_results(month: str | None = None, since: str | None = None) -> tuple[int, int]:
    """Compute and store every department-month's results not stored for its current version (all months
    with department data, one, or those from *since* on); return (computed, already stored)."""
    query = select(DepartmentMonth.department_id, DepartmentMonth.month).where(
        DepartmentMonth.connection_rate.is_not(None)
    )
    if month:
        query = query.where(DepartmentMonth.month == month)
    if since:
        query = query.where(DepartmentMonth.month >= since)
    keys = db.session.execute(query.order_by(DepartmentMonth.month, DepartmentMonth.department_id)).all()
    db.session.commit()
    computed = stored = 0
    for department_id, each in keys:
        version = results.current_version(department_id, each)
        if results.stored_department(department_id, each, version, policy_in(each).version):
            stored += 1
        else:
            department_kpi(department_id, each)
            computed += 1
        db.session.commit()  # one snapshot per department-month
    return computed, stored
