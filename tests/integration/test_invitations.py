"""Invitations, updates and session notices by mail, end to end: meeting events → planned
deliveries → a real SMTP server on loopback (aiosmtpd), each message's MIME and its iTIP
object read back with the email parser and icalendar."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.message import Message

import icalendar
import pytest
import sqlalchemy as sa
import vobject
from flask import Flask
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.meetings import series
from icat.meetings import services as meetings
from icat.notifications.models import Delivery
from tests.integration.test_reminders import tick

T = datetime(2030, 3, 12, 13, 0, tzinfo=UTC)  # a Tuesday, 14:00 in Vienna
PLANNED = T - timedelta(days=20)
ORGANIZER = "ICAT Secretariat <secretariat@icat.example>"


@pytest.fixture
def people(session: Session, make_entity, make_user) -> dict[str, int]:
    """ILO and UNHCR with a focal point each, OSCE with none."""
    for acronym in ("ILO", "UNHCR", "OSCE"):
        make_entity(acronym=acronym, category="regional_organization" if acronym == "OSCE" else "un_secretariat")
    ilo = make_user("focal_point", entity="ILO", email="ilo@icat.example", locale="fr")
    unhcr = make_user("focal_point", entity="UNHCR", email="unhcr@icat.example")
    return {"ilo": ilo.id, "unhcr": unhcr.id}


@pytest.fixture
def mailing_app(app: Flask, smtp) -> Flask:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, ORGANIZER_EMAIL=ORGANIZER)
    return app


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
            location="Vienna International Centre",
            invitees=["ILO", "UNHCR", "OSCE"],
            reminder_offsets=["P1D"],
            **fields,
        )
        session.commit()
    return meeting.id


def mails(smtp, marker: str) -> list[Message]:
    return [m for m in smtp.messages if marker in m["X-ICAT-Delivery"]]


def itip_of(message: Message, method: str) -> icalendar.Calendar:
    """The message's calendar part, checked as RFC 6047 asks: text/calendar with its method."""
    assert message.get_content_type() == "multipart/alternative"  # the text, or the calendar object
    plain = message.get_body(preferencelist=("plain",)).get_content()
    assert "http://icat.test/meetings/" in plain, plain  # the meeting's page
    part = message.get_body(preferencelist=("calendar",))
    assert part.get_content_type() == "text/calendar" and part.get_param("method") == method
    assert part.get_content_disposition() is None and list(message.iter_attachments()) == []  # inline
    calendar = icalendar.Calendar.from_ical(part.get_content())
    assert str(calendar["METHOD"]) == method
    independent = vobject.readOne(part.get_content())  # a second parser reads the same object
    assert independent.method.value == method and independent.vevent.attendee.value == f"mailto:{message['To']}"
    return calendar


def check_event(event, message: Message, meeting_id: int, sequence: int, sent: datetime) -> None:
    assert str(event["UID"]) == f"meeting-{meeting_id}@icat.test"  # the feeds' UID
    assert int(event["SEQUENCE"]) == sequence
    assert str(event["ORGANIZER"]) == "mailto:secretariat@icat.example"
    assert event["ORGANIZER"].params["CN"] == "ICAT Secretariat"
    assert str(event["ATTENDEE"]) == f"mailto:{message['To']}"
    assert event["DTSTAMP"].dt == sent


