"""Workplan rules (issue 13): valid plans and activities, every bad input refused by name with
nothing written (the database read back), who may change what, versions, events."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from icat.core.actor import Actor
from icat.core.errors import Conflict, Forbidden, StaleVersion, Unauthorized, ValidationError
from icat.core.outbox import OutboxEvent
from icat.workplan import activities, services
from icat.workplan.models import Activity, Milestone, PlanOutcome, Rating, Workplan
from tests.conftest import count

SECRETARIAT = Actor(user_id=None, label="sec@icat.example", role="secretariat")


@pytest.fixture
def plan(session: Session, make_entity) -> Workplan:
    make_entity(acronym="UNODC")
    make_entity(acronym="ILO")
    make_entity(acronym="IPU", kind="partner", category="intergovernmental_organization")
    plan = services.create_plan(
        session, actor=SECRETARIAT, title="ICAT workplan 2026–2030", start_year=2026, end_year=2030
    )
    session.commit()
    return plan


def valid(**over: Any) -> dict[str, Any]:
    return {
        "title": "Joint issue brief on technology",
        "pillar": "prevention",
        "lead_entities": ["UNODC"],
        "co_lead_entities": ["IPU"],
        "starts_on": date(2026, 3, 1),
        "ends_on": date(2027, 6, 30),
        "milestones": [{"title": "Draft circulated", "due_on": date(2026, 9, 1)}],
    } | over


def events(session: Session, type_name: str) -> list[OutboxEvent]:
    session.expire_all()
    return list(session.query(OutboxEvent).filter(OutboxEvent.type == type_name).order_by(OutboxEvent.id))


def test_secretariat_adds_an_activity_with_leads_milestones_and_an_event(session: Session, plan: Workplan) -> None:
    activity = activities.add_activity(session, actor=SECRETARIAT, plan_id=plan.id, **valid())
    session.commit()
    session.expire_all()
    stored = session.get(Activity, activity.id)
    assert stored.lead_entities == ["UNODC"] and stored.co_lead_entities == ["IPU"]
    assert stored.status == "planned" and stored.progress == 0 and stored.version == 1
    assert [(m.title, m.due_on) for m in stored.milestones] == [("Draft circulated", date(2026, 9, 1))]
    [event] = events(session, "ActivityAdded")
    assert event.subject == f"activity:{activity.id}" and event.payload["lead_entities"] == ["UNODC"]


BAD: list[tuple[dict[str, Any], str]] = [
    ({"ends_on": date(2026, 2, 1)}, "ends_on"),
    ({"starts_on": date(2025, 12, 31)}, "starts_on"),
    ({"ends_on": date(2031, 1, 1)}, "ends_on"),
    ({"progress": 101}, "progress"),
    ({"progress": -1}, "progress"),
    ({"pillar": "punishment"}, "pillar"),
    ({"status": "finished"}, "status"),
    ({"lead_entities": ["NOPE"]}, "lead_entities"),
    ({"lead_entities": ["IPU"], "co_lead_entities": []}, "lead_entities"),
    ({"lead_entities": []}, "lead_entities"),
    ({"co_lead_entities": ["XYZ"]}, "co_lead_entities"),
    ({"rag": {"period": 2040, "rating": "green", "reason": ""}}, "rag"),
    ({"rag": {"period": 2026, "rating": "green", "reason": "two\nlines"}}, "rag"),
    ({"milestones": [{"title": "Late", "due_on": date(2032, 1, 1)}]}, "milestones"),
    ({"evidence": [{"type": "meeting", "id": 999}]}, "evidence"),
    ({"outcome_id": 999}, "outcome_id"),
]


@pytest.mark.parametrize(("over", "field"), BAD, ids=[f for _, f in BAD])
def test_bad_activities_are_refused_by_field_and_nothing_is_written(
    session: Session, plan: Workplan, over: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        activities.add_activity(session, actor=SECRETARIAT, plan_id=plan.id, **valid(**over))
    session.rollback()
    assert field in caught.value.fields
    assert (
        count(session, Activity),
        count(session, Milestone),
        count(session, OutboxEvent, OutboxEvent.type == "ActivityAdded"),
    ) == (0, 0, 0)


def test_bad_plans_and_outcomes(session: Session, plan: Workplan) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_plan(session, actor=SECRETARIAT, title="x", start_year=2030, end_year=2026)
    assert "end_year" in caught.value.fields
    with pytest.raises(ValidationError) as caught:
        services.add_outcome(session, actor=SECRETARIAT, plan_id=plan.id, title="o", pillar="policing", priorities=[])
    assert "pillar" in caught.value.fields
    with pytest.raises(ValidationError) as caught:
        services.add_outcome(
            session, actor=SECRETARIAT, plan_id=plan.id, title="o", pillar="protection", priorities=["invented"]
        )
    assert "priorities" in caught.value.fields
    session.rollback()
    assert (count(session, Workplan), count(session, PlanOutcome)) == (1, 0)


def test_outcome_with_real_priorities_gives_its_pillar(session: Session, plan: Workplan) -> None:
    outcome = services.add_outcome(
        session, actor=SECRETARIAT, plan_id=plan.id, title="Tech", pillar="prevention", priorities=["technology"]
    )
    activity = activities.add_activity(
        session, actor=SECRETARIAT, plan_id=plan.id, **valid(pillar=None, outcome_id=outcome.id)
    )
    session.commit()
    assert activity.pillar == "prevention"
    with pytest.raises(ValidationError) as caught:
        activities.add_activity(
            session, actor=SECRETARIAT, plan_id=plan.id, **valid(pillar="protection", outcome_id=outcome.id)
        )
    assert "pillar" in caught.value.fields


def _focal(session: Session, make_user, acronym: str) -> Actor:
    user = make_user("focal_point", acronym)
    return Actor(user_id=user.id, label=user.email, role="focal_point", entity_id=user.entity_id)


def test_focal_points_change_only_their_activities_and_only_some_fields(
    session: Session, plan: Workplan, make_user
) -> None:
    activity = activities.add_activity(session, actor=SECRETARIAT, plan_id=plan.id, **valid())
    session.commit()
    partner = _focal(session, make_user, "IPU")  # a co-lead
    changes = {
        "status": "in_progress",
        "progress": 40,
        "rag": {"period": 2026, "rating": "amber", "reason": "Late start"},
    }
    updated = activities.update_activity(session, actor=partner, activity_id=activity.id, version=1, changes=changes)
    session.commit()
    assert (updated.status, updated.progress, updated.version) == ("in_progress", 40, 2)
    assert session.get(Rating, (activity.id, 2026)).rag == "amber"
    [event] = events(session, "ActivityUpdated")
    assert set(event.payload["changes"]) == {"status", "progress", "rag"}
    with pytest.raises(Forbidden) as caught:
        activities.update_activity(
            session, actor=partner, activity_id=activity.id, version=2, changes={"ends_on": date(2028, 1, 1)}
        )
    assert "ends_on" in caught.value.fields
    other = _focal(session, make_user, "ILO")
    with pytest.raises(Forbidden):
        activities.update_activity(session, actor=other, activity_id=activity.id, version=2, changes={"progress": 90})
    viewer = Actor(user_id=None, label="v", role="viewer")
    with pytest.raises(Forbidden):
        activities.update_activity(session, actor=viewer, activity_id=activity.id, version=2, changes={"progress": 90})
    with pytest.raises(Unauthorized):
        activities.update_activity(session, actor=None, activity_id=activity.id, version=2, changes={"progress": 90})  # type: ignore[arg-type]
    session.rollback()
    session.expire_all()
    assert (session.get(Activity, activity.id).progress, session.get(Activity, activity.id).version) == (40, 2)


def test_stale_version_is_refused_and_nothing_changes(session: Session, plan: Workplan) -> None:
    activity = activities.add_activity(session, actor=SECRETARIAT, plan_id=plan.id, **valid())
    session.commit()
    activities.update_activity(session, actor=SECRETARIAT, activity_id=activity.id, version=1, changes={"progress": 10})
    session.commit()
    with pytest.raises(StaleVersion):
        activities.update_activity(
            session, actor=SECRETARIAT, activity_id=activity.id, version=1, changes={"progress": 20}
        )
    session.rollback()
    session.expire_all()
    assert session.get(Activity, activity.id).progress == 10


def test_milestones_keep_their_rows_when_edited_by_id(session: Session, plan: Workplan) -> None:
    activity = activities.add_activity(session, actor=SECRETARIAT, plan_id=plan.id, **valid())
    session.commit()
    [milestone] = activity.milestones
    moved = [
        {"id": milestone.id, "title": "Draft circulated", "due_on": date(2026, 10, 1)},
        {"title": "Launch", "due_on": date(2027, 6, 1)},
    ]
    activities.update_activity(
        session, actor=SECRETARIAT, activity_id=activity.id, version=1, changes={"milestones": moved}
    )
    session.commit()
    session.expire_all()
    rows = session.get(Activity, activity.id).milestones
    assert [(m.id == milestone.id, m.due_on) for m in rows] == [(True, date(2026, 10, 1)), (False, date(2027, 6, 1))]


def test_adoption_takes_the_baseline_once_and_the_period_keeps_activities(session: Session, plan: Workplan) -> None:
    activity = activities.add_activity(session, actor=SECRETARIAT, plan_id=plan.id, **valid())
    session.commit()
    services.update_plan(
        session, actor=SECRETARIAT, plan_id=plan.id, version=1, changes={"adopted_on": date(2025, 12, 15)}
    )
    session.commit()
    session.expire_all()
    stored = session.get(Workplan, plan.id)
    assert stored.baseline[str(activity.id)]["ends_on"] == "2027-06-30"
    with pytest.raises(Conflict):
        services.update_plan(
            session, actor=SECRETARIAT, plan_id=plan.id, version=stored.version, changes={"adopted_on": None}
        )
    session.rollback()
    with pytest.raises(ValidationError) as caught:
        services.update_plan(
            session, actor=SECRETARIAT, plan_id=plan.id, version=stored.version, changes={"start_year": 2027}
        )
    assert "start_year" in caught.value.fields
    assert len(events(session, "WorkplanAdopted")) == 1


def test_an_entity_moves_from_lead_to_co_lead(session: Session, plan: Workplan) -> None:
    activity = activities.add_activity(session, actor=SECRETARIAT, plan_id=plan.id, **valid())
    session.commit()
    swap = {"lead_entities": ["ILO"], "co_lead_entities": ["UNODC", "IPU"]}
    activities.update_activity(session, actor=SECRETARIAT, activity_id=activity.id, version=1, changes=swap)
    session.commit()
    session.expire_all()
    stored = session.get(Activity, activity.id)
    assert (stored.lead_entities, stored.co_lead_entities) == (["ILO"], ["IPU", "UNODC"])
    [event] = events(session, "ActivityUpdated")
    assert event.payload["changes"]["lead_entities"] == [["UNODC"], ["ILO"]]
