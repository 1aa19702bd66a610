"""End to end: the workplan API (DESIGN §7) through the Flask client: who reads drafts and
adopted plans, who changes what, versions and ETags (409 body, 412 If-Match), errors by field,
the database read back after each refusal."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core.outbox import OutboxEvent
from icat.workplan.models import Activity, Workplan
from tests.conftest import count
from tests.e2e.test_api_entities import assert_error
from tests.support.workplans import ACTIVITY, API, PLAN, new_activity, new_plan


def test_drafts_for_the_signed_in_adopted_plans_for_everyone(client: FlaskClient, bearer, plan_entities) -> None:
    sec = bearer("secretariat")
    plan = new_plan(client, sec)
    assert plan["status"] == "draft" and plan["version"] == 1
    assert client.get(f"{API}/{plan['id']}").status_code == 404
    assert client.get(API).get_json()["items"] == []
    shown = client.get(f"{API}/{plan['id']}", headers=bearer("viewer"))
    assert shown.status_code == 200 and shown.headers["ETag"] == '"1"'
    adopted = client.patch(f"{API}/{plan['id']}", json={"adopted_on": "2025-12-15"}, headers=sec | {"If-Match": '"1"'})
    assert adopted.status_code == 200 and adopted.get_json()["status"] == "adopted"
    public = client.get(f"{API}/{plan['id']}")
    assert public.status_code == 200 and public.get_json()["adopted_on"] == "2025-12-15"
    assert [p["id"] for p in client.get(API).get_json()["items"]] == [plan["id"]]


def test_add_and_patch_an_activity_with_etags(client: FlaskClient, bearer, plan_entities, session: Session) -> None:
    sec = bearer("secretariat")
    plan = new_plan(client, sec)
    body = new_activity(client, sec, plan["id"])
    assert body["lead_entities"] == ["UNODC"] and body["milestones"][0]["due_on"] == "2026-06-01"
    url = f"/api/v1/activities/{body['id']}"
    changed = client.patch(url, json={"progress": 30, "status": "in_progress"}, headers=sec | {"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.headers["ETag"] == '"2"'
    stale = client.patch(url, json={"progress": 50}, headers=sec | {"If-Match": '"1"'})
    assert_error(stale, 412, "precondition_failed")
    stale_body = client.patch(url, json={"progress": 50, "version": 1}, headers=sec)
    assert_error(stale_body, 409, "stale")
    assert_error(client.patch(url, json={"progress": 50}, headers=sec), 422, "validation_failed")  # no version
    session.expire_all()
    assert session.get(Activity, body["id"]).progress == 30


def test_focal_points_of_leads_rate_others_get_403(
    client: FlaskClient, bearer, plan_entities, session: Session
) -> None:
    sec = bearer("secretariat")
    plan = new_plan(client, sec)
    body = new_activity(client, sec, plan["id"])
    url = f"/api/v1/activities/{body['id']}"
    rating = {"rag": {"period": 2026, "rating": "green", "reason": "On track"}, "version": 1}
    ok = client.patch(url, json=rating, headers=bearer("focal_point", "UNODC"))
    assert ok.status_code == 200 and ok.get_json()["ratings"][0]["rating"] == "green"
    other = client.patch(url, json={"progress": 90, "version": 2}, headers=bearer("focal_point", "ILO"))
    assert_error(other, 403, "forbidden")
    dates = client.patch(url, json={"ends_on": "2027-01-01", "version": 2}, headers=bearer("focal_point", "IPU"))
    assert "ends_on" in assert_error(dates, 403, "forbidden")["fields"]
    assert_error(
        client.post(f"{API}/{plan['id']}/activities", json=ACTIVITY, headers=bearer("focal_point", "UNODC")),
        403,
        "forbidden",
    )
    session.expire_all()
    assert (session.get(Activity, body["id"]).version, count(session, Activity)) == (2, 1)


BAD = [
    ({"ends_on": "2026-01-01"}, "ends_on"),
    ({"starts_on": "2025-06-01"}, "starts_on"),
    ({"progress": 150}, "progress"),
    ({"pillar": "policing"}, "pillar"),
    ({"lead_entities": ["IPU"], "co_lead_entities": []}, "lead_entities"),
    ({"lead_entities": ["WHO"]}, "lead_entities"),
    ({"colour": "red"}, "colour"),
    ({"progress": "50"}, "progress"),
]


@pytest.mark.parametrize(("over", "field"), BAD, ids=[f for _, f in BAD])
def test_bad_activities_answer_422_naming_the_field(
    client: FlaskClient, bearer, plan_entities, session: Session, over, field
) -> None:
    sec = bearer("secretariat")
    plan = new_plan(client, sec)
    before = count(session, OutboxEvent)
    body = assert_error(
        client.post(f"{API}/{plan['id']}/activities", json=ACTIVITY | over, headers=sec), 422, "validation_failed"
    )
    assert field in body["fields"]
    assert (count(session, Activity), count(session, OutboxEvent)) == (0, before)


def test_bad_plans(client: FlaskClient, bearer, session: Session) -> None:
    sec = bearer("secretariat")
    assert (
        "end_year"
        in assert_error(client.post(API, json=PLAN | {"end_year": 2020}, headers=sec), 422, "validation_failed")[
            "fields"
        ]
    )
    assert_error(client.post(API, json=PLAN, headers=bearer("viewer")), 403, "forbidden")
    assert_error(client.post(API, json=PLAN), 401, "unauthorized")
    assert_error(client.post(API, data="{", headers=sec | {"Content-Type": "application/json"}), 400, "bad_request")
    assert count(session, Workplan) == 0


def test_outcomes(client: FlaskClient, bearer, plan_entities) -> None:
    sec = bearer("secretariat")
    plan = new_plan(client, sec)
    ok = client.post(
        f"{API}/{plan['id']}/outcomes",
        json={"title": "Tech", "pillar": "prevention", "priorities": ["technology"]},
        headers=sec,
    )
    assert ok.status_code == 201
    bad = client.post(
        f"{API}/{plan['id']}/outcomes",
        json={"title": "X", "pillar": "prevention", "priorities": ["made_up"]},
        headers=sec,
    )
    assert "priorities" in assert_error(bad, 422, "validation_failed")["fields"]
    body = new_activity(client, sec, plan["id"], pillar=None, outcome_id=ok.get_json()["id"])
    assert body["pillar"] == "prevention"


def test_list_pages_with_a_cursor(client: FlaskClient, bearer) -> None:
    sec = bearer("secretariat")
    ids = [new_plan(client, sec, start_year=year, end_year=year + 4)["id"] for year in (2021, 2026, 2026)]
    first = client.get(f"{API}?limit=2", headers=sec).get_json()
    assert [p["id"] for p in first["items"]] == [ids[1], ids[2]] and first["next_cursor"]
    second = client.get(f"{API}?limit=2&cursor={first['next_cursor']}", headers=sec).get_json()
    assert [p["id"] for p in second["items"]] == [ids[0]] and second["next_cursor"] is None
    assert_error(client.get(f"{API}?cursor=forged", headers=sec), 400, "bad_request")