def test_scheduling_sends_one_invitation_per_recipient_and_a_move_one_update(
    session: Session, mailing_app: Flask, people, smtp
) -> None:
    meeting_id = schedule(session)
    tick(mailing_app, PLANNED)
    tick(mailing_app, PLANNED + timedelta(minutes=1))  # a second pass sends nothing more
    invitations = mails(smtp, ":itip:seq0:")
    assert sorted(m["To"] for m in invitations) == ["ilo@icat.example", "unhcr@icat.example"]
    assert len(smtp.messages) == 2
    for message in invitations:
        (event,) = itip_of(message, "REQUEST").walk("VEVENT")
        check_event(event, message, meeting_id, 0, PLANNED)
    french = next(m for m in invitations if m["To"] == "ilo@icat.example")
    assert french["Subject"] == "Invitation\u00a0: Working group, spring session"  # the French catalogue
    french_text = french.get_body(preferencelist=("plain",)).get_content()
    assert (
        f"Répondez pour votre entité (oui, non ou peut-être) sur la page de la réunion\u00a0: http://icat.test/meetings/{meeting_id}"
        in french_text
    )
    english = next(m for m in invitations if m["To"] == "unhcr@icat.example")
    plain = english.get_body(preferencelist=("plain",)).get_content()
    assert f"on the meeting page: http://icat.test/meetings/{meeting_id}" in plain  # where to answer
    assert "please answer in the workspace" in plain
    skipped = session.scalars(
        sa.select(Delivery).where(Delivery.kind == "meeting_invitation", Delivery.user_id.is_(None))
    )
    assert [(r.recipient_label, r.status) for r in skipped] == [("OSCE", "skipped")]  # on the plan, with why

    moved = PLANNED + timedelta(days=1)
    with clock.frozen(moved):
        changes = {"starts_at": T + timedelta(days=2), "ends_at": T + timedelta(days=2, hours=3)}
        meetings.update_meeting(session, actor=SYSTEM, meeting_id=meeting_id, version=1, changes=changes)
        meetings.update_meeting(session, actor=SYSTEM, meeting_id=meeting_id, version=2, changes={"title": "Spring"})
        session.commit()
    tick(mailing_app, moved)
    tick(mailing_app, moved + timedelta(minutes=1))
    updates = mails(smtp, ":itip:seq1:")
    assert sorted(m["To"] for m in updates) == ["ilo@icat.example", "unhcr@icat.example"]
    assert len(smtp.messages) == 4  # the title alone raised no sequence: no third mail
    for message in updates:
        (event,) = itip_of(message, "REQUEST").walk("VEVENT")
        check_event(event, message, meeting_id, 1, moved)
        assert event["DTSTART"].dt == (T + timedelta(days=2)).astimezone(event["DTSTART"].dt.tzinfo)
    assert {r.kind for r in session.scalars(sa.select(Delivery).where(Delivery.key.contains(":itip:seq1:")))} == {
        "meeting_updated"
    }


def test_a_new_invitee_is_invited_and_a_cancelled_meeting_sends_no_pending_invitation(
    session: Session, mailing_app: Flask, people, make_entity, make_user, smtp
) -> None:
    meeting_id = schedule(session)
    tick(mailing_app, PLANNED)
    make_entity(acronym="IOM")
    make_user("focal_point", entity="IOM", email="iom@icat.example")
    session.commit()
    with clock.frozen(PLANNED + timedelta(hours=1)):
        invitees = {"invitees": ["ILO", "UNHCR", "OSCE", "IOM"]}
        meetings.update_meeting(session, actor=SYSTEM, meeting_id=meeting_id, version=1, changes=invitees)
        session.commit()
    tick(mailing_app, PLANNED + timedelta(hours=1))
    assert [m["To"] for m in smtp.messages[2:]] == ["iom@icat.example"]
    itip_of(smtp.messages[2], "REQUEST")
    with clock.frozen(PLANNED + timedelta(hours=2)):
        meetings.update_meeting(session, actor=SYSTEM, meeting_id=meeting_id, version=2, changes={"location": "Online"})
        meetings.cancel_meeting(session, actor=SYSTEM, meeting_id=meeting_id, reason="No quorum")
        session.commit()
    tick(mailing_app, PLANNED + timedelta(hours=2))
    later = [m["X-ICAT-Delivery"] for m in smtp.messages[3:]]
    assert later and all(":cancelled:" in key for key in later)  # the update was overtaken by the cancellation
    for message in smtp.messages[3:]:
        itip_of(message, "CANCEL")


