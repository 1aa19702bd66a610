"""VTIMEZONE components for the zones a feed uses.

icalendar generates them from zoneinfo, listing every transition as an RDATE. That is valid
RFC 5545, but vobject (and, by its users' reports, Outlook) ignore RDATEs in a VTIMEZONE and
then place a 14:00 Vienna meeting at 15:00 after the spring change. So where a transition
recurs on the same weekday rule every year up to the end of the covered span, the RDATE list
is replaced by the equivalent yearly RRULE (``BYMONTH=3;BYDAY=-1SU``); irregular histories
keep their RDATEs. The rewrite works on icalendar's components and icalendar serialises them.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from functools import cache

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

# The span covered: every meeting ICAT holds falls inside it.
FIRST, LAST = date(2010, 1, 1), date(2040, 1, 1)
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _starts(part: TimezoneStandard | TimezoneDaylight) -> list[datetime]:
    starts = [part["DTSTART"].dt]
    rdates = part.get("RDATE", [])
    for prop in rdates if isinstance(rdates, list) else [rdates]:
        starts += [p.dt for p in prop.dts]
    return sorted(starts)


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


def _as_rule(part: TimezoneStandard | TimezoneDaylight) -> None:
    if "RDATE" not in part:
        return
    starts = _starts(part)
    byday = _weekday_rule(starts)
    if byday is None:
        return
    del part["RDATE"]
    part.add("rrule", vRecur(freq="YEARLY", bymonth=starts[0].month, byday=byday))


@cache
def vtimezone(tzid: str) -> bytes:
    """The VTIMEZONE of an IANA zone, yearly rules where they hold (built once per process)."""
    zone = Timezone.from_tzid(tzid, first_date=FIRST, last_date=LAST)
    for part in zone.subcomponents:
        _as_rule(part)
    return zone.to_ical()
