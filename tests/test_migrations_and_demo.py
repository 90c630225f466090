"""The Alembic migrations build exactly the models' schema; the demo fills every page."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import func, select

from csapp import create_app
from csapp.extensions import db, init_migrate
from csapp.models import AgentMonth, DepartmentMonth, Employee, PayRun, PromotionApplication, User
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
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


def test_demo_department(migrated):
    import datetime as dt

    summary = create_demo(today=dt.date(2026, 11, 26))
    assert summary["months"] == ("2025-11", "2026-10")
    agents = db.session.scalars(select(Employee).where(Employee.track == "agent")).all()
    assert len(agents) == 30 and sum(a.employment == "intern" for a in agents) == 5
    assert db.session.scalar(select(func.count()).select_from(Employee).where(Employee.track == "spec")) == 4
    assert db.session.scalar(select(func.count()).select_from(Employee).where(Employee.track == "sup")) == 2
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
