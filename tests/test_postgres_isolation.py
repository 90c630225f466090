"""PostgreSQL: every read transaction is one snapshot (REPEATABLE READ), writes run at READ COMMITTED
behind row locks, and a transaction PostgreSQL aborts (deadlock, serialization failure) runs once more,
then becomes a Chinese 409 (issue 16)."""

from __future__ import annotations

import threading

import pytest
from factories import MONTH
from race import in_threads
from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError

from csapp.db import writes
from csapp.extensions import db
from csapp.models import DataVersion
from csapp.services.errors import Conflict
from csapp.services.results import current_version, data_changed

BACKENDS = ("pg",)


def test_a_read_transaction_sees_one_snapshot_while_others_commit(db_app, org):
    department = org["main"].id

    @writes
    def bump():
        data_changed([department], MONTH)

    bump()
    first = current_version(department, MONTH)
    done = threading.Thread(target=lambda: _in_app(db_app, bump))
    done.start()
    done.join()
    assert current_version(department, MONTH) == first  # the same snapshot: the other commit is not seen
    assert db.session.execute(text("SHOW transaction_isolation")).scalar() == "repeatable read"
    db.session.rollback()
    assert current_version(department, MONTH) == first + 1  # a new transaction sees it


def _in_app(app, call):
    with app.app_context():
        try:
            return call()
        finally:
            db.session.remove()


def test_write_transactions_run_at_read_committed(db_app, org):
    @writes
    def level():
        return db.session.execute(text("SHOW transaction_isolation")).scalar()

    assert level() == "read committed"


def test_a_deadlock_is_run_again_once_and_both_writers_succeed(db_app, org):
    """Two writers lock two rows in opposite orders: PostgreSQL aborts one (40P01); it runs again."""
    department_ids = [org["main"].id, org["other"].id]
    for department in department_ids:
        _in_app(db_app, writes(lambda d=department: data_changed([d], MONTH)))
    barrier = threading.Barrier(2)
    attempts = []

    def writer(order):
        @writes
        def lock_both():
            attempts.append(order)
            first, second = order
            db.session.execute(_raise(first))
            if len(attempts) <= 2:
                barrier.wait(10)  # both hold their first row: the second statement deadlocks
            db.session.execute(_raise(second))

        return lambda: _in_app(db_app, lock_both)

    outcome = in_threads([writer(tuple(department_ids)), writer(tuple(reversed(department_ids)))])
    assert not any(isinstance(o, BaseException) for o in outcome), outcome
    assert len(attempts) == 3  # one of the two ran twice
    db.session.rollback()
    versions = db.session.scalars(select(DataVersion.version).where(DataVersion.month == MONTH)).all()
    assert sorted(versions) == [3, 3]  # 1 (setup) + 1 from each writer, on both rows


def _raise(department_id):
    return (
        update(DataVersion)
        .where(DataVersion.department_id == department_id, DataVersion.month == MONTH)
        .values(version=DataVersion.version + 1)
    )


def test_a_second_abort_becomes_a_chinese_409(db_app, monkeypatch):
    calls = []

    class Aborted(Exception):
        sqlstate = "40001"

    @writes
    def always_aborted():
        calls.append(1)
        raise OperationalError("UPDATE …", {}, Aborted())

    with pytest.raises(Conflict, match="正被他人同时修改") as refused:
        always_aborted()
    assert len(calls) == 2 and refused.value.status == 409


def test_the_partial_unique_indexes_keep_their_condition_on_postgresql(db_app):
    """The models name the PostgreSQL condition only once the process connects to PostgreSQL (csapp.db)."""
    found = dict(
        db.session.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'uq_%'")).all()
    )
    conditions = {
        "uq_pay_run_one_draft": "'DRAFT'",
        "uq_pay_run_one_confirmed": "'CONFIRMED'",
        "uq_policy_version_open": "'returned'",
        "uq_policy_version_published": "'published'",
    }
    for name, condition in conditions.items():
        assert "UNIQUE INDEX" in found[name] and " WHERE " in found[name] and condition in found[name], found[name]
