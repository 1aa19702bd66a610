"""What a valid meeting is. Pure checks that collect every field's problem at once, so a
form or an API client sees all of them in one 422 (DESIGN §7)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from icalendar.prop import vDuration

from icat.core.errors import Message, ValidationError
from icat.core.text import text_problem
from icat.meetings import recurrence
from icat.meetings.models import MEETING_KINDS, PRECISIONS, RESPONSES, VISIBILITIES

LIMITS = {
    "title": 200,
    "description": 20_000,
    "location": 300,
    "online_url": 500,
    "cancel_reason": 2_000,
    "note": 5_000,
    "agenda_title": 300,
    "agenda_notes": 5_000,
    "minutes": 50_000,
    "decision": 5_000,
    "action_item": 2_000,
    "filename": 255,
}
# Texts that may span lines (tab, LF and CR allowed); every other text is one line.
MULTILINE = frozenset({"description", "note", "agenda_notes", "minutes", "decision", "cancel_reason"})
MAX_REMINDERS = 10
MAX_REMINDER_OFFSET = timedelta(days=365)
CHOICES = {"kind": MEETING_KINDS, "visibility": VISIBILITIES, "date_precision": PRECISIONS, "response": RESPONSES}

Errors = dict[str, list[Message]]


def check_text(errors: Errors, fields: dict[str, Any], names: Iterable[str]) -> None:
    """Length limits (``LIMITS``), characters a calendar and the databases can carry
    (``icat.core.text``: one line unless the field is in ``MULTILINE``), a non-blank title."""
    for name in names:
        value = fields.get(name)
        if value is None:
            continue
        if len(value) > LIMITS[name]:
            errors.setdefault(name, []).append(_l("At most %(n)s characters.", n=LIMITS[name]))
        problem = text_problem(value, multiline=name in MULTILINE)
        if problem:
            errors.setdefault(name, []).append(problem)
    if fields.get("title") is not None and not fields["title"].strip():
        errors.setdefault("title", []).append(_l("A title is required."))


def check_reason(reason: str | None) -> None:
    """A cancellation's or a refusal's reason within its limit; raises ValidationError (``reason``)."""
    errors: Errors = {}
    check_text(errors, {"cancel_reason": reason}, ("cancel_reason",))
    if errors:
        raise ValidationError(
            _l("The reason is too long."), fields={"reason": errors["cancel_reason"]}, rule="meetings.reason_invalid"
        )


def check_choices(errors: Errors, fields: dict[str, Any]) -> None:
    for name, allowed in CHOICES.items():
        if name in fields and fields[name] not in allowed:
            errors.setdefault(name, []).append(_l("One of: %(choices)s.", choices=", ".join(allowed)))


def check_url(errors: Errors, url: str | None) -> None:
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        errors.setdefault("online_url", []).append(_l("An http:// or https:// address."))


def reminder_offset(text: Any) -> timedelta:
    """An ISO 8601 duration such as ``P7D`` or ``PT1H`` (weeks, days, hours, minutes,
    seconds; icalendar's RFC 5545 parser), between zero and a year. Raises ValueError."""
    if not isinstance(text, str) or not any(c.isdigit() for c in text):
        raise ValueError(_l("%(text)r is not an ISO 8601 duration such as P7D or PT1H.", text=text))
    try:
        value = vDuration.from_ical(text)
    except Exception as exc:  # icalendar raises its own InvalidCalendar (a ValueError) or others
        raise ValueError(_l("%(text)r is not an ISO 8601 duration such as P7D or PT1H.", text=text)) from exc
    if value < timedelta(0):
        raise ValueError(_l("%(text)r is negative: give the time before the meeting.", text=text))
    if value > MAX_REMINDER_OFFSET:
        raise ValueError(_l("%(text)r is more than a year before the meeting.", text=text))
    return value


def check_reminders(errors: Errors, offsets: Any) -> None:
    if offsets is None:
        return
    if not isinstance(offsets, list):
        errors.setdefault("reminder_offsets", []).append(_l("A list of durations, or null for the defaults."))
        return
    if len(offsets) > MAX_REMINDERS:
        errors.setdefault("reminder_offsets", []).append(_l("At most %(n)s reminders.", n=MAX_REMINDERS))
    for text in offsets:
        try:
            reminder_offset(text)
        except ValueError as exc:
            errors.setdefault("reminder_offsets", []).append(exc.args[0])


FIRST_DAY, LAST_DAY = date(recurrence.FIRST_YEAR, 1, 1), date(recurrence.LAST_YEAR, 12, 31)
# A wall time this far outside the span is refused before any conversion: near year 1 or
# 9999, moving to another zone (or adding a day for an all-day end) overflows ``datetime``.
_MARGIN = timedelta(days=2)


def in_span(value: datetime, zone: str) -> bool:
    """Whether the aware ``value`` falls on a day from 2000-01-01 to 2100-12-31 in ``zone``.
    Never raises for an extreme year (the conversion is only tried well inside the span)."""
    wall = value.replace(tzinfo=None)
    if not datetime.combine(FIRST_DAY, time()) - _MARGIN <= wall <= datetime.combine(LAST_DAY, time()) + _MARGIN:
        return False
    return FIRST_DAY <= value.astimezone(ZoneInfo(zone)).date() <= LAST_DAY


def check_span(errors: Errors, fields: dict[str, Any], zone: str | None) -> None:
    """Each aware ``starts_at``/``ends_at`` in ``fields`` inside the span, in ``zone``."""
    known = zone if isinstance(zone, str) and recurrence.is_time_zone(zone) else "UTC"
    for name in ("starts_at", "ends_at"):
        value = fields.get(name)
        if isinstance(value, datetime) and value.tzinfo is not None and not in_span(value, known):
            errors.setdefault(name, []).append(
                _l("Must fall between %(first)s and %(last)s in the meeting's zone.", first=FIRST_DAY, last=LAST_DAY)
            )


def check_times(errors: Errors, fields: dict[str, Any]) -> None:
    """Aware start before end inside 2000–2100, a known zone, and a bounded RRULE whose
    parts are within RFC 5545's ranges, evaluated in that zone."""
    start, end, zone = fields.get("starts_at"), fields.get("ends_at"), fields.get("timezone")
    for name, value in (("starts_at", start), ("ends_at", end)):
        if not isinstance(value, datetime) or value.tzinfo is None:
            errors.setdefault(name, []).append(_l("A date and time with its UTC offset."))
    if not isinstance(zone, str) or not recurrence.is_time_zone(zone):
        errors.setdefault("timezone", []).append(
            _l("%(zone)r is not an IANA time zone such as Europe/Vienna.", zone=zone)
        )
    check_span(errors, fields, zone)
    if fields.get("recurrence"):
        for problem in recurrence.check_parts(fields["recurrence"]):
            errors.setdefault("recurrence", []).append(problem)
    if "starts_at" in errors or "ends_at" in errors:
        return
    if end <= start:
        errors.setdefault("ends_at", []).append(_l("Must be after the start."))
    if fields.get("recurrence") and "timezone" not in errors and "recurrence" not in errors:
        try:
            recurrence.parse(fields["recurrence"], starts_at=start, timezone=zone)
        except recurrence.RecurrenceError as exc:
            errors.setdefault("recurrence", []).append(exc.args[0])


def meeting_errors(fields: dict[str, Any]) -> Errors:
    """Every problem of a complete set of meeting fields (create, or stored merged with a patch)."""
    errors: Errors = {}
    for name in ("title", "kind"):
        if not fields.get(name):
            errors.setdefault(name, []).append(_l("Required."))
    check_text(errors, fields, ("title", "description", "location", "online_url", "note"))
    check_choices(errors, fields)
    check_url(errors, fields.get("online_url"))
    check_reminders(errors, fields.get("reminder_offsets"))
    check_times(errors, fields)
    return errors


def check_proposal_year(errors: Errors, fields: dict[str, Any], years: Sequence[int]) -> None:
    """A co-chair proposes meetings of its own years: the start's year, in the meeting's own
    zone (1 January 00:30 in Vienna is still 31 December in UTC), must be one of ``years``."""
    start, zone = fields.get("starts_at"), fields.get("timezone")
    if "starts_at" in errors or "timezone" in errors or not isinstance(start, datetime):
        return
    year = start.astimezone(ZoneInfo(zone)).year
    if year not in years:
        chaired = ", ".join(str(y) for y in years) or _l("no year from now on")
        errors.setdefault("starts_at", []).append(
            _l(
                "Co-chairs propose meetings of the years they co-chair: "
                "your entity co-chairs %(chaired)s, not %(year)s.",
                chaired=chaired,
                year=year,
            )
        )
