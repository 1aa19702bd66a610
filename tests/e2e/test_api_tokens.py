"""End to end: API tokens listed and revoked one by one (DESIGN §4, §7; issue 11, item 13).
Each refusal is followed by a look at the database: nothing written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.accounts.models import Token, User
from icat.core import clock
from icat.core.actor import SYSTEM
from icat.core.outbox import OutboxEvent
from tests.conftest import count
from tests.e2e.test_api_entities import assert_error

API = "/api/v1/tokens"
SHAPE = {"id", "name", "user", "created_at", "last_used_at", "revoked_at"}


def issue(session: Session, user: User, name: str = "laptop", kind: str = "api") -> tuple[Token, dict[str, str]]:
    token, raw = accounts.create_token(session, actor=SYSTEM, user=user, kind=kind, name=name)
    session.commit()
    return token, {"Authorization": f"Bearer {raw}"}


def test_people_list_their_own_tokens_and_admins_everyones(
    client: FlaskClient, session: Session, make_user: Callable[..., User]
) -> None:
    amina, boris, admin = make_user("viewer"), make_user("secretariat"), make_user("admin")
    with clock.frozen(datetime(2030, 5, 6, 7, 8, tzinfo=UTC)):
        mine, amina_auth = issue(session, amina, "laptop")
    theirs, _boris_auth = issue(session, boris, "ci")
    issue(session, amina, "feeds", kind="feed")  # feed tokens have their own list
    _admin_token, admin_auth = issue(session, admin, "ops")
    with clock.frozen(datetime(2030, 5, 7, 9, 0, tzinfo=UTC)):
        listed = client.get(API, headers=amina_auth)
    assert listed.status_code == 200
    body = listed.get_json()
    assert body["next_cursor"] is None and [t["id"] for t in body["items"]] == [mine.id]
    item = body["items"][0]
    assert set(item) == SHAPE  # never the token nor its hash
    assert (item["name"], item["user"], item["revoked_at"]) == ("laptop", amina.email, None)
    assert item["created_at"] == "2030-05-06T07:08:00+00:00"
    assert item["last_used_at"] == "2030-05-07T09:00:00+00:00"  # this very request authenticated with it
    stored_hash = session.get(Token, mine.id).token_hash
    assert stored_hash not in listed.get_data(as_text=True)
    everyone = client.get(API, headers=admin_auth).get_json()["items"]
    assert {t["id"] for t in everyone} == {mine.id, theirs.id, _admin_token.id}
    assert client.get(API).status_code == 401


def test_last_use_is_recorded_when_a_token_authenticates(client, session, make_user) -> None:
    token, auth = issue(session, make_user("viewer"))
    assert session.get(Token, token.id).last_used_at is None
    used_at = datetime(2031, 1, 2, 3, 4, tzinfo=UTC)
    with clock.frozen(used_at):
        assert client.get("/api/v1/entities", headers=auth).status_code == 200
    session.expire_all()
    assert session.get(Token, token.id).last_used_at == used_at


def test_the_owner_revokes_a_token_and_it_answers_401_at_once(client, session, make_user) -> None:
    user = make_user("viewer")
    doomed, doomed_auth = issue(session, user, "old laptop")
    _kept, kept_auth = issue(session, user, "new laptop")
    assert client.get(API, headers=doomed_auth).status_code == 200
    assert client.delete(f"{API}/{doomed.id}", headers=kept_auth).status_code == 204
    assert_error(client.get(API, headers=doomed_auth), 401, "unauthorized")
    listed = client.get(API, headers=kept_auth).get_json()["items"]
    assert [(t["name"], t["revoked_at"] is not None) for t in listed] == [("old laptop", True), ("new laptop", False)]
    session.expire_all()
    assert session.get(Token, doomed.id).revoked_at is not None
    revoked = session.scalars(sa.select(OutboxEvent).where(OutboxEvent.type == "TokenRevoked")).all()
    assert [e.payload["token_id"] for e in revoked] == [doomed.id]
    assert client.delete(f"{API}/{doomed.id}", headers=kept_auth).status_code == 204  # idempotent
    assert count(session, OutboxEvent, OutboxEvent.type == "TokenRevoked") == 1
    # A token revokes itself too, and the very next request is refused.
    assert client.delete(f"{API}/{_kept.id}", headers=kept_auth).status_code == 204
    assert_error(client.get(API, headers=kept_auth), 401, "unauthorized")


def test_others_tokens_are_404_and_stay_valid(client, session, make_user) -> None:
    owner, other, admin = make_user("secretariat"), make_user("secretariat"), make_user("admin")
    token, owner_auth = issue(session, owner)
    feed, _ = issue(session, other, "calendar", kind="feed")
    _t, other_auth = issue(session, other)
    for target in (token.id, feed.id, 999_999):  # another's, a feed token, an unknown id: alike
        assert_error(client.delete(f"{API}/{target}", headers=other_auth), 404, "not_found")
    assert client.get(API, headers=owner_auth).status_code == 200
    assert count(session, Token, Token.revoked_at.is_not(None)) == 0
    assert count(session, OutboxEvent, OutboxEvent.type == "TokenRevoked") == 0
    _a, admin_auth = issue(session, admin)
    assert client.delete(f"{API}/{token.id}", headers=admin_auth).status_code == 204
    assert_error(client.get(API, headers=owner_auth), 401, "unauthorized")
    assert client.delete(f"{API}/{token.id}").status_code == 401


def test_the_list_pages_with_a_cursor(client, session, make_user) -> None:
    admin = make_user("admin")
    made = [issue(session, admin, f"t{n}")[0].id for n in range(5)]
    _t, auth = issue(session, admin, "me")
    first = client.get(f"{API}?limit=2", headers=auth).get_json()
    second = client.get(f"{API}?limit=2&cursor={first['next_cursor']}", headers=auth).get_json()
    assert [t["id"] for t in first["items"] + second["items"]] == made[:4]
    assert_error(client.get(f"{API}?cursor=InN0cmluZyI", headers=auth), 400, "bad_request")  # a forged cursor
    assert_error(client.get(f"{API}?limit=0", headers=auth), 422, "validation_failed")


def test_the_token_routes_are_in_the_openapi_document(client) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/tokens"]) >= {"get"} and set(paths["/tokens/{token_id}"]) >= {"delete"}
    listed = paths["/tokens"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed == {"$ref": "#/components/schemas/ApiTokenList"}
    assert "204" in paths["/tokens/{token_id}"]["delete"]["responses"]


def test_an_hour_later_the_last_use_moves(client, session, make_user) -> None:
    token, auth = issue(session, make_user("viewer"))
    start = datetime(2031, 1, 2, 3, 4, tzinfo=UTC)
    for offset in (timedelta(0), timedelta(seconds=20), timedelta(hours=1)):
        with clock.frozen(start + offset):
            client.get(API, headers=auth)
    session.expire_all()
    assert session.get(Token, token.id).last_used_at == start + timedelta(hours=1)
