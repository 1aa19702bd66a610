"""Activity rules: add one (secretariat), change one at a version (secretariat; a leading
entity's focal point its status, progress, rating and evidence).

``prepare`` validates every field of an activity at once (``icat.workplan.rules``) and is
shared with the import, which checks every row before inserting any.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, edits, outbox
from icat.core.actor import Actor
from icat.core.errors import ValidationError
from icat.core.permissions import FOCAL_POINTS, STAFF, require_role
from icat.registry.models import Entity
from icat.workplan import rules
from icat.workplan.access import check_activity_edit, get_activity, get_plan
from icat.workplan.events import ActivityAdded, ActivityUpdated
from icat.workplan.models import Activity, ActivityLead, Evidence, Milestone, Rating, Workplan

ACTIVITY_COLUMNS = ("title", "outcome_id", "pillar", "starts_on", "ends_on", "status", "progress")
ACTIVITY_EDITABLE = (*ACTIVITY_COLUMNS, "lead_entities", "co_lead_entities", "rag", "milestones", "evidence")
DEFAULTS: dict[str, Any] = {
    "outcome_id": None,
    "pillar": None,
    "status": "planned",
    "progress": 0,
    "co_lead_entities": [],
    "rag": None,
    "milestones": [],
    "evidence": [],
}


@dataclass
class Prepared:
    """An activity's fields once valid, with its lead entities resolved."""

    fields: dict[str, Any]
    leads: list[tuple[Entity, str]]


def prepare(session: Session, plan: Workplan, fields: dict[str, Any], activity: Activity | None = None) -> Prepared:
    """Validate a whole activity of ``plan`` (``activity``: the one being edited). Raises
    ValidationError naming every bad field; returns the fields and the resolved leads."""
    fields = DEFAULTS | fields
    errors: rules.Errors = {}
    rules.resolve_outcome(session, errors, plan, fields)
    rules.check_activity(errors, plan, fields)
    leads = rules.resolve_leads(session, errors, list(fields.get("lead_entities") or []), fields["co_lead_entities"])
    rules.check_rag(errors, plan, fields["rag"])
    rules.check_milestones(errors, plan, fields["milestones"])
    known = {m.id for m in activity.milestones} if activity else set()
    for index, item in enumerate(fields["milestones"]):
        if item.get("id") is not None and item["id"] not in known:
            rules.add(errors, "milestones", {index: [_l("No such milestone of this activity.")]})
    rules.check_evidence(session, errors, fields["evidence"])
    if errors:
        raise ValidationError(
            _l("Some fields of the activity are invalid."), fields=errors, rule="workplan.activity_invalid"
        )
    return Prepared(fields, leads)


def insert_activity(session: Session, plan: Workplan, prepared: Prepared, actor: Actor) -> Activity:
    """Add a prepared activity to ``plan`` (flushed); checks no role and records no event."""
    now = clock.now()
    activity = Activity(**{k: prepared.fields[k] for k in ACTIVITY_COLUMNS}, created_at=now, updated_at=now)
    plan.activities.append(activity)
    _set_leads(activity, prepared.leads)
    _set_milestones(activity, prepared.fields["milestones"])
    _set_evidence(activity, prepared.fields["evidence"])
    if prepared.fields["rag"]:
        _rate(activity, prepared.fields["rag"], actor)
    session.flush()
    return activity


def added_event(activity: Activity, *, imported: bool = False) -> ActivityAdded:
    return ActivityAdded(
        activity.workplan_id,
        activity.id,
        activity.title,
        activity.starts_on.isoformat(),
        activity.ends_on.isoformat(),
        activity.lead_entities,
        imported,
    )


def add_activity(session: Session, *, actor: Actor, plan_id: int, **fields: Any) -> Activity:
    """Add an activity to a plan (secretariat). ``fields`` as in the API (DESIGN §7).
    Raises Unauthorized, Forbidden, NotFound, ValidationError (every bad field). Emits ActivityAdded."""
    require_role(actor, STAFF, _l("add workplan activities"))
    plan = get_plan(session, plan_id, actor=actor)
    activity = insert_activity(session, plan, prepare(session, plan, fields), actor)
    outbox.record(session, added_event(activity), actor=actor)
    return activity


def current(activity: Activity) -> dict[str, Any]:
    """An activity's editable fields as the API spells them (ratings aside)."""
    return {k: getattr(activity, k) for k in ACTIVITY_COLUMNS} | {
        "lead_entities": activity.lead_entities,
        "co_lead_entities": activity.co_lead_entities,
        "rag": None,
        "milestones": [{"id": m.id, "title": m.title, "due_on": m.due_on, "done": m.done} for m in activity.milestones],
        "evidence": [{"type": e.type, "id": e.ref_id} for e in activity.evidence],
    }


