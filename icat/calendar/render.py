"""Pure functions from rows to iCalendar bytes (RFC 5545), all serialised by ``icalendar``.

A feed is a header, one VTIMEZONE per zone used, one block of VEVENTs per meeting or
observance, and a footer. Each block depends only on its own row (and the host), so the
caller may cache it per (id, version) and reassemble feeds without re-rendering (see
``icat.calendar.feeds``). ``icalendar`` emits CRLF and folds at 75 octets without
splitting a UTF-8 character; nothing here depends on the clock, so unchanged rows give
byte-identical output.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from icalendar import Calendar, Event, vRecur

from icat.calendar.zones import vtimezone
from icat.meetings import recurrence
from icat.meetings.models import Meeting, OccurrenceOverride
from icat.observances.models import Observance

PRODID = "-//ICAT Workspace//Calendar feeds//EN"
FOOTER = b"END:VCALENDAR\r\n"
# Said in the description of a meeting known only to the month or year. Translated when
# rendered: such rows are in no feed (whose blocks are shared between languages), only in
# a meeting's own file and in mails, each rendered for one reader.
IMPRECISE = {
    "month": _l("Only the month is known: the exact dates are not known."),
    "year": _l("Only the year is known: the exact dates are not known."),
}


def header(name: str, description: str = "") -> bytes:
    """BEGIN:VCALENDAR and the calendar's properties (RFC 7986 NAME/REFRESH-INTERVAL too)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    if description:
        cal.add("x-wr-caldesc", description)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    return cal.to_ical().removesuffix(FOOTER)


def assemble(head: bytes, tzids: Iterable[str], blocks: Iterable[bytes]) -> bytes:
    """A whole VCALENDAR from its parts; zones sorted so the output is stable."""
    zones = [vtimezone(tz) for tz in sorted(set(tzids)) if tz != "UTC"]
    return b"".join((head, *zones, *blocks, FOOTER))


def _local(instant: datetime, tzid: str) -> datetime:
    return instant.astimezone(ZoneInfo(tzid))


def _stamps(event: Event, updated_at: datetime, created_at: datetime | None = None) -> None:
    event.add("dtstamp", updated_at.astimezone(UTC))
    event.add("last-modified", updated_at.astimezone(UTC))
    if created_at is not None:
        event.add("created", created_at.astimezone(UTC))


def _day_span(start: datetime, end: datetime, tzid: str) -> tuple[date, date]:
    """Whole local days: the first, and the day after the last (DTEND is exclusive). An end
    at local midnight is already exclusive (historical rows end so), any other end time
    belongs to its day; at least one day."""
    first, last = _local(start, tzid), _local(end, tzid)
    after = last.date() if last.time() == time() else last.date() + timedelta(days=1)
    return first.date(), max(after, first.date() + timedelta(days=1))


def _times(event: Event, start: datetime, end: datetime, tzid: str, all_day: bool) -> None:
    if all_day:
        first, after = _day_span(start, end, tzid)
        event.add("dtstart", first)
        event.add("dtend", after)
    else:
        event.add("dtstart", _local(start, tzid))
        event.add("dtend", _local(end, tzid))


def _all_day(meeting: Meeting) -> bool:
    """Rows known only to the day, month or year are all-day spans, never a time of day."""
    return meeting.date_precision != "minute"


def _instant(meeting: Meeting, value: datetime) -> date | datetime:
    """An occurrence's start as EXDATE and RECURRENCE-ID must give it: of DTSTART's type."""
    local = _local(value, meeting.timezone)
    return local.date() if _all_day(meeting) else local


def _rule(meeting: Meeting) -> vRecur:
    """The RRULE; with a date DTSTART, UNTIL must be a date too (RFC 5545 §3.3.10): the
    local day of the last occurrence."""
    rule = vRecur.from_ical(str(meeting.recurrence).removeprefix("RRULE:"))
    if _all_day(meeting) and "UNTIL" in rule:
        starts = recurrence.starts(str(meeting.recurrence), starts_at=meeting.starts_at, timezone=meeting.timezone)
        rule["UNTIL"] = [_local(starts[-1], meeting.timezone).date()]
    return rule


