"""A save derives the next result from the stored one (issue 12): only the agents whose data or standing
changed are scored again, and the result is always the one a full scoring gives."""

from __future__ import annotations

from decimal import Decimal

import pytest
from factories import MONTH
from scale_data import build_department
from sqlalchemy import func, select

from csapp.extensions import db
from csapp.models import AgentExplanation, AgentMonth, AgentResult, DepartmentResult, User
from csapp.policy.parameters import policy_for
from csapp.services import events, grid, rescoring, result_store
from csapp.services import kpi as kpi_service
from csapp.services.kpi import _rows, department_agents, department_kpi, score_rows
from csapp.services.month_lock import department_month
from csapp.services.policy_book import policy_book
from csapp.services.results import current_version, stored_score

BACKENDS = ("sqlite", "pg")


@pytest.fixture
def big(db_app):
    """A department of 40 agents beside the small organisation, its month scored and stored."""
    ids = build_department(40, MONTH, months=1, name="大客服部", logins=False)
    department_kpi(ids["department"], MONTH)
    db.session.commit()
    return ids


def _fresh(department_id: int):
    dept_month = department_month(department_id, MONTH)
    rows = [r for r in _rows(department_agents(department_id, MONTH), MONTH) if not r.missing]
    return score_rows(MONTH, dept_month.connection_rate, rows, policy_for(MONTH, policy_book()))


def _hr() -> User:
    return db.session.scalar(select(User).where(User.username == "hr"))


def _save(agent: int, field: str, value: str) -> None:
    current = db.session.scalar(select(getattr(AgentMonth, field)).where(AgentMonth.employee_id == agent,
                                                                          AgentMonth.month == MONTH))  # fmt: skip
    grid.save_cell(
        _hr(), "metrics", _department(agent), MONTH, agent, field, value, "" if current is None else str(current)
    )


def _department(agent: int) -> int:
    from csapp.models import Employee

    return db.session.get(Employee, agent).department_in(MONTH)


def _no_full_scoring(monkeypatch) -> list:
    """Make a full scoring of the department fail the test; return the derivations seen."""
    seen = []
    real = rescoring.derive

    def derive(*args, **kwargs):
        found = real(*args, **kwargs)
        seen.append(found)
        return found

    monkeypatch.setattr(rescoring, "derive", derive)
    monkeypatch.setattr(kpi_service, "score_rows", lambda *a: pytest.fail("the department was scored again"))
    return seen


def test_each_kind_of_small_change_derives_a_result_equal_to_a_full_scoring(db_app, big, monkeypatch):
    department, agents = big["department"], big["agents"]
    seen = _no_full_scoring(monkeypatch)
    top = max(agents, key=lambda a: department_kpi(department, MONTH).row_for(a).score.production)
    db.session.commit()
    changes = [
        lambda: _save(agents[5], "production", "2999"),  # the new first in production: ranks and bonuses move
        lambda: _save(agents[5], "production", "0"),  # and now the last
        lambda: _save(agents[7], "knowledge_errors", "3"),  # a counted item: nobody else moves
        lambda: _save(top, "production", "1"),  # the former first drops: someone else takes the bonus
        lambda: events.add_sample(_hr(), agents[9], MONTH, Decimal("40.00"), "R-LOW"),  # the new lowest QA mean
        lambda: events.add_sample(_hr(), agents[9], MONTH, Decimal("100.00"), "R-HIGH"),
        lambda: _save(agents[11], "avg_call_seconds", "400"),
        lambda: _save(agents[12], "production", ""),  # incomplete: leaves the scoring
        lambda: _save(agents[12], "production", "1000"),  # and comes back
    ]
    for change in changes:
        change()
        db.session.commit()
        version = current_version(department, MONTH)
        derived = department_kpi(department, MONTH).result
        db.session.commit()
        assert derived == _fresh(department), "a derived result differs from a full scoring"
        stored = stored_score(department, MONTH, version, policy_for(MONTH, policy_book()))
        assert stored == derived
        db.session.commit()
    assert len(seen) == len(changes) and all(found is not None for found in seen)
    assert len(_fresh(department).agents) == 40
    heads = db.session.scalars(select(DepartmentResult).where(DepartmentResult.department_id == department)).all()
    kept = sorted(h.data_version for h in heads)
    assert kept[-2:] == [version - 1, version]  # older versions pruned, every fourth store
    assert len(kept) <= result_store.PRUNE_EVERY + 1 and kept[0] > version - result_store.PRUNE_EVERY - 2
    rows = db.session.scalars(select(AgentResult).where(AgentResult.result_id.in_([h.id for h in heads]))).all()
    assert len(rows) == sum(h.scored for h in heads)
    assert [h.scored for h in sorted(heads, key=lambda h: h.data_version)][-2:] == [39, 40]  # 12 was out, then in
    assert all(db.session.get(AgentExplanation, r.explanation_id) for r in rows)
    used = set(db.session.scalars(select(AgentResult.explanation_id)))
    heads_left = set(db.session.scalars(select(DepartmentResult.id)))
    for explanation in db.session.scalars(select(AgentExplanation)):  # none left over from a pruned result
        assert explanation.id in used or explanation.made_for in heads_left


