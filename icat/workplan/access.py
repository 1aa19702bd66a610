"""Who may see and change which plan and activity (DESIGN §4 workplan, issue 13).

Adopted plans and their timelines are public; drafts are for anyone signed in. The
secretariat changes everything; a focal point only the status, progress, rating and
evidence of activities its entity leads or co-leads.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core.actor import Actor
from icat.core.errors import Forbidden, NotFound
from icat.core.permissions import FOCAL_POINT, FOCAL_POINTS, STAFF, is_signed_in, require_role
from icat.workplan.models import Activity, Workplan

# What a focal point may change on its entity's activities.
FOCAL_POINT_FIELDS = frozenset({"status", "progress", "rag", "evidence"})


def visible_plans(actor: Actor | None) -> sa.ColumnElement[bool]:
    """SQL condition for the plans ``actor`` may see: adopted ones for everyone, drafts too
    for anyone signed in."""
    return sa.true() if is_signed_in(actor) else Workplan.adopted_on.is_not(None)


def can_see(actor: Actor | None, plan: Workplan) -> bool:
    return plan.is_adopted or is_signed_in(actor)


def get_plan(session: Session, plan_id: int, *, actor: Actor | None) -> Workplan:
    """The plan if ``actor`` may see it; NotFound otherwise (a draft is not revealed)."""
    plan = session.get(Workplan, plan_id)
    if plan is None or not can_see(actor, plan):
        raise NotFound(_l("No workplan %(id)s.", id=plan_id), rule="workplan.plan_unknown")
    return plan


def get_activity(session: Session, activity_id: int, *, actor: Actor | None) -> Activity:
    """The activity if ``actor`` may see its plan; NotFound otherwise."""
    activity = session.get(Activity, activity_id)
    if activity is None or not can_see(actor, activity.workplan):
        raise NotFound(_l("No activity %(id)s.", id=activity_id), rule="workplan.activity_unknown")
    return activity


def leads_it(actor: Actor | None, activity: Activity) -> bool:
    """Whether ``actor`` is a focal point of an entity leading or co-leading ``activity``."""
    if actor is None or actor.role != FOCAL_POINT or actor.entity_id is None:
        return False
    return actor.entity_id in {lead.entity_id for lead in activity.leads}


def may_edit(actor: Actor | None, activity: Activity) -> bool:
    """Whether ``actor`` may change anything of ``activity`` (pages show the form or not)."""
    return actor is not None and (actor.role in STAFF or leads_it(actor, activity))


def check_activity_edit(actor: Actor | None, activity: Activity, fields: set[str]) -> None:
    """Raise Unauthorized, Forbidden unless ``actor`` may change ``fields`` of ``activity``:
    the secretariat anything; a focal point of a leading or co-leading entity only
    FOCAL_POINT_FIELDS."""
    require_role(actor, STAFF | FOCAL_POINTS, _l("change workplan activities"))
    assert actor is not None
    if actor.role in STAFF:
        return
    if not leads_it(actor, activity):
        raise Forbidden(
            _l("Only focal points of the entities that lead or co-lead this activity may change it."),
            rule="workplan.activity_not_led",
        )
    others = sorted(fields - FOCAL_POINT_FIELDS)
    if others:
        raise Forbidden(
            _l("A focal point changes only the status, progress, rating and evidence of an activity."),
            fields={name: [_l("Only the secretariat changes this.")] for name in others},
            rule="workplan.field_secretariat_only",
        )
