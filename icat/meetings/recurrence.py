"""Recurrence rules evaluated in the meeting's own time zone (pure functions, no database).

python-dateutil's ``rrule`` runs on an aware start carrying the meeting's ``ZoneInfo``:
Python adds to aware datetimes in wall-clock time, so a weekly 14:00 Europe/Vienna call
stays at 14:00 local on both sides of a daylight-saving change, and its UTC instant moves.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from dateutil.rrule import rrule, rrulestr

MAX_OCCURRENCES = 500


class RecurrenceError(ValueError):
    """An RRULE that cannot be used; the message says why, for the ``recurrence`` field."""


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """True when ``name`` is an IANA zone this machine knows (tzdata), e.g. ``Europe/Vienna``."""
    return name in _zones()


def normalise(text: str) -> str:
    """The RRULE as stored: one line, upper case, without the ``RRULE:`` prefix."""
    return text.strip().upper().removeprefix("RRULE:")


def parse(text: str, *, starts_at: datetime, timezone: str) -> rrule:
    """Parse one bounded RRULE anchored at ``starts_at`` in ``timezone``.

    Raises RecurrenceError when the text is not one RRULE, is not bounded by COUNT or
    UNTIL (a UTC time, as RFC 5545 requires with a zoned DTSTART), yields no occurrence or
    more than ``MAX_OCCURRENCES``, or when the start is not its first occurrence.
    """
    body = normalise(text)
    if not body or any(c in body for c in "\r\n") or "DTSTART" in body:
        raise RecurrenceError("Give one RRULE line, such as FREQ=WEEKLY;COUNT=10, without DTSTART.")
    parts = {item.partition("=")[0] for item in body.split(";")}
    if not parts & {"COUNT", "UNTIL"}:
        raise RecurrenceError("The rule must end: add COUNT or UNTIL.")
    try:
        rule = rrulestr(body, dtstart=starts_at.astimezone(ZoneInfo(timezone)))
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(f"Not a valid RRULE: {exc}.") from exc
    if not isinstance(rule, rrule):
        raise RecurrenceError("Give one RRULE line.")
    total = sum(1 for _ in itertools.islice(rule, MAX_OCCURRENCES + 1))
    if total > MAX_OCCURRENCES:
        raise RecurrenceError(f"The rule yields more than {MAX_OCCURRENCES} occurrences.")
    if total == 0:
        raise RecurrenceError("The rule yields no occurrence after the start.")
    if next(iter(rule)) != starts_at:
        # RFC 5545 counts DTSTART as the first instance; calendar apps disagree when it does
        # not match the rule, so the start must be an occurrence (e.g. a Monday for BYDAY=MO).
        raise RecurrenceError("The start must be the first occurrence of the rule (check BYDAY and the like).")
    return rule


def starts(text: str, *, starts_at: datetime, timezone: str) -> list[datetime]:
    """Every occurrence's original start, in UTC (at most ``MAX_OCCURRENCES``)."""
    return [s.astimezone(UTC) for s in parse(text, starts_at=starts_at, timezone=timezone)]
