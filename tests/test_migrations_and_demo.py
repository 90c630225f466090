"""The Alembic migrations build exactly the models' schema; the demo fills every page."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from factories import legacy_person
from flask_migrate import upgrade
from sqlalchemy import func, select

from csapp import create_app
from csapp.extensions import db, init_migrate
from csapp.models import AgentMonth, DepartmentMonth, Employee, PayRun, PromotionApplication, User
from csapp.queue import include_object
from csapp.services.demo import DEMO_PASSWORD, create_demo
from csapp.services.errors import ServiceError


@pytest.fixture()
def migrated(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite'}",
        }
    )
    with app.app_context():
        init_migrate(app)
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_migrations_match_the_models(migrated):
    with db.engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"include_object": include_object}), db.metadata
        )
    assert diff == []


def test_every_stored_policy_version_loads_after_db_upgrade(migrated):
    """The migrations seed the shipped version (inlined) and every stored version reads in this schema."""
    from csapp.models import PolicyGeneration, PolicyVersion
    from csapp.policy.parameters import SCHEMA_VERSION, parse_policy, shipped_policies

    rows = db.session.scalars(select(PolicyVersion)).all()
    assert [r.label for r in rows] == [p.version for p in shipped_policies()]
    for row in rows:
        assert row.schema_version == SCHEMA_VERSION
        assert parse_policy(row.content) == next(p for p in shipped_policies() if p.version == row.label)
    assert db.session.get(PolicyGeneration, 1).value >= 1


def test_demo_department(migrated):
    import datetime as dt

    summary = create_demo(today=dt.date(2026, 11, 26))
    assert summary["months"] == ("2025-11", "2026-10")
    people = db.session.scalars(select(Employee)).all()
    agents = [p for p in people if p.track_in("2026-06") == "agent"]
    assert len(agents) == 30 + 1 and sum(a.regularized_on is None for a in agents) == 4 + 1  # + this month's hire
    # people over time: one agent became 主管 in 2026-07, one intern 转正 in 2026-10, one left in 2026-10
    assert [p.code for p in agents if p.track_in("2026-10") == "sup"] == ["A002"]
    assert sum(p.regularized_on == dt.date(2026, 10, 1) for p in agents) == 1
    assert [p.separated_on for p in agents if p.separated_on] == [dt.date(2026, 10, 15)]
    assert sum(p.track_in("2026-10") == "spec" for p in people) == 4
    assert sum(p.track_in("2026-06") == "sup" for p in people) == 2
    months = db.session.scalars(select(DepartmentMonth.month).order_by(DepartmentMonth.month)).all()
    assert len(months) == 12
    locked = db.session.scalars(select(DepartmentMonth).where(DepartmentMonth.locked_at.is_not(None))).all()
    assert len(locked) == 11
    assert db.session.scalar(select(func.count()).select_from(AgentMonth)) > 25 * 12
    assert db.session.scalar(select(PayRun).where(PayRun.month == "2026-10")).slips  # HR finds last month's pay run
    assert db.session.scalar(select(func.count()).select_from(PromotionApplication)) == 1  # one for 待面谈
    with pytest.raises(ServiceError):
        create_demo()
    client = migrated.test_client()
    assert client.post("/login", data={"username": "sup1", "password": DEMO_PASSWORD}).status_code == 303
    for url in [
        "/entry?month=2026-10",
        "/ranking?month=2026-10",
        "/events/incidents?month=2026-10",
        "/entry?sheet=attendance&month=2026-10",
        "/policy",
    ]:
        assert client.get(url).status_code == 200, url
    html = client.get("/ranking?month=2026-10").data.decode()
    assert html.count("<tr>") >= 25
    agent = migrated.test_client()
    assert agent.post("/login", data={"username": "agent01", "password": DEMO_PASSWORD}).status_code == 303
    assert "本月总分" in agent.get("/me/scores?month=2026-10").data.decode()
    for username in ["hr", "admin", "manager"]:
        assert db.session.scalar(select(User).where(User.username == username)) is not None


def test_a_populated_database_upgrades_its_pay_runs(tmp_path):
    """Runs made before the pay-run lifecycle: the month's current run becomes its confirmed run."""
    from flask_migrate import upgrade as upgrade_to
    from sqlalchemy import text

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    with app.app_context():
        init_migrate(app)
        upgrade_to(revision="b1c4d2e8f0a1")
        legacy_person()
        db.session.execute(
            text(
                "INSERT INTO pay_run (id, month, run_no, current, stale, stale_reason, policy_version, created_at) "
                "VALUES (1, '2026-09', 1, 0, 0, '', 'default-1', '2026-10-01'), "
                "(2, '2026-09', 2, 1, 0, '', 'default-1', '2026-10-02')"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO pay_slip (run_id, employee_id, grade, base, performance, commission, attendance_bonus, "
                "allowances, gross, explanations_json) VALUES (2, 1, 'agent.1', 3000, 500, 0, 200, 0, 3700, '{}')"
            )
        )
        db.session.commit()
        upgrade_to()
        runs = db.session.execute(text("SELECT id, status, confirm_no FROM pay_run ORDER BY id")).all()
        assert [tuple(r) for r in runs] == [(1, "ABANDONED", None), (2, "CONFIRMED", 1)]
        slip = db.session.execute(text("SELECT gross, net, deductions_json, gaps_json FROM pay_slip")).one()
        assert (float(slip[0]), float(slip[1]), slip[2], slip[3]) == (3700.0, 3700.0, "{}", "[]")
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1  # enforced again after migrating
        db.session.remove()
        db.engine.dispose()
