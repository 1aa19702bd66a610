"""End to end: the entities API (DESIGN §4 registry, §7 contract) through the Flask client.

Every refusal is followed by a look at the database through the test's own session:
a refused request writes neither an entity nor an outbox event.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from icat.accounts import services as accounts
from icat.accounts.models import Token, User
from icat.core.actor import SYSTEM
from icat.core.outbox import OutboxEvent
from icat.registry import services as registry
from icat.registry.models import Entity
from tests.conftest import PASSWORD, count

API = "/api/v1/entities"
NEW = {
    "acronym": "UNOPS",
    "name": "United Nations Office for Project Services",
    "kind": "member",
    "category": "un_agency_fund_programme",
}


# --- helpers ----------------------------------------------------------------------------
def assert_error(response: TestResponse, status: int, code: str) -> dict[str, Any]:
    """The one error shape of DESIGN §7, with the expected status and code."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error", "rule", "message", "fields"}
    assert body["error"] == code
    # The rule broken: a stable dotted id (``meetings.ends_before_start``), or the code itself.
    assert body["rule"] == code or re.fullmatch(r"[a-z]+(\.[a-z0-9_]+)+", body["rule"]), body["rule"]
    assert isinstance(body["message"], str) and body["message"].strip()
    assert isinstance(body["fields"], dict)
    return body


def written(session: Session) -> tuple[int, int]:
    """(entities, outbox events) as stored right now."""
    return count(session, Entity), count(session, OutboxEvent)


def stored(session: Session, acronym: str) -> Entity:
    session.expire_all()
    entity = session.scalar(sa.select(Entity).where(Entity.acronym == acronym))
    assert entity is not None
    return entity


def email_of(session: Session, headers: dict[str, str]) -> str:
    """The email of the user owning the bearer token in ``headers``."""
    raw = headers["Authorization"].removeprefix("Bearer ")
    user = session.scalar(
        sa.select(User).join(Token, Token.user_id == User.id).where(Token.token_hash == accounts.hash_secret(raw))
    )
    assert user is not None
    return user.email


def walk(client: FlaskClient, query: str, limit: int) -> list[list[str]]:
    """Follow ``next_cursor`` from the first page to the last; the acronyms of each page."""
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        url = f"{API}?{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        assert set(body) == {"items", "next_cursor"}
        pages.append([item["acronym"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) <= 200, "the cursor never ends"


def patch(client: FlaskClient, acronym: str, body: Any, headers: dict[str, str], if_match: str | None = None):
    extra = {"If-Match": if_match} if if_match is not None else {}
    return client.patch(f"{API}/{acronym}", json=body, headers=headers | extra)


# --- reading: public list, filters, pagination ------------------------------------------
def test_list_is_public_and_gives_every_seeded_entity_in_acronym_order(
    client: FlaskClient, seeded: list[Entity]
) -> None:
    response = client.get(API)
    assert response.status_code == 200
    body = response.get_json()
    assert body["next_cursor"] is None
    assert [item["acronym"] for item in body["items"]] == [e.acronym for e in seeded]
    assert len(body["items"]) == 31
    by_acronym = {item["acronym"]: item for item in body["items"]}
    unodc = by_acronym["UNODC"]
    assert unodc["kind"] == "member" and unodc["category"] == "un_secretariat"
    assert unodc["is_un"] is True and unodc["working_group"] is True and unodc["version"] == 1
    assert by_acronym["CoE"]["is_un"] is False and by_acronym["CoE"]["kind"] == "partner"
    assert all("focal_points" not in item for item in body["items"])


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ("kind=member", lambda e: e.kind == "member"),
        ("kind=partner", lambda e: e.kind == "partner"),
        ("category=special_procedure", lambda e: e.category == "special_procedure"),
        ("category=regional_organization", lambda e: e.category == "regional_organization"),
        ("working_group=true", lambda e: e.working_group),
        ("working_group=false", lambda e: not e.working_group),
        ("kind=partner&working_group=true", lambda e: e.kind == "partner" and e.working_group),
        ("kind=member&category=un_secretariat", lambda e: e.kind == "member" and e.category == "un_secretariat"),
    ],
)
def test_list_filters(client: FlaskClient, seeded: list[Entity], query: str, wanted: Callable[[Entity], bool]) -> None:
    response = client.get(f"{API}?{query}")
    assert response.status_code == 200
    got = [item["acronym"] for item in response.get_json()["items"]]
    expected = [e.acronym for e in seeded if wanted(e)]
    assert expected, "the filter should match something in the reference data"
    assert got == expected


