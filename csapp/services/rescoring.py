"""A department-month's result derived from the stored result of an earlier data version, when only a
few agents' own data changed since (a cell, a QA sample, an incident: issue 12).

Ranks and averages are re-derived from the stored per-agent values (one narrow query); only the agents
whose data changed, or whose standing against the department's figures changed (rank 1, lowest, at or
below the average, a rank bonus), are scored again. Everyone else keeps their stored explanation: the
texts that name the averages are built when read. The result is the one a full scoring would give.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import select

from ..extensions import db
from ..models import AgentExplanation, AgentResult, DataChange, DepartmentMonth, DepartmentResult, Employee
from ..policy import kpi as kpi_rules
from ..policy.numbers import mean
from . import result_rows, result_store
from .policy_book import scratch

if TYPE_CHECKING:
    from ..policy.schema import Policy

MOST_CHANGED = 25  # more agents than this changed since the stored result: score the department instead

# employees → their month's scoring input (None: not a complete agent of this department-month)
InputLoader = Callable[[list[Employee]], dict[int, kpi_rules.AgentMonth | None]]


class StoredRow(NamedTuple):
    """One agent's stored numbers that a derivation reads (its totals and texts stay in the database),
    with the ranks and stars of the derived result."""

    employee_id: int
    total: Decimal
    incident_points: Decimal
    qa_numerator: int
    qa_denominator: int
    qa_rank: int
    production_rank: int
    production: int
    stars: str
    explanation_id: int


@dataclass(frozen=True)
class Derived:
    """The derived result: the department's figures and its agents, each either a stored row kept with
    new ranks (StoredRow) or a new scoring (AgentScore)."""

    department: kpi_rules.DepartmentScore  # without agents
    entries: list[StoredRow | kpi_rules.AgentScore]
    base_id: int  # the stored result the kept rows come from
    policy: Policy

    @property
    def scored(self) -> int:
        return len(self.entries)

    def scores(self, employee_ids: Iterable[int] | None = None, decode=result_rows.agent_score) -> dict[int, object]:
        """Decode the agents asked for (all by default): one query for the stored explanations they keep."""
        wanted = None if employee_ids is None else set(employee_ids)
        chosen = [e for e in self.entries if wanted is None or _id(e) in wanted]
        kept = [e.explanation_id for e in chosen if isinstance(e, StoredRow)]
        query = select(AgentExplanation.id, AgentExplanation.body).where(AgentExplanation.id.in_(kept))
        bodies = dict(db.session.execute(query).all()) if kept else {}
        figures = result_rows.figures_of_score(self.department)
        return {
            _id(e): (decode(e, bodies[e.explanation_id], figures, self.policy) if isinstance(e, StoredRow) else e)
            for e in chosen
        }

    def numbers(self, employee_ids: Iterable[int]) -> dict[int, tuple]:
        """The computed cells (result_rows.numbers_of) of the agents asked for, nothing decoded."""
        wanted = set(employee_ids)
        return {
            _id(e): result_rows.stored_numbers_of(e) if isinstance(e, StoredRow) else result_rows.numbers_of(e)
            for e in self.entries
            if _id(e) in wanted
        }

    def _totals_and_codes(self) -> dict[int, tuple[Decimal, str]]:
        ids = [_id(e) for e in self.entries]
        codes = dict(db.session.execute(select(Employee.id, Employee.code).where(Employee.id.in_(ids))).all())
        totals = dict(
            db.session.execute(
                select(AgentResult.employee_id, AgentResult.total).where(AgentResult.result_id == self.base_id)
            ).all()
        )
        totals |= {int(e.id): e.total for e in self.entries if isinstance(e, kpi_rules.AgentScore)}
        return {i: (totals[i], codes[i]) for i in ids}

    def whole(self) -> kpi_rules.DepartmentScore:
        """Every agent decoded, by 工号 (as a full scoring lists them)."""
        scores = self.scores()
        known = self._totals_and_codes()
        ordered = sorted(scores, key=lambda i: known[i][1])
        return replace(self.department, agents=tuple(scores[i] for i in ordered))

    def ranked(self) -> list[tuple[int, int]]:
        """(employee id, competition rank) by total, then 工号."""
        known = self._totals_and_codes()
        ordered = sorted(known, key=lambda i: (-known[i][0], known[i][1]))
        ranks = kpi_rules.competition_ranks([known[i][0] for i in ordered])
        return list(zip(ordered, ranks))


def _id(entry: StoredRow | kpi_rules.AgentScore | kpi_rules.AgentMonth) -> int:
    return entry.employee_id if isinstance(entry, StoredRow) else int(entry.id)


def derive(
    department_id: int, month: str, version: int, policy: Policy, dept_month: DepartmentMonth, inputs: InputLoader
) -> Derived | None:
    """Derive and store the result of *version* from the latest stored earlier one, or None when it
    cannot be (no earlier result, the department's figures or policy changed, too many agents changed)."""
    if scratch() is not None:  # an impact preview computes from the data, never from stored results
        return None
    base = db.session.scalar(
        select(DepartmentResult)
        .where(
            DepartmentResult.department_id == department_id,
            DepartmentResult.month == month,
            DepartmentResult.policy_version == policy.version,
            DepartmentResult.data_version < version,
        )
        .order_by(DepartmentResult.data_version.desc())
        .limit(1)
    )
    if base is None or base.connection_rate != dept_month.connection_rate:
        return None
    changed = _changed_agents(department_id, month, base.data_version, version)
    if changed is None or len(changed) > MOST_CHANGED:
        return None
    fresh = _complete(inputs, changed)
    entries: list[StoredRow | kpi_rules.AgentMonth] = [r for r in _stored_rows(base.id) if r.employee_id not in changed]
    kept = len(entries)
    entries += fresh.values()
    qa_means = [(e.qa_numerator, e.qa_denominator) for e in entries[:kept]]
    qa_means += [(q.numerator, q.denominator) for q in (mean(e.qa_scores) for e in entries[kept:])]
    qa_scale = math.lcm(*(d for _, d in qa_means))
    qa_keys = [n * (qa_scale // d) for n, d in qa_means]
    productions = [e.production for e in entries]
    figures = kpi_rules.figures_of_keys(qa_keys, qa_scale, productions, 1, policy)
    stored = entries[:kept]  # the kept rows come first: their indexes are the same in both lists
    moved = [
        stored[index].employee_id
        for index in kpi_rules.moved_standings(
            policy,
            qa_keys[:kept],
            qa_scale,
            productions[:kept],
            [(e.qa_rank, e.production_rank) for e in stored],
            result_rows.figures_of(base),
            replace(figures, qa_ranks=figures.qa_ranks[:kept], production_ranks=figures.production_ranks[:kept]),
        )
    ]
    if moved:  # their totals change: score them again from their data
        fresh |= _complete(inputs, moved)
    connection = kpi_rules.connection_item(policy, dept_month.connection_rate)
    final: list[StoredRow | kpi_rules.AgentScore] = []
    ranks_moved = []
    for index, entry in enumerate(entries):
        qa_rank, production_rank = figures.qa_ranks[index], figures.production_ranks[index]
        agent = fresh.get(_id(entry))
        if agent is not None:
            final.append(kpi_rules.score_agent(agent, qa_rank, production_rank, connection, figures, policy))
            continue
        stars = (
            ",".join(kpi_rules.stars_of(qa_rank, production_rank, figures)) if 1 in (qa_rank, production_rank) else ""
        )
        if (qa_rank, production_rank, stars) != (entry.qa_rank, entry.production_rank, entry.stars):
            entry = entry._replace(qa_rank=qa_rank, production_rank=production_rank, stars=stars)
            ranks_moved.append(entry)
        final.append(entry)
    department = kpi_rules.DepartmentScore(
        month,
        dept_month.connection_rate,
        figures.avg_production,
        figures.avg_qa,
        (),
        policy.version,
        figures.qa_spread,
        figures.volume_spread,
        figures.lowest_qa,
    )
    new = [e for e in final if isinstance(e, kpi_rules.AgentScore)]
    result_store.store_derived(department_id, version, department, len(final), base.id, changed, new, ranks_moved)
    return Derived(department, final, base.id, policy)


def _complete(inputs: InputLoader, ids: Iterable[int]) -> dict[int, kpi_rules.AgentMonth]:
    """The scoring inputs of those of these employees who are complete agents of the department-month."""
    return {i: agent for i, agent in inputs(list(_people(list(ids)).values())).items() if agent is not None}


def _changed_agents(department_id: int, month: str, since: int, version: int) -> set[int] | None:
    """The agents whose own data changed in versions since+1 … version; None if any raise of the version
    in between changed more than one person's data (or left no record of what)."""
    changes = db.session.execute(
        select(DataChange.version, DataChange.employee_id).where(
            DataChange.department_id == department_id,
            DataChange.month == month,
            DataChange.version > since,
            DataChange.version <= version,
        )
    ).all()
    if {v for v, _ in changes} != set(range(since + 1, version + 1)) or any(e is None for _, e in changes):
        return None
    return {e for _, e in changes}


def _stored_rows(result_id: int) -> list[StoredRow]:
    """The narrow query: a thousand rows as plain tuples (no ORM objects)."""
    table = AgentResult.__table__
    query = select(*(table.c[name] for name in StoredRow._fields)).where(table.c.result_id == result_id)
    return [StoredRow._make(row) for row in db.session.connection().execute(query).all()]  # one fetch, not one a row


def _people(ids: list[int]) -> dict[int, Employee]:
    from ..models.org import dated_facts

    query = select(Employee).where(Employee.id.in_(ids)).options(*dated_facts())
    return {e.id: e for e in db.session.scalars(query)}
