"""Domain errors. Services raise these; ``icat.web.errors`` maps them to HTTP once.

Each error carries two identifiers and a message:

- ``code`` (the class's): the kind of error, the ``"error"`` of the JSON answer; clients
  branch on it, so it never changes.
- ``rule``: the specific rule broken, a stable dotted name such as
  ``rotation.partner_cannot_chair``; one rule, one message. It defaults to ``code``.
- ``message`` and the messages in ``fields``: for people, usually Flask-Babel lazy strings
  (``lazy_gettext as _l``), so they are translated when the answer is rendered, in the
  reader's language (the web layer, the page forms and the CLI call ``str()`` on them).
"""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString

Message = str | LazyString


class DomainError(Exception):
    """Base of every error a user can cause. ``code`` and ``rule`` are stable, ``message`` is
    for people (translated at render time when it is a lazy string)."""

    status = 400
    code = "bad_request"

    def __init__(self, message: Message = "", *, fields: dict[str, Any] | None = None, rule: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.rule = rule or self.code


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

    def __init__(self, message: Message, *, retry_after: int, rule: str | None = None) -> None:
        super().__init__(message, rule=rule)
        self.retry_after = retry_after


def rendered(value: Any) -> Any:
    """``value`` with every lazy string made text now, in the current locale: the messages of
    ``fields`` (strings, lists of them, dicts of those) ready for JSON, a page or a terminal."""
    if isinstance(value, dict):
        return {key: rendered(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [rendered(item) for item in value]
    if isinstance(value, LazyString):
        return str(value)
    return value
