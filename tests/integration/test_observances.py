"""Observance rules (DESIGN §4): the World Day seeded from the reference data with each
theme's source and confidence, unknown years left unknown, edits at a version, campaign
steps with their default offsets stored as rows."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core.actor import Actor
from icat.core.errors import Forbidden, StaleVersion, ValidationError
from icat.core.outbox import OutboxEvent
from icat.observances import services
from icat.observances.models import CampaignStep, Observance, ObservanceTheme
from icat.observances.queries import days_until, get_observance, next_occurrence
from icat.observances.reference import WORLD_DAY, reference_observances
from tests.conftest import count

SECRETARIAT = Actor(user_id=None, label="sec@icat.example", role="secretariat")
FOCAL_POINT = Actor(user_id=None, label="fp@icat.example", role="focal_point", entity_id=1)


@pytest.fixture
def seeded_day(session: Session) -> Observance:
    services.seed_reference(session, actor=SECRETARIAT, observances=reference_observances())
    session.commit()
    return get_observance(session, WORLD_DAY)


def test_the_world_day_is_seeded_with_its_facts_and_sources(seeded_day: Observance) -> None:
    day = seeded_day
    assert (day.month, day.day, day.first_year) == (7, 30, 2014)
    assert day.established_by.startswith("A/RES/68/192")
    assert day.names == {"en": "World Day against Trafficking in Persons", "zh": "世界打击贩运人口行为日"}
    assert day.confidence == "high" and day.sources


def test_every_theme_keeps_its_source_and_confidence_and_unknown_years_stay_unknown(seeded_day) -> None:
    themes = {t.year: t for t in seeded_day.themes}
    assert sorted(themes) == list(range(2014, 2026))
    assert themes[2014].theme is None and themes[2015].theme is None  # no theme those years
    assert themes[2021].theme == "Victims' Voices Lead the Way" and themes[2021].confidence == "high"
    assert themes[2025].confidence == "medium" and themes[2025].sources
    assert themes[2016].theme == "Vulnerability to trafficking in persons"
    assert "seed zh" in themes[2016].note and themes[2016].wording_confidence.startswith("medium")
    assert "wording not verified" in themes[2019].note
    assert all(t.sources for t in themes.values())
    assert seeded_day.theme_for(2026) is None


def test_campaign_steps_are_rows_with_the_default_offsets(seeded_day: Observance) -> None:
    assert [(s.key, s.offset) for s in seeded_day.steps] == [
        ("theme_agreed", "P90D"),
        ("draft_statement_circulated", "P60D"),
        ("endorsement_deadline", "P30D"),
        ("translations_ready", "P7D"),
        ("the_day", "P0D"),
    ]
    assert [s.due_on(2027, seeded_day) for s in seeded_day.steps][::4] == [date(2027, 5, 1), date(2027, 7, 30)]


def test_seeding_twice_adds_nothing_and_keeps_edits(session: Session, seeded_day: Observance) -> None:
    services.update_observance(
        session,
        actor=SECRETARIAT,
        slug=WORLD_DAY,
        version=seeded_day.version,
        changes={"themes": [{"year": 2021, "theme": "Edited"}]},
    )
    session.commit()
    rows = (count(session, Observance), count(session, ObservanceTheme), count(session, CampaignStep))
    added, kept = services.seed_reference(session, actor=SECRETARIAT, observances=reference_observances())
    session.commit()
    assert (added, kept) == (0, 1)
    assert (count(session, Observance), count(session, ObservanceTheme), count(session, CampaignStep)) == rows
    assert get_observance(session, WORLD_DAY).theme_for(2021).theme == "Edited"


def test_an_edit_at_the_current_version_changes_themes_and_offsets_and_records_one_event(
    session: Session, seeded_day: Observance
) -> None:
    before = count(session, OutboxEvent)
    changed = services.update_observance(
        session,
        actor=SECRETARIAT,
        slug=WORLD_DAY,
        version=seeded_day.version,
        changes={
            "themes": [{"year": 2026, "theme": "New theme", "confidence": "high", "sources": [{"source": "x"}]}],
            "steps": [{"key": "endorsement_deadline", "offset_days": 21}],
        },
    )
    session.commit()
    assert changed.version == 2 and changed.theme_for(2026).theme == "New theme"
    assert {s.key: s.offset_days for s in changed.steps}["endorsement_deadline"] == 21
    [event] = session.scalars(sa.select(OutboxEvent).where(OutboxEvent.type == "ObservanceUpdated")).all()
    assert count(session, OutboxEvent) == before + 1
    assert set(event.payload["changes"]) == {"themes.2026", "steps.endorsement_deadline"}


def test_stale_versions_strangers_and_bad_values_are_refused_and_nothing_changes(
    session: Session, seeded_day: Observance
) -> None:
    edit = {"themes": [{"year": 2026, "theme": "X"}]}
    with pytest.raises(StaleVersion):
        services.update_observance(session, actor=SECRETARIAT, slug=WORLD_DAY, version=99, changes=edit)
    with pytest.raises(Forbidden):
        services.update_observance(session, actor=FOCAL_POINT, slug=WORLD_DAY, version=1, changes=edit)
    with pytest.raises(ValidationError):
        services.update_observance(
            session, actor=SECRETARIAT, slug=WORLD_DAY, version=1, changes={"themes": [{"year": 2000, "theme": "X"}]}
        )
    session.rollback()
    assert get_observance(session, WORLD_DAY).version == 1 and count(session, ObservanceTheme) == 12


def test_countdown_counts_to_the_next_30_july(seeded_day: Observance) -> None:
    assert next_occurrence(seeded_day, date(2027, 7, 29)) == date(2027, 7, 30)
    assert days_until(seeded_day, date(2027, 7, 30)) == 0
    assert next_occurrence(seeded_day, date(2027, 7, 31)) == date(2028, 7, 30)
    assert days_until(seeded_day, date(2027, 1, 1)) == 210
