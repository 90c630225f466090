"""KPI results computed once per data version and stored: the database is the cache (issue 12)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from factories import MONTH
from race import in_threads
from service_walk import write_services
from sqlalchemy import select

from csapp.extensions import db
from csapp.models import DepartmentResult, User
from csapp.policy.parameters import policy_for
from csapp.services import events, results
from csapp.services.kpi import _rows, department_agents, department_kpi, score_rows
from csapp.services.month_lock import department_month
from csapp.services.policy_book import policy_book
from csapp.services.results import current_version, stored_score

BACKENDS = ("sqlite", "pg")  # concurrency-sensitive: every test here runs on both databases

# The helpers that raise a data version, and the services that reach them through another one.
HELPERS = {"data_changed", "person_changed", "_event", "save_rows"}

# Writes that cannot change any KPI result (accounts, pay, notices, reviewed tracks, locks, teams, …).
NO_KPI_EFFECT = {
    "accounts.change_password", "accounts.create_user", "accounts.set_roles", "accounts.issue_one_time_password",
    "accounts.issue_one_time_passwords", "accounts.log_out", "accounts.reset_password", "accounts.set_active", "allowances.set_allowance", "import_preview._keep", "issuing.void",
    "jobs.create", "jobs.resume", "month_lock.lock", "month_lock.unlock", "notices.claim_number",
    "promotion.submit", "promotion.withdraw", "promotion.record_interview", "reviewed.save_score",
    "serious_errors.set_serious_error", "teams.assign", "pay.deductions.set_deductions", "pay.deductions.mark_none",
    "pay.deductions._save_import", "pay.gaps.explain_gaps", "pay.runs._release", "pay.runs._store_run",
    "pay.runs.confirm_run",
    "policy_drafts.start_draft", "policy_drafts.import_draft", "policy_drafts.save_values", "policy_drafts.set_effective",
    "policy_rows.add_row", "policy_rows.remove_row", "policy_drafts.submit", "policy_drafts.send_back",
    "policy_drafts.discard", "policy_preview.request", "policy_publishing.request_withdrawal",
}  # fmt: skip
# Writes that change results by changing the book: stored results are keyed by the policy version in force,
# so a new version misses them and its results are computed (and rebuilt on the queue); data versions stay.
NEW_BOOK = {"policy_publishing.approve", "policy_publishing.approve_withdrawal"}


def test_every_write_service_either_raises_the_data_version_or_is_known_not_to_change_results():
    writes = write_services()
    assert len(writes) > 30  # the enumeration found the services
    known = NO_KPI_EFFECT | NEW_BOOK
    unclassified = {name for name, calls in writes.items() if not calls & HELPERS and name not in known}
    assert unclassified == set(), "a write service that may change KPI results must call results.data_changed"
    assert known <= set(writes)  # no stale names in the list
    bumping = {name for name, calls in writes.items() if calls & HELPERS}
    assert {"events.add_sample", "grid.save_cell", "people.transfer", "person_corrections.correct_event"} <= bumping


def test_a_write_raises_the_version_and_the_next_read_computes_and_stores_the_new_result(db_app, org):
    department = org["main"].id
    first = department_kpi(department, MONTH).result
    db.session.commit()  # a new snapshot: the result was stored by a transaction of its own
    version = current_version(department, MONTH)
    assert stored_score(department, MONTH, version, policy_for(MONTH, policy_book())) == first
    agent = org["agents"][0]
    events.add_sample(org["users"]["supervisor"], agent.id, MONTH, Decimal("60.00"), "R-NEW")
    assert current_version(department, MONTH) == version + 1
    second = department_kpi(department, MONTH).result
    db.session.commit()
    assert second != first and second.agents[0].qa_avg < first.agents[0].qa_avg
    assert stored_score(department, MONTH, version + 1, policy_for(MONTH, policy_book())) == second
    assert (
        stored_score(department, MONTH, version, policy_for(MONTH, policy_book())) == first
    )  # the old key stays as it was


def test_people_events_raise_every_later_month_of_each_department_concerned(db_app, org):
    from csapp.services import people

    agent = org["agents"][0]
    for month in ("2026-09", MONTH):
        department_kpi(org["main"].id, month)
    before = {m: current_version(org["main"].id, m) for m in ("2026-08", "2026-09", MONTH)}
    people.transfer(org["users"]["hr"], agent.id, org["other"].id, dt.date(2026, 9, 1), "支援")
    after = {m: current_version(org["main"].id, m) for m in ("2026-08", "2026-09", MONTH)}
    assert after["2026-08"] == before["2026-08"]
    assert after["2026-09"] == before["2026-09"] + 1 and after[MONTH] == before[MONTH] + 1
    assert current_version(org["other"].id, "2026-09") >= 1


def test_a_write_inside_a_transaction_never_stores_what_may_roll_back(db_app, org):
    from csapp.db import write_transaction

    department = org["main"].id
    with pytest.raises(RuntimeError):
        with write_transaction():
            results.data_changed([department], MONTH)
            department_kpi(department, MONTH)
            raise RuntimeError("rolled back")
    assert db.session.scalar(select(DepartmentResult).where(DepartmentResult.month == MONTH)) is None


def _fresh(department_id: int, month: str):
    """The scoring computed now from the data, never read from the store."""
    dept_month = department_month(department_id, month)
    rows = [r for r in _rows(department_agents(department_id, month), month) if not r.missing]
    return score_rows(month, dept_month.connection_rate, rows, department_kpi(department_id, month).policy)


def test_stored_results_equal_fresh_computations_for_the_whole_demo(tmp_path, pki_dir):
    from conftest import _test_app
    from flask_migrate import upgrade

    from csapp.extensions import init_migrate
    from csapp.services.demo import create_demo

    app = _test_app(tmp_path / "demo.sqlite", pki_dir)
    with app.app_context():
        init_migrate(app)
        upgrade()
        create_demo(today=dt.date(2026, 11, 26))
        result = app.test_cli_runner().invoke(args=["scores", "rebuild"])
        assert result.exit_code == 0 and "already stored" in result.output, result.output
        heads = db.session.scalars(select(DepartmentResult)).all()
        current = [h for h in heads if h.data_version == current_version(h.department_id, h.month)]
        assert len({(h.department_id, h.month) for h in current}) == 12
        for head in current:
            stored = stored_score(
                head.department_id, head.month, head.data_version, policy_for(head.month, policy_book())
            )
            assert stored == _fresh(head.department_id, head.month), head.month
        again = app.test_cli_runner().invoke(args=["scores", "rebuild"])
        assert "computed 0 department-month(s); 12 already stored" in again.output
        db.session.remove()
        db.engine.dispose()


def test_a_writer_and_a_reader_at_once_never_leave_a_stored_result_unlike_its_version(db_app, org):
    """The writer records, after each commit, the fresh result of the version it made (it is the only
    writer); every result the reader stored meanwhile must equal the one of its version."""
    department, agent_id, supervisor_id = org["main"].id, org["agents"][1].id, org["users"]["supervisor"].id
    truth, done = {}, threading.Event()

    def writer():
        with db_app.app_context():
            supervisor = db.session.get(User, supervisor_id)
            for step in range(12):
                events.add_sample(supervisor, agent_id, MONTH, Decimal(60 + step), f"R-RACE-{step}")
                truth[current_version(department, MONTH)] = _fresh(department, MONTH)
                db.session.commit()
            done.set()

    def reader():
        with db_app.app_context():
            reads = 0
            while not done.is_set() or reads == 0:
                department_kpi(department, MONTH)
                db.session.commit()
                reads += 1
            return reads

    outcome = in_threads([writer, reader], timeout=120)
    assert not any(isinstance(o, BaseException) for o in outcome), [getattr(o, "trace", o) for o in outcome]
    db.session.commit()  # a fresh snapshot
    stored = db.session.scalars(
        select(DepartmentResult).where(DepartmentResult.department_id == department, DepartmentResult.month == MONTH)
    ).all()
    assert len(stored) >= 2 and outcome[1] >= 2
    for head in stored:
        if head.data_version in truth:
            assert (
                stored_score(department, MONTH, head.data_version, policy_for(MONTH, policy_book()))
                == truth[head.data_version]
            )


def test_one_agents_month_read_alone_equals_their_row_in_the_whole_department(db_app, org):
    from csapp.models import Employee
    from csapp.services.agent_kpi import agent_month
    from csapp.services.grid import SHEETS, on_sheet, sheet_people

    people = db.session.scalars(select(Employee)).all()
    scored = 0
    for month in ("2026-09", MONTH):
        for person in people:
            department = person.department_in(month)
            _, row = agent_month(person, month)
            whole = department_kpi(department, month).row_for(person.id)
            assert (row.score if row else None) == (whole.score if whole else None), (person.name, month)
            scored += bool(row and row.score)
            db.session.commit()  # the next read sees what this one stored
        for sheet in SHEETS.values():
            for department in (org["main"].id, org["other"].id):
                listed = {p.id for p in sheet_people(sheet, department, month)}
                assert listed == {p.id for p in people if on_sheet(sheet, p, department, month)}
    assert scored == 3  # October's three agents of 客服部 were compared, not only empty rows


def test_the_trend_reads_the_stored_totals_and_scores_a_month_not_stored_yet(db_app, org):
    from factories import fill_cycle

    from csapp.services.agent_kpi import agent_month, agent_trend

    fill_cycle(org)
    agent = org["agents"][0]
    department_kpi(org["main"].id, "2026-07")  # one month stored before, the others scored on the way
    db.session.commit()
    first = agent_trend(agent, MONTH)
    db.session.commit()
    again = agent_trend(agent, MONTH)  # now every month is read from the store
    expected = [(month, row.score.total if row and row.score else None) for month, (_, row) in
                ((m, agent_month(agent, m)) for m, _ in first)]  # fmt: skip
    assert first == again == expected
    assert [month for month, total in first if total is not None] == ["2026-05", "2026-06", "2026-07", "2026-08",
                                                                       "2026-09", MONTH]  # fmt: skip


def test_a_cycle_of_months_read_at_once_equals_each_month_read_alone(db_app, org):
    from csapp.services.agent_kpi import agent_month, agent_months

    months = ["2026-07", "2026-08", "2026-09", MONTH, "2026-11"]
    for person in org["agents"]:
        alone = {m: agent_month(person, m) for m in months}  # stores what is not stored yet
        db.session.commit()
        together = agent_months(person, months)
        assert set(together) == set(months)
        for m in months:
            (kpi_a, row_a), (kpi_b, row_b) = alone[m], together[m]
            assert (row_a.score if row_a else None) == (row_b.score if row_b else None), (person.name, m)
            assert (kpi_a.result.avg_production if kpi_a.result else None) == (
                kpi_b.result.avg_production if kpi_b.result else None
            )
    assert any(row and row.score for _, row in together.values())  # scored months were compared
