"""Reading feeds the way calendar apps do: three independent parsers, and the wire format."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import icalendar
import recurring_ical_events
import vobject


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
    return cal


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
