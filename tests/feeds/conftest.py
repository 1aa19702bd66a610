"""Fixtures for the feed tests: the seeded World Day, fresh caches, statement counting, and
the application's own occurrences that every parsed feed is compared with (``ics.service``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from icat.calendar.cache import BLOCKS, BODIES
from icat.core.actor import SYSTEM
from icat.meetings.models import Meeting
from icat.meetings.recurrence import occurrences
from icat.observances import services as observances
from icat.observances.models import Observance
from icat.observances.reference import reference_observances
from tests.feeds import icaljs, ics


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Each test starts cold, so a test shows what the cache does rather than inherit it."""
    BLOCKS.clear()
    BODIES.clear()
    yield
    BLOCKS.clear()
    BODIES.clear()


@pytest.fixture
def world_day(session: Session) -> Observance:
    observances.seed_reference(session, actor=SYSTEM, observances=reference_observances())
    session.commit()
    return session.scalar(sa.select(Observance))


def _day_span(start: datetime, end: datetime) -> tuple[date, date]:
    """A date-only meeting as whole days: its first day and the day after its last (an
    end at midnight is already exclusive)."""
    first = start.date()
    last = end.date() if end.time() == time() else end.date() + timedelta(days=1)
    return first, max(last, first + timedelta(days=1))


def _utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def meeting_occurrences(meeting: Meeting) -> list[ics.Occurrence]:
    """What a calendar app must show of ``meeting``, from ``meetings.queries.occurrences``:
    cancelled occurrences of a live series are left out (EXDATE); moved ones carry their
    original start; a meeting known only to the day, month or year spans whole days."""
    zone = ZoneInfo(meeting.timezone)
    uid = f"meeting-{meeting.id}@icat.test"
    moved = {o.recurrence_id for o in meeting.overrides if o.status != "cancelled"}
    status = "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED"
    bound = datetime.combine(date.fromisoformat(icaljs.UNTIL), time(), tzinfo=zone)
    found: list[ics.Occurrence] = []
    for item in occurrences(meeting, datetime(2000, 1, 1, tzinfo=UTC), bound):
        start, end = item.starts_at.astimezone(zone), item.ends_at.astimezone(zone)
        if start >= bound or (item.status == "cancelled" and meeting.status != "cancelled"):
            continue
        original = item.recurrence_id.astimezone(zone) if item.recurrence_id in moved else None
        if meeting.date_precision == "minute":
            times = (ics.wall(start), ics.wall(end), _utc(start), _utc(end))
            rid = ics.wall(original) if original else None
        else:
            first, after = _day_span(start, end)
            times = (first.isoformat(), after.isoformat(), None, None)
            rid = original.date().isoformat() if original else None
        found.append((uid, rid, *times, status))
    return found


def observance_occurrences(observance: Observance) -> list[ics.Occurrence]:
    """The observance's day every year from its first, themed years as overrides."""
    uid = f"observance-{observance.slug}@icat.test"
    themed = {t.year for t in observance.themes if t.theme}
    found: list[ics.Occurrence] = []
    for year in range(observance.first_year, date.fromisoformat(icaljs.UNTIL).year):
        on = observance.on(year)
        rid = on.isoformat() if year in themed else None
        found.append((uid, rid, on.isoformat(), (on + timedelta(days=1)).isoformat(), None, None, None))
    return found


UID = re.compile(r"^(meeting|observance)-(.+)@icat\.test$")


@pytest.fixture(autouse=True)
def _service_occurrences(request: pytest.FixtureRequest) -> Iterator[None]:
    """Lets ``ics.parse`` compare ical.js with the application's occurrences of each UID,
    read in a fresh session so nothing a test holds in its own is reused. Tests without
    the application (the VTIMEZONE sweeps) need no database."""
    if "app" not in request.fixturenames:
        yield
        return
    session_factory: sessionmaker[Session] = request.getfixturevalue("session_factory")

    def expected(uid: str) -> list[ics.Occurrence] | None:
        match = UID.match(uid)
        if match is None:
            return None
        with session_factory() as session:
            if match[1] == "meeting":
                meeting = session.get(Meeting, int(match[2]))
                return None if meeting is None else meeting_occurrences(meeting)
            observance = session.scalar(sa.select(Observance).where(Observance.slug == match[2]))
            return None if observance is None else observance_occurrences(observance)

    ics.service = expected
    yield
    ics.service = None
