"""Bad input found by fuzzing and hostile requests (defects issue, item 8): every answer is
a 4xx in the error shape, never a 500, and nothing is written."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.meetings.models import Rsvp
from icat.registry.models import Entity
from tests.conftest import count

HUGE = "99999999999999999999"  # beyond 64 bits


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if response.is_json:
        body = response.get_json()
        assert set(body) == {"error", "rule", "message", "fields"}
        if code:
            assert body["error"] == code
        return body
    return {}


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/meetings/{HUGE}",
        f"/api/v1/meetings/{HUGE}/reminders",
        f"/api/v1/meetings/{HUGE}/documents/{HUGE}",
        f"/calendar/meetings/{HUGE}.ics",
        f"/meetings/{HUGE}",
        f"/api/v1/meetings/{2**63}",
        f"/api/v1/meetings/{2**31}",
        f"/api/v1/publications/{HUGE}",
        f"/api/v1/publications/{2**63}",
        f"/publications/{HUGE}",
        f"/publications/{HUGE}/history",
        f"/publications/{HUGE}/files/en.pdf",
    ],
)
def test_ids_beyond_64_bits_name_no_row(client: FlaskClient, bearer, path: str) -> None:
    assert client.get(path, headers=bearer("secretariat")).status_code == 404
    assert client.get(path).status_code in (401, 404)


def test_the_largest_id_is_just_not_found(client: FlaskClient, bearer) -> None:
    assert_error(client.get(f"/api/v1/meetings/{2**31 - 1}", headers=bearer("secretariat")), 404, "not_found")


@pytest.mark.parametrize("cursor", ["x", "eyJ9", "W3t9LDFd", "IjEyMyI", "bnVsbA", "e30.abc"])
@pytest.mark.parametrize("path", ["/api/v1/meetings", "/api/v1/entities", "/api/v1/events", "/api/v1/publications"])
def test_a_forged_or_malformed_cursor_is_a_bad_request(
    client: FlaskClient, bearer, seeded, path: str, cursor: str
) -> None:
    body = assert_error(client.get(path, query_string={"cursor": cursor}, headers=bearer("secretariat")), 400)
    assert "cursor" in body["fields"]


def test_a_cursor_this_api_sent_still_pages(client: FlaskClient, bearer, seeded) -> None:
    headers = bearer("secretariat")
    first = client.get("/api/v1/entities", query_string={"limit": 5}, headers=headers).get_json()
    second = client.get("/api/v1/entities", query_string={"cursor": first["next_cursor"]}, headers=headers)
    assert second.status_code == 200
    assert {e["acronym"] for e in second.get_json()["items"]}.isdisjoint(e["acronym"] for e in first["items"])


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00"])
@pytest.mark.parametrize("name", ["from", "to"])
def test_a_window_at_year_1_or_9999_is_refused_naming_the_field(
    client: FlaskClient, bearer, make_meeting, name: str, moment: str
) -> None:
    meeting = make_meeting(recurrence="FREQ=WEEKLY;COUNT=3")
    headers = bearer("secretariat")
    body = assert_error(client.get("/api/v1/meetings", query_string={name: moment}, headers=headers), 422)
    assert name in body["fields"]
    path = f"/api/v1/meetings/{meeting.id}/occurrences"
    assert name in assert_error(client.get(path, query_string={name: moment}, headers=headers), 422)["fields"]


def test_json_nested_100000_deep_is_a_bad_request(client: FlaskClient, bearer, session: Session) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post(
        "/api/v1/entities", data=deep, content_type="application/json", headers=bearer("secretariat")
    )
    assert_error(response, 400, "bad_request")
    nested = '{"acronym": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post(
        "/api/v1/entities", data=nested, content_type="application/json", headers=bearer("secretariat")
    )
    assert_error(response, 400, "bad_request")
    assert count(session, Entity) == 0


def test_the_role_check_runs_before_the_rsvp_body_is_parsed(client: FlaskClient, bearer, make_meeting) -> None:
    meeting = make_meeting(visibility="public")
    url = f"/api/v1/meetings/{meeting.id}/rsvp"
    assert_error(client.put(url, data="{not json", content_type="application/json"), 401, "unauthorized")
    deep = "[" * 100_000 + "]" * 100_000
    viewer = bearer("viewer")
    assert_error(client.put(url, data=deep, content_type="application/json", headers=viewer), 403, "forbidden")


@pytest.mark.parametrize(
    "path", ["/api/v1/entities/UN%00ODC", "/entities/UN%00ODC", "/calendar/entities/%00.ics", "/api/v1/%00"]
)
def test_nul_in_a_path_is_not_found(client: FlaskClient, seeded, path: str) -> None:
    assert client.get(path).status_code == 404


def test_nul_in_a_query_string_is_a_bad_request(client: FlaskClient, bearer) -> None:
    assert_error(client.get("/api/v1/meetings?entity=%00", headers=bearer("secretariat")), 400)


def test_nul_and_lone_surrogates_in_any_json_field_are_refused_by_name(
    client: FlaskClient, bearer, session: Session, make_entity, make_meeting
) -> None:
    make_entity(acronym="ILO")
    meeting = make_meeting(invitees=["ILO"])
    headers = bearer("secretariat")
    for value in ("IL\u0000O", "\ud800"):
        body = json.dumps({"entity": value, "response": "yes"})  # json.dumps escapes both
        response = client.put(
            f"/api/v1/meetings/{meeting.id}/rsvp", data=body, content_type="application/json", headers=headers
        )
        assert "entity" in assert_error(response, 422, "validation_failed")["fields"]
    assert count(session, Rsvp) == 0


def test_nul_in_the_sign_in_email_is_a_failed_sign_in(client: FlaskClient, app) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post("/login", data={"email": "admin\u0000@icat.example", "password": "x" * 12})
    assert response.status_code in (401, 422)
    assert b"Traceback" not in response.data
