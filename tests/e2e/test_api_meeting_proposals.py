"""End to end: proposals through the API (DESIGN §7): POST /meetings with status
"proposed", confirm, decline, withdraw; status codes and messages that name the rule; each
refusal followed by a look at the database."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.accounts.models import User
from icat.core.actor import SYSTEM
from icat.core.outbox import OutboxEvent
from icat.meetings.models import Meeting
from tests.conftest import count
from tests.e2e.test_api_entities import assert_error
from tests.support.proposals import YEAR, Cast

API = "/api/v1/meetings"
PROPOSAL = {
    "title": "Co-chairs' consultation",
    "kind": "working_group",
    "starts_at": f"{YEAR}-06-03T14:00:00+02:00",
    "ends_at": f"{YEAR}-06-03T16:00:00+02:00",
    "timezone": "Europe/Vienna",
    "visibility": "members",
    "invitees": ["ILO"],
    "status": "proposed",
}


@pytest.fixture
def auth(session: Session, cast: Cast) -> dict[str, dict[str, str]]:
    """Bearer headers for each person of the cast."""

    def headers(user: User) -> dict[str, str]:
        _token, raw = accounts.create_token(session, actor=SYSTEM, user=user, kind="api", name="test")
        session.commit()
        return {"Authorization": f"Bearer {raw}"}

    names = ("proposer", "colleague", "outsider", "viewer", "secretariat")
    return {name: headers(getattr(cast, name)) for name in names}


def proposed(client: FlaskClient, auth: dict[str, dict[str, str]], **changes: Any) -> dict[str, Any]:
    response = client.post(API, json=PROPOSAL | changes, headers=auth["proposer"])
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_a_cochairs_focal_point_proposes(client: FlaskClient, auth, session: Session) -> None:
    body = proposed(client, auth)
    assert (body["status"], body["proposed_by_entity"], body["sequence"]) == ("proposed", "IOM", 0)
    assert body["starts_at"] == f"{YEAR}-06-03T12:00:00+00:00" and body["invitees"] == ["ILO"]
    shown = client.get(f"{API}/{body['id']}", headers=auth["colleague"])
    assert shown.status_code == 200 and shown.get_json()["status"] == "proposed"
    scheduled = client.post(API, json=PROPOSAL | {"status": "scheduled"}, headers=auth["secretariat"])
    assert scheduled.get_json()["proposed_by_entity"] is None
    assert count(session, Meeting, Meeting.status == "proposed") == 1


@pytest.mark.parametrize(
    ("who", "change", "status", "code", "words"),
    [
        ("outsider", {}, 403, "forbidden", "co-chairs ICAT"),
        ("viewer", {}, 403, "forbidden", "may not schedule meetings"),
        ("proposer", {"status": "scheduled"}, 403, "forbidden", "may not schedule meetings"),
        ("secretariat", {}, 403, "forbidden", "schedules meetings itself"),
        (None, {}, 401, "unauthorized", "Sign in"),
    ],
)
def test_who_may_not_propose_is_told_why(
    client: FlaskClient, auth, session: Session, who, change, status, code, words
) -> None:
    response = client.post(API, json=PROPOSAL | change, headers=auth[who] if who else {})
    assert words in assert_error(response, status, code)["message"]
    assert count(session, Meeting) == 0 and count(session, OutboxEvent, OutboxEvent.type.like("Meeting%")) == 0


def test_a_proposal_outside_the_entitys_years_or_with_a_bad_status_is_422(
    client: FlaskClient, auth, session: Session
) -> None:
    late = {"starts_at": f"{YEAR + 1}-06-03T14:00:00+02:00", "ends_at": f"{YEAR + 1}-06-03T16:00:00+02:00"}
    body = assert_error(client.post(API, json=PROPOSAL | late, headers=auth["proposer"]), 422, "validation_failed")
    assert body["fields"]["starts_at"] == [
        f"Co-chairs propose meetings of the years they co-chair: your entity co-chairs {YEAR}, not {YEAR + 1}."
    ]
    bad = assert_error(
        client.post(API, json=PROPOSAL | {"status": "cancelled"}, headers=auth["proposer"]), 422, "validation_failed"
    )
    assert "status" in bad["fields"]
    assert count(session, Meeting) == 0


def test_a_proposal_is_hidden_from_everyone_else(client: FlaskClient, auth) -> None:
    body = proposed(client, auth, visibility="public")
    url = f"{API}/{body['id']}"
    for headers in (auth["outsider"], auth["viewer"], {}):
        assert_error(client.get(url, headers=headers), 404, "not_found")
        assert client.get(API, headers=headers).get_json()["items"] == []
        if headers:
            assert_error(client.get(f"{url}/reminders", headers=headers), 404, "not_found")
        else:  # reminder plans need a sign-in whatever the meeting: nothing told about this one
            assert_error(client.get(f"{url}/reminders", headers=headers), 401, "unauthorized")
    assert client.get(url, headers=auth["secretariat"]).status_code == 200
    mine = client.get(f"{API}?status=proposed", headers=auth["secretariat"]).get_json()["items"]
    assert [m["id"] for m in mine] == [body["id"]]
    assert client.get(f"{API}?status=scheduled", headers=auth["secretariat"]).get_json()["items"] == []


def test_the_proposer_changes_its_proposal_others_may_not(client: FlaskClient, auth, session: Session) -> None:
    url = f"{API}/{proposed(client, auth)['id']}"
    changed = client.patch(url, json={"location": "Geneva"}, headers=auth["proposer"] | {"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.get_json()["location"] == "Geneva"
    denied = client.patch(url, json={"title": "Ours", "version": 2}, headers=auth["colleague"])
    assert "the focal point who proposed" in assert_error(denied, 403, "forbidden")["message"]
    assert_error(client.patch(url, json={"title": "Ours", "version": 2}, headers=auth["outsider"]), 404, "not_found")
    assert_error(client.patch(url, json={"title": "Ours", "version": 2}, headers=auth["viewer"]), 403, "forbidden")
    session.expire_all()
    assert session.query(Meeting).one().title == PROPOSAL["title"]


def test_the_secretariat_confirms_once(client: FlaskClient, auth, session: Session) -> None:
    url = f"{API}/{proposed(client, auth)['id']}"
    assert_error(client.post(f"{url}/confirm", headers=auth["proposer"]), 403, "forbidden")
    stale = client.post(f"{url}/confirm", headers=auth["secretariat"] | {"If-Match": '"5"'})
    assert_error(stale, 412, "precondition_failed")
    assert_error(client.post(f"{url}/confirm", json={"version": 5}, headers=auth["secretariat"]), 409, "stale")
    assert count(session, Meeting, Meeting.status == "proposed") == 1
    done = client.post(f"{url}/confirm", json={"version": 1}, headers=auth["secretariat"])
    assert done.status_code == 200 and done.headers["ETag"] == '"2"'
    assert (done.get_json()["status"], done.get_json()["sequence"]) == ("scheduled", 1)
    again = assert_error(client.post(f"{url}/confirm", headers=auth["secretariat"]), 409, "conflict")
    assert "not a proposal" in again["message"] and "scheduled" in again["message"]
    assert client.get(url, headers=auth["outsider"]).status_code == 200  # a members meeting now
    assert_error(client.post(f"{url}/decline", headers=auth["secretariat"]), 409, "conflict")
    assert_error(client.post(f"{url}/withdraw", headers=auth["proposer"]), 409, "conflict")
    assert count(session, Meeting, Meeting.status == "scheduled") == 1


def test_the_secretariat_declines_and_the_proposal_is_gone(client: FlaskClient, auth, session: Session) -> None:
    url = f"{API}/{proposed(client, auth)['id']}"
    assert_error(client.post(f"{url}/decline", json={"reason": "x"}, headers=auth["proposer"]), 403, "forbidden")
    long = client.post(f"{url}/decline", json={"reason": "x" * 2001}, headers=auth["secretariat"])
    assert "reason" in assert_error(long, 422, "validation_failed")["fields"]
    assert_error(client.post(f"{url}/cancel", headers=auth["secretariat"]), 409, "conflict")
    assert count(session, Meeting) == 1
    declined = client.post(
        f"{url}/decline", json={"reason": "Clashes with the principals"}, headers=auth["secretariat"]
    )
    assert declined.status_code == 204 and declined.data == b""
    assert_error(client.get(url, headers=auth["secretariat"]), 404, "not_found")
    assert count(session, Meeting) == 0


def test_the_proposer_withdraws(client: FlaskClient, auth, session: Session) -> None:
    url = f"{API}/{proposed(client, auth)['id']}"
    assert_error(client.post(f"{url}/withdraw", headers=auth["colleague"]), 403, "forbidden")
    assert_error(client.post(f"{url}/withdraw", headers=auth["outsider"]), 404, "not_found")
    assert_error(client.put(f"{url}/follow", headers=auth["colleague"]), 409, "conflict")
    assert count(session, Meeting) == 1
    assert client.post(f"{url}/withdraw", headers=auth["proposer"]).status_code == 204
    assert count(session, Meeting) == 0


def test_the_openapi_document_lists_proposals_documents_and_following(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    for action in ("confirm", "decline", "withdraw"):
        assert "post" in paths[f"/meetings/{{meeting_id}}/{action}"], action
    assert paths["/meetings/{meeting_id}/decline"]["post"]["responses"]["204"] == {"description": "OK"}
    document = paths["/meetings/{meeting_id}/documents/{document_id}"]
    assert set(document) >= {"get", "delete", "parameters"}
    assert "application/pdf" in document["get"]["responses"]["200"]["content"]
    assert {p["name"]: p["schema"]["type"] for p in document["parameters"]} == {
        "meeting_id": "integer",
        "document_id": "integer",
    }
    assert set(paths["/meetings/{meeting_id}/follow"]) >= {"put", "delete"}
    status = spec["components"]["schemas"]["MeetingCreate"]["properties"]["status"]
    assert status["enum"] == ["scheduled", "proposed"] and status["default"] == "scheduled"
    assert "proposed_by_entity" in spec["components"]["schemas"]["Meeting"]["properties"]
