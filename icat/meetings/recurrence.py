"""Recurrence rules evaluated in the meeting's own time zone, and a meeting's occurrences
with its overrides applied (pure functions of a loaded meeting, no database).

python-dateutil's ``rrule`` runs on an aware start carrying the meeting's ``ZoneInfo``:
Python adds to aware datetimes in wall-clock time, so a weekly 14:00 Europe/Vienna call
stays at 14:00 local on both sides of a daylight-saving change, and its UTC instant moves.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, available_timezones

from dateutil.rrule import rrule, rrulestr
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from icat.core.errors import Message, NotFound

if TYPE_CHECKING:
    from icat.meetings.models import Meeting

MAX_OCCURRENCES = 500


class RecurrenceError(ValueError):
    """An RRULE that cannot be used; the message says why, for the ``recurrence`` field."""


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def known_zones() -> frozenset[str]:
    """Every IANA zone this machine knows (tzdata)."""
    return _zones()


def is_time_zone(name: str) -> bool:
    """True when ``name`` is an IANA zone this machine knows (tzdata), e.g. ``Europe/Vienna``."""
    return name in _zones()


def normalise(text: str) -> str:
    """The RRULE as stored: one line, upper case, without the ``RRULE:`` prefix."""
    return text.strip().upper().removeprefix("RRULE:")


# RFC 5545 §3.3.10: each numeric BYxxx part's range (zero excluded where a sign is allowed).
# INTERVAL and COUNT are ours: a meeting every thousand periods, or more occurrences than a
# page or feed lists, is a typo, and an unbounded integer overflows the parsers downstream.
MAX_INTERVAL = 1000
FIRST_YEAR, LAST_YEAR = 2000, 2100
FREQS = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_RANGES: dict[str, tuple[int, int, bool]] = {  # part → (low, high, may be negative)
    "INTERVAL": (1, MAX_INTERVAL, False),
    "COUNT": (1, MAX_OCCURRENCES, False),
    "BYSECOND": (0, 60, False),
    "BYMINUTE": (0, 59, False),
    "BYHOUR": (0, 23, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False),
    "BYSETPOS": (1, 366, True),
}
_LISTS = frozenset(_RANGES) - {"INTERVAL", "COUNT"} | {"BYDAY"}
_NUMBER = re.compile(r"[+-]?\d{1,4}")
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_UNTIL = re.compile(r"(\d{4})(\d{2})(\d{2})(T\d{6}Z?)?")


def _number_problem(part: str, item: str) -> Message | None:
    low, high, signed = _RANGES[part]
    value = int(item) if _NUMBER.fullmatch(item) else None
    if value is not None and low <= abs(value) <= high and (signed or item[0].isdigit()):
        return None
    sign = "±" if signed else ""
    return _l(
        "%(part)s takes whole numbers from %(low)s to %(high)s, not %(item)r.",
        part=part,
        low=f"{sign}{low}",
        high=f"{sign}{high}",
        item=item,
    )


def _until_problem(value: str) -> Message | None:
    found = _UNTIL.fullmatch(value)
    if found is None:
        return _l("UNTIL is a date (YYYYMMDD) or a UTC time (YYYYMMDDTHHMMSSZ), not %(value)r.", value=value)
    if not FIRST_YEAR <= int(found.group(1)) <= LAST_YEAR:
        return _l("UNTIL must fall between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
    return None


def _choice_problem(name: str, value: str, choices: tuple[str, ...]) -> Message | None:
    if value in choices:
        return None
    return _l("%(name)s is one of %(choices)s, not %(value)r.", name=name, choices=", ".join(choices), value=value)


def _part_problem(name: str, value: str) -> Message | None:
    """Why one ``NAME=value`` part breaks RFC 5545 §3.3.10 (or our bounds), or None."""
    if name == "FREQ":
        return _choice_problem(name, value, FREQS)
    if name == "WKST":
        return _choice_problem(name, value, WEEKDAYS)
    if name == "UNTIL":
        return _until_problem(value)
    items = value.split(",") if name in _LISTS else [value]
    for item in items:
        if name == "BYDAY":
            found = _BYDAY.fullmatch(item)
            ordinal = found.group(1) if found else None
            if found is None or (ordinal is not None and not 1 <= abs(int(ordinal)) <= 53):
                return _l("BYDAY takes weekdays such as MO or -1FR (ordinals ±1 to ±53), not %(item)r.", item=item)
        elif problem := _number_problem(name, item):
            return problem
    return None


def check_parts(text: str) -> list[Message]:
    """Every problem of the RRULE's parts: each known to RFC 5545 §3.3.10, given once, within
    its range, FREQ present, not both COUNT and UNTIL. Pure text: no start, no zone needed."""
    body = normalise(text)
    problems: list[Message] = []
    seen: set[str] = set()
    for part in body.split(";"):
        name, equals, value = part.partition("=")
        if not equals or not value:
            problems.append(_l("%(part)r is not a NAME=VALUE part of an RRULE.", part=part))
        elif name not in _RANGES and name not in ("FREQ", "UNTIL", "WKST", "BYDAY"):
            problems.append(_l("%(name)s is not an RRULE part.", name=name))
        elif name in seen:
            problems.append(_l("%(name)s is given twice.", name=name))
        elif problem := _part_problem(name, value):
            problems.append(problem)
        seen.add(name)
    if "FREQ" not in seen:
        problems.append(_l("The rule needs FREQ, such as FREQ=WEEKLY."))
    if {"COUNT", "UNTIL"} <= seen:
        problems.append(_l("Give COUNT or UNTIL, not both."))
    return problems


def parse(text: str, *, starts_at: datetime, timezone: str) -> rrule:
    """Parse one bounded RRULE anchored at ``starts_at`` in ``timezone``.

    Raises RecurrenceError when the text is not one RRULE, has a part outside RFC 5545's
    ranges (``check_parts``), is not bounded by COUNT or
    UNTIL (a UTC time, as RFC 5545 requires with a zoned DTSTART), yields no occurrence or
    more than ``MAX_OCCURRENCES``, or when the start is not its first occurrence.
    """
    body = normalise(text)
    if not body or any(c in body for c in "\r\n") or "DTSTART" in body:
        raise RecurrenceError(_l("Give one RRULE line, such as FREQ=WEEKLY;COUNT=10, without DTSTART."))
    problems = check_parts(body)
    if problems:
        raise RecurrenceError(LazyString(lambda: " ".join(map(str, problems))))  # joined when shown
    parts = {item.partition("=")[0] for item in body.split(";")}
    if not parts & {"COUNT", "UNTIL"}:
        raise RecurrenceError(_l("The rule must end: add COUNT or UNTIL."))
    try:
        rule = rrulestr(body, dtstart=starts_at.astimezone(ZoneInfo(timezone)))
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(_l("Not a valid RRULE: %(reason)s.", reason=str(exc))) from exc
    if not isinstance(rule, rrule):
        raise RecurrenceError(_l("Give one RRULE line."))
    try:
        found = list(itertools.islice(rule, MAX_OCCURRENCES + 1))
    except (ValueError, OverflowError) as exc:  # dateutil stepping past year 9999
        raise RecurrenceError(_l("The rule's occurrences run past %(year)s.", year=LAST_YEAR)) from exc
    if len(found) > MAX_OCCURRENCES:
        raise RecurrenceError(_l("The rule yields more than %(n)s occurrences.", n=MAX_OCCURRENCES))
    if not found:
        raise RecurrenceError(_l("The rule yields no occurrence after the start."))
    if found[-1].year > LAST_YEAR:
        raise RecurrenceError(_l("The rule's occurrences run past %(year)s: end it sooner.", year=LAST_YEAR))
    if next(iter(rule)) != starts_at:
        # RFC 5545 counts DTSTART as the first instance; calendar apps disagree when it does
        # not match the rule, so the start must be an occurrence (e.g. a Monday for BYDAY=MO).
        raise RecurrenceError(_l("The start must be the first occurrence of the rule (check BYDAY and the like)."))
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
    raise NotFound(
        _l("Meeting %(id)s has no occurrence starting at %(start)s.", id=meeting.id, start=original.isoformat()),
        rule="meetings.occurrence_unknown",
    )


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
