"""Plain-language meeting choices and the API's forms they stand for (pure, no web).

The meeting form asks "repeats every week on Tuesday, 6 times" and "1 day before"; the
services and the API keep RFC 5545 RRULEs and ISO 8601 durations. ``Repeat`` is one
recurrence the form can express, ``to_rrule`` writes its RRULE and ``from_rrule`` reads a
stored one back (None when the rule says more than the choices can, e.g. BYMONTHDAY);
``wall_time_problem`` finds a local start that a daylight-saving change skips or repeats.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from icat.meetings.recurrence import MAX_OCCURRENCES, WEEKDAYS, normalise

PATTERNS = ("none", "daily", "weekly", "monthly")
MONTH_ORDINALS = (1, 2, 3, 4, -1)  # the first … fourth, and the last, weekday of a month
# Reminders offered as one tick each; anything else is a custom amount of a unit.
PRESET_OFFSETS = ("P7D", "P1D", "PT2H")
UNITS = {"minutes": "M", "hours": "H", "days": "D", "weeks": "W"}  # unit → ISO 8601 designator
_UNIT_SECONDS = {"weeks": 604800, "days": 86400, "hours": 3600, "minutes": 60}


@dataclass(frozen=True)
class Repeat:
    """One recurrence as the form offers it. ``weekdays`` (MO…SU) for weekly meetings;
    ``ordinal`` and ``weekday`` ("the 2nd Tuesday", -1 the last) for monthly ones; it ends
    after ``count`` meetings or on the local day ``until`` (one of them, unless "none")."""

    pattern: str = "none"
    interval: int = 1
    weekdays: tuple[str, ...] = field(default_factory=tuple)
    ordinal: int = 1
    weekday: str = "MO"
    count: int | None = None
    until: date | None = None


def _until(day: date, zone: ZoneInfo) -> str:
    """The last second of ``day`` in ``zone``, in UTC, as RFC 5545 wants with a zoned DTSTART."""
    last = datetime.combine(day, time(23, 59, 59), zone).astimezone(UTC)
    return last.strftime("%Y%m%dT%H%M%SZ")


def to_rrule(repeat: Repeat, zone: ZoneInfo) -> str | None:
    """The RRULE for ``repeat`` (None for "none"), e.g. ``FREQ=WEEKLY;BYDAY=TU;COUNT=6``."""
    if repeat.pattern == "none":
        return None
    parts = [f"FREQ={repeat.pattern.upper()}"]
    if repeat.interval > 1:
        parts.append(f"INTERVAL={repeat.interval}")
    if repeat.pattern == "weekly" and repeat.weekdays:
        parts.append("BYDAY=" + ",".join(d for d in WEEKDAYS if d in repeat.weekdays))
    if repeat.pattern == "monthly":
        parts.append(f"BYDAY={repeat.ordinal}{repeat.weekday}")
    if repeat.until is not None:
        parts.append(f"UNTIL={_until(repeat.until, zone)}")
    elif repeat.count is not None:
        parts.append(f"COUNT={repeat.count}")
    return ";".join(parts)


def _parts(text: str) -> dict[str, str] | None:
    parts: dict[str, str] = {}
    for item in normalise(text).split(";"):
        name, equals, value = item.partition("=")
        if not equals or name in parts:
            return None
        parts[name] = value
    return parts


def _end(parts: dict[str, str], zone: ZoneInfo) -> tuple[int | None, date | None] | None:
    """(count, until) of a rule's end, the UNTIL read back as a local day."""
    if "COUNT" in parts:
        return (int(parts["COUNT"]), None) if parts["COUNT"].isdigit() else None
    text = parts.get("UNTIL", "")
    for fmt in ("%Y%m%dT%H%M%SZ", "%Y%m%d"):
        try:
            moment = datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
        return None, (moment.astimezone(zone).date() if fmt.endswith("Z") else moment.date())
    return None


def _by_day(pattern: str, value: str) -> dict[str, object] | None:
    if pattern == "daily":
        return {} if not value else None
    days = value.split(",") if value else []
    if pattern == "weekly":
        return {"weekdays": tuple(days)} if all(d in WEEKDAYS for d in days) else None
    if len(days) == 1 and days[0][-2:] in WEEKDAYS and days[0][:-2].lstrip("-").isdigit():
        ordinal = int(days[0][:-2])
        return {"ordinal": ordinal, "weekday": days[0][-2:]} if ordinal in MONTH_ORDINALS else None
    return None


def from_rrule(text: str | None, zone: ZoneInfo) -> Repeat | None:
    """The choices a stored RRULE stands for; ``Repeat()`` for none, None when the rule
    has parts the choices cannot show (it is then kept as it is, see the form)."""
    if not text:
        return Repeat()
    parts = _parts(text)
    if parts is None or parts.get("FREQ", "").lower() not in PATTERNS[1:]:
        return None
    pattern = parts.pop("FREQ").lower()
    interval = parts.pop("INTERVAL", "1")
    known = {"BYDAY", "COUNT", "UNTIL", "INTERVAL"}
    end, by_day = _end(parts, zone), _by_day(pattern, parts.get("BYDAY", ""))
    if set(parts) - known or not interval.isdigit() or end is None or by_day is None:
        return None
    return Repeat(pattern, int(interval), count=end[0], until=end[1], **by_day)  # type: ignore[arg-type]


def count_occurrences(rule: str, *, starts_at: datetime, zone: ZoneInfo) -> int:
    """How many meetings ``rule`` gives from ``starts_at`` (stops counting past the maximum,
    so an answer above ``MAX_OCCURRENCES`` only says "too many"). Raises ValueError."""
    parsed = rrulestr(rule, dtstart=starts_at.astimezone(zone))
    return sum(1 for _ in itertools.islice(parsed, MAX_OCCURRENCES + 1))


def wall_time_problem(local: datetime, zone: ZoneInfo) -> str | None:
    """``"gap"`` when the naive ``local`` time does not exist in ``zone`` (clocks jump over it),
    ``"overlap"`` when it happens twice (clocks go back), None when it is an ordinary time."""
    first, second = local.replace(tzinfo=zone, fold=0), local.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    # In a gap the time maps to no instant: converting there and back gives another wall time.
    back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return "gap" if back != local else "overlap"


def offset_seconds(text: str) -> int | None:
    """Seconds of a simple ISO 8601 duration (``P7D``, ``PT2H``, ``P1W``, ``PT30M``), else None."""
    body = text.upper()
    for unit, designator in UNITS.items():
        prefix = "PT" if unit in ("minutes", "hours") else "P"
        number = body.removeprefix(prefix).removesuffix(designator)
        if body.startswith(prefix) and body.endswith(designator) and number.isdigit():
            return int(number) * _UNIT_SECONDS[unit]
    return None


def offset(amount: int, unit: str) -> str:
    """The ISO 8601 duration of ``amount`` ``unit`` (minutes, hours, days, weeks) before."""
    prefix = "PT" if unit in ("minutes", "hours") else "P"
    if unit == "weeks":  # as days: RFC 5545 and the reminder keys use P7D, never P1W with others
        return f"P{amount * 7}D"
    return f"{prefix}{amount}{UNITS[unit]}"


def amount_and_unit(text: str) -> tuple[int, str] | None:
    """A duration as the largest whole unit: ``P14D`` → (2, "weeks"), ``PT90M`` → (90, "minutes")."""
    seconds = offset_seconds(text)
    if not seconds:
        return None
    for unit, size in _UNIT_SECONDS.items():
        if seconds % size == 0:
            return seconds // size, unit
    return None
