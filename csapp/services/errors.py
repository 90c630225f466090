"""Errors a service raises; their messages are shown to the user as they are (Chinese)."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """The request cannot be done; nothing was changed."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    """Someone else changed the record first; carries the current value."""

    status = 409

    def __init__(self, message: str, current: Any = None, field: str | None = None):
        super().__init__(message, field)
        self.current = current


class MonthLocked(ServiceError):
    status = 423
