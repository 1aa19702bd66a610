"""End to end: the observances API (DESIGN §7) and the World Day page with its countdown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.observances import services
from icat.observances.queries import get_observance
from icat.observances.reference import WORLD_DAY, reference_observances

API = f"/api/v1/observances/{WORLD_DAY}"


@pytest.fixture
def seeded_day(session: Session) -> None:
    services.seed_reference(session, actor=SYSTEM, observances=reference_observances())
    session.commit()


def test_list_and_show_carry_themes_steps_version_and_etag(client: FlaskClient, seeded_day) -> None:
    with clock.frozen(datetime(2027, 8, 1, tzinfo=UTC)):
        listed = client.get("/api/v1/observances").get_json()
        shown = client.get(API)
    assert [o["slug"] for o in listed["items"]] == [WORLD_DAY] and listed["next_cursor"] is None
    body = shown.get_json()
    assert shown.headers["ETag"] == '"1"' and body["version"] == 1
    assert body["next_date"] == "2028-07-30"
    assert [s["offset"] for s in body["steps"]] == ["P90D", "P60D", "P30D", "P7D", "P0D"]
    assert {t["year"]: t["confidence"] for t in body["themes"]}[2019] == "medium"
    assert client.get("/api/v1/observances/nope").status_code == 404


def test_secretariat_patches_a_theme_and_an_offset_with_if_match(client: FlaskClient, seeded_day, bearer) -> None:
    headers = bearer("secretariat") | {"If-Match": '"1"'}
    edit = {
        "themes": [{"year": 2026, "theme": "Agreed theme", "confidence": "high"}],
        "steps": [{"key": "translations_ready", "offset": "P10D"}],
    }
    response = client.patch(API, json=edit, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["version"] == 2 and response.headers["ETag"] == '"2"'
    assert {t["year"]: t["theme"] for t in body["themes"]}[2026] == "Agreed theme"
    assert {s["key"]: s["offset"] for s in body["steps"]}["translations_ready"] == "P10D"
    assert client.patch(API, json=edit, headers=headers).status_code == 412


def test_refusals(client: FlaskClient, session: Session, seeded_day, bearer) -> None:
    edit = {"themes": [{"year": 2026, "theme": "X"}], "version": 1}
    assert client.patch(API, json=edit).status_code == 401
    assert client.patch(API, json=edit, headers=bearer("viewer")).status_code == 403
    secretariat = bearer("secretariat")
    assert client.patch(API, json=edit | {"version": 7}, headers=secretariat).status_code == 409
    assert client.patch(API, json=edit | {"slug": "x"}, headers=secretariat).status_code == 422
    bad_offset = {"steps": [{"key": "the_day", "offset": "PT1H"}], "version": 1}
    assert client.patch(API, json=bad_offset, headers=secretariat).status_code == 422
    no_year = {"themes": [{"theme": "X"}], "version": 1}
    assert client.patch(API, json=no_year, headers=secretariat).get_json()["fields"]["themes"]
    session.expire_all()
    assert get_observance(session, WORLD_DAY).version == 1


def test_the_world_day_page_counts_down_on_the_server_and_lists_themes(client: FlaskClient, seeded_day) -> None:
    with clock.frozen(datetime(2027, 7, 20, 9, tzinfo=UTC)):
        page = client.get("/world-day")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "10 days left" in html and 'data-date="2027-07-30"' in html
    assert "Victims&#39; Voices Lead the Way" in html and "Not known yet" in html
    assert "webcal://icat.test/calendar/observances.ics" in html
    assert "http://icat.test/calendar/observances.ics" in html
    with clock.frozen(datetime(2027, 7, 30, 9, tzinfo=UTC)):
        assert "Today is the day." in client.get("/world-day").get_data(as_text=True)


def test_the_openapi_document_describes_observances_and_feed_tokens(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert set(spec["paths"]["/observances/{slug}"]) >= {"get", "patch"}
    assert set(spec["paths"]["/feed-tokens"]) == {"get", "post"}
    assert set(spec["paths"]["/feed-tokens/{token_id}"]) >= {"delete"}
    schemas = spec["components"]["schemas"]
    assert {"year", "theme", "confidence", "sources"} <= set(schemas["Theme"]["properties"])
    assert {"id", "name", "token", "url", "webcal_url", "created_at", "last_used_at"} <= set(
        schemas["FeedToken"]["properties"]
    )


def test_the_navigation_links_the_world_day(client: FlaskClient, seeded_day) -> None:
    assert 'href="/world-day"' in client.get("/world-day").get_data(as_text=True)
