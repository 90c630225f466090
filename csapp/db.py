"""Transactions: every session transaction is one snapshot; writes take the write lock first.

On SQLite, Python's driver sends no ``BEGIN`` before a SELECT, so reads outside a write see no
consistent snapshot and a read-then-write can fail at once (SQLITE_BUSY_SNAPSHOT). SQLAlchemy's
documented recipe takes transaction control from the driver: ``isolation_level = None`` on the DBAPI
connection and an explicit ``BEGIN`` from the engine's ``begin`` event. A write transaction begins
``BEGIN IMMEDIATE``, so concurrent writers queue on the busy timeout instead of failing.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import TypeVar

from sqlalchemy import Index, event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from .extensions import db

BEGIN_OPTION = "csapp_begin"
_ON_COMMIT = "csapp.on_commit"
_WRITING = "csapp_writing"
M = TypeVar("M")


def _is_sqlite(dbapi_connection) -> bool:
    return "sqlite" in type(dbapi_connection).__module__


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, _record) -> None:
    """WAL, a busy timeout, foreign keys; and transaction control taken from the driver."""
    if not _is_sqlite(dbapi_connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    """Emit BEGIN (DEFERRED: a snapshot from the first read) or BEGIN IMMEDIATE for a write transaction."""
    if connection.dialect.name != "sqlite":
        return
    mode = connection.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


_FLUSHED = "csapp_flushed"


@event.listens_for(Session, "after_flush")
def _remember_flush(session: Session, _context) -> None:
    session.info[_FLUSHED] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_flush(session: Session) -> None:
    session.info.pop(_FLUSHED, None)
    session.info.pop(_MEMO, None)


_MEMO = "csapp_memo"


def transaction_memo(key: tuple, compute):
    """The value of *compute()* for *key*, computed once per transaction (one snapshot, so one answer).

    Forgotten when the transaction ends and whenever this session writes (flush): never across requests.
    """
    session = db.session()
    memo = session.info.setdefault(_MEMO, {})
    if session.info.get(_FLUSHED) or session.new or session.dirty or session.deleted:
        memo.clear()
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _begin_write(session: Session) -> None:
    """End a read-only transaction in progress and begin one that holds the write lock.

    Changes made outside a write transaction (pending, or already flushed) would be lost by ending
    the read snapshot: that is a programming error, refused loudly.
    """
    if session.in_transaction():
        if session.new or session.dirty or session.deleted or session.info.get(_FLUSHED):
            raise RuntimeError("write_transaction() entered with unsaved changes")
        session.rollback()
    session.connection(execution_options=write_options())


def write_options() -> dict:
    """A write transaction's options: SQLite's BEGIN IMMEDIATE (the write lock at once); on PostgreSQL
    READ COMMITTED, so a counter's UPDATE … RETURNING or an insert-or-ignore waits for a concurrent one
    instead of failing with a serialization error (the rows that matter are locked FOR UPDATE)."""
    if db.engine.dialect.name == "sqlite":
        return {BEGIN_OPTION: "IMMEDIATE"}
    return {"isolation_level": "READ COMMITTED"}


@contextlib.contextmanager
def write_transaction() -> Iterator[Session]:
    """Run the block in one write transaction and commit it; roll back on any error.

    Nested use joins the outer transaction. A unique-constraint violation or a lost optimistic
    lock becomes a Conflict (409) in Chinese.
    """
    session = db.session()
    if session.info.get(_WRITING):
        yield session
        return
    _begin_write(session)
    session.info[_WRITING] = True
    try:
        yield session
        session.commit()
    except (IntegrityError, StaleDataError) as exc:
        session.rollback()
        raise conflict_for(exc) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(_WRITING, None)
        callbacks = session.info.pop(_ON_COMMIT, [])
    for callback in callbacks:  # only reached when the commit succeeded
        callback()


def is_writing() -> bool:
    """Whether the current session is inside a write transaction."""
    return bool(db.session().info.get(_WRITING))


def on_commit(callback) -> None:
    """Run *callback* once the current write transaction has committed (never if it rolls back).

    For what must follow the commit, never precede it: enqueueing a job whose row this transaction
    inserts, linking a file into its final name.
    """
    session = db.session()
    if not session.info.get(_WRITING):
        raise RuntimeError("on_commit outside a write transaction")
    session.info.setdefault(_ON_COMMIT, []).append(callback)


def writes(function):
    """Decorate a service function: it runs in one write transaction, committed when it returns.

    A transaction PostgreSQL aborts to resolve a conflict (SQLSTATE 40001 serialization failure, 40P01
    deadlock) runs once more from the start; a second one becomes a Chinese 409."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if is_writing():
            return function(*args, **kwargs)
        for attempt in (1, 2):
            try:
                with write_transaction():
                    return function(*args, **kwargs)
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) not in RETRIED:
                    raise
                if attempt == 2:
                    raise busy() from exc

    return wrapper


RETRIED = ("40001", "40P01")  # serialization failure, deadlock detected


def busy():
    from .services.errors import Conflict

    return Conflict("数据正被他人同时修改,您的操作未生效。请稍后重试。")


def conflict_for(exc: Exception):
    """The Chinese 409 for a unique rule broken or a row changed by someone else meanwhile."""
    from .services.errors import Conflict

    if isinstance(exc, StaleDataError):
        return Conflict("这条记录刚被他人修改,您的修改未保存。请刷新页面,核对后重试。")
    return Conflict("同样的记录刚刚已由他人保存,您的操作未生效。请刷新页面后查看。")


def insert_or_select(session: Session, model: type[M], values: dict | None = None, **keys) -> tuple[M, bool]:
    """Return (row with *keys*, whether this call inserted it).

    A missing row is inserted with *values* inside a savepoint; if another transaction inserted it
    first (a unique clash), the savepoint rolls back and the row is selected again.
    """
    query = select(model).filter_by(**keys)
    row = session.scalar(query)
    if row is not None:
        return row, False
    try:
        with session.begin_nested():
            row = model(**keys, **(values or {}))
            session.add(row)
    except IntegrityError:
        row = session.scalar(query)
        if row is None:
            raise
        return row, False
    return row, True


def upsert(session: Session, model: type[M], values: dict, **keys) -> M:
    """The row with *keys* holding *values*: inserted (insert_or_select) or, if it was there, updated."""
    row, inserted = insert_or_select(session, model, values, **keys)
    if not inserted:
        for name, value in values.items():
            setattr(row, name, value)
    return row


def insert_on_conflict(table):
    """An INSERT that can say what to do on a conflict (SQLite and PostgreSQL spell it alike)."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table)


_PARTIAL_WHERE = "csapp_partial_where"


def partial_unique(name: str, *columns: str, where: str) -> Index:
    """A unique index over the rows matching *where*, on SQLite and on PostgreSQL.

    The PostgreSQL spelling (``postgresql_where``) is added when the process first connects to
    PostgreSQL: naming it here would load that dialect into every SQLite worker (2.4 MB at idle)."""
    return Index(name, *columns, unique=True, sqlite_where=text(where), info={_PARTIAL_WHERE: where})


@event.listens_for(Engine, "engine_connect")
def _postgresql_partial_indexes(connection) -> None:
    """Give the partial unique indexes their PostgreSQL condition (once per process, before any DDL)."""
    if connection.dialect.name != "postgresql":
        return
    for table in db.metadata.tables.values():
        for index in table.indexes:
            where = index.info.get(_PARTIAL_WHERE)
            if where is not None and index.dialect_options["postgresql"]["where"] is None:
                index.dialect_options["postgresql"]["where"] = text(where)
