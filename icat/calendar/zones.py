"""VTIMEZONE components for the zones a feed uses.

The transitions come from zoneinfo, found in UTC (a daily scan, then bisection to the
second). icalendar's ``Timezone.from_tzinfo`` is not used for them: it walks in wall-clock
time and so writes a spring change at the local time *after* it (03:00 for Vienna, where
RFC 5545 wants 02:00, the local time before the change, read with TZOFFSETFROM), which puts
the whole change an hour late. Each observance's DTSTART and RDATEs are therefore the
instant of the change plus TZOFFSETFROM.

Where a transition recurs on the same weekday rule every year to the end of the span, the
dates become the equivalent yearly RRULE (``BYMONTH=3;BYDAY=-1SU``): vobject (and, by its
users' reports, Outlook) ignore RDATEs in a VTIMEZONE. Irregular histories (Cairo, São Paulo,
Santiago) keep RDATEs, one property per date: ical.js reads only the first value of a
comma-separated RDATE, and ignores DTSTART once a component has RDATEs, so DTSTART is
repeated as an RDATE (RFC 5545 ignores the duplicate). icalendar serialises the result.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

# The span covered: every meeting ICAT holds falls inside it.
FIRST, LAST = date(2010, 1, 1), date(2040, 1, 1)
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# (offset before, offset after, name after, daylight after)
Kind = tuple[timedelta, timedelta, str, bool]


def _state(zone: ZoneInfo, instant: datetime) -> tuple[timedelta, str, bool]:
    local = instant.astimezone(zone)
    return local.utcoffset() or timedelta(), local.tzname() or "", bool(local.dst())


def _change(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """The first second in ``(before, after]`` whose state differs from ``before``'s."""
    old = _state(zone, before)
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        middle = middle.replace(microsecond=0)
        before, after = (middle, after) if _state(zone, middle) == old else (before, middle)
    return after


def transitions(tzid: str) -> list[tuple[datetime, Kind]]:
    """Every change of offset, name or daylight flag in the span, as (UTC instant, kind);
    the first item is the span's start, with the offset then in force on both sides."""
    zone = ZoneInfo(tzid)
    start = datetime.combine(FIRST, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    offset, name, dst = _state(zone, start)
    found = [(start, (offset, offset, name, dst))]
    day, stop = start, datetime.combine(LAST, datetime.min.time(), tzinfo=UTC)
    while day < stop:
        following = day + timedelta(days=1)  # no zone changes twice within a day
        if _state(zone, following) != _state(zone, day):
            instant = _change(zone, day, following)
            new_offset, name, dst = _state(zone, instant)
            found.append((instant, (offset, new_offset, name, dst)))
            offset = new_offset
        day = following
    return found


def _weekday_rule(starts: list[datetime]) -> str | None:
    """``-1SU`` or ``2SU`` when every start is that weekday of one month, one per year
    through the span's last year; None otherwise."""
    first = starts[0]
    years = [s.year for s in starts]
    same = {(s.month, s.weekday(), s.time()) for s in starts} == {(first.month, first.weekday(), first.time())}
    if not same or years != list(range(years[0], LAST.year)):
        return None
    if all(s.day + 7 > calendar.monthrange(s.year, s.month)[1] for s in starts):
        return f"-1{_DAYS[first.weekday()]}"
    nth = {(s.day - 1) // 7 + 1 for s in starts}
    return f"{nth.pop()}{_DAYS[first.weekday()]}" if len(nth) == 1 else None


def _observance(kind: Kind, starts: list[datetime]) -> TimezoneStandard | TimezoneDaylight:
    before, after, name, dst = kind
    part = TimezoneDaylight() if dst else TimezoneStandard()
    part.add("tzname", name)
    part.add("tzoffsetfrom", before)
    part.add("tzoffsetto", after)
    part.add("dtstart", starts[0])
    byday = _weekday_rule(starts) if len(starts) > 1 else None
    if byday is not None:
        part.add("rrule", vRecur(freq="YEARLY", bymonth=starts[0].month, byday=byday))
    elif len(starts) > 1:
        for start in starts:  # DTSTART too: see the module's docstring
            part.add("rdate", start)
    return part


@cache
def vtimezone(tzid: str) -> bytes:
    """The VTIMEZONE of an IANA zone over FIRST..LAST, yearly rules where they hold (built
    once per process). Each start is the local time before the change (RFC 5545 §3.6.5)."""
    groups: dict[Kind, list[datetime]] = defaultdict(list)
    for instant, kind in transitions(tzid):
        groups[kind].append((instant + kind[0]).replace(tzinfo=None))
    zone = Timezone()
    zone.add("tzid", tzid)
    zone.add("comment", f"This timezone only works from {FIRST} to {LAST}.")
    for kind, starts in groups.items():
        zone.add_component(_observance(kind, starts))
    return zone.to_ical()