def test_list_filters_agree_with_icat_facts(client: FlaskClient, seeded: list[Entity]) -> None:
    """28 members, 3 partners, a working group of ten (DESIGN §1, §4)."""

    def total(query: str) -> int:
        return len(client.get(f"{API}?{query}").get_json()["items"])

    assert (total("kind=member"), total("kind=partner"), total("working_group=true")) == (28, 3, 10)
    partners = {item["acronym"] for item in client.get(f"{API}?kind=partner").get_json()["items"]}
    assert partners == {"CoE", "SR-TIP", "SR-Slavery"}


@pytest.mark.parametrize("limit", [1, 7, 10, 30, 31, 50])
def test_cursor_walks_all_31_entities_once(client: FlaskClient, seeded: list[Entity], limit: int) -> None:
    pages = walk(client, "", limit)
    assert len(pages) == max(1, math.ceil(31 / limit))
    assert all(len(p) == limit for p in pages[:-1]) and 1 <= len(pages[-1]) <= limit
    walked = [acronym for p in pages for acronym in p]
    assert len(walked) == len(set(walked)) == 31
    assert walked == [e.acronym for e in seeded]


def test_cursor_keeps_to_the_filter(client: FlaskClient, seeded: list[Entity]) -> None:
    pages = walk(client, "kind=member", 4)
    walked = [a for p in pages for a in p]
    assert len(pages) == 7
    assert walked == [e.acronym for e in seeded if e.kind == "member"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=observer", "kind"),
        ("category=ngo", "category"),
        ("working_group=perhaps", "working_group"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=ten", "limit"),
    ],
)
def test_list_refuses_invalid_arguments(client: FlaskClient, seeded: list[Entity], query: str, field: str) -> None:
    body = assert_error(client.get(f"{API}?{query}"), 422, "validation_failed")
    assert field in body["fields"]


def test_list_refuses_a_cursor_it_did_not_send(client: FlaskClient, seeded: list[Entity]) -> None:
    body = assert_error(client.get(f"{API}?cursor=!!!not-a-cursor!!!"), 400, "bad_request")  # DESIGN §7: 400
    assert "cursor" in body["fields"]


# --- reading one ------------------------------------------------------------------------
def test_get_one_answers_the_stored_entity_with_its_etag(client: FlaskClient, session: Session, seeded) -> None:
    response = client.get(f"{API}/UNODC")
    assert response.status_code == 200
    body = response.get_json()
    row = stored(session, "UNODC")
    assert response.headers["ETag"] == f'"{row.version}"'
    assert body["id"] == row.id and body["version"] == row.version
    assert body["acronym"] == "UNODC" and body["name"] == row.name
    assert body["names"] == row.names and body["names"]["en"] == row.name
    assert body["is_coordinator"] is True and body["is_un"] is True
    assert body["sources"] == row.sources and body["sources"]
    assert "focal_points" not in body


@pytest.mark.parametrize("acronym", ["NOPE", "UNODC-X"])
def test_get_unknown_entity_is_404(client: FlaskClient, seeded, acronym: str) -> None:
    body = assert_error(client.get(f"{API}/{acronym}"), 404, "not_found")
    assert acronym in body["message"]


def _login_cookie(client: FlaskClient, email: str) -> None:
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert token, "the login form carries a CSRF token"
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)})
    assert response.status_code == 302


