"""Reminders end to end in one process: meeting events → planned deliveries → a real SMTP
server on loopback, with the worker's own job functions and a frozen clock."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.core.outbox import HandlerRun, OutboxEvent
from icat.meetings import participation
from icat.meetings import services as meetings
from icat.meetings.models import Meeting
from icat.notifications.compose import message_id
from icat.notifications.invitations import ITIP_KINDS
from icat.notifications.models import Delivery, Notice
from icat.scheduler import deliver_due, relay_outbox
from tests.conftest import count

T = datetime(2030, 3, 10, 13, 0, tzinfo=UTC)  # the meeting starts (14:00 in Vienna)
PLANNED = T - timedelta(days=20)


@pytest.fixture
def people(session: Session, make_entity, make_user) -> dict[str, int]:
    """ILO and UNHCR with a focal point each, OSCE with none, a viewer who will follow."""
    for acronym in ("ILO", "UNHCR", "OSCE"):
        make_entity(acronym=acronym, category="regional_organization" if acronym == "OSCE" else "un_secretariat")
    ilo = make_user("focal_point", entity="ILO", email="ilo@icat.example", locale="fr", timezone="America/New_York")
    unhcr = make_user("focal_point", entity="UNHCR", email="unhcr@icat.example")
    viewer = make_user("viewer", email="follower@icat.example")
    return {"ilo": ilo.id, "unhcr": unhcr.id, "viewer": viewer.id}


@pytest.fixture
def mailing_app(app: Flask, smtp) -> Flask:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, DELIVERY_BACKOFF_SECONDS=60)
    return app


def tick(app: Flask, at: datetime) -> None:
    """One pass of the worker at ``at``: relay events to handlers, then send what is due."""
    with clock.frozen(at), app.app_context():
        relay_outbox(app)
        deliver_due(app)


def schedule(session: Session, **fields) -> int:
    with clock.frozen(PLANNED):
        meeting = meetings.create_meeting(
            session,
            actor=SYSTEM,
            title="Working group, spring session",
            kind="working_group",
            starts_at=T,
            ends_at=T + timedelta(hours=3),
            timezone="Europe/Vienna",
            visibility="members",
            location="Vienna International Centre",
            invitees=["ILO", "UNHCR", "OSCE"],
            **fields,
        )
        session.commit()
    return meeting.id


def reminder_mails(smtp) -> list:
    """What the sink received but invitations and updates (tests/integration/test_invitations.py)."""
    return [m for m in smtp.messages if ":itip:" not in m["X-ICAT-Delivery"]]


def reminder_keys(smtp) -> list[str]:
    return [m["X-ICAT-Delivery"] for m in reminder_mails(smtp)]


def rows(session: Session, **where) -> list[Delivery]:
    """Reminder and cancellation rows (invitations are tested on their own)."""
    session.expire_all()
    query = (
        sa.select(Delivery)
        .where(Delivery.kind.not_in(ITIP_KINDS))
        .filter_by(**where)
        .order_by(Delivery.due_at, Delivery.key)
    )
    return list(session.scalars(query))


def test_a_scheduled_meeting_plans_one_row_per_reminder_and_recipient(
    session: Session, mailing_app: Flask, people, smtp
) -> None:
    meeting_id = schedule(session)
    with clock.frozen(PLANNED):
        participation.follow(session, actor=_actor(session, people["viewer"]), meeting_id=meeting_id)
        session.commit()
    tick(mailing_app, PLANNED)
    pending = rows(session, status="pending")
    assert {(r.params["offset"], r.email) for r in pending} == {
        (o, e) for o in ("P7D", "P1D") for e in ("ilo@icat.example", "unhcr@icat.example", "follower@icat.example")
    }
    assert {r.due_at for r in pending} == {T - timedelta(days=7), T - timedelta(days=1)}
    assert f"meeting:{meeting_id}:P1D:seq0:user:{people['ilo']}" in {r.key for r in pending}
    unreachable = rows(session, status="skipped")  # reported on the plan, not silently dropped
    assert [(r.recipient_label, r.last_error) for r in unreachable] == [
        ("OSCE", "OSCE has no focal point to remind.")
    ] * 2
    assert reminder_keys(smtp) == []  # nothing is due yet


def _actor(session: Session, user_id: int):
    from icat.accounts.models import User
    from icat.accounts.services import actor_for

    return actor_for(session.get(User, user_id))


def test_due_reminders_are_sent_once_in_the_recipients_language_and_zone(
    session: Session, mailing_app: Flask, people, smtp
) -> None:
    meeting_id = schedule(session)
    tick(mailing_app, PLANNED)
    tick(mailing_app, T - timedelta(days=7, minutes=-1))
    tick(mailing_app, T - timedelta(days=7, minutes=-2))  # a second tick sends nothing more
    assert sorted(reminder_keys(smtp)) == sorted(r.key for r in rows(session, status="sent"))
    assert len(reminder_keys(smtp)) == 2
    french = next(m for m in reminder_mails(smtp) if m["To"] == "ilo@icat.example")
    body = french.get_body(preferencelist=("plain",)).get_content()
    assert french["Subject"].startswith("Rappel\u00a0: ")  # the catalogue's French, not English
    assert "Quand, dans votre fuseau horaire (America/New_York)" in body
    assert "America/New_York" in body and "Europe/Vienna" in body
    assert "09:00" in body or "9:00" in body  # 13:00 UTC is 09:00 in New York (EDT on 10 March 2030)
    assert "14:00" in body  # and 14:00 in Vienna
    assert french["Message-ID"] == message_id(french["X-ICAT-Delivery"], "icat.test")
    (attachment,) = list(french.iter_attachments())
    assert attachment.get_content_type() == "text/calendar" and attachment.get_param("method") == "PUBLISH"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    (event,) = calendar.walk("VEVENT")
    # A reminder is no invitation: PUBLISH (RFC 5546 §3.2.1), never the same REQUEST again.
    assert (str(calendar["METHOD"]), str(event["UID"]), int(event["SEQUENCE"])) == (
        "PUBLISH",
        f"meeting-{meeting_id}@icat.test",
        0,
    )
    assert str(event["ORGANIZER"]) == "mailto:no-reply@icat.invalid"
    assert "ATTENDEE" not in event
    assert event["DTSTAMP"].dt == T - timedelta(days=7, minutes=-1)  # the time of sending
    assert count(session, Notice, Notice.kind == "meeting_reminder") == 2  # the inbox has it too


def test_reschedule_moves_the_reminder_and_cancel_sends_one_notice(
    session: Session, mailing_app: Flask, people, smtp
) -> None:
    mailing_app.config["ORGANIZER_EMAIL"] = "ICAT Secretariat <secretariat@icat.example>"
    meeting_id = schedule(session, reminder_offsets=["P1D"])
    tick(mailing_app, PLANNED)
    with clock.frozen(PLANNED + timedelta(days=1)):
        meetings.update_meeting(
            session,
            actor=SYSTEM,
            meeting_id=meeting_id,
            version=1,
            changes={"starts_at": T + timedelta(days=2), "ends_at": T + timedelta(days=2, hours=3)},
        )
        session.commit()
    tick(mailing_app, PLANNED + timedelta(days=1))
    assert {r.key.split(":")[3] for r in rows(session, status="cancelled")} == {"seq0"}
    tick(mailing_app, T - timedelta(days=1, minutes=-1))  # the old reminder time: nothing
    assert reminder_keys(smtp) == []
    tick(mailing_app, T + timedelta(days=1, minutes=1))  # the new one: once per recipient
    assert sorted(reminder_keys(smtp)) == sorted(
        f"meeting:{meeting_id}:P1D:seq1:user:{people[p]}" for p in ("ilo", "unhcr")
    )
    with clock.frozen(T + timedelta(days=1, hours=2)):
        meetings.cancel_meeting(session, actor=SYSTEM, meeting_id=meeting_id, reason="No quorum")
        session.commit()
    tick(mailing_app, T + timedelta(days=1, hours=2))
    notices = [m for m in reminder_mails(smtp) if ":cancelled:" in m["X-ICAT-Delivery"]]
    assert sorted(m["To"] for m in notices) == ["ilo@icat.example", "unhcr@icat.example"]
    for notice in notices:
        assert notice.get_content_type() == "multipart/alternative" and list(notice.iter_attachments()) == []
        part = notice.get_body(preferencelist=("calendar",))
        assert part.get_content_type() == "text/calendar" and part.get_param("method") == "CANCEL"  # RFC 6047
        calendar = icalendar.Calendar.from_ical(part.get_content())
        (event,) = calendar.walk("VEVENT")
        assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == f"meeting-{meeting_id}@icat.test" and int(event["SEQUENCE"]) == 2
        # RFC 5546 §3.2.5: a CANCEL names its ORGANIZER and the ATTENDEE it is addressed to.
        assert str(event["ORGANIZER"]) == "mailto:secretariat@icat.example"
        assert event["ORGANIZER"].params["CN"] == "ICAT Secretariat"
        assert str(event["ATTENDEE"]) == f"mailto:{notice['To']}"
        assert event["DTSTAMP"].dt == T + timedelta(days=1, hours=2)  # sent now, not the last edit
    assert rows(session, status="pending") == []


def _replan_runs(session: Session, after_event: int) -> int:
    """How often the relay re-planned the meeting for events after ``after_event``: each run
    of a re-planning handler leaves its HandlerRun row."""
    session.expire_all()
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(HandlerRun)
        .where(HandlerRun.event_id > after_event, HandlerRun.handler.like("%.replan_reminders"))
    )


def test_a_reschedule_records_one_event_and_plans_the_reminders_once(
    session: Session, mailing_app: Flask, people, smtp
) -> None:
    meeting_id = schedule(session, reminder_offsets=["P1D"])
    tick(mailing_app, PLANNED)
    last = session.scalar(sa.select(sa.func.max(OutboxEvent.id)))
    later = {"starts_at": T + timedelta(days=2), "ends_at": T + timedelta(days=2, hours=3), "title": "Moved"}
    with clock.frozen(PLANNED + timedelta(days=1)):
        meetings.update_meeting(session, actor=SYSTEM, meeting_id=meeting_id, version=1, changes=later)
        session.commit()
    [event] = session.scalars(sa.select(OutboxEvent).where(OutboxEvent.id > last)).all()
    assert event.type == "MeetingRescheduled"
    assert set(event.payload["changes"]) == set(later) and event.payload["version"] == 2
    tick(mailing_app, PLANNED + timedelta(days=1))
    assert _replan_runs(session, last) == 1
    by_seq = {(r.key.split(":")[3], r.status, r.recipient_label) for r in rows(session) if r.kind == "meeting_reminder"}
    assert by_seq == {
        (seq, status, who)
        for seq, status in (("seq0", "cancelled"), ("seq1", "pending"))
        for who in ("ilo@icat.example", "unhcr@icat.example")
    } | {("seq0", "skipped", "OSCE"), ("seq1", "skipped", "OSCE")}
    pending = rows(session, status="pending")
    assert {r.due_at for r in pending} == {T + timedelta(days=1)} and len(pending) == 2


def test_events_stored_by_an_earlier_release_are_still_handled(session: Session, mailing_app: Flask, people) -> None:
    """Before one event per edit, a time change stored MeetingRescheduled (no version, no
    changes) and then MeetingUpdated; the relay may meet such rows after an upgrade."""
    meeting_id = schedule(session, reminder_offsets=["P1D"])
    tick(mailing_app, PLANNED)
    meeting = session.get(Meeting, meeting_id)
    old, new = T.isoformat(), (T + timedelta(days=2)).isoformat()
    meeting.starts_at, meeting.ends_at = T + timedelta(days=2), T + timedelta(days=2, hours=3)
    meeting.sequence = 1
    times = {"old_starts_at": old, "old_ends_at": old, "new_starts_at": new, "new_ends_at": new}
    shapes = {
        "MeetingRescheduled": {**times, "timezone": "Europe/Vienna", "recurrence": None, "sequence": 1},
        "MeetingUpdated": {"version": 2, "sequence": 1, "changes": {"starts_at": [old, new]}},
    }
    for type_name, payload in shapes.items():
        session.add(
            OutboxEvent(
                type=type_name,
                payload={"meeting_id": meeting_id, "dropped_occurrences": [], **payload},
                subject=f"meeting:{meeting_id}",
                occurred_at=PLANNED,
                available_at=PLANNED,
                actor_id=None,
                actor_label="system",
                attempts=0,
            )
        )
    session.commit()
    tick(mailing_app, PLANNED + timedelta(days=1))
    session.expire_all()
    assert session.scalars(sa.select(OutboxEvent.type).where(OutboxEvent.processed_at.is_(None))).all() == []
    assert {r.key.split(":")[3] for r in rows(session, status="pending")} == {"seq1"}
    stored = session.scalars(sa.select(OutboxEvent).where(OutboxEvent.type == "MeetingRescheduled")).one()
    event = stored.to_event()
    assert (event.new_starts_at, event.version, event.changes) == (new, 0, {})  # the new fields' defaults


def test_a_new_title_and_a_new_address_reach_the_reminders_already_planned(
    session: Session, mailing_app: Flask, people, smtp
) -> None:
    from icat.accounts.models import User

    meeting_id = schedule(session, reminder_offsets=["P1D"])
    tick(mailing_app, PLANNED)
    with clock.frozen(PLANNED + timedelta(days=1)):
        changes = {"title": "Working group, spring session (agenda revised)"}
        meetings.update_meeting(session, actor=SYSTEM, meeting_id=meeting_id, version=1, changes=changes)
        session.get(User, people["unhcr"]).email = "unhcr.new@icat.example"
        session.commit()
    tick(mailing_app, PLANNED + timedelta(days=1))
    assert {r.key.split(":")[3] for r in rows(session, status="pending")} == {"seq0"}  # same keys, no resend
    tick(mailing_app, T - timedelta(days=1, minutes=-1))
    assert sorted(m["To"] for m in reminder_mails(smtp)) == ["ilo@icat.example", "unhcr.new@icat.example"]
    assert {m["Subject"].split(": ", 1)[-1] for m in reminder_mails(smtp)} == {changes["title"]}


def test_after_downtime_due_reminders_go_out_if_the_meeting_is_ahead_else_they_are_skipped(
    session: Session, mailing_app: Flask, people, smtp
) -> None:
    schedule(session)
    tick(mailing_app, PLANNED)
    tick(mailing_app, T - timedelta(hours=3))  # worker down for six days: both reminders are due
    assert len(reminder_keys(smtp)) == 4  # P7D and P1D, late but before the meeting, once each
    second = schedule(session, reminder_offsets=["PT1H"])
    tick(mailing_app, PLANNED)
    tick(mailing_app, T + timedelta(minutes=5))  # back only after the start
    assert [
        r.last_error for r in rows(session, status="skipped") if r.params.get("meeting_id") == second and r.user_id
    ] == ["too late: the event it announces has started"] * 2
    assert len(reminder_keys(smtp)) == 4


def test_smtp_failures_back_off_retry_and_end_failed_but_nothing_is_lost(
    session: Session, mailing_app: Flask, people, smtp
) -> None:
    schedule(session, reminder_offsets=["P1D"])
    tick(mailing_app, PLANNED)
    due = T - timedelta(days=1)
    smtp.fail_with = "451 4.3.0 Try again later"
    tick(mailing_app, due)
    retrying = rows(session, status="pending")
    assert {(r.attempts, r.lease_until, r.last_error[:26]) for r in retrying if r.user_id} == {
        (1, due + timedelta(seconds=60), "SMTPDataError: (451, b'4.3")
    }
    tick(mailing_app, due + timedelta(seconds=30))  # still backing off
    smtp.fail_with = None
    assert reminder_keys(smtp) == []
    tick(mailing_app, due + timedelta(seconds=61))
    assert len(reminder_keys(smtp)) == 2 and len(rows(session, status="sent")) == 2


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nobody listens there


def test_an_unreachable_smtp_server_ends_in_failed_rows_the_secretariat_can_see(
    session: Session, mailing_app: Flask, people, smtp
) -> None:
    schedule(session, reminder_offsets=["P1D"])
    tick(mailing_app, PLANNED)
    mailing_app.config["SMTP_PORT"] = _closed_port()
    at = T - timedelta(days=1)
    for attempt in range(5):
        tick(mailing_app, at)
        at += timedelta(minutes=2**attempt + 1)
    failed = rows(session, status="failed")
    assert len(failed) == 2 and all(r.attempts == 5 and "ConnectionRefusedError" in r.last_error for r in failed)
    assert reminder_keys(smtp) == []


def test_a_restricted_meeting_reminds_only_its_invitees(session: Session, mailing_app: Flask, people, smtp) -> None:
    meeting_id = schedule(session, reminder_offsets=["P1D"])
    with clock.frozen(PLANNED):
        participation.follow(session, actor=_actor(session, people["viewer"]), meeting_id=meeting_id)
        session.commit()
    tick(mailing_app, PLANNED)
    assert "follower@icat.example" in {r.email for r in rows(session, status="pending")}
    with clock.frozen(PLANNED):  # now restricted to its invitees: the follower is not one
        meetings.update_meeting(
            session, actor=SYSTEM, meeting_id=meeting_id, version=1, changes={"visibility": "restricted"}
        )
        session.commit()
    tick(mailing_app, PLANNED)
    assert {r.email for r in rows(session, status="pending")} == {"ilo@icat.example", "unhcr@icat.example"}


def test_reminders_due_during_a_worker_outage_are_sent_late_or_recorded_as_skipped(
    session: Session, mailing_app: Flask, people, smtp
) -> None:
    """Defects issue item 12: planned relative to the change, not to when a worker next runs.

    Every worker is down from the moment the meeting is scheduled until after its P7D
    reminder was due: that reminder still goes out (the meeting is ahead). A second meeting
    starts during the outage: its reminders are on the plan as skipped, with the reason."""
    ahead = schedule(session, reminder_offsets=["P7D", "P1D"])  # starts at T; scheduled at T - 20 days
    with clock.frozen(PLANNED):
        soon = meetings.create_meeting(
            session,
            actor=SYSTEM,
            title="Coordination call",
            kind="coordination_call",
            starts_at=PLANNED + timedelta(days=2),
            ends_at=PLANNED + timedelta(days=2, hours=1),
            timezone="Europe/Vienna",
            invitees=["ILO"],
            reminder_offsets=["P1D"],
        )
        session.commit()
    back = T - timedelta(days=5)  # the workers come back: P7D of `ahead` is two days late
    tick(mailing_app, back)
    sent = {m["X-ICAT-Delivery"] for m in reminder_mails(smtp)}
    assert sent == {f"meeting:{ahead}:P7D:seq0:user:{people[p]}" for p in ("ilo", "unhcr")}
    assert {r.key for r in rows(session, status="pending")} == {
        f"meeting:{ahead}:P1D:seq0:user:{people[p]}" for p in ("ilo", "unhcr")
    }
    missed = [r for r in rows(session, subject=f"meeting:{soon.id}") if r.user_id is not None]
    assert [(r.status, r.last_error) for r in missed] == [("skipped", "too late: the event it announces has started")]
    tick(mailing_app, back + timedelta(minutes=1))  # nothing is sent twice after the catch-up
    assert len(reminder_mails(smtp)) == 2
