"""End to end: the publications API (DESIGN §7) through the Flask client. Each refusal is
followed by a look at the database: nothing written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.outbox import OutboxEvent
from icat.publications.models import CirculationRound, Publication, RoundResponse, TextVersion
from tests.conftest import count
from tests.e2e.test_api_entities import assert_error
from tests.support.publications import BODY, DEADLINE, NOW, PubCast

API = "/api/v1/publications"
NEW = {
    "kind": "joint_statement",
    "language": "en",
    "title": "World Day 2030",
    "body": BODY,
    "lead_entities": ["ILO"],
    "year": 2030,
    "tags": ["technology"],
}


@pytest.fixture
def sec(bearer, pubcast: PubCast) -> dict[str, str]:
    return bearer("secretariat")


def create(client: FlaskClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    response = client.post(API, json=NEW | changes, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def circulate(client: FlaskClient, headers: dict[str, str], pub_id: int, **changes: Any) -> Any:
    body = {"procedure": "endorsement", "deadline": DEADLINE.isoformat(), "entities": ["ILO", "IOM"]} | changes
    with clock.frozen(NOW):
        return client.post(f"{API}/{pub_id}/circulate", json=body, headers=headers)


def test_draft_read_edit_with_etags(client: FlaskClient, sec: dict[str, str], session: Session) -> None:
    body = create(client, sec, translations={"fr": {"title": "Journée mondiale", "body": "Texte"}})
    assert (body["status"], body["version"], body["lead_entities"]) == ("draft", 1, ["ILO"])
    assert (
        body["languages"]["fr"] == {"state": "draft", "outdated": False}
        and body["languages"]["ru"]["state"] == "missing"
    )
    shown = client.get(f"{API}/{body['id']}", headers=sec)
    assert shown.headers["ETag"] == '"1"' and shown.get_json()["translations"]["fr"]["title"] == "Journée mondiale"
    assert client.get(f"{API}/{body['id']}").status_code == 404  # a draft is hidden from anonymous readers
    assert client.get(API).get_json()["items"] == []
    edited = client.patch(f"{API}/{body['id']}", json={"body": "Changed."}, headers=sec | {"If-Match": '"1"'})
    assert edited.status_code == 200 and edited.get_json()["languages"]["fr"]["outdated"] is True
    stale = client.patch(f"{API}/{body['id']}", json={"body": "Again."}, headers=sec | {"If-Match": '"1"'})
    assert_error(stale, 412, "precondition_failed")
    assert_error(client.patch(f"{API}/{body['id']}", json={"body": "Again.", "version": 1}, headers=sec), 409, "stale")
    assert count(session, TextVersion, TextVersion.language == "en") == 2


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"language": "de"}, 422, "language"),
        ({"translations": {"xx": {"title": "t"}}}, 422, "translations"),
        ({"colour": "red"}, 422, "colour"),
        ({"tags": ["not_a_theme"]}, 422, "tags"),
        ({"title": "<img src=x onerror=alert(1)>"}, 422, "title"),
    ],
)
def test_bad_drafts_are_refused_by_field(
    client: FlaskClient, sec: dict[str, str], session: Session, changes: dict, status: int, field: str
) -> None:
    response = client.post(API, json=NEW | changes, headers=sec)
    assert_error(response, status, "validation_failed")
    assert field in response.get_json()["fields"]
    assert count(session, Publication) == 0 and count(session, OutboxEvent, OutboxEvent.type.like("Publication%")) == 0


def test_a_duplicate_brief_number_is_a_conflict(client: FlaskClient, sec: dict[str, str], session: Session) -> None:
    create(client, sec, kind="issue_brief", number=14)
    response = client.post(API, json=NEW | {"kind": "issue_brief", "number": 14, "title": "Other"}, headers=sec)
    assert_error(response, 409, "conflict")
    assert "next free number is 15" in response.get_json()["message"]
    assert count(session, Publication) == 1


def test_circulate_answer_and_publish(client: FlaskClient, sec: dict[str, str], bearer, session: Session) -> None:
    pub = create(client, sec)
    assert_error(client.post(f"{API}/{pub['id']}/publish", headers=sec), 409, "conflict")  # not adopted
    circulated = circulate(client, sec, pub["id"])
    assert circulated.status_code == 200, circulated.get_data(as_text=True)
    assert circulated.get_json()["circulation"]["procedure"] == "endorsement"
    ilo, iom = bearer("focal_point", "ILO"), bearer("focal_point", "IOM")
    with clock.frozen(NOW + timedelta(days=1)):
        wrong = client.post(f"{API}/{pub['id']}/responses", json={"entity": "ILO", "decision": "endorse"}, headers=iom)
        assert_error(wrong, 403, "forbidden")
        assert count(session, RoundResponse) == 0
        answered = client.post(
            f"{API}/{pub['id']}/responses", json={"entity": "IOM", "decision": "endorse"}, headers=iom
        )
        assert answered.status_code == 200 and answered.get_json()["responses"][0]["entity"] == "IOM"
        client.post(f"{API}/{pub['id']}/responses", json={"entity": "ILO", "decision": "endorse"}, headers=ilo)
        shown = client.get(f"{API}/{pub['id']}", headers=sec).get_json()
        assert shown["status"] == "adopted" and shown["cosigners"] == ["ILO", "IOM"]
        published = client.post(f"{API}/{pub['id']}/publish", json={"published_on": "2030-07-30"}, headers=sec)
    assert published.status_code == 200 and published.get_json()["published_on"] == "2030-07-30"
    public = client.get(f"{API}/{pub['id']}")
    assert public.status_code == 200 and public.get_json()["cosigners"] == ["ILO", "IOM"]
    assert [
        p["id"] for p in client.get(f"{API}?kind=joint_statement&theme=technology&entity=IOM").get_json()["items"]
    ] == [pub["id"]]


def test_answers_after_the_deadline_are_a_conflict(
    client: FlaskClient, sec: dict[str, str], bearer, session: Session
) -> None:
    pub = create(client, sec)
    circulate(client, sec, pub["id"])
    iom = bearer("focal_point", "IOM")
    with clock.frozen(DEADLINE + timedelta(minutes=1)):
        late = client.post(f"{API}/{pub['id']}/responses", json={"entity": "IOM", "decision": "endorse"}, headers=iom)
    assert_error(late, 409, "conflict")
    assert count(session, RoundResponse) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"procedure": "vote"}, "procedure"),
        ({"deadline": "2030-05-20T10:00:00"}, "deadline"),
        ({"entities": ["NOPE"]}, "entities"),
    ],
)
def test_bad_circulations_are_422(
    client: FlaskClient, sec: dict[str, str], session: Session, changes: dict, field: str
) -> None:
    pub = create(client, sec)
    response = circulate(client, sec, pub["id"], **changes)
    assert_error(response, 422, "validation_failed")
    assert field in response.get_json()["fields"]
    assert count(session, CirculationRound) == 0


def test_an_empty_authoritative_text_is_not_circulated(
    client: FlaskClient, sec: dict[str, str], session: Session
) -> None:
    pub = create(client, sec, body="")
    response = circulate(client, sec, pub["id"])
    assert_error(response, 422, "validation_failed")
    assert "body" in response.get_json()["fields"] and count(session, CirculationRound) == 0


def test_who_may_do_what(client: FlaskClient, sec: dict[str, str], bearer, session: Session) -> None:
    pub = create(client, sec)
    assert_error(client.post(API, json=NEW), 401, "unauthorized")
    assert_error(client.post(API, json=NEW, headers=bearer("viewer")), 403, "forbidden")
    outsider = bearer("focal_point", "UNHCR")
    assert_error(
        client.patch(f"{API}/{pub['id']}", json={"body": "x", "version": 1}, headers=outsider), 404, "not_found"
    )
    lead = client.patch(
        f"{API}/{pub['id']}", json={"body": "By the lead.", "version": 1}, headers=bearer("focal_point", "ILO")
    )
    assert lead.status_code == 200
    assert count(session, Publication) == 1