def test_focal_points_only_with_a_valid_bearer_token(
    client: FlaskClient, session: Session, seeded, make_user, bearer
) -> None:
    make_user("focal_point", "UNODC", email="fp.unodc@icat.example", display_name="Ana Focal")
    make_user("focal_point", "ILO", email="fp.ilo@icat.example")
    anonymous = client.get(f"{API}/UNODC")
    assert anonymous.status_code == 200 and "focal_points" not in anonymous.get_json()

    viewer = bearer("viewer")
    signed = client.get(f"{API}/UNODC", headers=viewer)
    assert signed.status_code == 200
    assert signed.get_json()["focal_points"] == [{"name": "Ana Focal", "email": "fp.unodc@icat.example"}]
    assert signed.get_json()["acronym"] == "UNODC"

    assert_error(client.get(f"{API}/UNODC", headers={"Authorization": "Bearer forged"}), 401, "unauthorized")

    token = session.scalar(sa.select(Token).order_by(Token.id.desc()))
    accounts.revoke_token(session, actor=SYSTEM, token_id=token.id)
    session.commit()
    assert_error(client.get(f"{API}/UNODC", headers=viewer), 401, "unauthorized")


def test_api_ignores_a_browser_session_cookie(client: FlaskClient, seeded, make_user) -> None:
    """The API reads Bearer tokens only (no CSRF there), so a cookie reveals nothing more."""
    make_user("focal_point", "UNODC", email="fp.unodc@icat.example")
    make_user("viewer", email="reader@icat.example")
    _login_cookie(client, "reader@icat.example")
    assert client.get("/inbox").status_code == 200  # the cookie does sign in the pages
    response = client.get(f"{API}/UNODC")
    assert response.status_code == 200 and "focal_points" not in response.get_json()
    assert_error(client.post(API, json=NEW), 401, "unauthorized")


# --- creating ---------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["secretariat", "admin"])
def test_registry_editors_create_an_entity(client: FlaskClient, session: Session, seeded, bearer, role: str) -> None:
    headers = bearer(role)
    entities_before, events_before = written(session)
    body = NEW | {"names": {"fr": "Bureau des Nations Unies pour les services d'appui aux projets"}}
    response = client.post(API, json=body, headers=headers)

    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert response.headers["Location"].endswith(f"{API}/UNOPS")
    assert response.headers["ETag"] == '"1"'
    assert created["version"] == 1 and created["is_un"] is True and isinstance(created["id"], int)
    assert written(session) == (entities_before + 1, events_before + 1)

    row = stored(session, "UNOPS")
    assert (row.id, row.name, row.kind, row.category) == (created["id"], NEW["name"], "member", NEW["category"])
    assert row.names == body["names"] and row.version == 1
    event = session.scalar(sa.select(OutboxEvent).order_by(OutboxEvent.id.desc()))
    assert event.type == "EntityCreated" and event.subject == "entity:UNOPS"
    assert event.payload == {"entity_id": row.id, "acronym": "UNOPS", "kind": "member", "name": NEW["name"]}
    assert event.actor_label == email_of(session, headers)
    assert event.actor_id is not None

    again = client.get(response.headers["Location"])
    assert again.status_code == 200 and again.get_json()["acronym"] == "UNOPS"
    assert again.headers["ETag"] == response.headers["ETag"]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ('{"acronym": "UNOPS", "name": ', "application/json"),
        ("{'acronym': 'UNOPS'}", "application/json"),
        ('["UNOPS", "member"]', "application/json"),
        ('"UNOPS"', "application/json"),
        ("acronym=UNOPS&kind=member", "application/x-www-form-urlencoded"),
        ("", "application/json"),
    ],
)
def test_create_refuses_a_body_that_is_not_a_json_object(
    client: FlaskClient, session: Session, seeded, bearer, data: str, content_type: str
) -> None:
    headers = bearer("secretariat")
    before = written(session)
    response = client.post(API, data=data, content_type=content_type, headers=headers)
    assert_error(response, 400, "bad_request")
    assert written(session) == before


