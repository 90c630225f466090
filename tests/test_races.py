"""Races on a real database file: numbers are claimed once, first saves never clash, losers get 409."""

from __future__ import annotations

from factories import legacy_person
from race import claim_numbers, in_processes, in_threads
from sqlalchemy import func, select, text

from csapp.extensions import db
from csapp.models import AgentMonth, IssuedNotice, NoticeCounter

BACKENDS = ("sqlite", "pg")  # concurrency-sensitive: every test here runs on both databases


def test_notice_numbers_claimed_by_four_processes_at_once_are_unique_and_gapless(db_app):
    uri = db_app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.rollback()
    results = in_processes(claim_numbers, [(uri, 25)] * 4)
    numbers = [n for batch in results for n in batch]
    assert len(numbers) == 100
    assert sorted(numbers) == [f"GZ2026-{i:05d}" for i in range(1, 101)]
    assert db.session.get(NoticeCounter, ("pay", 2026)).last == 100


def test_the_counter_goes_on_from_the_registry_after_the_migration(tmp_path):
    """Notices issued before the counter existed: the migration seeds it from the highest number."""
    from flask_migrate import downgrade, upgrade

    from csapp import create_app
    from csapp.extensions import init_migrate
    from csapp.services.notices import claim_number

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"})
    with app.app_context():
        init_migrate(app)
        upgrade(revision="6e87228368ec")
        legacy_person()
        for number, digest in (("GZ2026-00041", "a"), ("GZ2026-00007", "b"), ("JS2025-00003", "c")):
            db.session.execute(
                text(
                    "INSERT INTO issued_notice (number, kind, employee_id, month, sha256, path, signer, signatory, "
                    "issued_at) VALUES (:n, 'pay', 1, '2026-01', :h, 'x', 's', 's', '2026-01-02')"
                ),
                {"n": number, "h": digest},
            )
        db.session.commit()
        upgrade()
        assert claim_number("pay", 2026) == "GZ2026-00042"
        assert claim_number("promotion", 2025) == "JS2025-00004"
        assert claim_number("promotion", 2026) == "JS2026-00001"
        db.session.remove()
        downgrade(revision="6e87228368ec")
        assert db.session.scalar(select(func.count()).select_from(IssuedNotice)) == 3
        db.session.remove()
        db.engine.dispose()


def test_first_saves_of_one_new_row_by_two_users_at_once_both_land(db_app, org, login):
    """Two supervisors type into two cells of a row nobody saved yet: one row, both values, no 500."""
    newcomer = org["agents"][2]
    db.session.execute(text("DELETE FROM qa_sample WHERE employee_id = :e"), {"e": newcomer.id})
    db.session.execute(text("DELETE FROM agent_month WHERE employee_id = :e"), {"e": newcomer.id})
    db.session.commit()
    dept, person = org["main"].id, newcomer.id  # plain values: the threads have no app context
    clients = [login("sup"), login("hr")]

    def save(client, field, value):
        return lambda: client.post(
            "/entry/cell",
            data={
                "sheet": "metrics",
                "dept": dept,
                "month": "2026-10",
                "employee_id": person,
                "field": field,
                "value": value,
                "expected": "",
            },
        )

    for attempt in range(3):  # several rounds: the race must hold every time, not once by luck
        results = in_threads(
            [save(clients[0], "production", str(700 + attempt)), save(clients[1], "plan_missed", str(attempt + 1))]
        )
        assert [getattr(r, "status_code", None) for r in results] == [200, 200], [
            getattr(r, "trace", r) for r in results
        ]
        db.session.rollback()
        rows = db.session.scalars(select(AgentMonth).where(AgentMonth.employee_id == person)).all()
        assert len(rows) == 1
        assert (rows[0].production, rows[0].plan_missed) == (700 + attempt, attempt + 1)
        db.session.execute(text("DELETE FROM agent_month WHERE employee_id = :e"), {"e": person})
        db.session.commit()


def test_a_unique_clash_becomes_a_chinese_409_not_a_500(db_app, org, login):
    """Two HR users lock the same month at once: one wins, the other is told in Chinese."""
    clients = [login("hr"), login("hr")]
    dept = org["main"].id
    results = in_threads(
        [lambda c=c: c.post(f"/entry/lock?dept={dept}&month=2026-09", headers={"HX-Request": "true"}) for c in clients]
    )
    codes = sorted(r.status_code for r in results)
    assert 500 not in codes, [r.data.decode()[:300] for r in results]
    db.session.rollback()
    from csapp.models import DepartmentMonth

    rows = db.session.scalars(
        select(DepartmentMonth).where(DepartmentMonth.department_id == dept, DepartmentMonth.month == "2026-09")
    ).all()
    assert len(rows) == 1 and rows[0].locked_at is not None
    codes = sorted(r.status_code for r in results)
    assert codes[0] in (302, 303)
    loser = max(results, key=lambda r: r.status_code)
    assert loser.status_code in (409, 422)
    assert "已经锁定" in loser.data.decode() or "他人" in loser.data.decode()


def test_a_write_transaction_refuses_changes_made_outside_it(db_app, org):
    """Ending the read snapshot would silently drop them, even once autoflush has sent them."""
    import pytest

    from csapp.db import write_transaction
    from csapp.models import Attendance

    db.session.add(Attendance(employee=org["agents"][0], month="2026-10"))
    db.session.flush()
    with pytest.raises(RuntimeError, match="unsaved changes"):
        with write_transaction():
            pass
    db.session.rollback()
