"""Recurrence rules evaluated in the meeting's own time zone, and a meeting's occurrences
with its overrides applied (pure functions of a loaded meeting, no database).

python-dateutil's ``rrule`` runs on an aware start carrying the meeting's ``ZoneInfo``:
Python adds to aware datetimes in wall-clock time, so a weekly 14:00 Europe/Vienna call
stays at 14:00 local on both sides of a daylight-saving change, and its UTC instant moves.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, available_timezones

from dateutil.rrule import rrule, rrulestr

from icat.core.errors import NotFound

if TYPE_CHECKING:
    from icat.meetings.models import Meeting

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


@dataclass(frozen=True)
class Occurrence:
    """One occurrence. ``recurrence_id`` is its original start in UTC (None for a single
    meeting); moved occurrences carry their new times and their own ``sequence``."""

    recurrence_id: datetime | None
    starts_at: datetime
    ends_at: datetime
    status: str
    sequence: int


def occurrences(meeting: Meeting, start: datetime, end: datetime) -> list[Occurrence]:
    """Occurrences overlapping ``[start, end)``, by start, overrides applied.

    Cancelled occurrences are included with ``status = "cancelled"`` (feeds show them);
    a cancelled meeting gives every occurrence that status.
    """
    duration = meeting.ends_at - meeting.starts_at
    if not meeting.recurrence:
        single = Occurrence(None, meeting.starts_at, meeting.ends_at, meeting.status, meeting.sequence)
        return [single] if _overlaps(single, start, end) else []
    overrides = {o.recurrence_id: o for o in meeting.overrides}
    found: list[Occurrence] = []
    for original in starts(meeting.recurrence, starts_at=meeting.starts_at, timezone=meeting.timezone):
        override = overrides.get(original)
        if override is not None:
            item = Occurrence(original, override.starts_at, override.ends_at, override.status, override.sequence)
        else:
            item = Occurrence(original, original, original + duration, "scheduled", meeting.sequence)
        if meeting.status == "cancelled":
            item = Occurrence(item.recurrence_id, item.starts_at, item.ends_at, "cancelled", item.sequence)
        if _overlaps(item, start, end):
            found.append(item)
    return sorted(found, key=lambda o: (o.starts_at, o.recurrence_id or o.starts_at))


def _overlaps(item: Occurrence, start: datetime, end: datetime) -> bool:
    return item.starts_at < end.astimezone(UTC) and item.ends_at > start.astimezone(UTC)


def upcoming_occurrences(meeting: Meeting, after: datetime, limit: int) -> list[Occurrence]:
    """The first ``limit`` occurrences still running after ``after``, cancelled ones included
    (people must see that a date they remember is off)."""
    return occurrences(meeting, after, datetime.max.replace(tzinfo=UTC))[:limit]


def find_occurrence(meeting: Meeting, recurrence_id: datetime) -> Occurrence:
    """The occurrence of a series whose original start is ``recurrence_id``, overrides applied.
    Raises NotFound when the meeting does not recur or has no such occurrence."""
    original = recurrence_id.astimezone(UTC)
    if meeting.recurrence:
        for item in occurrences(meeting, datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)):
            if item.recurrence_id == original:
                return item
    raise NotFound(f"Meeting {meeting.id} has no occurrence starting at {original.isoformat()}.")


def series_end(meeting_fields: dict[str, object]) -> datetime:
    """End of the last occurrence of a meeting described by ``starts_at``, ``ends_at``,
    ``timezone`` and ``recurrence`` (the value of ``Meeting.series_ends_at``)."""
    starts_at, ends_at = meeting_fields["starts_at"], meeting_fields["ends_at"]
    assert isinstance(starts_at, datetime) and isinstance(ends_at, datetime)
    rule = meeting_fields.get("recurrence")
    if not rule:
        return ends_at
    last = starts(str(rule), starts_at=starts_at, timezone=str(meeting_fields["timezone"]))[-1]
    return last + (ends_at - starts_at)
