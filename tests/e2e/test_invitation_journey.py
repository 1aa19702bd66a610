"""The whole walk of a new person, end to end in one process: invited through the API, the
mail read from a real SMTP server on loopback, the password set from its link, the profile
saved, and the chosen language and zone seen on the next page and in the next reminder."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.accounts.models import AccountLink, LoginSession, User
from icat.core import clock
from icat.core.actor import SYSTEM
from icat.meetings import services as meetings
from icat.notifications.models import Delivery
from icat.scheduler import deliver_due, relay_outbox
from tests.conftest import count
from tests.support.html_forms import form_fields

T0 = datetime(2030, 2, 1, 9, 0, tzinfo=UTC)
MEETING = datetime(2030, 3, 10, 13, 0, tzinfo=UTC)  # 14:00 in Vienna, 09:00 in New York (EDT)
NEW_PASSWORD = "amber kettle orchard violin"


@pytest.fixture
def mailing_app(app: Flask, smtp) -> Flask:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    return app


def tick(app: Flask, at: datetime) -> None:
    with clock.frozen(at), app.app_context():
        relay_outbox(app)
        deliver_due(app)


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, prefix: str) -> str:
    found = re.search(r"http://icat\.test(" + prefix + r"[A-Za-z0-9_-]+)", body_of(message))
    assert found, body_of(message)
    return found.group(1)


def invite(client: FlaskClient, session: Session, make_user, **body) -> dict:
    admin = make_user("secretariat", email="sec@icat.example")
    _token, raw = accounts.create_token(session, actor=SYSTEM, user=admin, kind="api", name="t")
    session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    with clock.frozen(T0):
        response = client.post("/api/v1/users", json=body, headers=headers)
    assert response.status_code == 201, response.json
    return {"user": response.json, "headers": headers}


def test_invite_mail_password_profile_and_the_next_page_and_reminder(
    client: FlaskClient, session: Session, mailing_app: Flask, smtp, make_entity, make_user
) -> None:
    make_entity(acronym="ILO")
    invited = invite(client, session, make_user, email="ana@ilo.example", role="focal_point", entity="ILO")
    tick(mailing_app, T0)
    tick(mailing_app, T0 + timedelta(minutes=1))  # the mail goes exactly once
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["To"] == "ana@ilo.example" and "invited" in mail["Subject"]
    path = link_in(mail, "/invitations/")
    assert path.rsplit("/", 1)[1] not in str(session.query(AccountLink.token_hash, AccountLink.nonce).all())

    with clock.frozen(T0 + timedelta(hours=2)):
        page = client.get(path)
        assert page.status_code == 200 and "ana@ilo.example" in page.get_data(as_text=True)
        done = client.post(path, data=form_fields(page) | {"password": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/account")
    profile = client.get("/account")
    assert profile.status_code == 200 and "data-zone-offer" in profile.get_data(as_text=True)
    assert "UTC" in profile.get_data(as_text=True)  # nothing applied silently
    again = client.get(path)
    assert again.status_code == 410  # used: the link no longer works

    fields = form_fields(profile, "/account") | {"language": "fr", "timezone": "America/New_York", "name": "Ana"}
    fields.pop("kind_briefing", None)  # reminders of briefings off
    assert client.post("/account", data=fields).status_code == 302
    user = session.get(User, invited["user"]["id"])
    session.refresh(user)
    assert (user.locale, user.timezone, user.display_name) == ("fr", "America/New_York", "Ana")
    assert user.reminder_preferences["meeting_kinds"]["briefing"] is False
    assert user.reminder_preferences["meeting_kinds"]["working_group"] is True

    with clock.frozen(T0 + timedelta(days=1)):
        meeting = meetings.create_meeting(
            session,
            actor=SYSTEM,
            title="Spring working group",
            kind="working_group",
            starts_at=MEETING,
            ends_at=MEETING + timedelta(hours=2),
            timezone="Europe/Vienna",
            visibility="members",
            invitees=["ILO"],
        )
        skipped = meetings.create_meeting(
            session,
            actor=SYSTEM,
            title="A briefing",
            kind="briefing",
            starts_at=MEETING + timedelta(days=1),
            ends_at=MEETING + timedelta(days=1, hours=1),
            timezone="Europe/Vienna",
            visibility="members",
            invitees=["ILO"],
        )
        session.commit()

    text = html.unescape(client.get(f"/meetings/{meeting.id}").get_data(as_text=True))
    assert '<html lang="fr"' in text
    assert "(America/New_York)" in text and "(Europe/Vienna)" in text
    assert "09:00" in text and "14:00" in text and "mars" in text  # French month, both zones

    tick(mailing_app, T0 + timedelta(days=1))
    assert count(session, Delivery, Delivery.subject == f"meeting:{skipped.id}", Delivery.user_id == user.id) == 0
    tick(mailing_app, MEETING - timedelta(days=7))
    # The reminder, not the invitation mailed when the meeting was scheduled (its key has ":itip:").
    reminder = next(m for m in smtp.messages if ":P7D:" in (m["X-ICAT-Delivery"] or ""))
    assert reminder["To"] == "ana@ilo.example" and reminder["Subject"].startswith("Rappel")
    body = body_of(reminder)
    assert "America/New_York" in body and "Europe/Vienna" in body and "09:00" in body and "14:00" in body


def test_a_resent_invitation_replaces_the_old_link(
    client: FlaskClient, session: Session, mailing_app: Flask, smtp, make_user
) -> None:
    invited = invite(client, session, make_user, email="v@un.example", role="viewer", language="es")
    tick(mailing_app, T0)
    first = link_in(smtp.messages[0], "/invitations/")
    sec = session.query(User).filter_by(email="sec@icat.example").one()
    other = FlaskClient(client.application, use_cookies=True)
    from tests.e2e.test_pages_auth import login

    url = f"/admin/users/{invited['user']['id']}"
    with clock.frozen(T0 + timedelta(minutes=5)):
        login(other, sec.email)
        assert other.post(f"{url}/resend", data=form_fields(other.get(url), f"{url}/resend")).status_code == 302
    tick(mailing_app, T0 + timedelta(minutes=5))
    assert len(smtp.messages) == 2
    second = link_in(smtp.messages[1], "/invitations/")
    assert first != second
    with clock.frozen(T0 + timedelta(minutes=6)):
        old = client.get(first)
        assert old.status_code == 410 and "replaced" in html.unescape(old.get_data(as_text=True))
        assert client.get(second).status_code == 200
    assert count(session, AccountLink, AccountLink.closed_at.is_(None)) == 1


def test_forged_and_expired_links_change_nothing(
    client: FlaskClient, session: Session, mailing_app: Flask, smtp, make_user
) -> None:
    invited = invite(client, session, make_user, email="late@un.example", role="viewer")
    tick(mailing_app, T0)
    path = link_in(smtp.messages[0], "/invitations/")
    page = client.get(path)
    forged = client.post("/invitations/" + "A" * 43, data=form_fields(page) | {"password": NEW_PASSWORD})
    assert forged.status_code == 410 and "not valid" in html.unescape(forged.get_data(as_text=True))
    with clock.frozen(T0 + timedelta(days=7, seconds=1)):
        expired = client.post(path, data=form_fields(page) | {"password": NEW_PASSWORD})
    assert expired.status_code == 410 and "expired" in html.unescape(expired.get_data(as_text=True))
    weak = client.post(path, data=form_fields(page) | {"password": "qwerty123456"})
    assert weak.status_code == 422 and "common passwords" in html.unescape(weak.get_data(as_text=True))
    session.expire_all()
    user = session.get(User, invited["user"]["id"])
    assert user.password_hash == "" and user.state == "invited"
    assert count(session, LoginSession, LoginSession.user_id == user.id) == 0
    assert count(session, AccountLink, AccountLink.closed_at.is_(None)) == 1