def update_activity(
    session: Session, *, actor: Actor, activity_id: int, version: int | None, changes: dict[str, Any]
) -> Activity:
    """Change an activity edited at ``version``. The secretariat changes any field; a focal
    point of a leading or co-leading entity only status, progress, rag and evidence.
    ``rag`` is ``{period, rating, reason}``: the rating of one reporting period (a year).

    Raises Unauthorized, Forbidden (another entity's focal point, or a field it may not
    change), NotFound, ValidationError, StaleVersion. Emits ActivityUpdated with every
    change; nothing when nothing changed.
    """
    require_role(actor, STAFF | FOCAL_POINTS, _l("change workplan activities"))
    edits.refuse_unknown(changes, ACTIVITY_EDITABLE)
    activity = get_activity(session, activity_id, actor=actor)
    check_activity_edit(actor, activity, set(changes))
    edits.check_version(activity, version, label=f"Activity {activity_id}")
    before = current(activity)
    prepared = prepare(session, activity.workplan, before | changes, activity)
    with session.no_autoflush:  # one UPDATE, so one version step, per edit
        diff = _apply(activity, prepared, changes, actor)
    if diff:
        activity.updated_at = clock.now()  # also raises the version when only child rows changed
        session.flush()
        outbox.record(session, ActivityUpdated(activity.workplan_id, activity.id, activity.version, diff), actor=actor)
    return activity


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [{k: _json(v) for k, v in item.items()} if isinstance(item, dict) else item for item in value]
    return value


def _apply(activity: Activity, prepared: Prepared, changes: dict[str, Any], actor: Actor) -> dict[str, list[Any]]:
    before = current(activity)
    scalars = {k: prepared.fields[k] for k in ACTIVITY_COLUMNS if k in changes or k == "pillar"}
    diff = edits.apply_changes(activity, scalars, ACTIVITY_COLUMNS, to_json=_json)
    if {"lead_entities", "co_lead_entities"} & set(changes):
        _set_leads(activity, prepared.leads)
    if "milestones" in changes:
        _set_milestones(activity, prepared.fields["milestones"])
    if "evidence" in changes:
        _set_evidence(activity, prepared.fields["evidence"])
    after = current(activity)
    for name in ("lead_entities", "co_lead_entities", "milestones", "evidence"):
        if _json(before[name]) != _json(after[name]):
            diff[name] = [_json(before[name]), _json(after[name])]
    if changes.get("rag") is not None:
        old = _rate(activity, prepared.fields["rag"], actor)
        if old != changes["rag"]:
            diff["rag"] = [old, changes["rag"]]
    return diff


def _set_leads(activity: Activity, leads: list[tuple[Entity, str]]) -> None:
    wanted = {(e.id, role) for e, role in leads}
    activity.leads = [lead for lead in activity.leads if (lead.entity_id, lead.role) in wanted]
    have = {lead.entity_id for lead in activity.leads}
    activity.leads.extend(ActivityLead(entity=e, entity_id=e.id, role=r) for e, r in leads if e.id not in have)


def _set_milestones(activity: Activity, items: list[dict[str, Any]]) -> None:
    """Replace the milestones; an item with an ``id`` keeps its row (and so its reminders' key)."""
    by_id = {m.id: m for m in activity.milestones}
    kept = []
    for item in items:
        row = by_id.get(item.get("id")) or Milestone(revision=1, updated_at=clock.now())
        if row.due_on is not None and row.due_on != item["due_on"]:
            row.revision += 1
        if (row.title, row.due_on, row.done) != (item["title"], item["due_on"], bool(item.get("done"))):
            row.title, row.due_on, row.done, row.updated_at = (
                item["title"],
                item["due_on"],
                bool(item.get("done")),
                clock.now(),
            )
        kept.append(row)
    activity.milestones = kept


def _set_evidence(activity: Activity, links: list[dict[str, Any]]) -> None:
    have = {(e.type, e.ref_id): e for e in activity.evidence}
    wanted = list(dict.fromkeys((link["type"], link["id"]) for link in links))
    activity.evidence = [have.get(key) or Evidence(type=key[0], ref_id=key[1]) for key in wanted]


def _rate(activity: Activity, rag: dict[str, Any], actor: Actor) -> dict[str, Any] | None:
    """Set the rating of ``rag["period"]``; returns the one it replaced (API shape) or None."""
    row = activity.rating_for(rag["period"])
    old = {"period": row.year, "rating": row.rag, "reason": row.reason} if row else None
    if old == {"period": rag["period"], "rating": rag["rating"], "reason": rag.get("reason") or ""}:
        return old
    if row is None:
        row = Rating(year=rag["period"], rag=rag["rating"], reason="", rated_at=clock.now())
        activity.ratings.append(row)
    row.rag, row.reason, row.rated_at, row.rated_by = rag["rating"], rag.get("reason") or "", clock.now(), actor.user_id
    return old
