"""The inbox and the activity page as people read them: every notice with a title, a
sentence in the reader's language and a link to its subject (never a code name such as
``meeting_reminder``), read and unread; the activity log filtered by area, entity, actor
and date, with links, paged. Notices come from real deliveries sent to an SMTP sink."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.meetings import services as meetings
from icat.notifications.models import Notice
from icat.registry import services as registry
from tests.e2e.test_meeting_pages import signed_in, text
from tests.integration.test_reminders import tick

T = datetime(2030, 3, 12, 13, 0, tzinfo=UTC)


@pytest.fixture
def delivered(app: Flask, smtp, session: Session, make_entity, make_user) -> dict[str, int]:
    """ILO's focal point got the invitation and the one-day reminder of a meeting, by mail
    and in the inbox; a French-speaking focal point of UNHCR got them too."""
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    make_entity(acronym="ILO")
    make_entity(acronym="UNHCR")
    ilo = make_user("focal_point", entity="ILO", email="ilo@icat.example")
    unhcr = make_user("focal_point", entity="UNHCR", email="unhcr@icat.example", locale="fr")
    with clock.frozen(T - timedelta(days=20)):
        meeting = meetings.create_meeting(
            session,
            actor=SYSTEM,
            title="Spring session",
            kind="working_group",
            starts_at=T,
            ends_at=T + timedelta(hours=2),
            timezone="Europe/Vienna",
            invitees=["ILO", "UNHCR"],
            reminder_offsets=["P1D"],
        )
        session.commit()
    tick(app, T - timedelta(days=20))
    tick(app, T - timedelta(days=1))
    assert len(smtp.keys()) == 4
    return {"ilo": ilo.id, "unhcr": unhcr.id, "meeting": meeting.id}


def notices(session: Session, user_id: int) -> dict[str, Notice]:
    session.expire_all()
    return {n.kind: n for n in session.scalars(sa.select(Notice).where(Notice.user_id == user_id))}


def test_the_inbox_reads_as_sentences_with_links_and_keeps_read_and_unread(
    client: FlaskClient, session: Session, delivered
) -> None:
    from icat.accounts.models import User

    session.add(Notice(user_id=delivered["ilo"], kind="from_a_later_release", params={}, created_at=clock.now()))
    session.commit()
    signed_in(client, session.get(User, delivered["ilo"]))
    page = text(client.get("/inbox"))
    assert "Reminder: Spring session" in page and "Invitation: Spring session" in page
    assert "Spring session starts" in page and "You are invited to Spring session" in page
    assert "A notice from the workspace." in page
    assert "meeting_reminder" not in page and "meeting_invitation" not in page and "from_a_later_release" not in page
    assert "3 unread notices." in page and page.count("<mark>New</mark>") == 3
    mine = notices(session, delivered["ilo"])
    reminder = mine["meeting_reminder"]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    opened = client.post(f"/inbox/{reminder.id}/open", data={"csrf_token": token})
    assert opened.status_code == 302 and opened.headers["Location"] == f"/meetings/{delivered['meeting']}"
    assert notices(session, delivered["ilo"])["meeting_reminder"].read_at is not None
    assert "2 unread notices." in text(client.get("/inbox"))
    # Someone else's notice is not this reader's to open: nothing changes.
    theirs = notices(session, delivered["unhcr"])["meeting_reminder"]
    assert client.post(f"/inbox/{theirs.id}/open", data={"csrf_token": token}).headers["Location"] == "/inbox"
    assert notices(session, delivered["unhcr"])["meeting_reminder"].read_at is None
    assert client.post("/inbox/read", data={}).status_code == 400  # no CSRF token: refused
    assert client.post("/inbox/read", data={"csrf_token": token}).status_code == 302
    assert "0 unread notices." in text(client.get("/inbox"))
    assert all(n.read_at is not None for n in notices(session, delivered["ilo"]).values())


def test_the_inbox_speaks_the_readers_language(client: FlaskClient, session: Session, delivered) -> None:
    from icat.accounts.models import User

    signed_in(client, session.get(User, delivered["unhcr"]))
    page = text(client.get("/inbox"))
    assert "Rappel\u00a0: Spring session" in page  # the French catalogue's title
    assert "meeting_reminder" not in page


def _secretariat(client: FlaskClient, make_user) -> FlaskClient:
    return signed_in(client, make_user("secretariat", email="ana@icat.example"))


def test_the_activity_page_filters_by_area_entity_actor_and_date_with_links(
    client: FlaskClient, session: Session, make_entity, make_user, make_meeting
) -> None:
    make_entity(acronym="ILO")
    make_entity(acronym="IOM")
    editor = make_user("secretariat", email="editor@icat.example")
    from icat.accounts.services import actor_for

    with clock.frozen(datetime(2030, 1, 5, 10, tzinfo=UTC)):
        invited = make_meeting(title="Invites ILO", invitees=["ILO"])
        other = make_meeting(title="Invites IOM", invitees=["IOM"])
    with clock.frozen(datetime(2030, 2, 5, 10, tzinfo=UTC)):
        registry.update_entity(session, actor=actor_for(editor), acronym="ILO", version=1, changes={"notes": "x"})
        session.commit()
    _secretariat(client, make_user)
    everything = text(client.get("/activity"))
    assert (
        f'href="/meetings/{invited.id}">Invites ILO</a>' in everything and 'href="/entities/ILO">ILO</a>' in everything
    )
    meetings_only = text(client.get("/activity?area=meetings"))
    assert "Invites IOM" in meetings_only and 'href="/entities/ILO"' not in meetings_only
    about_ilo = text(client.get("/activity?entity=ILO"))
    assert "Invites ILO" in about_ilo and 'href="/entities/ILO"' in about_ilo and "Invites IOM" not in about_ilo
    by_editor = text(client.get("/activity?actor=EDITOR@"))
    assert 'href="/entities/ILO"' in by_editor and "Invites ILO" not in by_editor
    january = text(client.get("/activity?from=2030-01-01&to=2030-01-31"))
    assert "Invites ILO" in january and "Invites IOM" in january and 'href="/entities/ILO"' not in january
    assert f'href="/meetings/{other.id}"' in january
    assert client.get("/activity?area=nowhere").status_code == 422
    assert client.get("/activity?from=yesterday").status_code == 422
    assert client.get("/activity?entity=NOPE").status_code == 422


def test_the_activity_page_is_paged_and_keeps_its_filters(
    client: FlaskClient, session: Session, make_entity, make_user, make_meeting
) -> None:
    make_entity(acronym="ILO")
    for n in range(55):
        make_meeting(title=f"Call {n:02d}", invitees=["ILO"])
    _secretariat(client, make_user)
    first = text(client.get("/activity?area=meetings"))
    assert "Call 54" in first and "Call 05" in first and "Call 04" not in first
    older = re.search(r'<a href="(/activity\?[^"]+)">Older events</a>', first).group(1)
    assert "area=meetings" in older
    second = text(client.get(older))
    assert "Call 04" in second and "Call 00" in second and "Call 05" not in second
    assert "Older events" not in second
