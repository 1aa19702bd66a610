"""The workplan API contract (DESIGN §7): plans, outcomes, activities. Types and lengths are
checked here; the rules (period, leads, pillars, priorities) by the services."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from icat.core import clock
from icat.core.fields import Text
from icat.workplan.models import ACTIVITY_STATUSES, EVIDENCE_TYPES, PILLARS, RAGS, Activity

YEAR = validate.Range(1900, 2200)
ROW_ID = validate.Range(1, 2**31 - 1)  # what an id column holds


class WorkplanFieldsSchema(Schema):
    title = Text(required=True, validate=validate.Length(1, 200))
    start_year = fields.Integer(required=True, validate=YEAR)
    end_year = fields.Integer(required=True, validate=YEAR)
    adopted_on = fields.Date(allow_none=True, load_default=None)


class WorkplanPatchSchema(WorkplanFieldsSchema):
    """Loaded partially; setting ``adopted_on`` adopts the plan and takes its baseline."""

    version = fields.Integer(validate=validate.Range(min=1))


class OutcomeSchema(Schema):
    id = fields.Integer(dump_only=True)
    title = Text(required=True, validate=validate.Length(1, 300))
    pillar = fields.String(required=True, metadata={"description": ", ".join(PILLARS)})
    priorities = fields.List(
        Text(validate=validate.Length(1, 40)),
        load_default=list,
        metadata={"description": "ICAT thematic priority keys from the reference data"},
    )


class MilestoneSchema(Schema):
    id = fields.Integer(
        validate=ROW_ID, metadata={"description": "an existing milestone's id keeps it (and its reminders)"}
    )
    title = Text(required=True, validate=validate.Length(1, 300))
    due_on = fields.Date(required=True)
    done = fields.Boolean(load_default=False)
    overdue = fields.Boolean(dump_only=True)


class EvidenceSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(EVIDENCE_TYPES))
    id = fields.Integer(required=True, validate=ROW_ID)


class RagSchema(Schema):
    period = fields.Integer(required=True, validate=YEAR, metadata={"description": "the reporting year"})
    rating = fields.String(required=True, validate=validate.OneOf(RAGS))
    reason = Text(load_default="", validate=validate.Length(max=200), metadata={"description": "one line"})


class ActivityFieldsSchema(Schema):
    """Fields a client sets on an activity (create; patch loads them partially)."""

    title = Text(required=True, validate=validate.Length(1, 300))
    outcome_id = fields.Integer(allow_none=True, load_default=None, validate=ROW_ID)
    pillar = fields.String(allow_none=True, load_default=None, metadata={"description": ", ".join(PILLARS)})
    lead_entities = fields.List(Text(validate=validate.Length(1, 20)), required=True)
    co_lead_entities = fields.List(Text(validate=validate.Length(1, 20)), load_default=list)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    status = fields.String(load_default="planned", metadata={"description": ", ".join(ACTIVITY_STATUSES)})
    progress = fields.Integer(load_default=0, strict=True, metadata={"description": "0–100"})
    rag = fields.Nested(RagSchema, allow_none=True, load_default=None)
    milestones = fields.List(fields.Nested(MilestoneSchema), load_default=list)
    evidence = fields.List(fields.Nested(EvidenceSchema), load_default=list)


class ActivityPatchSchema(ActivityFieldsSchema):
    version = fields.Integer(validate=validate.Range(min=1))


class RatingOutSchema(Schema):
    period = fields.Integer(attribute="year")
    rating = fields.String(attribute="rag")
    reason = fields.String()
    rated_at = fields.AwareDateTime()


class ActivitySchema(ActivityFieldsSchema):
    id = fields.Integer(dump_only=True)
    workplan_id = fields.Integer(dump_only=True)
    version = fields.Integer(dump_only=True)
    ratings = fields.List(fields.Nested(RatingOutSchema), dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)


class WorkplanSchema(WorkplanFieldsSchema):
    id = fields.Integer(dump_only=True)
    version = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True, metadata={"description": "draft or adopted"})
    outcomes = fields.List(fields.Nested(OutcomeSchema), dump_only=True)
    activities = fields.List(fields.Nested(ActivitySchema), dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)


class WorkplanSummarySchema(WorkplanSchema):
    class Meta:
        exclude = ("activities", "outcomes")


class WorkplanListArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.String()


class WorkplanListSchema(Schema):
    items = fields.List(fields.Nested(WorkplanSummarySchema))
    next_cursor = fields.String(allow_none=True)


class PeriodArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    period = fields.Integer(validate=YEAR, metadata={"description": "reporting year (default: this year)"})


class ImportResultSchema(Schema):
    imported = fields.Integer()
    items = fields.List(fields.Nested(ActivitySchema))


def dump_activity(activity: Activity, *, period: int | None = None) -> dict[str, Any]:
    """An activity as JSON; ``rag`` is its rating of ``period`` (default: this year) or null."""
    period = period or clock.today().year
    body = ActivitySchema(exclude=("rag", "milestones", "evidence")).dump(activity)
    rating = activity.rating_for(period)
    body["rag"] = {"period": rating.year, "rating": rating.rag, "reason": rating.reason} if rating else None
    today = clock.today()
    body["milestones"] = [
        {"id": m.id, "title": m.title, "due_on": m.due_on.isoformat(), "done": m.done, "overdue": _overdue(m, today)}
        for m in activity.milestones
    ]
    body["evidence"] = [{"type": e.type, "id": e.ref_id} for e in activity.evidence]
    return body


def _overdue(milestone: Any, today: Any) -> bool:
    return not milestone.done and milestone.due_on < today


def dump_plan(plan: Any, *, detail: bool = True) -> dict[str, Any]:
    status = {"status": "adopted" if plan.is_adopted else "draft"}
    if not detail:
        return WorkplanSummarySchema().dump(plan) | status
    body = WorkplanSchema(exclude=("activities",)).dump(plan) | status
    body["activities"] = [dump_activity(a) for a in plan.activities]
    return body


class ImportJsonSchema(Schema):
    """A JSON import: the ``activities`` of an export (or written by hand), each row checked."""

    activities = fields.List(fields.Dict(), required=True, validate=validate.Length(max=2000))


class ExportArgsSchema(PeriodArgsSchema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv", "xlsx")))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Bodies that are not only JSON, for the routes' API descriptions (icat.web.api_doc).
IMPORT_BODY = {
    "text/csv": {"schema": {"type": "string", "description": "header row first; see the import's columns"}},
    "application/json": {"schema": {"type": "object", "properties": {"activities": {"type": "array"}}}},
}
EXPORT_FILES = {
    "application/json": {"schema": {"type": "object"}},
    "text/csv": {"schema": {"type": "string"}},
    XLSX: {"schema": {"type": "string", "format": "binary"}},
}


class PlanPageArgsSchema(PeriodArgsSchema):
    """The plan page's filters (query string)."""

    entity = fields.String(validate=validate.Length(1, 20))
    pillar = fields.String(validate=validate.OneOf(PILLARS))
    status = fields.String(validate=validate.OneOf(ACTIVITY_STATUSES))
    rating = fields.String(validate=validate.OneOf((*RAGS, "unrated")))