@pytest.mark.parametrize("field", ["colour", "is_un", "id", "version", "focal_points"])
def test_create_refuses_unknown_fields_naming_them(
    client: FlaskClient, session: Session, seeded, bearer, field: str
) -> None:
    headers = bearer("secretariat")
    before = written(session)
    body = assert_error(client.post(API, json=NEW | {field: 1}, headers=headers), 422, "validation_failed")
    assert list(body["fields"]) == [field]
    assert written(session) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "observer"),
        ("kind", None),
        ("category", "ngo"),
        ("category", "UN_SECRETARIAT"),
        ("acronym", "1UN"),
        ("acronym", "UN ODC"),
        ("acronym", "UN/ODC"),
        ("acronym", ""),
        ("acronym", "A" * 21),
        ("name", ""),
        ("working_group", "perhaps"),
        ("joined_on", "30/07/2014"),
        ("names", {"de": "Büro"}),
        ("confidence", "certain"),
    ],
)
def test_create_validates_each_field(
    client: FlaskClient, session: Session, seeded, bearer, field: str, value: Any
) -> None:
    headers = bearer("secretariat")
    before = written(session)
    body = assert_error(client.post(API, json=NEW | {field: value}, headers=headers), 422, "validation_failed")
    assert list(body["fields"]) == [field]
    assert written(session) == before


def test_create_reports_every_invalid_field_at_once(client: FlaskClient, session: Session, seeded, bearer) -> None:
    headers = bearer("secretariat")
    before = written(session)
    sent = {"acronym": "9?", "name": "Nine", "kind": "observer", "category": "ngo"}
    body = assert_error(client.post(API, json=sent, headers=headers), 422, "validation_failed")
    assert set(body["fields"]) == {"acronym", "kind", "category"}
    missing = assert_error(client.post(API, json={}, headers=headers), 422, "validation_failed")
    assert set(missing["fields"]) == {"acronym", "name", "kind", "category"}
    assert written(session) == before


def test_create_refuses_contradicting_dates(client: FlaskClient, session: Session, seeded, bearer) -> None:
    headers = bearer("secretariat")
    before = written(session)
    sent = NEW | {"joined_on": "2020-05-01", "left_on": "2019-12-31"}
    body = assert_error(client.post(API, json=sent, headers=headers), 422, "validation_failed")
    assert "left_on" in body["fields"]
    assert written(session) == before


@pytest.mark.parametrize("acronym", ["UNODC", "unodc", "UnOdc", "un-women", "COE"])
def test_create_refuses_a_taken_acronym_whatever_its_case(
    client: FlaskClient, session: Session, seeded, bearer, acronym: str
) -> None:
    headers = bearer("secretariat")
    before = written(session)
    body = assert_error(client.post(API, json=NEW | {"acronym": acronym}, headers=headers), 409, "conflict")
    assert "acronym" in body["fields"]
    assert written(session) == before


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic c2VjcmV0YXJpYXQ6cGFzc3dvcmQ="},
        {"Authorization": "not-even-a-scheme"},
    ],
)
def test_create_without_a_valid_token_is_401(
    client: FlaskClient, session: Session, seeded, headers: dict[str, str]
) -> None:
    before = written(session)
    assert_error(client.post(API, json=NEW, headers=headers), 401, "unauthorized")
    assert written(session) == before


@pytest.mark.parametrize("role", ["viewer", "focal_point"])
def test_create_is_forbidden_to_viewers_and_focal_points(
    client: FlaskClient, session: Session, seeded, bearer, role: str
) -> None:
    headers = bearer(role, "UNODC" if role == "focal_point" else None)
    before = written(session)
    assert_error(client.post(API, json=NEW, headers=headers), 403, "forbidden")
    # refused before the body is even parsed: a broken body still answers 403, not 400
    assert_error(client.post(API, data="{", content_type="application/json", headers=headers), 403, "forbidden")
    assert written(session) == before


def test_revoked_token_cannot_create(client: FlaskClient, session: Session, seeded, bearer) -> None:
    headers = bearer("secretariat")
    token = session.scalar(sa.select(Token).order_by(Token.id.desc()))
    accounts.revoke_token(session, actor=SYSTEM, token_id=token.id)
    session.commit()
    before = written(session)
    assert_error(client.post(API, json=NEW, headers=headers), 401, "unauthorized")
    assert written(session) == before


# --- changing ---------------------------------------------------------------------------
def entity_updated_events(session: Session, acronym: str) -> list[OutboxEvent]:
    session.expire_all()
    query = sa.select(OutboxEvent).where(
        OutboxEvent.type == "EntityUpdated", OutboxEvent.subject == f"entity:{acronym}"
    )
    return list(session.scalars(query.order_by(OutboxEvent.id)))


