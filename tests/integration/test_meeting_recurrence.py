"""Recurring meetings are evaluated in their own time zone (DESIGN §4): a weekly 14:00
Europe/Vienna call stays at 14:00 local across both daylight-saving changes, and single
occurrences can be moved or cancelled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from icat.core.actor import Actor
from icat.core.errors import Conflict, Forbidden, NotFound, ValidationError
from icat.core.outbox import OutboxEvent
from icat.meetings import series, services
from icat.meetings.models import Meeting, OccurrenceOverride
from icat.meetings.recurrence import occurrences
from tests.conftest import count

VIENNA = ZoneInfo("Europe/Vienna")
SECRETARIAT = Actor(user_id=None, label="sec@icat.example", role="secretariat")
# Mondays at 14:00 Vienna from 2026-03-16 to 2026-04-06 (DST begins Sunday 29 March) and
# from 2026-10-12 to 2026-11-02 (DST ends Sunday 25 October).
SPRING = datetime(2026, 3, 16, 14, 0, tzinfo=VIENNA)
AUTUMN = datetime(2026, 10, 12, 14, 0, tzinfo=VIENNA)
WIDE = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def weekly_call(make_meeting, first: datetime, count_: int = 4) -> Meeting:
    return make_meeting(
        title="Coordination call",
        kind="coordination_call",
        starts_at=first.astimezone(UTC),
        ends_at=(first + timedelta(hours=1)).astimezone(UTC),
        timezone="Europe/Vienna",
        recurrence=f"FREQ=WEEKLY;BYDAY=MO;COUNT={count_}",
    )


@pytest.mark.parametrize(
    ("first", "utc_hours"),
    [(SPRING, [13, 13, 12, 12]), (AUTUMN, [12, 12, 13, 13])],
    ids=["last-sunday-of-march", "last-sunday-of-october"],
)
def test_weekly_14_00_vienna_stays_14_00_local_across_dst(
    session: Session, make_meeting, first: datetime, utc_hours: list[int]
) -> None:
    meeting = weekly_call(make_meeting, first)
    session.expire_all()
    found = occurrences(session.get(Meeting, meeting.id), *WIDE)
    assert len(found) == 4
    assert [o.starts_at.astimezone(VIENNA).hour for o in found] == [14, 14, 14, 14]
    assert [o.starts_at.hour for o in found] == utc_hours
    assert [o.starts_at.tzinfo for o in found] == [UTC] * 4
    assert all(o.ends_at - o.starts_at == timedelta(hours=1) for o in found)
    assert [o.recurrence_id for o in found] == [o.starts_at for o in found]
    assert [o.starts_at.astimezone(VIENNA).date().isoformat() for o in found][::3] == [
        first.date().isoformat(),
        (first + timedelta(weeks=3)).date().isoformat(),
    ]
    assert meeting.series_ends_at == found[-1].ends_at


def test_occurrences_window_and_single_meetings(session: Session, make_meeting) -> None:
    meeting = weekly_call(make_meeting, SPRING)
    window = occurrences(meeting, datetime(2026, 3, 23, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC))
    assert [o.starts_at for o in window] == [
        datetime(2026, 3, 23, 13, tzinfo=UTC),
        datetime(2026, 3, 30, 12, tzinfo=UTC),
    ]
    single = make_meeting(starts_at=datetime(2030, 1, 1, 9, tzinfo=UTC))
    [only] = occurrences(single, *WIDE)
    assert (only.recurrence_id, only.starts_at, only.status, only.sequence) == (None, single.starts_at, "scheduled", 0)
    assert occurrences(single, datetime(2031, 1, 1, tzinfo=UTC), datetime(2032, 1, 1, tzinfo=UTC)) == []


def test_move_and_cancel_one_occurrence(session: Session, make_meeting) -> None:
    meeting = weekly_call(make_meeting, SPRING)
    second, third = datetime(2026, 3, 23, 13, tzinfo=UTC), datetime(2026, 3, 30, 12, tzinfo=UTC)
    new_start = datetime(2026, 3, 24, 9, tzinfo=UTC)
    series.move_occurrence(
        session,
        actor=SECRETARIAT,
        meeting_id=meeting.id,
        recurrence_id=second,
        starts_at=new_start,
        ends_at=new_start + timedelta(minutes=30),
    )
    series.cancel_occurrence(session, actor=SECRETARIAT, meeting_id=meeting.id, recurrence_id=third)
    session.commit()
    session.expire_all()
    stored = session.get(Meeting, meeting.id)
    found = {o.recurrence_id: o for o in occurrences(stored, *WIDE)}
    assert (found[second].starts_at, found[second].status, found[second].sequence) == (new_start, "scheduled", 1)
    assert (found[third].status, found[third].sequence) == ("cancelled", 1)
    assert stored.sequence == 0 and stored.version == 3
    types = [e.type for e in session.query(OutboxEvent).order_by(OutboxEvent.id)]
    assert types[-2:] == ["OccurrenceMoved", "OccurrenceCancelled"]


def test_occurrence_refusals_write_nothing(session: Session, make_meeting) -> None:
    meeting = weekly_call(make_meeting, SPRING)
    single = make_meeting()
    rid = datetime(2026, 3, 23, 13, tzinfo=UTC)
    viewer = Actor(user_id=None, label="v", role="viewer")
    before = count(session, OutboxEvent)
    cases = [
        (dict(meeting_id=meeting.id, recurrence_id=rid + timedelta(hours=1)), NotFound),  # not an occurrence
        (dict(meeting_id=single.id, recurrence_id=single.starts_at), NotFound),  # does not recur
        (dict(meeting_id=9999, recurrence_id=rid), NotFound),
    ]
    for kwargs, error in cases:
        with pytest.raises(error):
            series.cancel_occurrence(session, actor=SECRETARIAT, **kwargs)
        session.rollback()
    with pytest.raises(Forbidden):
        series.cancel_occurrence(session, actor=viewer, meeting_id=meeting.id, recurrence_id=rid)
    session.rollback()
    with pytest.raises(ValidationError) as caught:
        series.move_occurrence(
            session, actor=SECRETARIAT, meeting_id=meeting.id, recurrence_id=rid, starts_at=rid, ends_at=rid
        )
    assert "ends_at" in caught.value.fields
    session.rollback()
    assert count(session, OccurrenceOverride) == 0 and count(session, OutboxEvent) == before
    series.cancel_occurrence(session, actor=SECRETARIAT, meeting_id=meeting.id, recurrence_id=rid)
    session.commit()
    with pytest.raises(Conflict):
        series.cancel_occurrence(session, actor=SECRETARIAT, meeting_id=meeting.id, recurrence_id=rid)
    session.rollback()
    assert count(session, OccurrenceOverride) == 1


def test_rescheduling_the_series_drops_overrides_that_no_longer_fit(session: Session, make_meeting) -> None:
    meeting = weekly_call(make_meeting, SPRING)
    rid = datetime(2026, 3, 23, 13, tzinfo=UTC)
    series.cancel_occurrence(session, actor=SECRETARIAT, meeting_id=meeting.id, recurrence_id=rid)
    session.commit()
    services.update_meeting(
        session,
        actor=SECRETARIAT,
        meeting_id=meeting.id,
        version=meeting.version,
        changes={"starts_at": meeting.starts_at + timedelta(hours=1), "ends_at": meeting.ends_at + timedelta(hours=1)},
    )
    session.commit()
    assert count(session, OccurrenceOverride) == 0
    rescheduled = session.query(OutboxEvent).filter(OutboxEvent.type == "MeetingRescheduled").one()
    assert rescheduled.payload["dropped_occurrences"] == [rid.isoformat()]


def test_a_cancelled_series_cancels_every_occurrence(session: Session, make_meeting) -> None:
    meeting = weekly_call(make_meeting, AUTUMN)
    services.cancel_meeting(session, actor=SECRETARIAT, meeting_id=meeting.id)
    session.commit()
    assert {o.status for o in occurrences(meeting, *WIDE)} == {"cancelled"}
