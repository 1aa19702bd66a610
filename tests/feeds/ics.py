"""Reading feeds the way calendar apps do: four independent parsers, and the wire format.

Every feed a test parses is also expanded by ical.js (``tests.feeds.icaljs``) and compared,
in local wall-clock time, with recurring-ical-events and with the occurrences the
application itself computes (``service``, set for each test by ``tests/feeds/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import icalendar
import recurring_ical_events
import vobject

from tests.feeds import icaljs

# (uid, recurrence_id, start, end, start_utc, end_utc, status): one occurrence as compared.
Occurrence = tuple[str, str | None, str, str, str | None, str | None, str | None]
# The application's own occurrences of a UID (None: the UID is not the application's).
service: Callable[[str], list[Occurrence] | None] | None = None


def check_wire(body: bytes) -> None:
    """CRLF line ends only; no line over 75 octets; each line valid UTF-8 on its own (so
    folding never split a character)."""
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    for line in lines:
        assert b"\n" not in line and b"\r" not in line, line
        assert len(line) <= 75, (len(line), line)
        line.decode("utf-8")


def parse(body: bytes) -> icalendar.Calendar:
    """Parse with icalendar, vobject and recurring-ical-events after the wire checks: the
    first two must agree on the events, and the third must expand every one of them."""
    check_wire(body)
    cal = icalendar.Calendar.from_ical(body)
    with_vobject = vobject.readOne(body.decode("utf-8"))
    uids_icalendar = sorted(str(e["UID"]) for e in cal.walk("VEVENT"))
    uids_vobject = sorted(e.uid.value for e in getattr(with_vobject, "vevent_list", []))
    assert uids_icalendar == uids_vobject
    expanded = {str(e["UID"]) for e in expand(body, date(2000, 1, 1), date(2046, 1, 1))}
    assert expanded == set(uids_icalendar)
    check_with_icaljs(body, set(uids_icalendar))
    return cal


def wall(value: date | datetime) -> str:
    """A date, or a date-time as its wall clock (``2030-01-07T14:00:00``), as ical.js prints."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0).isoformat()
    return value.isoformat()


def check_with_icaljs(body: bytes, feed_uids: set[str]) -> list[dict[str, Any]]:
    """ical.js must expand every event, agree with recurring-ical-events on each occurrence's
    local start and end, and with the application on everything it knows of the UID."""
    found = icaljs.occurrences(body)
    assert {o["uid"] for o in found} == feed_uids
    theirs = sorted((o["uid"], o["start"], o["end"]) for o in found)
    bound = date.fromisoformat(icaljs.UNTIL)
    ours = sorted(
        (str(e["UID"]), wall(e["DTSTART"].dt), wall(e["DTEND"].dt)) for e in expand(body, date(2000, 1, 1), bound)
    )
    assert theirs == ours
    for uid in sorted(feed_uids):
        expected = service(uid) if service is not None else None
        if expected is None:
            continue
        keys = ("uid", "recurrence_id", "start", "end", "start_utc", "end_utc", "status")
        got = sorted((tuple(o[k] for k in keys) for o in found if o["uid"] == uid), key=repr)
        assert got == sorted(expected, key=repr), uid
    return found


def expand(body: bytes, start: Any, end: Any) -> list[Any]:
    """Occurrences between ``start`` and ``end`` as recurring-ical-events computes them."""
    return list(recurring_ical_events.of(icalendar.Calendar.from_ical(body)).between(start, end))


def vobject_starts(body: bytes, uid: str) -> list[datetime]:
    """vobject's own expansion of the master event ``uid`` (RRULE, EXDATE)."""
    cal = vobject.readOne(body.decode("utf-8"))
    [master] = [e for e in cal.vevent_list if e.uid.value == uid and not hasattr(e, "recurrence_id")]
    return list(master.getrruleset(addRDate=True))


def events(cal: icalendar.Calendar, uid: str | None = None) -> list[icalendar.Event]:
    return [e for e in cal.walk("VEVENT") if uid is None or str(e["UID"]) == uid]


def uids(cal: icalendar.Calendar) -> set[str]:
    return {str(e["UID"]) for e in cal.walk("VEVENT")}
