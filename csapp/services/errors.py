"""The one family of errors a service raises; their messages are shown to the user as they are (Chinese).

Views map them in one place (csapp/views/responses.py): a refusal tied to a field goes to that
field's error slot, everything else to the page's message region.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """The request is refused by a rule or a bad value; nothing was changed (422)."""

    status = 422

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


Refused = ServiceError


class BadRequest(ServiceError):
    """A malformed request (a parameter no page sends); 400."""

    status = 400


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class NeedsConfirmation(ServiceError):
    """A value outside its usual range (the policy's soft limit): saved only when the user confirms it; 422."""


class Conflict(ServiceError):
    """Someone else changed the record first, or a unique rule was broken meanwhile; carries the current value."""

    status = 409

    def __init__(self, message: str, current: Any = None, field: str | None = None):
        super().__init__(message, field)
        self.current = current


class MonthLocked(ServiceError):
    status = 423
