"""The reminder plan page reads as a plan: by session and by reminder, recipients counted,
an entity nobody can be reached at said once, offsets in words, times in the viewer's zone."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.meetings import services as meetings
from icat.scheduler import relay_outbox
from tests.e2e.test_meeting_pages import signed_in, text


def test_the_plan_is_grouped_counted_explained_once_and_in_the_viewers_zone(
    app: Flask, client: FlaskClient, session: Session, make_entity, make_user
) -> None:
    make_entity(acronym="ILO")
    make_entity(acronym="OSCE", category="regional_organization")
    make_user("focal_point", entity="ILO", email="ilo@icat.example")
    make_user("focal_point", entity="ILO", email="ilo2@icat.example")
    start = (clock.now() + timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    meeting = meetings.create_meeting(
        session,
        actor=SYSTEM,
        title="Weekly call",
        kind="coordination_call",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        timezone="Europe/Vienna",
        recurrence="FREQ=WEEKLY;COUNT=2",
        invitees=["ILO", "OSCE"],
        reminder_offsets=["P7D", "P1D"],
    )
    session.commit()
    with app.app_context():
        relay_outbox(app)
    signed_in(client, make_user("secretariat", email="sec@icat.example", timezone="America/New_York"))
    page = text(client.get(f"/meetings/{meeting.id}/reminders"))
    assert page.count("OSCE has no focal point: invite one.") == 1  # not once per skipped row
    assert page.count("Session of ") == 2
    assert page.count("Reminder 1 week before") == 2 and page.count("Reminder 1 day before") == 2
    assert page.count("Invitation") == 1 and "P7D" not in page
    assert page.count("2 recipients") == 5  # ILO's two focal points; OSCE counts as nobody
    assert "ilo2@icat.example, ilo@icat.example" in page  # each recipient once per group, sorted
    new_york = start.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M")
    vienna = start.astimezone(ZoneInfo("Europe/Vienna")).strftime("%H:%M")
    assert new_york != vienna and new_york in page and vienna in page
    assert page.index(new_york) < page.index(vienna)  # the viewer's zone first, the meeting's beside it
    assert "America/New_York" in page


def test_a_focal_point_sees_only_its_own_rows_and_no_unreachable_entities(
    app: Flask, client: FlaskClient, session: Session, make_entity, make_user
) -> None:
    make_entity(acronym="ILO")
    make_entity(acronym="OSCE", category="regional_organization")
    ilo = make_user("focal_point", entity="ILO", email="ilo@icat.example", locale="fr")
    make_user("focal_point", entity="ILO", email="ilo2@icat.example")
    start = clock.now() + timedelta(days=10)
    meeting = meetings.create_meeting(
        session,
        actor=SYSTEM,
        title="Briefing",
        kind="briefing",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        timezone="Europe/Vienna",
        invitees=["ILO", "OSCE"],
        reminder_offsets=["PT2H"],
    )
    session.commit()
    with app.app_context():
        relay_outbox(app)
    signed_in(client, ilo)
    page = text(client.get(f"/meetings/{meeting.id}/reminders"))
    assert "ilo2@icat.example" not in page and "OSCE" not in page
    assert re.search(r"2\sheures", page)  # the offset in the reader's language (Babel's units, a no-break space)
