"""The registry holds ICAT's real members and partners and enforces its rules."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core.actor import SYSTEM, Actor
from icat.core.errors import Conflict, Forbidden, StaleVersion, Unauthorized, ValidationError
from icat.core.outbox import OutboxEvent
from icat.registry import services
from icat.registry.models import Entity
from icat.registry.queries import get_entity
from icat.registry.reference import load_reference, reference_entities
from tests.conftest import count

# A/RES/78/228 footnotes 19 and 20; A/74/127 para 106 (working group as of 2019).
WORKING_GROUP = {"OHCHR", "UNHCR", "UNICEF", "UNODC", "UN-Women", "CoE", "ICMPD", "ILO", "IOM", "OSCE"}
PARTNERS = {"CoE", "SR-TIP", "SR-Slavery"}


def test_seed_loads_28_members_and_3_partners_from_the_reference_data(seeded: list[Entity]) -> None:
    data = load_reference()
    assert len(seeded) == 31
    assert {e.acronym for e in seeded if e.kind == "member"} == {m["acronym"] for m in data["members"]}
    assert {e.acronym for e in seeded if e.kind == "partner"} == PARTNERS
    assert {e.acronym for e in seeded if e.working_group} == WORKING_GROUP
    assert [e.acronym for e in seeded if e.is_coordinator] == ["UNODC"]


def test_seeded_facts_keep_their_sources_and_leave_unknowns_unknown(seeded: list[Entity]) -> None:
    by = {e.acronym: e for e in seeded}
    assert by["CBSS"].joined_year == 2020 and by["CBSS"].category == "regional_organization"
    assert by["DPO"].joined_year is None  # not found in any source: stays unknown
    assert all(e.joined_on is None for e in seeded)  # only years are known
    assert by["SR-TIP"].category == "special_procedure" and by["SR-TIP"].is_un
    assert by["ICMPD"].category == "intergovernmental_organization" and not by["ICMPD"].is_un
    unodc = by["UNODC"]
    assert {k: unodc.names[k] for k in ("en", "zh")} == {"en": unodc.name, "zh": "联合国毒品和犯罪问题办公室"}
    assert by["UNODC"].names["fr"] == "Office des Nations Unies contre la drogue et le crime"
    assert by["UNODC"].name_sources["fr"]["sources"][0]["tier"] == "official"
    assert "ar" not in by["CBSS"].names and by["CBSS"].name_sources == {}  # no official name found: English shown
    assert any("A/RES/78/228" in s["source"] for s in by["UNODC"].sources)
    assert all(e.sources for e in seeded)


def test_seed_is_idempotent_and_keeps_later_edits(session: Session, seeded: list[Entity]) -> None:
    events = count(session, OutboxEvent)
    ilo = get_entity(session, "ILO")
    services.update_entity(session, actor=SYSTEM, acronym="ILO", version=ilo.version, changes={"notes": "edited"})
    session.commit()
    added, renamed, kept = services.seed_reference(session, actor=SYSTEM, entities=reference_entities())
    session.commit()
    assert (added, renamed, kept) == (0, 0, 31)
    assert get_entity(session, "ILO").notes == "edited"
    assert count(session, Entity) == 31
    assert count(session, OutboxEvent) == events + 1  # only the edit


SECRETARIAT = Actor(user_id=None, label="sec@icat.example", role="secretariat")


def test_create_records_an_event_with_the_actor(session: Session) -> None:
    services.create_entity(session, actor=SECRETARIAT, acronym="NEW", name="New", kind="member", category="other")
    session.commit()
    event = session.scalar(sa.select(OutboxEvent).where(OutboxEvent.subject == "entity:NEW"))
    assert (event.type, event.actor_label) == ("EntityCreated", "sec@icat.example")


@pytest.mark.parametrize(
    ("actor", "error"),
    [(None, Unauthorized), (Actor(1, "v", "viewer"), Forbidden), (Actor(2, "f", "focal_point", 1), Forbidden)],
)
def test_only_admin_and_secretariat_change_the_registry(session: Session, actor, error) -> None:
    with pytest.raises(error):
        services.create_entity(session, actor=actor, acronym="X", name="X", kind="member", category="other")
    session.rollback()
    assert count(session, Entity) == 0 and count(session, OutboxEvent) == 0


def test_duplicate_acronym_is_a_conflict_even_in_another_case(session: Session, make_entity) -> None:
    make_entity(acronym="UNDP")
    with pytest.raises(Conflict):
        services.create_entity(session, actor=SYSTEM, acronym="undp", name="x", kind="member", category="other")
    session.rollback()
    assert count(session, Entity) == 1


def test_update_refuses_stale_versions_and_contradicting_dates(session: Session, make_entity) -> None:

    make_entity(acronym="AAA", joined_on=dt.date(2020, 5, 1), joined_year=2020)
    with pytest.raises(StaleVersion):
        services.update_entity(session, actor=SYSTEM, acronym="AAA", version=7, changes={"name": "B"})
    # One error whatever the version came from: 412 for If-Match is the web layer's answer
    # (tests/e2e/test_api_entities.py::test_patch_with_stale_if_match_is_412_and_writes_nothing).
    with pytest.raises(StaleVersion):
        services.update_entity(session, actor=SYSTEM, acronym="AAA", version=0, changes={"name": "B"})
    with pytest.raises(ValidationError) as err:
        services.update_entity(
            session, actor=SYSTEM, acronym="AAA", version=1, changes={"left_on": dt.date(2019, 1, 1)}
        )
    assert "left_on" in err.value.fields
    with pytest.raises(ValidationError) as err:
        services.update_entity(session, actor=SYSTEM, acronym="AAA", version=None, changes={"name": "B"})
    assert "version" in err.value.fields
    session.rollback()
    entity = get_entity(session, "AAA")
    assert (entity.name, entity.version, entity.left_on) == ("Entity 1", 1, None)
