"""The profile page (/account) and an anonymous visitor's language and zone."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.accounts.models import Token, User
from icat.core.actor import SYSTEM
from icat.meetings import services as meetings
from tests.conftest import count
from tests.e2e.test_pages_auth import login
from tests.support.html_forms import form_fields


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_bad_profile_values_are_refused_naming_the_field(client: FlaskClient, session: Session, make_user) -> None:
    user = make_user("viewer", email="me@icat.example")
    login(client, "me@icat.example")
    fields = form_fields(client.get("/account"), "/account")
    for name, value, message in (
        ("timezone", "Mars/Olympus", "IANA time zone"),
        ("language", "de", "Not a valid choice"),
    ):
        response = client.post("/account", data=fields | {name: value})
        assert response.status_code == 422 and message in text(response)
    session.expire_all()
    assert (session.get(User, user.id).timezone, session.get(User, user.id).locale) == ("UTC", "en")


def test_api_tokens_are_made_listed_with_last_use_and_revoked(client: FlaskClient, session: Session, make_user) -> None:
    make_user("viewer", email="me@icat.example")
    login(client, "me@icat.example")
    made = client.post(
        "/account/tokens", data=form_fields(client.get("/account"), "/account/tokens") | {"name": "script"}
    )
    assert made.status_code == 200
    raw = re.search(r"<pre data-new-token>([^<]+)</pre>", made.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    page = client.get("/account")
    assert "script" in text(page) and raw not in text(page)  # shown once, never again
    token = session.query(Token).filter_by(name="script").one()
    assert token.last_used_at is not None
    revoke = f"/account/tokens/{token.id}/revoke"
    assert client.post(revoke, data=form_fields(page, revoke)).status_code == 302
    assert client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert count(session, Token, Token.revoked_at.is_(None), Token.kind == "api") == 0


def test_an_anonymous_visitor_picks_language_and_zone(client: FlaskClient, session: Session) -> None:
    start = datetime(2030, 3, 10, 13, 0, tzinfo=UTC)
    meeting = meetings.create_meeting(
        session,
        actor=SYSTEM,
        title="Open briefing",
        kind="briefing",
        starts_at=start,
        ends_at=start.replace(hour=14),
        timezone="Europe/Vienna",
        visibility="public",
    )
    session.commit()
    before = text(client.get(f"/meetings/{meeting.id}"))
    assert "Asia/Tokyo" not in before and '<html lang="en"' in before
    page = client.get(f"/place?next=/meetings/{meeting.id}")
    assert page.status_code == 200
    bad = client.post("/place", data=form_fields(page, "/place") | {"timezone": "Nowhere/Land"})
    assert bad.status_code == 302 and "icat_place" not in bad.headers.get("Set-Cookie", "")
    fields = form_fields(page, "/place") | {"language": "es", "timezone": "Asia/Tokyo"}
    chosen = client.post("/place", data=fields)
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith(f"/meetings/{meeting.id}")
    after = text(client.get(f"/meetings/{meeting.id}"))
    assert '<html lang="es"' in after and "(Asia/Tokyo)" in after and "22:00" in after  # 13:00 UTC in Tokyo
