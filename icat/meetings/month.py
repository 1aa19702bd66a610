"""The calendar page's read model: a month's occurrences placed on the viewer's local days."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from icat.core.actor import Actor
from icat.meetings.models import Meeting
from icat.meetings.queries import MeetingFilter, list_meetings
from icat.meetings.recurrence import Occurrence, occurrences


@dataclass(frozen=True)
class Slot:
    """One occurrence of a meeting as the viewer sees it."""

    meeting: Meeting
    occurrence: Occurrence
    local_start: datetime  # in ``zone``
    zone: str  # the viewer's, or the meeting's own when only its date is known
    local_end: datetime | None = None

    def days(self) -> list[date]:
        """The local days the occurrence runs on: one, or each day of a multi-day meeting
        (an end at midnight does not reach into the next day)."""
        first = self.local_start.date()
        end = self.local_end or self.local_start
        last = max(first, (end - timedelta(microseconds=1)).date())
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def continues(self, day: date) -> bool:
        """True on the days after the first of a multi-day meeting."""
        return day != self.local_start.date()


def _slot(meeting: Meeting, occurrence: Occurrence, viewer: ZoneInfo) -> Slot:
    # A date without a time (historical rows) belongs to that date wherever the viewer is.
    zone = viewer if meeting.date_precision == "minute" else ZoneInfo(meeting.timezone)
    start, end = occurrence.starts_at.astimezone(zone), occurrence.ends_at.astimezone(zone)
    return Slot(meeting, occurrence, start, str(zone), end if meeting.date_precision == "minute" else None)


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    weeks: list[list[date]]  # Monday-first weeks covering the month
    slots: list[Slot]  # by start
    by_day: dict[date, list[Slot]]

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)


def month_view(
    session: Session,
    *,
    actor: Actor | None,
    year: int,
    month: int,
    zone: ZoneInfo,
    kind: str | None = None,
    entity: str | None = None,
) -> Month:
    """Occurrences of the meetings ``actor`` may see that fall in the month, in ``zone``.

    One query for the meetings (their overrides come by a ``selectin`` load; the month shows
    no invitees, so they are not loaded), whatever the number of meetings; recurring meetings
    are expanded in memory.
    """
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start = datetime.combine(weeks[0][0], time(), zone)
    end = datetime.combine(weeks[-1][-1] + timedelta(days=1), time(), zone)
    rows = list_meetings(session, actor=actor, flt=MeetingFilter(start, end, kind, entity), with_invitees=False)
    slots = sorted(
        (_slot(m, o, zone) for m in rows for o in occurrences(m, start, end)),
        key=lambda s: (s.local_start, s.meeting.id),
    )
    by_day: dict[date, list[Slot]] = defaultdict(list)
    for slot in slots:
        for day in slot.days():  # a multi-day meeting spans its days
            by_day[day].append(slot)
    return Month(year, month, weeks, slots, dict(by_day))
