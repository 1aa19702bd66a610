"""Meeting rules (DESIGN §4 meetings): who schedules, what a valid meeting is, sequence and
version on edits, cancel keeping the row. Every refusal is followed by a look at the
database: nothing written, no event recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from icat.core.actor import Actor
from icat.core.errors import Conflict, Forbidden, StaleVersion, Unauthorized, ValidationError
from icat.core.outbox import OutboxEvent
from icat.meetings import services
from icat.meetings.models import Meeting
from tests.conftest import count

SECRETARIAT = Actor(user_id=None, label="sec@icat.example", role="secretariat")
START = datetime(2030, 5, 6, 12, 0, tzinfo=UTC)
VALID = {
    "title": "Working group, spring session",
    "kind": "working_group",
    "starts_at": START,
    "ends_at": START + timedelta(hours=3),
    "timezone": "Europe/Vienna",
    "location": "Vienna International Centre",
    "visibility": "members",
}


def written(session: Session) -> tuple[int, int]:
    return count(session, Meeting), count(session, OutboxEvent)


def events(session: Session, type_name: str) -> list[OutboxEvent]:
    session.expire_all()
    return list(session.query(OutboxEvent).filter(OutboxEvent.type == type_name).order_by(OutboxEvent.id))


def test_secretariat_schedules_a_meeting_with_invitees_and_an_event(session: Session, make_entity) -> None:
    make_entity(acronym="IOM")
    make_entity(acronym="ILO")
    meeting = services.create_meeting(session, actor=SECRETARIAT, invitees=["ILO", "IOM"], **VALID)
    session.commit()
    session.expire_all()
    stored = session.get(Meeting, meeting.id)
    assert stored.starts_at == START and stored.starts_at.tzinfo is not None
    assert stored.timezone == "Europe/Vienna" and stored.status == "scheduled"
    assert stored.sequence == 0 and stored.version == 1
    assert stored.invitee_acronyms == ["ILO", "IOM"]
    assert stored.series_ends_at == stored.ends_at
    [event] = events(session, "MeetingScheduled")
    assert event.subject == f"meeting:{meeting.id}"
    assert event.payload["starts_at"] == "2030-05-06T12:00:00+00:00" and event.payload["invitees"] == ["ILO", "IOM"]


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        (None, Unauthorized),
        (Actor(user_id=None, label="fp", role="focal_point", entity_id=None), Forbidden),
        (Actor(user_id=None, label="v", role="viewer"), Forbidden),
    ],
)
def test_only_secretariat_and_admin_schedule(session: Session, actor: Actor | None, error: type[Exception]) -> None:
    with pytest.raises(error):
        services.create_meeting(session, actor=actor, **VALID)  # type: ignore[arg-type]
    session.rollback()
    assert written(session) == (0, 0)


BAD: list[tuple[dict[str, Any], str]] = [
    ({"ends_at": START - timedelta(minutes=1)}, "ends_at"),
    ({"ends_at": START}, "ends_at"),
    ({"timezone": "Europe/Atlantis"}, "timezone"),
    ({"timezone": "../../etc/passwd"}, "timezone"),
    ({"recurrence": "FREQ=SOMETIMES;COUNT=3"}, "recurrence"),
    ({"recurrence": "FREQ=WEEKLY"}, "recurrence"),
    ({"recurrence": "FREQ=DAILY;COUNT=501"}, "recurrence"),
    ({"recurrence": "FREQ=MINUTELY;UNTIL=20310101T000000Z"}, "recurrence"),
    ({"recurrence": "FREQ=WEEKLY;UNTIL=20300601T000000"}, "recurrence"),
    ({"recurrence": "FREQ=WEEKLY;UNTIL=20200101T000000Z"}, "recurrence"),
    ({"recurrence": "DTSTART:20300101T000000Z\nRRULE:FREQ=DAILY;COUNT=2"}, "recurrence"),
    ({"recurrence": "FREQ=WEEKLY;BYDAY=TU;COUNT=3"}, "recurrence"),  # START is a Monday
    ({"invitees": ["NOPE"]}, "invitees"),
    ({"title": "x" * 201}, "title"),
    ({"title": "   "}, "title"),
    ({"description": "x" * 20_001}, "description"),
    ({"location": "x" * 301}, "location"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
    ({"reminder_offsets": ["P7D", "seven days"]}, "reminder_offsets"),
    ({"reminder_offsets": ["-P1D"]}, "reminder_offsets"),
    ({"reminder_offsets": ["P366D"]}, "reminder_offsets"),
    ({"reminder_offsets": ["P1Y"]}, "reminder_offsets"),
    ({"reminder_offsets": ["P"]}, "reminder_offsets"),
    ({"reminder_offsets": ["PT1H"] * 11}, "reminder_offsets"),
    ({"kind": "party"}, "kind"),
    ({"visibility": "secret"}, "visibility"),
    ({"starts_at": datetime(2030, 5, 6, 12, 0)}, "starts_at"),
]


@pytest.mark.parametrize(("change", "field"), BAD, ids=[f"{f}-{i}" for i, (_c, f) in enumerate(BAD)])
def test_bad_input_is_refused_naming_the_field(session: Session, change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_meeting(session, actor=SECRETARIAT, **(VALID | change))
    assert caught.value.fields.get(field)
    session.rollback()
    assert written(session) == (0, 0)


def test_every_bad_field_is_named_at_once(session: Session) -> None:
    bad = VALID | {"title": "", "timezone": "Mars/Olympus", "invitees": ["X1", "X2"], "online_url": "ftp://x"}
    with pytest.raises(ValidationError) as caught:
        services.create_meeting(session, actor=SECRETARIAT, **bad)
    assert {"title", "timezone", "invitees", "online_url"} <= set(caught.value.fields)
    assert caught.value.fields["invitees"] == ["Unknown entity: X1.", "Unknown entity: X2."]
    session.rollback()
    assert written(session) == (0, 0)


def test_accepted_limits_and_offsets(session: Session) -> None:
    meeting = services.create_meeting(
        session,
        actor=SECRETARIAT,
        **VALID
        | {
            "title": "t" * 200,
            "reminder_offsets": ["P7D", "PT1H", "P1W", "PT90M", "P365D"],
            "recurrence": "rrule:freq=daily;count=500",
            "online_url": "https://meet.example.org/icat",
        },
    )
    session.commit()
    assert meeting.recurrence == "FREQ=DAILY;COUNT=500"
    assert meeting.series_ends_at == START + timedelta(days=499, hours=3)
    assert count(session, Meeting) == 1


def edit(session: Session, meeting: Meeting, **changes: Any) -> Meeting:
    updated = services.update_meeting(
        session, actor=SECRETARIAT, meeting_id=meeting.id, version=meeting.version, changes=changes
    )
    session.commit()
    return updated


@pytest.mark.parametrize(
    "change",
    [
        {"starts_at": START + timedelta(hours=1)},
        {"ends_at": START + timedelta(hours=4)},
        {"timezone": "America/New_York"},
        {"location": "New York"},
        {"online_url": "https://meet.example.org/x"},
        {"recurrence": "FREQ=WEEKLY;COUNT=3"},
    ],
)
def test_time_or_place_changes_raise_sequence_once(session: Session, make_meeting, change: dict[str, Any]) -> None:
    meeting = make_meeting(**VALID)
    before = count(session, OutboxEvent)
    updated = edit(session, meeting, **change, title="Renamed")
    assert (updated.sequence, updated.version, updated.title) == (1, 2, "Renamed")
    # One event per edit: a time change is a MeetingRescheduled carrying every change.
    timed = set(change) & {"starts_at", "ends_at", "timezone", "recurrence"}
    [event] = events(session, "MeetingRescheduled" if timed else "MeetingUpdated")
    assert events(session, "MeetingUpdated" if timed else "MeetingRescheduled") == []
    assert set(event.payload["changes"]) == {*change, "title"}
    assert (event.payload["version"], event.payload["sequence"]) == (2, 1)
    assert count(session, OutboxEvent) == before + 1


def test_reschedule_event_carries_old_and_new_times(session: Session, make_meeting) -> None:
    meeting = make_meeting(**VALID)
    later = START + timedelta(days=1)
    edit(session, meeting, starts_at=later, ends_at=later + timedelta(hours=2))
    [event] = events(session, "MeetingRescheduled")
    assert event.payload["old_starts_at"] == START.isoformat()
    assert event.payload["new_starts_at"] == later.isoformat()
    assert event.payload["old_ends_at"] == (START + timedelta(hours=3)).isoformat()
    assert event.payload["sequence"] == 1


def test_other_changes_keep_sequence_and_a_no_op_records_nothing(session: Session, make_meeting, make_entity) -> None:
    make_entity(acronym="UNHCR")
    meeting = make_meeting(**VALID)
    updated = edit(session, meeting, title="New title", description="*Agenda* soon", invitees=["UNHCR"])
    assert (updated.sequence, updated.version) == (0, 2)
    assert updated.invitee_acronyms == ["UNHCR"]
    before = count(session, OutboxEvent)
    again = edit(session, updated, title="New title", invitees=["UNHCR"])
    assert again.version == 2 and count(session, OutboxEvent) == before


def test_stale_versions_are_refused(session: Session, make_meeting) -> None:
    meeting = make_meeting(**VALID)
    edit(session, meeting, title="First")
    # Older and unknown versions alike; If-Match → 412 is the web layer's (test_api_meetings.py).
    for version in (1, 9):
        with pytest.raises(StaleVersion):
            services.update_meeting(
                session, actor=SECRETARIAT, meeting_id=meeting.id, version=version, changes={"title": "Lost"}
            )
        session.rollback()
    session.expire_all()
    assert session.get(Meeting, meeting.id).title == "First"
    with pytest.raises(ValidationError) as caught:
        services.update_meeting(session, actor=SECRETARIAT, meeting_id=meeting.id, version=None, changes={})
    assert "version" in caught.value.fields


def test_an_invalid_edit_changes_nothing(session: Session, make_meeting) -> None:
    meeting = make_meeting(**VALID)
    events_before = count(session, OutboxEvent)
    with pytest.raises(ValidationError) as caught:
        services.update_meeting(
            session,
            actor=SECRETARIAT,
            meeting_id=meeting.id,
            version=1,
            changes={"ends_at": START - timedelta(hours=1), "status": "cancelled"},
        )
    assert "status" in caught.value.fields
    with pytest.raises(ValidationError) as caught:
        services.update_meeting(
            session, actor=SECRETARIAT, meeting_id=meeting.id, version=1, changes={"ends_at": START}
        )
    assert "ends_at" in caught.value.fields
    session.rollback()
    session.expire_all()
    stored = session.get(Meeting, meeting.id)
    assert (stored.ends_at, stored.version, stored.sequence) == (START + timedelta(hours=3), 1, 0)
    assert count(session, OutboxEvent) == events_before


def test_cancel_keeps_the_row_raises_sequence_and_refuses_twice(session: Session, make_meeting) -> None:
    meeting = make_meeting(**VALID)
    services.cancel_meeting(session, actor=SECRETARIAT, meeting_id=meeting.id, reason="No quorum")
    session.commit()
    session.expire_all()
    stored = session.get(Meeting, meeting.id)
    assert (stored.status, stored.cancel_reason, stored.sequence, stored.version) == ("cancelled", "No quorum", 1, 2)
    [event] = events(session, "MeetingCancelled")
    assert event.payload["reason"] == "No quorum" and event.payload["sequence"] == 1
    with pytest.raises(Conflict):
        services.cancel_meeting(session, actor=SECRETARIAT, meeting_id=meeting.id)
    session.rollback()
    with pytest.raises(Conflict):
        services.update_meeting(session, actor=SECRETARIAT, meeting_id=meeting.id, version=2, changes={"title": "x"})
    session.rollback()
    assert count(session, Meeting) == 1 and len(events(session, "MeetingCancelled")) == 1


def test_cancel_refusals_leave_the_meeting_scheduled(session: Session, make_meeting) -> None:
    meeting = make_meeting(**VALID)
    viewer = Actor(user_id=None, label="v", role="viewer")
    for call, error in (
        (lambda: services.cancel_meeting(session, actor=viewer, meeting_id=meeting.id), Forbidden),
        (
            lambda: services.cancel_meeting(session, actor=SECRETARIAT, meeting_id=meeting.id, reason="r" * 2001),
            ValidationError,
        ),
        (lambda: services.cancel_meeting(session, actor=SECRETARIAT, meeting_id=meeting.id, version=7), StaleVersion),
    ):
        with pytest.raises(error):
            call()
        session.rollback()
    session.expire_all()
    assert session.get(Meeting, meeting.id).status == "scheduled"
    assert events(session, "MeetingCancelled") == []
