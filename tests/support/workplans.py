"""Workplan test helpers: the entities the plans use, and plans and activities made via the API."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

API = "/api/v1/workplans"
PLAN = {"title": "ICAT workplan 2026–2030", "start_year": 2026, "end_year": 2030}
ACTIVITY = {
    "title": "Issue brief on technology",
    "pillar": "prevention",
    "lead_entities": ["UNODC"],
    "co_lead_entities": ["IPU"],
    "starts_on": "2026-02-01",
    "ends_on": "2026-11-30",
    "milestones": [{"title": "Draft circulated", "due_on": "2026-06-01"}],
}


@pytest.fixture
def plan_entities(make_entity) -> None:
    """UNODC and ILO (members) and IPU (a partner)."""
    make_entity(acronym="UNODC")
    make_entity(acronym="ILO")
    make_entity(acronym="IPU", kind="partner", category="intergovernmental_organization")


def new_plan(client: FlaskClient, headers: dict[str, str], **over: Any) -> dict[str, Any]:
    response = client.post(API, json=PLAN | over, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def new_activity(client: FlaskClient, headers: dict[str, str], plan_id: int, **over: Any) -> dict[str, Any]:
    response = client.post(f"{API}/{plan_id}/activities", json=ACTIVITY | over, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()
