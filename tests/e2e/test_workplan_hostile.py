"""Hostile workplan input: every odd body answers 4xx in the one error shape, never a 500,
and nothing is written."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.workplan.models import Activity
from tests.conftest import count
from tests.e2e.test_api_entities import assert_error
from tests.support.workplans import ACTIVITY, API, new_plan

HEADER = b"title,pillar,lead_entities,starts_on,ends_on,progress,period,rag\r\n"
CSV_BODIES = [
    HEADER + b"Nul\x00title,prevention,UNODC,2026-01-01,2026-02-01,0,,\r\n",
    HEADER + b'"Unclosed,prevention,UNODC,2026-01-01,2026-02-01,0,,\r\n',
    HEADER + b"Bad bytes \xff\xfe,prevention,UNODC,2026-01-01,2026-02-01,0,,\r\n",
    HEADER + b"Rating without period,prevention,UNODC,2026-01-01,2026-02-01,0,,green\r\n",
    HEADER + b"Period text,prevention,UNODC,2026-01-01,2026-02-01,0,soon,green\r\n",
    HEADER + ("Long acronym,prevention," + "X" * 40 + ",2026-01-01,2026-02-01,0,,\r\n").encode(),
    HEADER + b"Huge progress,prevention,UNODC,2026-01-01,2026-02-01,99999999999999999999999,,\r\n",
    b"",
    b"\xef\xbb\xbf",
]


@pytest.mark.parametrize("body", CSV_BODIES, ids=range(len(CSV_BODIES)))
def test_odd_csv_is_refused_cleanly(client: FlaskClient, bearer, plan_entities, session: Session, body: bytes) -> None:
    sec = bearer("secretariat")
    plan = new_plan(client, sec)
    response = client.post(
        f"{API}/{plan['id']}/activities/import", data=body, headers=sec | {"Content-Type": "text/csv"}
    )
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert_error(response, response.status_code, "validation_failed" if response.status_code == 422 else "bad_request")
    assert count(session, Activity) == 0


JSON_BODIES = [
    {"activities": "all of them"},
    {"activities": [1, "two", None]},
    {"activities": [ACTIVITY | {"outcome_id": 2**31}]},
    {"activities": [ACTIVITY | {"evidence": [{"type": "meeting", "id": 2**40}]}]},
    {"activities": [ACTIVITY | {"milestones": [{"id": 2**31, "title": "x", "due_on": "2026-03-01"}]}]},
    {"activities": [ACTIVITY | {"title": "x" * 301}]},
    {"rows": []},
]


@pytest.mark.parametrize("body", JSON_BODIES, ids=range(len(JSON_BODIES)))
def test_odd_json_import_is_refused_cleanly(client: FlaskClient, bearer, plan_entities, session: Session, body) -> None:
    sec = bearer("secretariat")
    plan = new_plan(client, sec)
    response = client.post(f"{API}/{plan['id']}/activities/import", json=body, headers=sec)
    assert_error(response, 422, "validation_failed")
    assert count(session, Activity) == 0


def test_odd_patches(client: FlaskClient, bearer, plan_entities, session: Session) -> None:
    sec = bearer("secretariat")
    plan = new_plan(client, sec)
    created = client.post(f"{API}/{plan['id']}/activities", json=ACTIVITY, headers=sec).get_json()
    url = f"/api/v1/activities/{created['id']}"
    assert_error(client.patch(url, json={"progress": 5}, headers=sec | {"If-Match": "yesterday"}), 400, "bad_request")
    assert_error(
        client.patch(url, json={"rag": {"period": 2026, "rating": "purple"}, "version": 1}, headers=sec),
        422,
        "validation_failed",
    )
    assert_error(client.patch(url, json={"version": 1, "id": 5}, headers=sec), 422, "validation_failed")
    assert_error(client.get(f"/api/v1/activities/{2**31}"), 404, "not_found")
    assert_error(client.get(f"{API}/{plan['id']}/export?format=pdf", headers=sec), 422, "validation_failed")
    assert client.get(f"/workplans/{plan['id']}/export.pdf").status_code == 404
    session.expire_all()
    assert session.get(Activity, created["id"]).version == 1
