"""End to end: the users API (DESIGN §7 users) and its rules, with the database read back
after every refusal: nothing is half-written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.accounts.models import AccountLink, LoginSession, Token, User
from icat.core.actor import SYSTEM
from icat.core.outbox import OutboxEvent
from tests.conftest import PASSWORD, count
from tests.e2e.test_pages_auth import login

API = "/api/v1/users"


@pytest.fixture
def people(session: Session, make_entity, make_user) -> dict[str, User]:
    make_entity(acronym="ILO")
    return {
        "admin": make_user("admin", email="admin@icat.example"),
        "sec": make_user("secretariat", email="sec@icat.example"),
        "fp": make_user("focal_point", entity="ILO", email="fp@icat.example"),
    }


def auth(session: Session, user: User) -> dict[str, str]:
    _token, raw = accounts.create_token(session, actor=SYSTEM, user=user, kind="api", name="t")
    session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_invite_makes_an_account_without_password_and_one_link(client: FlaskClient, session: Session, people) -> None:
    headers = auth(session, people["sec"])
    body = {"email": "New.Person@ILO.example", "role": "focal_point", "entity": "ILO", "language": "fr"}
    response = client.post(API, json=body, headers=headers)
    assert response.status_code == 201, response.json
    data = response.json
    assert (data["email"], data["state"], data["language"], data["entity"]) == (
        "new.person@ilo.example",
        "invited",
        "fr",
        "ILO",
    )
    assert response.headers["ETag"] == f'"{data["version"]}"' and data["invited_at"]
    assert response.headers["Location"].endswith(f"/api/v1/users/{data['id']}")
    user = session.get(User, data["id"])
    assert user.password_hash == ""
    assert count(session, AccountLink, AccountLink.user_id == user.id, AccountLink.closed_at.is_(None)) == 1
    types = set(session.scalars(sa.select(OutboxEvent.type).where(OutboxEvent.subject == f"user:{user.id}")))
    assert types == {"UserInvited", "AccountLinkIssued"}
    listed = client.get(API, query_string={"state": "invited"}, headers=headers).json
    assert [p["email"] for p in listed["items"]] == ["new.person@ilo.example"]
    assert client.get(API, query_string={"role": "focal_point", "entity": "ILO"}, headers=headers).json["items"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"email": "fp@icat.example", "role": "viewer"}, 409, "email"),
        ({"email": "FP@icat.example", "role": "viewer"}, 409, "email"),
        ({"email": "x@icat.example", "role": "focal_point"}, 422, "entity"),
        ({"email": "x@icat.example", "role": "boss"}, 422, "role"),
        ({"email": "x@icat.example", "role": "viewer", "language": "de"}, 422, "language"),
        ({"email": "x@icat.example", "role": "viewer", "timezone": "Mars/Olympus"}, 422, "timezone"),
        ({"email": "x@icat.example", "role": "viewer", "entity": "NOPE"}, 422, "entity"),
        ({"email": "not an address", "role": "viewer"}, 422, "email"),
        ({"email": "x@icat.example", "role": "viewer", "password": "x"}, 422, "password"),
    ],
)
def test_bad_invitations_are_refused_naming_the_field(
    client: FlaskClient, session: Session, people, body: dict, status: int, field: str
) -> None:
    headers = auth(session, people["sec"])
    before = count(session, User), count(session, OutboxEvent), count(session, AccountLink)
    response = client.post(API, json=body, headers=headers)
    assert response.status_code == status, response.json
    assert field in response.json["fields"]
    assert (count(session, User), count(session, OutboxEvent), count(session, AccountLink)) == before


def test_the_secretariat_cannot_make_anyone_admin(client: FlaskClient, session: Session, people) -> None:
    headers = auth(session, people["sec"])
    before = count(session, User)
    assert client.post(API, json={"email": "a@icat.example", "role": "admin"}, headers=headers).status_code == 403
    fp = people["fp"]
    patch = client.patch(
        f"{API}/{fp.id}", json={"role": "admin", "entity": None, "version": fp.version}, headers=headers
    )
    assert patch.status_code == 403
    admin = people["admin"]
    assert (
        client.patch(f"{API}/{admin.id}", json={"name": "x", "version": admin.version}, headers=headers).status_code
        == 403
    )
    session.expire_all()
    assert count(session, User) == before and session.get(User, fp.id).role == "focal_point"


def test_nobody_changes_their_own_role(client: FlaskClient, session: Session, people, make_user) -> None:
    make_user("admin", email="admin2@icat.example")  # so the admin is not the last one (that is a 409)
    for key in ("admin", "sec", "fp"):
        me = people[key]
        response = client.patch(
            f"{API}/{me.id}", json={"role": "viewer", "version": me.version}, headers=auth(session, me)
        )
        assert response.status_code == 403, key
        session.expire_all()
        assert session.get(User, me.id).role == me.role


def test_a_person_edits_their_own_profile_fields(client: FlaskClient, session: Session, people) -> None:
    me = people["fp"]
    seen = me.version
    body = {"name": "Ana", "language": "es", "timezone": "America/Bogota", "reminder_preferences": {"world_day": False}}
    response = client.patch(f"{API}/{me.id}", json=body, headers={**auth(session, me), "If-Match": f'"{me.version}"'})
    assert response.status_code == 200, response.json
    session.expire_all()
    user = session.get(User, me.id)
    assert (user.display_name, user.locale, user.timezone) == ("Ana", "es", "America/Bogota")
    assert user.reminder_preferences == {"meeting_kinds": {}, "world_day": False}
    stale = client.patch(f"{API}/{me.id}", json={"name": "B"}, headers={**auth(session, me), "If-Match": f'"{seen}"'})
    assert stale.status_code == 412


def test_role_and_entity_changes_follow_the_rules(client: FlaskClient, session: Session, people) -> None:
    headers = auth(session, people["sec"])
    viewer = client.post(API, json={"email": "v@icat.example", "role": "viewer"}, headers=headers).json
    refused = client.patch(
        f"{API}/{viewer['id']}", json={"role": "focal_point", "version": viewer["version"]}, headers=headers
    )
    assert refused.status_code == 422 and "entity" in refused.json["fields"]
    ok = client.patch(
        f"{API}/{viewer['id']}",
        json={"role": "focal_point", "entity": "ILO", "version": viewer["version"]},
        headers=headers,
    )
    assert ok.status_code == 200 and ok.json["entity"] == "ILO" and ok.json["version"] == viewer["version"] + 1
    change = session.scalars(sa.select(OutboxEvent).where(OutboxEvent.type == "UserUpdated")).one()
    assert change.payload["changes"] == {"role": ["viewer", "focal_point"], "entity": [None, "ILO"]}
    assert client.patch(f"{API}/{viewer['id']}", json={"bogus": 1, "version": 2}, headers=headers).status_code == 422


def test_deactivation_stops_a_live_session_and_a_token_at_once(client: FlaskClient, session: Session, people) -> None:
    fp = people["fp"]
    fp_headers = auth(session, fp)
    assert login(client, fp.email, PASSWORD).status_code == 302
    assert client.get("/account/feeds").status_code == 200
    assert client.get(f"{API}/{fp.id}", headers=fp_headers).status_code == 200
    admin = auth(session, people["admin"])
    response = client.patch(f"{API}/{fp.id}", json={"active": False, "version": fp.version}, headers=admin)
    assert response.status_code == 200 and response.json["state"] == "deactivated"
    assert client.get(f"{API}/{fp.id}", headers=fp_headers).status_code == 401
    assert client.get("/account/feeds").status_code == 302  # the session is gone: back to sign-in
    assert count(session, LoginSession, LoginSession.user_id == fp.id) == 0
    assert count(session, Token, Token.user_id == fp.id, Token.revoked_at.is_(None)) == 0
    assert count(session, OutboxEvent, OutboxEvent.type == "UserDeactivated") == 1
    again = client.patch(f"{API}/{fp.id}", json={"active": True, "version": response.json["version"]}, headers=admin)
    assert again.status_code == 200 and again.json["state"] == "active"
    assert client.get(f"{API}/{fp.id}", headers=fp_headers).status_code == 401  # old tokens stay revoked


def test_the_last_active_admin_cannot_be_deactivated(client: FlaskClient, session: Session, people, make_user) -> None:
    admin = people["admin"]
    other = make_user("admin", email="admin2@icat.example")
    headers = auth(session, other)
    gone = client.patch(f"{API}/{admin.id}", json={"active": False, "version": admin.version}, headers=headers)
    assert gone.status_code == 200
    response = client.patch(
        f"{API}/{other.id}", json={"active": False, "version": other.version}, headers=auth(session, people["admin"])
    )
    assert response.status_code == 401  # the deactivated admin's token no longer works
    sec = auth(session, people["sec"])
    assert (
        client.patch(f"{API}/{other.id}", json={"active": False, "version": other.version}, headers=sec).status_code
        == 403
    )
    # A second admin cannot be made by the secretariat, and the last one is kept:
    reactivate = client.patch(
        f"{API}/{admin.id}", json={"active": True, "version": gone.json["version"]}, headers=headers
    )
    assert reactivate.status_code == 200
    fresh = auth(session, session.get(User, admin.id))
    session.expire_all()
    last = session.get(User, other.id)
    assert (
        client.patch(f"{API}/{other.id}", json={"active": False, "version": last.version}, headers=fresh).status_code
        == 200
    )
    session.expire_all()
    me = session.get(User, admin.id)
    mine = auth(session, me)
    for change in ({"active": False}, {"role": "secretariat"}):
        last = client.patch(f"{API}/{admin.id}", json=change | {"version": me.version}, headers=mine)
        assert last.status_code == 409 and "last active admin" in last.json["message"], last.json
    session.expire_all()
    assert (session.get(User, admin.id).is_active, session.get(User, admin.id).role) == (True, "admin")
    assert count(session, User, User.role == "admin", User.is_active) == 1


def test_with_another_admin_one_still_cannot_deactivate_oneself(
    client: FlaskClient, session: Session, people, make_user
) -> None:
    make_user("admin", email="admin2@icat.example")
    me = people["admin"]
    response = client.patch(f"{API}/{me.id}", json={"active": False, "version": me.version}, headers=auth(session, me))
    assert response.status_code == 403
    session.expire_all()
    assert session.get(User, me.id).is_active


def test_reading_people_needs_staff_or_self(client: FlaskClient, session: Session, people) -> None:
    fp = auth(session, people["fp"])
    assert client.get(API, headers=fp).status_code == 403
    assert client.get(f"{API}/{people['sec'].id}", headers=fp).status_code == 404
    assert client.get(API).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"email": "nul\x00@icat.example", "role": "viewer"},
        {"email": "x@icat.example", "role": "viewer", "name": "bell\x07"},
        {"email": ["x@icat.example"], "role": "viewer"},
        {"email": "x@icat.example", "role": "viewer", "active": True},
    ],
)
def test_hostile_invitations_are_422_and_write_nothing(client: FlaskClient, session: Session, people, body) -> None:
    headers = auth(session, people["admin"])
    before = count(session, User), count(session, OutboxEvent)
    response = client.post(API, json=body, headers=headers)
    assert response.status_code == 422 and response.json["fields"], response.json
    assert (count(session, User), count(session, OutboxEvent)) == before


@pytest.mark.parametrize(
    "prefs",
    [[], {"meeting_kinds": {"party": True}}, {"meeting_kinds": {"briefing": "no"}}, {"world_day": 1}, {"x": 1}],
)
def test_bad_reminder_preferences_are_422(client: FlaskClient, session: Session, people, prefs) -> None:
    me = people["fp"]
    body = {"reminder_preferences": prefs, "version": me.version}
    response = client.patch(f"{API}/{me.id}", json=body, headers=auth(session, me))
    assert response.status_code == 422 and "reminder_preferences" in response.json["fields"], response.json
    session.expire_all()
    assert session.get(User, me.id).reminder_preferences == {}


def test_ids_past_the_column_and_bad_bodies(client: FlaskClient, session: Session, people) -> None:
    headers = auth(session, people["admin"])
    assert client.get(f"{API}/{2**40}", headers=headers).status_code == 404
    assert client.post(API, data="{not json", headers=headers, content_type="application/json").status_code == 400
    assert client.get(API, query_string={"cursor": "forged"}, headers=headers).status_code == 400
    assert client.get(API, query_string={"state": "sleeping"}, headers=headers).status_code == 422
