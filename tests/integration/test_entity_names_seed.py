"""A database seeded before the official names existed gets them from ``flask icat seed``,
recorded as the usual EntityUpdated event; a second seed changes nothing, and a name typed in
by the secretariat stays (with no source claimed for it)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core.actor import SYSTEM
from icat.core.outbox import OutboxEvent
from icat.registry import services
from icat.registry.models import Entity
from icat.registry.queries import get_entity
from icat.registry.reference import load_entity_names, reference_entities
from tests.conftest import count

UNODC_FR = "Office des Nations Unies contre la drogue et le crime"


def _seed_as_before(session: Session) -> None:
    services.seed_reference(session, actor=SYSTEM, entities=reference_entities(names={"entities": {}}))
    session.commit()


def _updates(session: Session, acronym: str) -> list[OutboxEvent]:
    query = sa.select(OutboxEvent).where(
        OutboxEvent.subject == f"entity:{acronym}", OutboxEvent.type == "EntityUpdated"
    )
    return list(session.scalars(query))


def test_seed_on_an_existing_database_adds_the_official_names_with_their_sources(runner, session: Session) -> None:
    _seed_as_before(session)
    assert "fr" not in get_entity(session, "UNODC").names
    named = {acronym for acronym, by_lang in load_entity_names()["entities"].items() if by_lang}

    result = runner.invoke(args=["icat", "seed"])
    assert result.exit_code == 0, result.output
    assert f"Registry: 0 entities added, {31 - len(named)} already present, {len(named)} with names" in result.output
    session.expire_all()
    unodc = get_entity(session, "UNODC")
    assert unodc.names["fr"] == UNODC_FR and unodc.names["en"] == "United Nations Office on Drugs and Crime"
    assert unodc.name_sources["fr"] == {
        "sources": [{"source": "http://www.unov.org/unov/fr/unodc.html", "tier": "official"}],
        "confidence": "high",
    }
    assert unodc.version == 2
    (event,) = _updates(session, "UNODC")
    assert event.actor_label == "system"
    assert set(event.payload["changes"]) == {"names", "name_sources"}
    assert event.payload["changes"]["names"][1]["fr"] == UNODC_FR
    assert get_entity(session, "CBSS").names.keys() == {"en", "zh"}  # nothing found: English shown
    assert _updates(session, "CBSS") == []

    events = count(session, OutboxEvent)
    again = runner.invoke(args=["icat", "seed"])
    assert "Registry: 0 entities added, 31 already present, 0 with names" in again.output
    assert count(session, OutboxEvent) == events


def test_a_name_typed_in_by_hand_is_kept_and_loses_the_source_of_the_name_it_replaced(session: Session) -> None:
    services.seed_reference(session, actor=SYSTEM, entities=reference_entities())
    session.commit()
    ilo = get_entity(session, "ILO")
    assert "fr" in ilo.name_sources
    typed = {**ilo.names, "fr": "OIT (saisi à la main)"}
    services.update_entity(session, actor=SYSTEM, acronym="ILO", version=ilo.version, changes={"names": typed})
    session.commit()
    ilo = get_entity(session, "ILO")
    assert ilo.names["fr"] == "OIT (saisi à la main)"
    assert "fr" not in ilo.name_sources and "es" in ilo.name_sources  # the other names keep theirs

    added, renamed, kept = services.seed_reference(session, actor=SYSTEM, entities=reference_entities())
    session.commit()
    assert (added, renamed, kept) == (0, 0, 31)
    assert get_entity(session, "ILO").names["fr"] == "OIT (saisi à la main)"


def test_a_seeded_name_follows_a_corrected_reference_and_goes_when_the_reference_drops_it(session: Session) -> None:
    services.seed_reference(session, actor=SYSTEM, entities=reference_entities())
    session.commit()
    names = load_entity_names()
    corrected = {
        "name": "Office corrigé",
        "sources": [{"source": "https://x.example", "tier": "press"}],
        "confidence": "low",
    }
    fixed = {**names, "entities": {**names["entities"], "UNODC": {"fr": corrected}}}
    added, renamed, _ = services.seed_reference(session, actor=SYSTEM, entities=reference_entities(names=fixed))
    session.commit()
    assert (added, renamed) == (0, 1)
    unodc = get_entity(session, "UNODC")
    assert unodc.names["fr"] == "Office corrigé" and unodc.name_sources["fr"]["confidence"] == "low"
    assert "es" not in unodc.names and set(unodc.name_sources) == {"fr"}  # dropped from the reference
    assert count(session, Entity) == 31
