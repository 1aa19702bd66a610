"""Rotation over HTTP: the chair-term API, the plan, and the rotation page with its forms."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.core.outbox import OutboxEvent
from icat.registry.reference import load_reference
from icat.rotation import services
from icat.rotation.models import ChairTerm
from tests.conftest import PASSWORD, count


@pytest.fixture
def history(session: Session, seeded) -> None:
    services.seed_history(session, actor=SYSTEM, chairs=load_reference()["chairs"])
    session.commit()


def test_chair_terms_list_shows_unknown_years_as_null(client: FlaskClient, history) -> None:
    items = {i["year"]: i for i in client.get("/api/v1/chair-terms").get_json()["items"]}
    assert items[2019]["chairs"] == ["OSCE", "UN-Women"] and items[2019]["confidence"] == "high"
    assert items[2020]["chairs"] is None and items[2011]["chairs"] is None
    assert items[2024]["confirmed_repeat"] is True


def test_put_records_a_term_for_the_secretariat(client: FlaskClient, session: Session, history, bearer) -> None:
    year = clock.today().year + 1
    response = client.put(f"/api/v1/chair-terms/{year}", json={"chairs": ["ILO", "OSCE"]}, headers=bearer())
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    assert response.get_json()["chairs"] == ["ILO", "OSCE"]
    again = client.put(f"/api/v1/chair-terms/{year}", json={"chairs": ["ILO"]}, headers=bearer() | {"If-Match": '"1"'})
    assert again.status_code == 200 and again.get_json()["version"] == 2


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"chairs": ["CoE", "UNODC"]}, "chairs", "partner"),
        ({"chairs": ["XYZ"]}, "chairs", "No entity"),
        ({"chairs": ["ILO", "ILO"]}, "chairs", "different"),
        ({"chairs": ["ILO", "IOM", "UNHCR"]}, "chairs", "one or two"),
        ({"chairs": ["OSCE"]}, "chairs", "OP14"),
        ({"chairs": ["ILO"], "colour": "red"}, "colour", "Unknown"),
    ],
)
def test_put_refusals_name_the_rule_and_save_nothing(
    client: FlaskClient, session: Session, history, bearer, body, field, words
) -> None:
    headers = bearer()  # creating the user and token records events of their own
    before = (count(session, ChairTerm), count(session, OutboxEvent))
    response = client.put("/api/v1/chair-terms/2030", json=body, headers=headers)
    assert response.status_code == 422
    assert words in " ".join(response.get_json()["fields"][field])
    assert (count(session, ChairTerm), count(session, OutboxEvent)) == before


@pytest.mark.parametrize("year", [2010, 2050])
def test_put_refuses_years_outside_the_rotation(client: FlaskClient, history, bearer, year: int) -> None:
    response = client.put(f"/api/v1/chair-terms/{year}", json={"chairs": ["ILO"]}, headers=bearer())
    assert response.status_code == 422 and "year" in response.get_json()["fields"]


def test_put_needs_the_version_of_a_recorded_year(client: FlaskClient, history, bearer) -> None:
    assert client.put("/api/v1/chair-terms/2025", json={"chairs": ["ILO"]}, headers=bearer()).status_code == 409
    stale = client.put("/api/v1/chair-terms/2025", json={"chairs": ["ILO"]}, headers=bearer() | {"If-Match": '"7"'})
    assert stale.status_code == 412


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("viewer", 403), ("focal_point", 403)])
def test_put_is_for_admin_and_secretariat(client: FlaskClient, history, bearer, role, status) -> None:
    headers = bearer(role, "ILO" if role == "focal_point" else None) if role else {}
    assert client.put("/api/v1/chair-terms/2030", json={"chairs": ["ILO"]}, headers=headers).status_code == status


def test_plan_api_explains_each_proposal(client: FlaskClient, history) -> None:
    body = client.get(f"/api/v1/chair-terms/plan?through={clock.today().year + 3}").get_json()
    assert len(body["items"]) == 3
    assert all(len(i["chairs"]) == 2 and i["reasons"] for i in body["items"])
    assert client.get("/api/v1/chair-terms/plan").status_code == 422  # through is required
    assert client.get("/api/v1/chair-terms/plan?through=2099").status_code == 422


def test_unwilling_api_feeds_the_planner(client: FlaskClient, history, bearer) -> None:
    year = clock.today().year + 1
    response = client.put(f"/api/v1/chair-terms/{year}/unwilling", json={"entities": ["ILO"]}, headers=bearer())
    assert response.get_json() == {"year": year, "entities": ["ILO"]}
    plan = client.get(f"/api/v1/chair-terms/plan?through={year}").get_json()["items"]
    assert "ILO" not in plan[0]["chairs"]


def _login(client: FlaskClient, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"csrf_token": token, "email": email, "password": PASSWORD}).status_code == 302


def test_rotation_page_shows_history_timeline_and_plan(client: FlaskClient, history) -> None:
    page = client.get("/rotation").get_data(as_text=True)
    assert "<svg" in page and "OSRSG-VAC" in page and "A/RES/78/228" in page
    assert "Record co-chairs" not in page  # forms are for the secretariat
    assert re.search(r"Co-chairs \d{4}:", client.get("/").get_data(as_text=True))  # header badge


def test_rotation_page_shows_each_members_terms_over_the_ten_year_plan(client: FlaskClient, history) -> None:
    page = client.get("/rotation").get_data(as_text=True)
    terms = {a: int(n) for a, n in re.findall(r'<td data-terms="([^"]+)"[^>]*>(\d+)</td>', page)}
    assert {"ICMPD", "ILO", "IOM", "OHCHR", "OSCE", "UNHCR", "UNICEF", "UNODC", "UN-Women"} <= set(terms)
    assert "CoE" not in terms  # a partner never chairs
    assert max(terms.values()) - min(terms.values()) <= 1, terms
    first, last = clock.today().year + 1, clock.today().year + 10
    assert f"{first}–{last}" in page and f"<strong>{last}</strong>" in page


def test_secretariat_records_a_term_with_the_form_and_sees_rule_errors(
    client: FlaskClient, session: Session, history, make_user
) -> None:
    make_user("secretariat", email="sec@icat.example")
    _login(client, "sec@icat.example")
    page = client.get("/rotation").get_data(as_text=True)
    token = re.search(r'name="term-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    year = clock.today().year + 2
    bad = client.post("/rotation/terms", data={"term-csrf_token": token, "term-year": year, "term-first": "OSCE"})
    assert bad.status_code == 422 and "OP14" in bad.get_data(as_text=True)
    assert count(session, ChairTerm, ChairTerm.year == year) == 0
    good = client.post(
        "/rotation/terms",
        data={"term-csrf_token": token, "term-year": year, "term-first": "UNHCR", "term-second": "OSCE"},
    )
    assert good.status_code == 302
    assert count(session, ChairTerm, ChairTerm.year == year) == 1


def test_the_forms_refuse_a_viewer(client: FlaskClient, session: Session, history, make_user) -> None:
    make_user("viewer", email="v@icat.example")
    _login(client, "v@icat.example")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/rotation/terms", data={"term-csrf_token": token, "term-year": 2030, "term-first": "UNHCR"})
    assert response.status_code == 403
    assert count(session, ChairTerm, ChairTerm.year == 2030) == 0


def test_handover_notices_reach_the_inbox(client: FlaskClient, session: Session, history, make_user, runner) -> None:
    from datetime import UTC, datetime

    make_user("focal_point", entity="ILO", email="fp@icat.example")
    with clock.frozen(datetime(2027, 1, 1, 6, 0, tzinfo=UTC)):
        assert runner.invoke(args=["icat", "worker", "--once"]).exit_code == 0  # daily duties, then the relay
    _login(client, "fp@icat.example")
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "The 2027 term has begun, but no co-chairs are recorded for it." in inbox
