"""Storing a computed or derived KPI result, in a short transaction of its own (issue 12): insert-or-ignore
on the key, so an older data version never overwrites a newer one and two readers store it once."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import bindparam, delete, func, insert, literal, select

from .. import clock
from ..db import insert_on_conflict, is_writing, write_options
from ..extensions import db
from ..models import AgentExplanation, AgentResult, DepartmentResult
from ..policy import kpi as kpi_rules
from .policy_book import scratch
from .result_rows import KEPT_COLUMNS, agent_row, explanation_body, fraction_text


def store(department_id: int, version: int, result: kpi_rules.DepartmentScore) -> None:
    """Keep a freshly computed result under its key, in a short transaction of its own; a key already
    stored (by another reader) is left alone. Skipped inside a write transaction: its data may still
    roll back."""
    store_rows(department_id, version, result, list(result.agents))


def store_rows(department_id: int, version: int, result: kpi_rules.DepartmentScore, agents: list) -> None:
    """Store a result with its agents' new scorings (and their explanations)."""
    if is_writing() or scratch() is not None:  # an impact preview stores nothing
        return
    with _new_result(department_id, version, result, len(agents)) as (connection, result_id):
        if result_id is not None:
            _insert_scores(connection, result_id, department_id, result.month, agents)


def store_derived(
    department_id: int,
    version: int,
    result: kpi_rules.DepartmentScore,
    scored: int,
    base_id: int,
    changed: set[int],
    new: list[kpi_rules.AgentScore],
    ranks_moved: list,
) -> None:
    """Store a result derived from the stored result *base_id*: its rows are copied in one statement,
    except the *changed* agents' and the *new* scorings'; rows in *ranks_moved* (employee_id, qa_rank, production_rank, stars) get
    their new ranks and stars (services/rescoring.py)."""
    if is_writing():
        return
    with _new_result(department_id, version, result, scored) as (connection, result_id):
        if result_id is None:
            return
        table = AgentResult.__table__
        columns = [table.c[name] for name in KEPT_COLUMNS]
        source = select(literal(result_id), *columns).where(
            table.c.result_id == base_id, table.c.employee_id.not_in(changed | {int(a.id) for a in new})
        )
        connection.execute(insert(table).from_select(["result_id", *KEPT_COLUMNS], source))
        copied = connection.scalar(select(func.count()).select_from(table).where(table.c.result_id == result_id))
        if copied != scored - len(new):
            raise _Incomplete  # the base was pruned meanwhile: store nothing rather than half a result
        if ranks_moved:
            connection.execute(
                table.update()
                .where(table.c.result_id == result_id, table.c.employee_id == bindparam("b_who"))
                .values(
                    qa_rank=bindparam("b_qa"), production_rank=bindparam("b_production"), stars=bindparam("b_stars")
                ),
                [
                    {"b_who": r.employee_id, "b_qa": r.qa_rank, "b_production": r.production_rank, "b_stars": r.stars}
                    for r in ranks_moved
                ],
            )
        _insert_scores(connection, result_id, department_id, result.month, new)


@contextmanager
def _new_result(department_id: int, version: int, result: kpi_rules.DepartmentScore, scored: int):
    """A short transaction of its own that inserts the result's head; yields (connection, its id), the id
    None when the key was stored meanwhile by another reader."""
    head = {
        "department_id": department_id,
        "month": result.month,
        "data_version": version,
        "policy_version": result.policy_version,
        "connection_rate": result.connection_rate,
        "avg_production": fraction_text(result.avg_production),
        "avg_qa": fraction_text(result.avg_qa),
        "lowest_qa": fraction_text(result.lowest_qa),
        "qa_spread": result.qa_spread,
        "volume_spread": result.volume_spread,
        "scored": scored,
        "computed_at": clock.now_utc(),
    }
    with db.engine.connect().execution_options(**write_options()) as connection:
        try:
            with connection.begin():
                statement = insert_on_conflict(DepartmentResult).values(**head).on_conflict_do_nothing()
                result_id = connection.scalar(statement.returning(DepartmentResult.id))
                yield connection, result_id
                if result_id is not None:
                    _prune(connection, department_id, result.month, version)
        except _Incomplete:
            pass  # rolled back: the next reader computes it again


class _Incomplete(Exception):
    """A derived result's copy found fewer rows than its base had (the base was pruned meanwhile)."""


KEPT_VERSIONS = 2  # the current data version's result and the one before (a save compares them)
PRUNE_EVERY = 4  # prune when storing every fourth version: a save does not delete a thousand rows each time


def _prune(connection, department_id: int, month: str, version: int) -> None:
    """Delete the results of older data versions of this department-month, and the explanations no kept
    result shares any more: the table holds a few versions (at most PRUNE_EVERY + 1), not one per save (a
    reader's snapshot still sees what it read)."""
    if version % PRUNE_EVERY:
        return
    table, explanations = DepartmentResult.__table__, AgentExplanation.__table__
    same = (table.c.department_id == department_id) & (table.c.month == month)
    old = connection.scalars(select(table.c.id).where(same, table.c.data_version <= version - KEPT_VERSIONS)).all()
    if not old:
        return
    connection.execute(delete(AgentResult.__table__).where(AgentResult.__table__.c.result_id.in_(old)))
    connection.execute(delete(table).where(table.c.id.in_(old)))
    kept = select(table.c.id).where(same)
    used = select(AgentResult.__table__.c.explanation_id).where(AgentResult.__table__.c.result_id.in_(kept))
    connection.execute(
        delete(explanations).where(
            explanations.c.department_id == department_id,
            explanations.c.month == month,
            explanations.c.id.not_in(used),
        )
    )


def _insert_scores(
    connection, result_id: int, department_id: int, month: str, agents: list[kpi_rules.AgentScore]
) -> None:
    """Insert new scorings and their explanations: one statement each, one more to learn the explanations'
    ids (an executemany with RETURNING runs a statement a row)."""
    if not agents:
        return
    connection.execute(
        insert(AgentExplanation),
        [
            {
                "made_for": result_id,
                "department_id": department_id,
                "month": month,
                "employee_id": int(a.id),
                "body": explanation_body(a),
            }
            for a in agents
        ],  # fmt: skip
    )
    made = dict(
        connection.execute(
            select(AgentExplanation.employee_id, AgentExplanation.id).where(AgentExplanation.made_for == result_id)
        ).all()
    )
    connection.execute(insert(AgentResult), [agent_row(result_id, agent, made) for agent in agents])