def test_patch_with_current_etag_changes_raises_version_and_records_the_changes(
    client: FlaskClient, session: Session, make_entity, bearer
) -> None:
    entity = make_entity(acronym="ENTA", name="Old name")
    headers = bearer("secretariat")
    etag = client.get(f"{API}/ENTA").headers["ETag"]
    assert etag == '"1"'
    entities_before, events_before = written(session)

    response = patch(client, "ENTA", {"name": "New name", "working_group": True}, headers, if_match=etag)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["version"] == 2 and response.get_json()["name"] == "New name"
    assert response.headers["ETag"] == '"2"'

    row = stored(session, "ENTA")
    assert (row.version, row.name, row.working_group) == (2, "New name", True)
    assert written(session) == (entities_before, events_before + 1)
    [event] = entity_updated_events(session, "ENTA")
    assert event.payload == {
        "entity_id": entity.id,
        "acronym": "ENTA",
        "version": 2,
        "changes": {"name": ["Old name", "New name"], "working_group": [False, True]},
    }
    assert event.actor_label == email_of(session, headers)

    # the new ETag, also in its weak form, edits the next version
    weak = patch(client, "ENTA", {"joined_on": "2019-03-04"}, headers, if_match=f"W/{response.headers['ETag']}")
    assert weak.status_code == 200 and weak.get_json()["version"] == 3
    assert stored(session, "ENTA").joined_on == date(2019, 3, 4)
    assert entity_updated_events(session, "ENTA")[-1].payload["changes"] == {"joined_on": [None, "2019-03-04"]}


