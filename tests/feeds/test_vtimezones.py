"""Every VTIMEZONE the feeds write, read back hour by hour over the span it covers
(``zones.FIRST`` to ``zones.LAST``), gives zoneinfo's UTC offsets: read by icalendar (each
UTC hour to local time) and by ical.js (each local hour to UTC, as a calendar app reads a
DTSTART with a TZID). Irregular histories (Cairo, São Paulo, Santiago), rule-based ones
(Vienna, New York), zones without changes, half-hour offsets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from icat.calendar import zones
from tests.feeds import icaljs

ZONES = (
    "Europe/Vienna",
    "America/New_York",
    "Africa/Cairo",
    "America/Sao_Paulo",
    "America/Santiago",
    "Asia/Bangkok",
    "Asia/Kolkata",
    "Australia/Lord_Howe",  # a half-hour daylight saving
    "Etc/UTC",
    "Etc/GMT+5",
)
HOUR = timedelta(hours=1)
START = datetime.combine(zones.FIRST, datetime.min.time())
STOP = datetime.combine(zones.LAST, datetime.min.time())


def calendar_of(tzid: str) -> bytes:
    return b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + zones.vtimezone(tzid) + b"END:VCALENDAR\r\n"


def hours() -> list[datetime]:
    count = int((STOP - START) / HOUR)
    return [START + i * HOUR for i in range(count)]


@pytest.mark.parametrize("tzid", ZONES)
def test_icalendar_reads_each_utc_hour_at_zoneinfos_offset(tzid: str) -> None:
    [vtimezone] = icalendar.Calendar.from_ical(calendar_of(tzid)).walk("VTIMEZONE")
    # lookup_tzid=False: built from the component itself, not icalendar's copy of the zone.
    theirs, truth = vtimezone.to_tz(lookup_tzid=False), ZoneInfo(tzid)
    wrong = []
    # From the first local midnight of the span: earlier hours precede its first observance.
    first = datetime.combine(zones.FIRST, datetime.min.time(), tzinfo=truth).astimezone(UTC)
    for naive in hours():
        instant = naive.replace(tzinfo=UTC)
        if instant < first:
            continue
        expected, got = instant.astimezone(truth).utcoffset(), instant.astimezone(theirs).utcoffset()
        if got != expected:
            wrong.append((instant.isoformat(), str(got), str(expected)))
    assert wrong == [], wrong[:10]


def _valid_offsets(wall: datetime, zone: ZoneInfo) -> set[timedelta]:
    """The offsets at which ``wall`` is a real local time: one, two in a repeated hour,
    none in the hour a spring change skips."""
    first, second = wall.replace(tzinfo=zone), wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():  # no change near: the common case, fast
        return {first.utcoffset()}
    found = set()
    for fold in (0, 1):
        local = wall.replace(tzinfo=zone, fold=fold)
        if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
            found.add(local.utcoffset())
    return found


def test_icaljs_reads_each_local_hour_at_zoneinfos_offset() -> None:
    body = b"".join(zones.vtimezone(tzid) for tzid in ZONES)
    body = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body + b"END:VCALENDAR\r\n"
    read = icaljs.offsets(body, zones.FIRST.year, zones.LAST.year)
    assert set(read) == set(ZONES)
    for tzid in ZONES:
        zone, changes, wrong = ZoneInfo(tzid), read[tzid], []
        position, offset = 0, None
        for wall in hours():
            seconds = int(wall.replace(tzinfo=UTC).timestamp())
            while position < len(changes) and changes[position][0] <= seconds:
                offset = timedelta(seconds=changes[position][1])
                position += 1
            valid = _valid_offsets(wall, zone)
            if valid and offset not in valid:
                wrong.append((wall.isoformat(), str(offset), sorted(map(str, valid))))
        assert wrong == [], (tzid, wrong[:10])
