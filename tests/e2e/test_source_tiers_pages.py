"""Pages show official sources first, the others under "Other sources", and a fact known only
from press or aggregators as unconfirmed whatever its stored confidence (issue 11 item 17)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.meetings import reference as meeting_history
from icat.meetings.models import Meeting
from icat.observances import services as observances
from icat.observances.reference import reference_observances
from icat.registry.models import Entity
from icat.registry.reference import load_reference
from icat.rotation import services as rotation


def _row(html: str, first_cell: str) -> str:
    match = re.search(rf"<tr>\s*<td[^>]*>{first_cell}</td>(.*?)</tr>", html, re.S)
    assert match, first_cell
    return match.group(1)


def test_a_world_day_theme_with_only_press_and_aggregators_shows_unconfirmed(client: FlaskClient, session) -> None:
    observances.seed_reference(session, actor=SYSTEM, observances=reference_observances())
    session.commit()
    with clock.frozen(datetime(2026, 3, 1, tzinfo=UTC)):
        html = client.get("/world-day").get_data(as_text=True)
    press_only = _row(html, "2025")  # stored as "medium", sources: two aggregators and a press agency
    assert "unconfirmed" in press_only and "medium" not in press_only
    assert "Other sources" in press_only and "wam.ae" in press_only
    official = _row(html, "2021")
    assert "high" in official and "unconfirmed" not in official and "Other sources" not in official


def test_the_rotation_history_lists_official_sources_before_the_others(client: FlaskClient, session, seeded) -> None:
    rotation.seed_history(session, actor=SYSTEM, chairs=load_reference()["chairs"])
    session.commit()
    row = _row(client.get("/rotation").get_data(as_text=True), "2025")  # stored: press first, then oas.org
    assert row.index("www.oas.org") < row.index("Other sources") < row.index("www.publicnow.com")
    assert "high" in row and "unconfirmed" not in row  # one official source confirms it


def test_a_past_meeting_known_only_from_the_press_shows_unconfirmed(client: FlaskClient, session, seeded) -> None:
    meeting_history.seed_history(session, actor=SYSTEM, data=load_reference())
    session.commit()
    meeting = session.scalar(sa.select(Meeting).where(Meeting.external_key.like("reference:principals:2024-12%")))
    assert meeting.confidence == "low" and {s["tier"] for s in meeting.sources} == {"press"}
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    section = html[html.index('class="meeting-sources"') :]
    assert "unconfirmed" in section and "Other sources" in section and "publicnow.com" in section


@pytest.mark.parametrize(
    ("sources", "shown", "hidden"),
    [
        ([{"source": "https://news.example/icat", "tier": "press"}], "unconfirmed", "high"),
        (
            [
                {"source": "A/RES/78/228", "tier": "official"},
                {"source": "https://blog.example/x", "tier": "aggregator"},
            ],
            "high",
            "unconfirmed",
        ),
    ],
)
def test_an_entity_page_shows_the_confidence_its_sources_support(
    client: FlaskClient, session: Session, seeded, sources, shown, hidden
) -> None:
    entity = session.scalar(sa.select(Entity).where(Entity.acronym == "ILO"))
    entity.sources, entity.confidence = sources, "high"
    session.commit()
    html = client.get("/entities/ILO").get_data(as_text=True)
    stated = re.search(r"Confidence of this record</dt><dd>(.*?)</dd>", html, re.S).group(1)
    assert shown in stated and hidden not in stated
    assert "Other sources" in html[html.index("<h2>Sources</h2>") :]  # the record's, below its names' own


def test_api_dumps_carry_the_tier_and_refuse_an_unknown_one(client: FlaskClient, session, seeded, bearer) -> None:
    rotation.seed_history(session, actor=SYSTEM, chairs=load_reference()["chairs"])
    session.commit()
    items = {i["year"]: i for i in client.get("/api/v1/chair-terms").get_json()["items"]}
    assert [s["tier"] for s in items[2025]["sources"]] == ["press", "official"]
    entity = client.get("/api/v1/entities/UNODC").get_json()
    assert entity["sources"] and all(s["tier"] == "official" for s in entity["sources"])
    body = {"chairs": ["ILO"], "sources": [{"source": "https://x.example", "tier": "rumour"}]}
    response = client.put("/api/v1/chair-terms/2030", json=body, headers=bearer())
    assert response.status_code == 422 and "sources" in response.get_json()["fields"]
