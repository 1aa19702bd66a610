"""Plan rules: draft a plan, change its title or period, adopt it (taking the baseline), add
outcomes. Only the secretariat and admins; every change is an event. Activities are in
``icat.workplan.activities``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, edits, outbox
from icat.core.actor import Actor
from icat.core.errors import Conflict, ValidationError
from icat.core.permissions import STAFF, require_role
from icat.workplan import rules
from icat.workplan.access import get_plan
from icat.workplan.events import OutcomeAdded, WorkplanAdopted, WorkplanCreated, WorkplanUpdated
from icat.workplan.models import Activity, PlanOutcome, Workplan

PLAN_EDITABLE = ("title", "start_year", "end_year", "adopted_on")


def create_plan(
    session: Session, *, actor: Actor, title: str, start_year: int, end_year: int, adopted_on: date | None = None
) -> Workplan:
    """Draft a plan for ``start_year``–``end_year`` (secretariat); ``adopted_on`` given: adopted at
    once (with an empty baseline). Raises Unauthorized, Forbidden, ValidationError. Emits
    WorkplanCreated (and WorkplanAdopted)."""
    require_role(actor, STAFF, _l("draft workplans"))
    errors: rules.Errors = {}
    if not title.strip():
        rules.add(errors, "title", _l("Give the plan a title."))
    rules.check_period(errors, start_year, end_year)
    if errors:
        raise ValidationError(_l("Some fields of the plan are invalid."), fields=errors, rule="workplan.plan_invalid")
    now = clock.now()
    plan = Workplan(title=title, start_year=start_year, end_year=end_year, created_at=now, updated_at=now)
    session.add(plan)
    session.flush()
    outbox.record(session, WorkplanCreated(plan.id, title, start_year, end_year), actor=actor)
    if adopted_on is not None:
        _adopt(session, actor, plan, adopted_on)
    return plan


def baseline_of(plan: Workplan) -> dict[str, Any]:
    """What "changed since baseline" compares with: each activity's title, dates, status,
    leads and milestones as they stand now."""
    return {str(a.id): snapshot(a) for a in plan.activities}


def snapshot(activity: Activity) -> dict[str, Any]:
    return {
        "title": activity.title,
        "pillar": activity.pillar,
        "starts_on": activity.starts_on.isoformat(),
        "ends_on": activity.ends_on.isoformat(),
        "status": activity.status,
        "lead_entities": activity.lead_entities,
        "milestones": [{"title": m.title, "due_on": m.due_on.isoformat()} for m in activity.milestones],
    }


def _adopt(session: Session, actor: Actor, plan: Workplan, adopted_on: date) -> None:
    plan.adopted_on, plan.baseline, plan.updated_at = adopted_on, baseline_of(plan), clock.now()
    session.flush()
    event = WorkplanAdopted(plan.id, adopted_on.isoformat(), len(plan.activities))
    outbox.record(session, event, actor=actor)


def update_plan(
    session: Session, *, actor: Actor, plan_id: int, version: int | None, changes: dict[str, Any]
) -> Workplan:
    """Change a plan's title or period, or adopt it by setting ``adopted_on`` (secretariat).

    The period must keep every activity and milestone inside it. Adoption takes the
    baseline once: an adopted plan's date cannot be cleared or moved (Conflict). Raises
    Unauthorized, Forbidden, NotFound, ValidationError, StaleVersion, Conflict. Emits
    WorkplanUpdated and/or WorkplanAdopted; nothing when nothing changed.
    """
    require_role(actor, STAFF, _l("change workplans"))
    plan = get_plan(session, plan_id, actor=actor)
    edits.check_version(plan, version, label=f"Workplan {plan_id}")
    edits.refuse_unknown(changes, PLAN_EDITABLE)
    adopted_on = changes.pop("adopted_on", plan.adopted_on)
    if plan.is_adopted and adopted_on != plan.adopted_on:
        raise Conflict(
            _l("The plan is adopted; its adoption date and baseline stay as they are."),
            rule="workplan.plan_adopted_already",
        )
    _check_plan_changes(plan, {k: changes.get(k, getattr(plan, k)) for k in ("title", "start_year", "end_year")})
    diff = edits.apply_changes(plan, changes, PLAN_EDITABLE)
    if diff:
        plan.updated_at = clock.now()
        session.flush()
        outbox.record(session, WorkplanUpdated(plan.id, plan.version, diff), actor=actor)
    if adopted_on is not None and not plan.is_adopted:
        _adopt(session, actor, plan, adopted_on)
    return plan


def _check_plan_changes(plan: Workplan, merged: dict[str, Any]) -> None:
    errors: rules.Errors = {}
    if not str(merged["title"]).strip():
        rules.add(errors, "title", _l("Give the plan a title."))
    rules.check_period(errors, merged["start_year"], merged["end_year"])
    years = range(merged["start_year"], merged["end_year"] + 1)
    outside = [
        a.id
        for a in plan.activities
        if a.starts_on.year not in years
        or a.ends_on.year not in years
        or any(m.due_on.year not in years for m in a.milestones)
    ]
    if outside:
        names = ", ".join(str(i) for i in outside[:10])
        rules.add(errors, "start_year", _l("Activities %(ids)s would fall outside the period.", ids=names))
    if errors:
        raise ValidationError(
            _l("The plan's period or title is invalid."), fields=errors, rule="workplan.plan_change_invalid"
        )


def add_outcome(
    session: Session, *, actor: Actor, plan_id: int, title: str, pillar: str, priorities: list[str]
) -> PlanOutcome:
    """Add an outcome under a Global Plan of Action pillar, with ICAT thematic priorities
    from the reference data (secretariat). Raises Unauthorized, Forbidden, NotFound,
    ValidationError (unknown pillar or priority). Emits OutcomeAdded."""
    require_role(actor, STAFF, _l("change workplans"))
    plan = get_plan(session, plan_id, actor=actor)
    errors: rules.Errors = {}
    if not title.strip():
        rules.add(errors, "title", _l("Give the outcome a title."))
    rules.check_pillar(errors, pillar)
    rules.check_priorities(errors, priorities)
    if errors:
        raise ValidationError(
            _l("Some fields of the outcome are invalid."), fields=errors, rule="workplan.outcome_invalid"
        )
    outcome = PlanOutcome(title=title, pillar=pillar, priorities=list(dict.fromkeys(priorities)))
    outcome.position = len(plan.outcomes)
    plan.outcomes.append(outcome)
    session.flush()
    outbox.record(session, OutcomeAdded(plan.id, outcome.id, title, pillar, outcome.priorities), actor=actor)
    return outcome