def test_a_moved_and_a_cancelled_session_of_a_series_each_send_one_notice(
    session: Session, mailing_app: Flask, people, smtp
) -> None:
    meeting_id = schedule(session, recurrence="FREQ=WEEKLY;BYDAY=TU;COUNT=6")
    tick(mailing_app, PLANNED)
    second, third = T + timedelta(weeks=1), T + timedelta(weeks=2)
    at = PLANNED + timedelta(days=1)
    with clock.frozen(at):
        series.move_occurrence(
            session,
            actor=SYSTEM,
            meeting_id=meeting_id,
            recurrence_id=second,
            starts_at=second + timedelta(days=1),
            ends_at=second + timedelta(days=1, hours=3),
        )
        series.cancel_occurrence(session, actor=SYSTEM, meeting_id=meeting_id, recurrence_id=third)
        session.commit()
    tick(mailing_app, at)
    tick(mailing_app, at + timedelta(minutes=5))
    moved, cancelled = mails(smtp, ":occ20300319T130000Z:"), mails(smtp, ":occ20300326T130000Z:")
    assert (
        sorted(m["To"] for m in moved)
        == sorted(m["To"] for m in cancelled)
        == [
            "ilo@icat.example",
            "unhcr@icat.example",
        ]
    )
    assert len(smtp.messages) == 6  # 2 invitations, 2 moves, 2 cancellations
    for message in moved:
        (event,) = itip_of(message, "REQUEST").walk("VEVENT")
        check_event(event, message, meeting_id, 1, at)
        assert event["RECURRENCE-ID"].dt.astimezone(UTC) == second
        assert event["DTSTART"].dt.astimezone(UTC) == second + timedelta(days=1)
    for message in cancelled:
        (event,) = itip_of(message, "CANCEL").walk("VEVENT")
        check_event(event, message, meeting_id, 1, at)
        assert event["RECURRENCE-ID"].dt.astimezone(UTC) == third and str(event["STATUS"]) == "CANCELLED"
        assert "RRULE" not in event  # that session only, not the whole series


def test_a_restarted_worker_repeats_no_invitation(session: Session, make_entity, make_user, start_worker, smtp):
    """Real worker processes: the first sends the invitations; after it is stopped, a new
    one finds every key sent and sends nothing again."""
    make_entity(acronym="ILO")
    make_user("focal_point", entity="ILO", email="ilo@icat.example")
    make_user("focal_point", entity="ILO", email="ilo2@icat.example")
    settings = {"ICAT_SMTP_HOST": "127.0.0.1", "ICAT_SMTP_PORT": str(smtp.port)}
    first = start_worker(**settings)
    first.wait_started()
    starts = clock.now() + timedelta(days=30)
    meetings.create_meeting(
        session,
        actor=SYSTEM,
        title="Principals",
        kind="principals",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        timezone="America/New_York",
        invitees=["ILO"],
    )
    session.commit()
    assert len(smtp.wait_for(2, timeout=60)) == 2
    assert first.stop() == 0
    second = start_worker(**settings)
    second.wait_started()
    time.sleep(4)  # a few polls of relay and deliver
    assert second.stop() == 0
    keys = smtp.keys()
    assert len(keys) == len(set(keys)) == 2 and all(":itip:seq0:" in k for k in keys)


def test_a_session_notice_not_yet_sent_is_dropped_when_the_series_moves(
    session: Session, mailing_app: Flask, people, smtp
) -> None:
    from icat.scheduler import relay_outbox

    meeting_id = schedule(session, recurrence="FREQ=WEEKLY;BYDAY=TU;COUNT=6")
    tick(mailing_app, PLANNED)
    second, at = T + timedelta(weeks=1), PLANNED + timedelta(days=1)
    with clock.frozen(at):
        series.move_occurrence(
            session,
            actor=SYSTEM,
            meeting_id=meeting_id,
            recurrence_id=second,
            starts_at=second + timedelta(days=1),
            ends_at=second + timedelta(days=1, hours=3),
        )
        session.commit()
        with mailing_app.app_context():
            relay_outbox(mailing_app)  # the session's notices are planned, not sent yet
        later = {"starts_at": T + timedelta(hours=1), "ends_at": T + timedelta(hours=4)}
        meetings.update_meeting(session, actor=SYSTEM, meeting_id=meeting_id, version=2, changes=later)
        session.commit()
    tick(mailing_app, at)
    session.expire_all()
    notices = session.scalars(
        sa.select(Delivery).where(Delivery.kind == "occurrence_moved", Delivery.user_id.is_not(None))
    )
    assert {r.status for r in notices} == {"cancelled"}  # the override no longer exists
    assert [m["X-ICAT-Delivery"].split(":")[2:4] for m in smtp.messages[2:]] == [["itip", "seq1"]] * 2
