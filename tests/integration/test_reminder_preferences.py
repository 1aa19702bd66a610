"""Reminder preferences from the profile: a kind turned off is neither planned nor, when
already planned, sent; the World Day campaign follows its own switch."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask
from sqlalchemy.orm import Session

from icat.accounts import admin
from icat.accounts.services import actor_for
from icat.core import clock
from icat.core.actor import SYSTEM
from icat.meetings import services as meetings
from icat.notifications.campaigns import campaign_recipients
from icat.notifications.models import Delivery
from icat.scheduler import relay_outbox

T = datetime(2030, 3, 10, 13, 0, tzinfo=UTC)


def relay(app: Flask, at: datetime) -> None:
    with clock.frozen(at), app.app_context():
        relay_outbox(app)


def statuses(session: Session, user_id: int) -> dict[str, str]:
    """The person's reminders (their invitations are not reminders: preferences leave them)."""
    session.expire_all()
    rows = session.query(Delivery).filter(Delivery.user_id == user_id, Delivery.kind == "meeting_reminder").all()
    return {row.key: row.status for row in rows}


def test_turning_a_kind_off_cancels_its_pending_reminders(app: Flask, session: Session, make_entity, make_user) -> None:
    make_entity(acronym="ILO", working_group=True)
    fp = make_user("focal_point", entity="ILO", email="fp@ilo.example")
    with clock.frozen(T - timedelta(days=30)):
        made = {}
        for kind in ("working_group", "briefing"):
            made[kind] = meetings.create_meeting(
                session,
                actor=SYSTEM,
                title=kind,
                kind=kind,
                starts_at=T,
                ends_at=T + timedelta(hours=1),
                timezone="Europe/Vienna",
                visibility="members",
                invitees=["ILO"],
            )
        session.commit()
    relay(app, T - timedelta(days=30))
    before = statuses(session, fp.id)
    assert len(before) == 4 and set(before.values()) == {"pending"}
    with clock.frozen(T - timedelta(days=29)):
        admin.update_user(
            session,
            actor=actor_for(fp),
            user_id=fp.id,
            version=fp.version,
            changes={"reminder_preferences": {"meeting_kinds": {"briefing": False}, "world_day": False}},
        )
        session.commit()
    relay(app, T - timedelta(days=29))
    after = statuses(session, fp.id)
    assert sorted(after.values()) == ["cancelled", "cancelled", "pending", "pending"]
    assert all(
        status == "cancelled" for key, status in after.items() if key.startswith(f"meeting:{made['briefing'].id}:")
    )
    session.expire_all()
    assert campaign_recipients(session, date(2030, 7, 30).year) == []  # the World Day campaign too