def test_a_derivation_whose_base_was_pruned_meanwhile_stores_nothing(db_app, big, monkeypatch):
    """The copy finds fewer rows than the base had: nothing is stored, the reader still gets the right result."""
    department, agents = big["department"], big["agents"]
    _save(agents[2], "knowledge_errors", "1")
    db.session.commit()
    real = result_store.store_derived

    def base_gone(department_id, version, result, scored, base_id, changed, new, ranks_moved):
        with db.engine.begin() as connection:  # another transaction prunes the base first
            connection.execute(AgentResult.__table__.delete().where(AgentResult.result_id == base_id))
        return real(department_id, version, result, scored, base_id, changed, new, ranks_moved)

    monkeypatch.setattr(result_store, "store_derived", base_gone)
    version = current_version(department, MONTH)
    derived = department_kpi(department, MONTH).result
    db.session.commit()
    assert derived == _fresh(department)
    assert stored_score(department, MONTH, version, policy_for(MONTH, policy_book())) is None  # not half a result


def test_a_derivation_stores_new_explanations_only_for_agents_scored_again(db_app, big):
    department, agents = big["department"], big["agents"]
    before = db.session.scalar(select(func.count()).select_from(AgentExplanation))
    _save(agents[3], "knowledge_errors", "2")
    db.session.commit()
    department_kpi(department, MONTH)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AgentExplanation)) == before + 1
    heads = db.session.scalars(select(DepartmentResult.scored).where(DepartmentResult.department_id == department))
    assert list(heads) == [40, 40]


def test_more_changes_than_a_derivation_takes_are_scored_in_full(db_app, big, monkeypatch):
    department, agents = big["department"], big["agents"]
    monkeypatch.setattr(rescoring, "MOST_CHANGED", 2)
    for agent in agents[:3]:
        _save(agent, "knowledge_errors", "1")
        db.session.commit()
    assert department_kpi(department, MONTH).result == _fresh(department)
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(AgentExplanation))
    department_kpi(department, MONTH)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AgentExplanation)) == before  # read, not derived again


def test_a_change_to_the_departments_figures_is_scored_in_full(db_app, big, monkeypatch):
    department = big["department"]
    grid.save_department_field(
        _hr(), department, MONTH, "connection_rate", "80", department_month(department, MONTH).version
    )
    db.session.commit()
    seen = []
    real = rescoring.derive
    monkeypatch.setattr(rescoring, "derive", lambda *a, **k: seen.append(real(*a, **k)) or seen[-1])
    assert department_kpi(department, MONTH).result == _fresh(department)
    assert seen == [None]
