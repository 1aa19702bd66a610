"""End to end: the activity stream ``GET /api/v1/events`` (DESIGN §7), the outbox as read by
the secretariat."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from icat.core.outbox import OutboxEvent
from icat.registry.models import Entity
from tests.conftest import count

API = "/api/v1/events"


def assert_error(response: TestResponse, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error", "rule", "message", "fields"}
    assert body["error"] == code and body["message"].strip()
    assert isinstance(body["fields"], dict)
    return body


def stored_events(session: Session, *where: Any) -> list[OutboxEvent]:
    session.expire_all()
    return list(session.scalars(sa.select(OutboxEvent).where(*where).order_by(OutboxEvent.id)))


def walk(client: FlaskClient, headers: dict[str, str], query: str) -> list[list[dict[str, Any]]]:
    """Every page from the first to the one whose ``next_cursor`` is null."""
    pages: list[list[dict[str, Any]]] = []
    cursor: str | None = None
    while True:
        url = f"{API}?{query}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        assert set(body) == {"items", "next_cursor"}
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) <= 100, "the cursor never ends"


@pytest.fixture
def secretariat(seeded: list[Entity], bearer) -> dict[str, str]:
    """A secretariat token on the seeded registry: 31 EntityCreated, then UserCreated and TokenCreated."""
    return bearer("secretariat")


def test_secretariat_walks_the_whole_stream_with_the_cursor(
    client: FlaskClient, session: Session, secretariat: dict[str, str]
) -> None:
    rows = stored_events(session)
    assert len(rows) == 33
    pages = walk(client, secretariat, "limit=10")
    assert [len(p) for p in pages] == [10, 10, 10, 3]
    items = [item for p in pages for item in p]
    assert [i["id"] for i in items] == [r.id for r in rows]
    assert len({i["id"] for i in items}) == 33
    assert [i["type"] for i in items] == [r.type for r in rows]
    assert [i["type"] for i in items].count("EntityCreated") == 31
    assert {i["subject"] for i in items if i["type"] == "EntityCreated"} == {
        f"entity:{a}" for a in session.scalars(sa.select(Entity.acronym))
    }


def test_event_items_carry_id_type_time_actor_and_payload(
    client: FlaskClient, session: Session, secretariat: dict[str, str]
) -> None:
    [unodc] = stored_events(session, OutboxEvent.subject == "entity:UNODC")
    response = client.get(f"{API}?after={unodc.id - 1}&limit=1", headers=secretariat)
    assert response.status_code == 200
    [item] = response.get_json()["items"]
    assert {"id", "type", "occurred_at", "actor", "payload"} <= set(item)
    assert item["id"] == unodc.id and item["type"] == "EntityCreated"
    assert item["actor"] == "system"
    assert item["payload"] == unodc.payload and item["payload"]["acronym"] == "UNODC"
    occurred = datetime.fromisoformat(item["occurred_at"])
    assert occurred.utcoffset() is not None, "times carry their offset"
    assert occurred == unodc.occurred_at
    assert response.get_json()["next_cursor"] is not None


def test_after_gives_only_newer_events(client: FlaskClient, session: Session, secretariat: dict[str, str]) -> None:
    rows = stored_events(session)
    after = rows[30].id  # the last EntityCreated
    response = client.get(f"{API}?after={after}", headers=secretariat)
    assert response.status_code == 200
    body = response.get_json()
    assert [i["id"] for i in body["items"]] == [r.id for r in rows[31:]]
    assert [i["type"] for i in body["items"]] == ["UserCreated", "TokenCreated"]
    assert body["next_cursor"] is None

    empty = client.get(f"{API}?after={rows[-1].id}", headers=secretariat).get_json()
    assert empty == {"items": [], "next_cursor": None}


def test_after_and_cursor_page_together(client: FlaskClient, session: Session, secretariat: dict[str, str]) -> None:
    rows = stored_events(session)
    after = rows[19].id
    pages = walk(client, secretariat, f"after={after}&limit=4")
    assert [len(p) for p in pages] == [4, 4, 4, 1]
    assert [i["id"] for p in pages for i in p] == [r.id for r in rows[20:]]


def test_subject_filter(client: FlaskClient, session: Session, secretariat: dict[str, str]) -> None:
    response = client.get(f"{API}?subject=entity:ILO", headers=secretariat)
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [i["id"] for i in items] == [r.id for r in stored_events(session, OutboxEvent.subject == "entity:ILO")]
    assert len(items) == 1 and items[0]["payload"]["acronym"] == "ILO"


def test_a_change_made_through_the_api_appears_in_the_stream(
    client: FlaskClient, session: Session, secretariat: dict[str, str]
) -> None:
    last = stored_events(session)[-1].id
    created = client.post(
        "/api/v1/entities",
        json={"acronym": "UNOPS", "name": "UNOPS", "kind": "member", "category": "un_agency_fund_programme"},
        headers=secretariat,
    )
    assert created.status_code == 201
    changed = client.patch(
        "/api/v1/entities/UNOPS",
        json={"working_group": True},
        headers=secretariat | {"If-Match": created.headers["ETag"]},
    )
    assert changed.status_code == 200

    items = client.get(f"{API}?after={last}", headers=secretariat).get_json()["items"]
    assert [i["type"] for i in items] == ["EntityCreated", "EntityUpdated"]
    email = items[0]["actor"]
    assert email.endswith("@icat.example") and items[1]["actor"] == email
    assert items[0]["payload"]["acronym"] == "UNOPS"
    assert items[1]["payload"]["changes"] == {"working_group": [False, True]}
    assert items[1]["payload"]["version"] == 2
    assert [i["id"] for i in items] == [r.id for r in stored_events(session, OutboxEvent.id > last)]


def test_admin_reads_the_stream_too(client: FlaskClient, seeded, bearer) -> None:
    response = client.get(API, headers=bearer("admin"))
    assert response.status_code == 200
    assert len(response.get_json()["items"]) == 33


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "unauthorized"),
        ({"Authorization": "Bearer not-a-token"}, 401, "unauthorized"),
        ({"Authorization": "Token abc"}, 401, "unauthorized"),
    ],
)
def test_anonymous_and_bad_tokens_get_401(
    client: FlaskClient, session: Session, seeded, headers: dict[str, str], status: int, code: str
) -> None:
    before = count(session, OutboxEvent)
    body = assert_error(client.get(API, headers=headers), status, code)
    assert "items" not in body
    assert count(session, OutboxEvent) == before


@pytest.mark.parametrize("role", ["viewer", "focal_point"])
def test_viewers_and_focal_points_get_403(client: FlaskClient, seeded, bearer, role: str) -> None:
    headers = bearer(role, "UNODC" if role == "focal_point" else None)
    body = assert_error(client.get(API, headers=headers), 403, "forbidden")
    assert "items" not in body
    assert_error(client.get(f"{API}?after=0&limit=5", headers=headers), 403, "forbidden")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("after=-1", "after"),
        ("after=last", "after"),
        ("limit=0", "limit"),
        ("limit=500", "limit"),
    ],
)
def test_invalid_arguments_are_422(client: FlaskClient, secretariat: dict[str, str], query: str, field: str) -> None:
    body = assert_error(client.get(f"{API}?{query}", headers=secretariat), 422, "validation_failed")
    assert field in body["fields"]


def test_a_cursor_the_api_did_not_send_is_400(client: FlaskClient, secretariat: dict[str, str]) -> None:
    body = assert_error(client.get(f"{API}?cursor=%%%", headers=secretariat), 400, "bad_request")
    assert "cursor" in body["fields"]


def test_401_names_the_bearer_scheme(client) -> None:
    response = client.get("/api/v1/events")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
