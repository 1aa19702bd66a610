"""Domain errors. Services raise these; ``icat.web.errors`` maps them to HTTP once."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a user can cause. ``code`` is stable, ``message`` is for people."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class BadRequest(DomainError):
    status, code = 400, "bad_request"


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class NotFound(DomainError):
    status, code = 404, "not_found"


class Conflict(DomainError):
    status, code = 409, "conflict"


class StaleVersion(DomainError):
    """The client edited another version than the one stored. The web layer answers 409,
    or 412 ``precondition_failed`` when the version came from ``If-Match``."""

    status, code = 409, "stale"


class ValidationError(DomainError):
    """Input that parses but breaks a rule; ``fields`` names each field and what is wrong."""

    status, code = 422, "validation_failed"


class TooManyRequests(DomainError):
    status, code = 429, "too_many_requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
