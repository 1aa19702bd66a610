"""A careful hand-written iCalendar serializer for meetings: the ceiling the issue names
(about 11 µs per event). Benchmark only; the application renders with icalendar."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

from icat.meetings.models import Meeting


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """75 octets per line, never splitting a UTF-8 character."""
    if len(line) <= 75 and (line.isascii() or len(line.encode()) <= 75):
        return line + "\r\n"
    parts, current, size = [], [], 0
    for char in line:
        width = len(char.encode())
        if size + width > (75 if not parts else 74):
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts) + "\r\n"


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@cache
def _zone(tzid: str) -> ZoneInfo:
    return ZoneInfo(tzid)


def _local(value: datetime, tzid: str) -> str:
    return value.astimezone(_zone(tzid)).strftime("%Y%m%dT%H%M%S")


def event(meeting: Meeting, host: str) -> str:
    lines = [
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.id}@{host}",
        f"DTSTAMP:{_utc(meeting.updated_at)}",
        f"LAST-MODIFIED:{_utc(meeting.updated_at)}",
        f"SEQUENCE:{meeting.sequence}",
        f"SUMMARY:{_escape(meeting.title)}",
        f"DTSTART;TZID={meeting.timezone}:{_local(meeting.starts_at, meeting.timezone)}",
        f"DTEND;TZID={meeting.timezone}:{_local(meeting.ends_at, meeting.timezone)}",
        f"STATUS:{'CANCELLED' if meeting.status == 'cancelled' else 'CONFIRMED'}",
        f"LOCATION:{_escape(meeting.location)}",
        f"DESCRIPTION:{_escape(meeting.description)}",
    ]
    if meeting.recurrence:
        lines.append(f"RRULE:{meeting.recurrence}")
    lines.append("END:VEVENT")
    return "".join(_fold(line) for line in lines)


def feed(meetings: list[Meeting], host: str) -> bytes:
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n"
    return (head + "".join(event(m, host) for m in meetings) + "END:VCALENDAR\r\n").encode()
