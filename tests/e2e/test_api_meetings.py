"""End to end: the meetings API (DESIGN §7) through the Flask client. Each refusal is
followed by a look at the database: nothing written."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core.outbox import OutboxEvent
from icat.meetings.models import AgendaItem, Document, Meeting, Minutes, OccurrenceOverride, Rsvp
from tests.conftest import count
from tests.e2e.test_api_entities import assert_error

API = "/api/v1/meetings"
NEW = {
    "title": "Working group, autumn session",
    "kind": "working_group",
    "starts_at": "2030-10-07T14:00:00+02:00",
    "ends_at": "2030-10-07T17:00:00+02:00",
    "timezone": "Europe/Vienna",
    "location": "Vienna International Centre",
    "visibility": "members",
    "invitees": ["IOM"],
    "reminder_offsets": ["P7D", "PT1H"],
}


@pytest.fixture
def iom(make_entity) -> None:
    make_entity(acronym="IOM")
    make_entity(acronym="ILO")


def create(client: FlaskClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    response = client.post(API, json=NEW | changes, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_create_read_and_list(client: FlaskClient, bearer, iom, session: Session) -> None:
    sec = bearer("secretariat")
    body = create(client, sec)
    assert body["starts_at"] == "2030-10-07T12:00:00+00:00" and body["timezone"] == "Europe/Vienna"
    assert (body["sequence"], body["version"], body["status"]) == (0, 1, "scheduled")
    assert body["invitees"] == ["IOM"] and body["reminder_offsets"] == ["P7D", "PT1H"]
    shown = client.get(f"{API}/{body['id']}", headers=bearer("viewer"))
    assert shown.status_code == 200 and shown.headers["ETag"] == '"1"'
    assert shown.get_json()["agenda"] == [] and shown.get_json()["minutes"] is None
    assert client.get(f"{API}/{body['id']}").status_code == 404  # members only: hidden from anonymous
    listed = client.get(
        f"{API}?from=2030-10-01T00:00:00Z&to=2030-11-01T00:00:00Z&kind=working_group&entity=IOM", headers=sec
    )
    assert [m["id"] for m in listed.get_json()["items"]] == [body["id"]]
    assert "agenda" not in listed.get_json()["items"][0]
    assert client.get(API).get_json() == {"items": [], "next_cursor": None}
    assert count(session, Meeting) == 1


def test_list_pages_with_a_cursor(client: FlaskClient, bearer, make_meeting) -> None:
    made = [make_meeting(visibility="public").id for _ in range(5)]
    seen, cursor = [], None
    while True:
        response = client.get(f"{API}?limit=2" + (f"&cursor={cursor}" if cursor else ""))
        body = response.get_json()
        seen += [m["id"] for m in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == made
    assert_error(client.get(f"{API}?cursor=WyJ4Il0"), 400, "bad_request")  # a forged cursor


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "2030-10-07T13:00:00+02:00"}, "ends_at"),
        ({"timezone": "Vienna/Austria"}, "timezone"),
        ({"recurrence": "FREQ=DAILY"}, "recurrence"),
        ({"recurrence": "FREQ=DAILY;COUNT=600"}, "recurrence"),
        ({"recurrence": "nonsense"}, "recurrence"),
        ({"invitees": ["NOPE"]}, "invitees"),
        ({"title": "x" * 201}, "title"),
        ({"reminder_offsets": ["-PT1H"]}, "reminder_offsets"),
        ({"starts_at": "2030-10-07T14:00:00"}, "starts_at"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_input_is_422_per_field_and_nothing_is_saved(
    client: FlaskClient, bearer, iom, session: Session, change: dict[str, Any], field: str
) -> None:
    body = assert_error(client.post(API, json=NEW | change, headers=bearer()), 422, "validation_failed")
    assert field in body["fields"]
    assert count(session, Meeting) == 0 and count(session, OutboxEvent, OutboxEvent.type.like("Meeting%")) == 0


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("viewer", 403), ("focal_point", 403)])
def test_only_the_secretariat_schedules(client: FlaskClient, bearer, iom, session, role, status) -> None:
    headers = bearer(role, "IOM" if role == "focal_point" else None) if role else {}
    assert_error(client.post(API, json=NEW, headers=headers), status, "unauthorized" if status == 401 else "forbidden")
    assert count(session, Meeting) == 0


def test_patch_raises_sequence_and_refuses_stale_versions(client: FlaskClient, bearer, iom, session: Session) -> None:
    sec = bearer()
    meeting = create(client, sec)
    url = f"{API}/{meeting['id']}"
    moved = client.patch(url, json={"location": "New York", "version": 1}, headers=sec)
    assert moved.status_code == 200 and moved.get_json()["sequence"] == 1 and moved.headers["ETag"] == '"2"'
    assert_error(client.patch(url, json={"title": "Lost", "version": 1}, headers=sec), 409, "stale")
    assert_error(
        client.patch(url, json={"title": "Lost"}, headers=sec | {"If-Match": '"1"'}), 412, "precondition_failed"
    )
    renamed = client.patch(url, json={"title": "Kept"}, headers=sec | {"If-Match": '"2"'})
    assert renamed.get_json()["title"] == "Kept" and renamed.get_json()["sequence"] == 1
    session.expire_all()
    assert session.get(Meeting, meeting["id"]).title == "Kept"


def test_cancel_keeps_the_meeting(client: FlaskClient, bearer, iom, session: Session) -> None:
    sec = bearer()
    meeting = create(client, sec)
    response = client.post(f"{API}/{meeting['id']}/cancel", json={"reason": "Postponed"}, headers=sec)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["cancel_reason"], body["sequence"]) == ("cancelled", "Postponed", 1)
    assert_error(client.post(f"{API}/{meeting['id']}/cancel", headers=sec), 409, "conflict")
    assert count(session, Meeting, Meeting.status == "cancelled") == 1


def test_rsvp_by_the_focal_point_of_the_entity(client: FlaskClient, bearer, iom, session: Session) -> None:
    meeting = create(client, bearer())
    url = f"{API}/{meeting['id']}/rsvp"
    answer = client.put(url, json={"entity": "IOM", "response": "yes"}, headers=bearer("focal_point", "IOM"))
    assert answer.status_code == 200 and answer.get_json()["response"] == "yes"
    assert_error(
        client.put(url, json={"entity": "IOM", "response": "no"}, headers=bearer("focal_point", "ILO")),
        403,
        "forbidden",
    )
    assert_error(client.put(url, json={"entity": "ILO", "response": "no"}, headers=bearer()), 422, "validation_failed")
    assert_error(client.put(url, json={"entity": "IOM", "response": "no"}), 401, "unauthorized")
    session.expire_all()
    assert [(r.response) for r in session.query(Rsvp)] == ["yes"]
    shown = client.get(f"{API}/{meeting['id']}", headers=bearer("viewer")).get_json()
    assert [(r["entity"], r["response"]) for r in shown["rsvps"]] == [("IOM", "yes")]


def test_agenda_minutes_and_occurrences(client: FlaskClient, bearer, iom, session: Session) -> None:
    sec = bearer()
    meeting = create(
        client,
        sec,
        recurrence="FREQ=WEEKLY;COUNT=3",
        starts_at="2030-03-18T14:00:00+01:00",
        ends_at="2030-03-18T15:00:00+01:00",
    )
    url = f"{API}/{meeting['id']}"
    agenda = client.put(
        f"{url}/agenda", json={"items": [{"title": "Welcome"}, {"title": "Brief", "lead_entity": "IOM"}]}, headers=sec
    )
    assert [a["title"] for a in agenda.get_json()["agenda"]] == ["Welcome", "Brief"]
    minutes = {
        "text": "Met.",
        "decisions": ["Adopt"],
        "action_items": [{"text": "Send", "owner": "IOM", "due_on": "2030-04-01"}],
    }
    recorded = client.put(f"{url}/minutes", json=minutes, headers=sec).get_json()["minutes"]
    assert recorded["action_items"] == [{"text": "Send", "owner": "IOM", "due_on": "2030-04-01", "done": False}]
    items = client.get(f"{url}/occurrences", headers=sec).get_json()["items"]
    assert [o["starts_at"] for o in items] == [
        "2030-03-18T13:00:00+00:00",
        "2030-03-25T13:00:00+00:00",
        "2030-04-01T12:00:00+00:00",
    ]
    second = items[1]["recurrence_id"]
    cancelled = client.post(f"{url}/occurrences/{second}/cancel", headers=sec)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    move = {"starts_at": "2030-04-02T09:00:00Z", "ends_at": "2030-04-02T10:00:00Z"}
    moved = client.put(f"{url}/occurrences/2030-04-01T12:00:00Z", json=move, headers=sec)
    assert moved.get_json()["starts_at"] == "2030-04-02T09:00:00+00:00"
    assert_error(client.post(f"{url}/occurrences/2030-04-09T12:00:00Z/cancel", headers=sec), 404, "not_found")
    assert_error(client.post(f"{url}/occurrences/yesterday/cancel", headers=sec), 422, "validation_failed")
    assert count(session, OccurrenceOverride) == 2


def test_agenda_and_minutes_refuse_an_edit_against_a_stale_version(
    client: FlaskClient, bearer, iom, session: Session
) -> None:
    sec = bearer()
    url = f"{API}/{create(client, sec)['id']}"
    first = client.put(f"{url}/agenda", json={"items": [{"title": "Welcome"}]}, headers=sec | {"If-Match": '"1"'})
    assert first.status_code == 200 and first.headers["ETag"] == '"2"'
    stale = {"items": [{"title": "Overwritten"}]}
    assert_error(client.put(f"{url}/agenda", json=stale, headers=sec | {"If-Match": '"1"'}), 412, "precondition_failed")
    assert_error(client.put(f"{url}/agenda", json=stale | {"version": 1}, headers=sec), 409, "stale")
    minutes = {"text": "Met.", "version": 1}
    assert_error(client.put(f"{url}/minutes", json=minutes, headers=sec), 409, "stale")
    session.expire_all()
    assert [a.title for a in session.scalars(sa.select(AgendaItem))] == ["Welcome"]
    assert count(session, Minutes) == 0
    recorded = client.put(f"{url}/minutes", json=minutes | {"version": 2}, headers=sec)
    assert recorded.status_code == 200 and recorded.get_json()["minutes"]["text"] == "Met."


PDF = b"%PDF-1.4\n%%EOF\n"


def test_documents_upload_download_and_refusals(client: FlaskClient, app, bearer, iom, session: Session) -> None:
    sec = bearer()
    meeting = create(client, sec, visibility="restricted")
    url = f"{API}/{meeting['id']}/documents"
    upload = client.post(url, data={"file": (io.BytesIO(PDF), "notes.pdf")}, headers=sec)
    assert upload.status_code == 201, upload.get_data(as_text=True)
    download = client.get(upload.headers["Location"], headers=bearer("focal_point", "IOM"))
    assert download.status_code == 200 and download.data == PDF and download.mimetype == "application/pdf"
    assert "notes.pdf" in download.headers["Content-Disposition"]
    download.close()
    assert_error(client.get(upload.headers["Location"], headers=bearer("viewer")), 404, "not_found")
    fake = client.post(url, data={"file": (io.BytesIO(b"MZ..."), "fake.pdf")}, headers=sec)
    assert "file" in assert_error(fake, 422, "validation_failed")["fields"]
    app.config["DOCUMENT_MAX_BYTES"] = 10
    big = client.post(url, data={"file": (io.BytesIO(PDF), "big.pdf")}, headers=sec)
    assert "file" in assert_error(big, 422, "validation_failed")["fields"]
    assert count(session, Document) == 1


def test_follow_and_openapi(client: FlaskClient, bearer, make_meeting) -> None:
    meeting = make_meeting(visibility="public")
    viewer = bearer("viewer")
    assert client.put(f"{API}/{meeting.id}/follow", headers=viewer).status_code == 204
    assert client.delete(f"{API}/{meeting.id}/follow", headers=viewer).status_code == 204
    assert client.put(f"{API}/{meeting.id}/follow").status_code == 401
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/meetings", "/meetings/{meeting_id}", "/meetings/{meeting_id}/rsvp"} <= set(spec["paths"])
    assert "MeetingCreate" in spec["components"]["schemas"]  # the POST body: MeetingFields + status


def test_time_window_filter_finds_recurring_series(client: FlaskClient, make_meeting) -> None:
    start = datetime(2030, 1, 7, 9, tzinfo=UTC)
    series = make_meeting(
        visibility="public", starts_at=start, ends_at=start + timedelta(hours=1), recurrence="FREQ=WEEKLY;COUNT=10"
    )
    make_meeting(
        visibility="public", starts_at=start - timedelta(days=30), ends_at=start - timedelta(days=30, hours=-1)
    )
    found = client.get(f"{API}?from=2030-02-01T00:00:00Z&to=2030-02-02T00:00:00Z").get_json()["items"]
    assert [m["id"] for m in found] == [series.id]