def test_patch_with_version_in_body(client: FlaskClient, session: Session, make_entity, bearer) -> None:
    make_entity(acronym="ENTA", category="other")
    headers = bearer("admin")
    response = patch(client, "ENTA", {"category": "regional_organization", "version": 1}, headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["version"] == 2 and response.headers["ETag"] == '"2"'
    assert response.get_json()["is_un"] is False
    assert stored(session, "ENTA").category == "regional_organization"
    [event] = entity_updated_events(session, "ENTA")
    assert event.payload["changes"] == {"category": ["other", "regional_organization"]}


def test_patch_with_stale_if_match_is_412_and_writes_nothing(
    client: FlaskClient, session: Session, make_entity, bearer
) -> None:
    make_entity(acronym="ENTA", name="First")
    headers = bearer("secretariat")
    assert patch(client, "ENTA", {"name": "Second"}, headers, if_match='"1"').status_code == 200
    before = written(session)

    body = assert_error(
        patch(client, "ENTA", {"name": "Lost update"}, headers, if_match='"1"'), 412, "precondition_failed"
    )
    assert "version 2" in body["message"]
    row = stored(session, "ENTA")
    assert (row.version, row.name) == (2, "Second")
    assert written(session) == before
    assert len(entity_updated_events(session, "ENTA")) == 1


def test_patch_with_stale_version_in_body_is_409_and_writes_nothing(
    client: FlaskClient, session: Session, make_entity, bearer
) -> None:
    make_entity(acronym="ENTA", name="First")
    headers = bearer("secretariat")
    assert patch(client, "ENTA", {"name": "Second", "version": 1}, headers).status_code == 200
    before = written(session)

    assert_error(patch(client, "ENTA", {"name": "Lost update", "version": 1}, headers), 409, "stale")
    assert_error(patch(client, "ENTA", {"name": "From the future", "version": 7}, headers), 409, "stale")
    row = stored(session, "ENTA")
    assert (row.version, row.name) == (2, "Second")
    assert written(session) == before


@pytest.mark.parametrize(
    ("sent", "status", "code"),
    [({"if_match": '"1"'}, 412, "precondition_failed"), ({"version": 1}, 409, "stale")],
    ids=["if-match", "body"],
)
def test_an_edit_that_loses_a_race_answers_like_a_stale_one(
    client: FlaskClient,
    session: Session,
    session_factory,
    make_entity,
    bearer,
    sent: dict[str, Any],
    status: int,
    code: str,
) -> None:
    """Defects #10: another writer commits between the request's version check and its
    flush, so the flush's ``UPDATE … WHERE version = 1`` matches nothing (StaleDataError).
    The answer follows where the version came from, as for a version found stale on reading."""
    make_entity(acronym="ENTA", name="First")
    headers = bearer("secretariat")
    raced: list[int] = []

    def race(flushing: Session, _context: Any, _instances: Any) -> None:
        if raced or not any(isinstance(row, Entity) and row.acronym == "ENTA" for row in flushing.dirty):
            return
        raced.append(1)  # before the rival's own flush comes through here
        with session_factory() as rival:
            registry.update_entity(rival, actor=SYSTEM, acronym="ENTA", version=1, changes={"name": "Rival"})
            rival.commit()

    sa.event.listen(Session, "before_flush", race)
    try:
        before = written(session)
        body = {"name": "Lost update"} | ({"version": sent["version"]} if "version" in sent else {})
        response = patch(client, "ENTA", body, headers, if_match=sent.get("if_match"))
    finally:
        sa.event.remove(Session, "before_flush", race)
    assert raced, "the rival never ran: the race was not provoked"
    assert_error(response, status, code)
    row = stored(session, "ENTA")
    assert (row.version, row.name) == (2, "Rival")
    assert written(session) == (before[0], before[1] + 1)  # the rival's EntityUpdated only


@pytest.mark.parametrize("body_version", [None, 1])
def test_if_match_naming_a_version_that_never_existed_is_412(
    client: FlaskClient, session: Session, make_entity, bearer, body_version: int | None
) -> None:
    """``If-Match: "0"`` matches no version (they start at 1): the precondition fails, whatever
    the body says. The header is the version edited; a body version must not override it."""
    make_entity(acronym="ENTA", name="First")
    headers = bearer("secretariat")
    before = written(session)
    sent = {"name": "Sneaked in"} | ({"version": body_version} if body_version else {})
    assert_error(patch(client, "ENTA", sent, headers, if_match='"0"'), 412, "precondition_failed")
    row = stored(session, "ENTA")
    assert (row.version, row.name) == (1, "First")
    assert written(session) == before


def test_patch_without_a_version_is_422(client: FlaskClient, session: Session, make_entity, bearer) -> None:
    make_entity(acronym="ENTA", name="First")
    headers = bearer("secretariat")
    before = written(session)
    body = assert_error(patch(client, "ENTA", {"name": "Blind edit"}, headers), 422, "validation_failed")
    assert "version" in body["fields"]
    body = assert_error(patch(client, "ENTA", {"name": "Bad", "version": 0}, headers), 422, "validation_failed")
    assert "version" in body["fields"]
    assert (stored(session, "ENTA").name, stored(session, "ENTA").version) == ("First", 1)
    assert written(session) == before


@pytest.mark.parametrize(
    ("stored_fields", "sent"),
    [
        ({}, {"joined_on": "2020-05-01", "left_on": "2019-12-31"}),
        ({"joined_on": date(2020, 5, 1)}, {"left_on": "2020-04-30"}),
    ],
)
def test_patch_left_on_before_joined_on_is_422(
    client: FlaskClient, session: Session, make_entity, bearer, stored_fields: dict, sent: dict
) -> None:
    make_entity(acronym="ENTA", **stored_fields)
    headers = bearer("secretariat")
    before = written(session)
    body = assert_error(patch(client, "ENTA", sent, headers, if_match='"1"'), 422, "validation_failed")
    assert "left_on" in body["fields"]
    row = stored(session, "ENTA")
    assert row.version == 1 and row.left_on is None
    assert written(session) == before


def test_patch_that_changes_nothing_records_no_event(
    client: FlaskClient, session: Session, make_entity, bearer
) -> None:
    make_entity(acronym="ENTA", name="Same", kind="partner")
    headers = bearer("secretariat")
    updated_at = stored(session, "ENTA").updated_at
    before = written(session)

    response = patch(client, "ENTA", {"name": "Same", "kind": "partner"}, headers, if_match='"1"')
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["version"] == 1 and response.headers["ETag"] == '"1"'
    row = stored(session, "ENTA")
    assert (row.version, row.updated_at) == (1, updated_at)
    assert written(session) == before
    assert entity_updated_events(session, "ENTA") == []


@pytest.mark.parametrize(
    ("role", "sent", "if_match", "status", "code"),
    [
        (None, {"name": "X"}, '"1"', 401, "unauthorized"),
        ("viewer", {"name": "X"}, '"1"', 403, "forbidden"),
        ("focal_point", {"name": "X"}, '"1"', 403, "forbidden"),
        ("secretariat", {"acronym": "RENAMED"}, '"1"', 422, "validation_failed"),
        ("secretariat", {"is_un": False}, '"1"', 422, "validation_failed"),
        ("secretariat", {"kind": "observer"}, '"1"', 422, "validation_failed"),
        ("secretariat", {"name": ""}, '"1"', 422, "validation_failed"),
        ("secretariat", {"name": "X"}, "yesterday", 400, "bad_request"),
    ],
)
def test_patch_refusals_write_nothing(
    client: FlaskClient,
    session: Session,
    make_entity,
    bearer,
    role: str | None,
    sent: dict,
    if_match: str,
    status: int,
    code: str,
) -> None:
    make_entity(acronym="ENTA", name="First")
    headers = bearer(role, "ENTA" if role == "focal_point" else None) if role else {}
    before = written(session)
    assert_error(patch(client, "ENTA", sent, headers, if_match=if_match), status, code)
    row = stored(session, "ENTA")
    assert (row.version, row.name, row.kind) == (1, "First", "member")
    assert written(session) == before


def test_patch_malformed_json_is_400(client: FlaskClient, session: Session, make_entity, bearer) -> None:
    make_entity(acronym="ENTA")
    headers = bearer("secretariat") | {"If-Match": '"1"'}
    before = written(session)
    response = client.patch(f"{API}/ENTA", data='{"name": "X",}', content_type="application/json", headers=headers)
    assert_error(response, 400, "bad_request")
    assert written(session) == before and stored(session, "ENTA").version == 1


def test_patch_unknown_entity_is_404(client: FlaskClient, session: Session, seeded, bearer) -> None:
    headers = bearer("secretariat")
    before = written(session)
    assert_error(patch(client, "NOPE", {"name": "X"}, headers, if_match='"1"'), 404, "not_found")
    assert written(session) == before


def test_unknown_api_route_and_method_answer_in_the_error_shape(client: FlaskClient, seeded) -> None:
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")
    response = client.delete(f"{API}/UNODC")
    assert_error(response, 405, "method_not_allowed")
    assert "PATCH" in response.headers["Allow"]


def test_api_error_bodies_are_json_not_html(client: FlaskClient, seeded, bearer) -> None:
    """A sanity check on the shape for a mix of failures in one place."""
    headers = bearer("secretariat")
    responses = [
        client.get(f"{API}/NOPE"),
        client.post(API, data="{", content_type="application/json", headers=headers),
        client.post(API, json=NEW | {"extra": 1}, headers=headers),
        client.post(API, json=NEW | {"acronym": "UNODC"}, headers=headers),
        client.post(API, json=NEW),
        patch(client, "UNODC", {"name": "X"}, headers, if_match='"9"'),
    ]
    assert [r.status_code for r in responses] == [404, 400, 422, 409, 401, 412]
    for response in responses:
        body = json.loads(response.get_data(as_text=True))
        assert set(body) == {"error", "rule", "message", "fields"}
    # Each answer names the rule it enforces; the code stays what clients branch on.
    bodies = [json.loads(r.get_data(as_text=True)) for r in responses]
    assert [(b["error"], b["rule"]) for b in bodies] == [
        ("not_found", "registry.entity_unknown"),
        ("bad_request", "http.json_invalid"),
        ("validation_failed", "http.invalid_fields"),
        ("conflict", "registry.acronym_taken"),
        ("unauthorized", "permissions.sign_in_required"),
        ("precondition_failed", "edits.version_stale"),
    ]
