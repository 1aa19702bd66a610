"""Meetings known only to the day, month or year (ICAT's history, date-only series) are
all-day events whose exclusive DTEND is the day after their last day; a date-only series
cancels and moves occurrences by date, as its DTSTART is a date. Read by icalendar, vobject,
recurring-ical-events and ical.js (``ics.parse`` compares ical.js with the application)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core.actor import SYSTEM
from icat.meetings import reference as history
from icat.meetings import series
from icat.meetings.models import Meeting
from icat.registry.models import Entity
from icat.registry.reference import load_reference
from tests.feeds import icaljs
from tests.feeds.ics import events, parse

PUBLIC = "/calendar/icat.ics"
VIENNA = ZoneInfo("Europe/Vienna")


def uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.id}@icat.test"


def test_every_seeded_historical_day_meeting_ends_the_day_after_its_last_day(
    client: FlaskClient, session: Session, seeded: list[Entity]
) -> None:
    history.seed_history(session, actor=SYSTEM, data=load_reference())
    session.commit()
    rows = list(session.scalars(sa.select(Meeting).where(Meeting.date_precision == "day")))
    assert len(rows) >= 10  # the reference data dates most of them to the day
    cal = parse(client.get(PUBLIC).data)
    for meeting in rows:
        [event] = events(cal, uid(meeting))
        assert event["DTSTART"].dt == meeting.starts_at.date(), meeting.title
        assert event["DTEND"].dt == meeting.ends_at.date(), meeting.title  # ends_at is exclusive
    [first] = [m for m in rows if m.title == "First ICAT Principals meeting"]
    [event] = events(cal, uid(first))
    assert (event["DTSTART"].dt, event["DTEND"].dt) == (date(2018, 5, 2), date(2018, 5, 3))


def test_a_date_only_series_cancels_and_moves_occurrences_by_date(
    client: FlaskClient, session: Session, make_meeting
) -> None:
    first = datetime(2030, 3, 18, tzinfo=VIENNA)  # Mondays, across the spring change
    retreat = make_meeting(
        title="Working-group retreat",
        visibility="public",
        date_precision="day",
        starts_at=first.astimezone(UTC),
        ends_at=(first + timedelta(days=2)).astimezone(UTC),
        recurrence="FREQ=WEEKLY;COUNT=4",
    )
    weeks = [(first + timedelta(weeks=n)).astimezone(UTC) for n in range(4)]
    series.cancel_occurrence(session, actor=SYSTEM, meeting_id=retreat.id, recurrence_id=weeks[1])
    moved_to = (first + timedelta(weeks=2, days=3)).astimezone(UTC)
    series.move_occurrence(
        session,
        actor=SYSTEM,
        meeting_id=retreat.id,
        recurrence_id=weeks[2],
        starts_at=moved_to,
        ends_at=moved_to + timedelta(days=2),
    )
    session.commit()
    body = client.get(PUBLIC).data
    cal = parse(body)
    master, override = sorted(events(cal, uid(retreat)), key=lambda e: "RECURRENCE-ID" in e)
    assert master["DTSTART"].dt == date(2030, 3, 18) and master["DTEND"].dt == date(2030, 3, 20)
    assert [d.dt for d in master["EXDATE"].dts] == [date(2030, 3, 25)]
    assert override["RECURRENCE-ID"].dt == date(2030, 4, 1)
    assert (override["DTSTART"].dt, override["DTEND"].dt) == (date(2030, 4, 4), date(2030, 4, 6))
    found = [o for o in icaljs.occurrences(body) if o["uid"] == uid(retreat)]
    assert [(o["start"], o["end"]) for o in found] == [
        ("2030-03-18", "2030-03-20"),
        ("2030-04-04", "2030-04-06"),
        ("2030-04-08", "2030-04-10"),
    ]


def test_a_date_only_series_ending_by_until_gives_a_date_until(client: FlaskClient, make_meeting) -> None:
    first = datetime(2030, 1, 7, 9, 0, tzinfo=VIENNA)
    weekly = make_meeting(
        visibility="public",
        date_precision="day",
        starts_at=first.astimezone(UTC),
        ends_at=(first + timedelta(hours=8)).astimezone(UTC),
        recurrence="FREQ=WEEKLY;UNTIL=20300121T080000Z",  # 09:00 Vienna on the 21st: included
    )
    body = client.get(PUBLIC).data
    [event] = events(parse(body), uid(weekly))
    assert event["RRULE"]["UNTIL"] == [date(2030, 1, 21)]
    found = [o["start"] for o in icaljs.occurrences(body) if o["uid"] == uid(weekly)]
    assert found == ["2030-01-07", "2030-01-14", "2030-01-21"]


def test_a_meeting_known_to_the_month_is_an_all_day_span_saying_so(client: FlaskClient, make_meeting) -> None:
    may = datetime(2012, 5, 1, tzinfo=UTC)
    meeting = make_meeting(
        title="ICAT meeting",
        visibility="public",
        timezone="UTC",
        date_precision="month",
        starts_at=may,
        ends_at=datetime(2012, 6, 1, tzinfo=UTC),
    )
    year = make_meeting(
        visibility="public",
        timezone="UTC",
        date_precision="year",
        starts_at=datetime(2011, 1, 1, tzinfo=UTC),
        ends_at=datetime(2012, 1, 1, tzinfo=UTC),
    )
    for row, span, known in (
        (meeting, (date(2012, 5, 1), date(2012, 6, 1)), "month"),
        (year, (date(2011, 1, 1), date(2012, 1, 1)), "year"),
    ):
        body = client.get(f"/calendar/meetings/{row.id}.ics").data
        [event] = events(parse(body), uid(row))
        assert (event["DTSTART"].dt, event["DTEND"].dt) == span
        assert f"Only the {known} is known: the exact dates are not known." in str(event["DESCRIPTION"])
        [found] = icaljs.occurrences(body)
        assert (found["all_day"], found["start"], found["end"]) == (True, *(d.isoformat() for d in span))
