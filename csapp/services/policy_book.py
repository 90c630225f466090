"""The published policy versions (the book the services read through ``policy_in``), cached per process.

A process keeps the book it loaded with the value of ``policy_generation`` it saw; publishing bumps that
value in its own transaction, so the next request (``refresh``, once per request and once per job)
reloads. An impact preview runs the same services with another book (``computing_with``): stored
results are then neither read nor written.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app, has_request_context, request
from sqlalchemy import select

from ..extensions import db
from ..models.policy import PolicyGeneration, PolicyStatus, PolicyVersion
from ..policy.parameters import PolicyError, parse_policy, policy_for

if TYPE_CHECKING:  # the schema (pydantic) loads with the first book, not when the app starts
    from ..policy.schema import Policy

_KEY = "csapp.policy_book"


@dataclass
class Scratch:
    """A computation with a book of its own: nothing stored is read or written; department months are
    computed once per computation."""

    book: tuple[Policy, ...]
    departments: dict = field(default_factory=dict)


_scratch: contextvars.ContextVar[Scratch | None] = contextvars.ContextVar("csapp_policy_scratch", default=None)


def scratch() -> Scratch | None:
    """The computation with a book of its own that is running, if any."""
    return _scratch.get()


@contextlib.contextmanager
def computing_with(book: tuple[Policy, ...]) -> Iterator[Scratch]:
    """Run the block's services under *book*, reading and writing no stored result."""
    token = _scratch.set(Scratch(book))
    try:
        yield _scratch.get()
    finally:
        _scratch.reset(token)


def generation() -> int:
    with db.session.no_autoflush:  # a read of the book never flushes what the caller is building
        value = db.session.scalar(select(PolicyGeneration.value).where(PolicyGeneration.id == 1))
    if value is None:
        raise PolicyError("policy_generation is empty: run `flask --app csapp db upgrade`")
    return value


def load_published() -> tuple[Policy, ...]:
    """The published versions, oldest first (an empty table is an error, never a fallback)."""
    with db.session.no_autoflush:
        rows = db.session.execute(
            select(PolicyVersion.id, PolicyVersion.content)
            .where(PolicyVersion.status == PolicyStatus.PUBLISHED)
            .order_by(PolicyVersion.effective)
        ).all()
    if not rows:
        raise PolicyError("no policy version is published: run `flask --app csapp db upgrade`")
    return tuple(parsed(content, row_id) for row_id, content in rows)


@functools.lru_cache(maxsize=64)
def parsed(content: str, row_id: int) -> Policy:
    """A stored version's content validated once per process (keyed by the content: a published version never
    changes, an edited draft has new content; ≈ 6 ms a parse)."""
    return parse_policy(content, f"policy_version {row_id}")


def refresh() -> tuple[Policy, ...]:
    """Reload the book when another process published since this one loaded it (one small query)."""
    cached = current_app.extensions.get(_KEY)
    seen = generation()
    if cached is None or cached[0] != seen:
        cached = (seen, load_published())
        current_app.extensions[_KEY] = cached
    return cached[1]


def policy_book() -> tuple[Policy, ...]:
    """The book in force for this computation: the published versions (or a preview's own book)."""
    running = _scratch.get()
    if running is not None:
        return running.book
    if has_request_context() and not request.environ.get(_KEY):  # once per request: did anyone publish?
        request.environ[_KEY] = True
        return refresh()
    cached = current_app.extensions.get(_KEY)
    return cached[1] if cached is not None else refresh()


def policy_in(month: str) -> Policy:
    """The version in force in *month* under this computation's book (what every service reads)."""
    return policy_for(month, policy_book())


def forget() -> None:
    """Drop this process's cached book (after a publish in this process, and in tests)."""
    current_app.extensions.pop(_KEY, None)