def _meeting_event(meeting: Meeting, uid: str, url: str) -> Event:
    event = Event()
    event.add("uid", uid)
    _stamps(event, meeting.updated_at, meeting.created_at)
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title)
    _times(event, meeting.starts_at, meeting.ends_at, meeting.timezone, _all_day(meeting))
    event.add("status", "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED")
    event.add("class", "PUBLIC" if meeting.visibility == "public" else "CONFIDENTIAL")
    event.add("categories", [meeting.kind.replace("_", " ").upper()])
    location = meeting.location or meeting.online_url
    if location:
        event.add("location", location)
    parts = (str(IMPRECISE.get(meeting.date_precision, "")), meeting.description, meeting.online_url, url)
    text = "\n\n".join(part for part in parts if part)
    event.add("description", text)
    event.add("url", url)
    return event


def _override_event(meeting: Meeting, override: OccurrenceOverride, uid: str, url: str) -> Event:
    event = _meeting_event(meeting, uid, url)
    for name in ("dtstart", "dtend", "dtstamp", "last-modified", "sequence", "created"):
        event.pop(name, None)
    _stamps(event, max(meeting.updated_at, override.updated_at))
    event.add("sequence", max(meeting.sequence, override.sequence))
    event.add("recurrence-id", _instant(meeting, override.recurrence_id))
    _times(event, override.starts_at, override.ends_at, meeting.timezone, _all_day(meeting))
    return event


def meeting_block(meeting: Meeting, overrides: Sequence[OccurrenceOverride], *, host: str, base_url: str) -> bytes:
    """The VEVENTs of one meeting: the event (with RRULE and EXDATEs when recurring) and one
    RECURRENCE-ID override per moved occurrence. UID ``meeting-<id>@<host>``."""
    uid, url = f"meeting-{meeting.id}@{host}", f"{base_url}/meetings/{meeting.id}"
    master = _meeting_event(meeting, uid, url)
    extra: list[Event] = []
    if meeting.recurrence:
        master.add("rrule", _rule(meeting))
        cancelled = [o for o in overrides if o.status == "cancelled"]
        if cancelled:
            master.add("exdate", [_instant(meeting, o.recurrence_id) for o in cancelled])
        moved = (o for o in overrides if o.status != "cancelled")
        extra = [_override_event(meeting, o, uid, url) for o in moved]
    return b"".join(event.to_ical() for event in (master, *extra))


def occurrence_block(meeting: Meeting, override: OccurrenceOverride, *, host: str, base_url: str) -> bytes:
    """The one VEVENT of a session of a series (its RECURRENCE-ID, own times and SEQUENCE),
    as a mail announcing that session alone carries it (RFC 5546 §3.2.2.3, §3.2.5)."""
    uid, url = f"meeting-{meeting.id}@{host}", f"{base_url}/meetings/{meeting.id}"
    return _override_event(meeting, override, uid, url).to_ical()


def _observance_event(observance: Observance, uid: str, on: date, summary: str) -> Event:
    event = Event()
    event.add("uid", uid)
    _stamps(event, observance.updated_at, observance.created_at)
    event.add("sequence", observance.version - 1)
    event.add("summary", summary)
    event.add("dtstart", on)
    event.add("dtend", on + timedelta(days=1))  # all day: the end is exclusive
    event.add("transp", "TRANSPARENT")
    event.add("class", "PUBLIC")
    return event


def observance_block(observance: Observance, *, host: str, base_url: str) -> bytes:
    """An all-day yearly event from the first year, plus one RECURRENCE-ID override per year
    whose theme is known, carrying that theme. Years without a theme stay plain."""
    uid, url = f"observance-{observance.slug}@{host}", f"{base_url}/observances/{observance.slug}"
    master = _observance_event(observance, uid, observance.on(observance.first_year), observance.name)
    master.add("rrule", vRecur(freq="YEARLY", bymonth=observance.month, bymonthday=observance.day))
    master.add("description", "\n".join(p for p in (observance.established_by, url) if p))
    master.add("url", url)
    events = [master]
    for theme in (t for t in observance.themes if t.theme):
        on = observance.on(theme.year)
        event = _observance_event(observance, uid, on, f"{observance.name}: {theme.theme}")
        event.add("recurrence-id", on)
        event.add("description", "\n".join(p for p in (theme.theme, theme.note, url) if p))
        event.add("url", url)
        events.append(event)
    return b"".join(event.to_ical() for event in events)
