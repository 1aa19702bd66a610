"""Private feeds and their tokens (DESIGN §4 accounts, §6, §7): created once, listed without
the secret, revoked one by one — through the API and the CSRF-protected page."""

from __future__ import annotations

import logging

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.core.actor import SYSTEM
from tests.conftest import PASSWORD
from tests.e2e.test_pages_auth import csrf_token, login
from tests.feeds.ics import parse, uids


@pytest.fixture
def meetings_of_three_kinds(make_entity, make_meeting):
    make_entity(acronym="UNHCR")
    make_entity(acronym="ILO")
    return {
        "public": make_meeting(visibility="public"),
        "members": make_meeting(visibility="members"),
        "restricted_mine": make_meeting(visibility="restricted", invitees=["UNHCR"]),
        "restricted_other": make_meeting(visibility="restricted", invitees=["ILO"]),
    }


def uid(meeting) -> str:
    return f"meeting-{meeting.id}@icat.test"


def new_token(client: FlaskClient, headers: dict[str, str]) -> dict:
    response = client.post("/api/v1/feed-tokens", json={"name": "Outlook"}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_private_feed_carries_what_its_owner_may_see_and_404s_once_revoked(
    client: FlaskClient, session: Session, make_user, meetings_of_three_kinds
) -> None:
    user = make_user("focal_point", "UNHCR")
    _t, api = accounts.create_token(session, actor=SYSTEM, user=user, kind="api", name="api")
    session.commit()
    headers = {"Authorization": f"Bearer {api}"}
    created = new_token(client, headers)
    assert set(created) == {"id", "name", "token", "url", "webcal_url", "created_at", "last_used_at"}
    assert created["url"] == f"http://icat.test/calendar/private/{created['token']}.ics"
    assert created["webcal_url"] == f"webcal://icat.test/calendar/private/{created['token']}.ics"
    path = f"/calendar/private/{created['token']}.ics"
    feed = client.get(path)
    assert feed.status_code == 200 and feed.headers["Cache-Control"].startswith("private")
    found = uids(parse(feed.data))
    m = meetings_of_three_kinds
    assert {uid(m["public"]), uid(m["members"]), uid(m["restricted_mine"])} <= found
    assert uid(m["restricted_other"]) not in found
    listed = client.get("/api/v1/feed-tokens", headers=headers).get_json()["items"]
    assert [(t["id"], t["token"], t["url"]) for t in listed] == [(created["id"], None, None)]
    assert listed[0]["last_used_at"] is not None
    assert client.delete(f"/api/v1/feed-tokens/{created['id']}", headers=headers).status_code == 204
    assert client.get(path).status_code == 404
    assert client.get(path, headers={"If-None-Match": feed.headers["ETag"]}).status_code == 404
    assert client.get("/api/v1/feed-tokens", headers=headers).get_json()["items"] == []


def test_secretariat_sees_everything_and_others_cannot_revoke_a_token(
    client: FlaskClient, bearer, meetings_of_three_kinds
) -> None:
    owner, stranger = bearer("secretariat"), bearer("viewer")
    created = new_token(client, owner)
    found = uids(parse(client.get(f"/calendar/private/{created['token']}.ics").data))
    assert {uid(m) for m in meetings_of_three_kinds.values()} <= found
    assert client.delete(f"/api/v1/feed-tokens/{created['id']}", headers=stranger).status_code == 404
    assert client.post("/api/v1/feed-tokens", json={"name": ""}, headers=owner).status_code == 422
    assert client.post("/api/v1/feed-tokens", json={"name": "x"}).status_code == 401
    assert client.get(f"/calendar/private/{created['token']}.ics").status_code == 200


def test_an_api_token_does_not_open_a_private_feed(client: FlaskClient, session: Session, make_user) -> None:
    user = make_user("viewer")
    _t, raw = accounts.create_token(session, actor=SYSTEM, user=user, kind="api", name="api")
    session.commit()
    assert client.get(f"/calendar/private/{raw}.ics").status_code == 404


def test_the_feeds_page_creates_shows_once_and_revokes_with_csrf(client: FlaskClient, make_user) -> None:
    user = make_user("viewer")
    login(client, user.email, PASSWORD)
    page = client.get("/account/feeds")
    assert page.status_code == 200 and "webcal://icat.test/calendar/icat.ics" in page.get_data(as_text=True)
    assert client.post("/account/feeds", data={"name": "Phone"}).status_code == 400  # no CSRF token
    created = client.post("/account/feeds", data={"name": "Phone", "csrf_token": csrf_token(page)})
    html = created.get_data(as_text=True)
    assert created.status_code == 200 and "webcal://icat.test/calendar/private/" in html
    token = html.split("webcal://icat.test/calendar/private/")[1].split(".ics")[0]
    assert client.get(f"/calendar/private/{token}.ics").status_code == 200
    again = client.get("/account/feeds").get_data(as_text=True)
    assert token not in again and "Phone" in again
    token_id = again.split("/account/feeds/")[1].split("/revoke")[0]
    revoked = client.post(f"/account/feeds/{token_id}/revoke", data={"csrf_token": csrf_token(page)})
    assert revoked.status_code == 302
    after = client.get(revoked.headers["Location"]).get_data(as_text=True)
    assert after.count("The feed was revoked") == 1  # the layout shows flashes; the page adds none
    assert client.get(f"/calendar/private/{token}.ics").status_code == 404


def test_private_tokens_never_reach_the_log(client: FlaskClient, bearer, caplog: pytest.LogCaptureFixture) -> None:
    from icat.web.log_redaction import RedactTokens, redact

    created = new_token(client, bearer("viewer"))
    path = f"/calendar/private/{created['token']}.ics"
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, '%s - - "%s" %s', ("127.0.0.1", f"GET {path} HTTP/1.1", 200), None
    )
    RedactTokens().filter(record)
    assert created["token"] not in record.getMessage() and "/calendar/private/[redacted]" in record.getMessage()
    assert redact(f"GET {path}?x=1 HTTP/1.1") == "GET /calendar/private/[redacted]?x=1 HTTP/1.1"
