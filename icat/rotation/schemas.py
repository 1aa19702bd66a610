"""The rotation's API contract (DESIGN §7: chair term, plan item)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from icat.registry.models import CONFIDENCE
from icat.registry.schemas import SourceSchema


class ChairTermSchema(Schema):
    year = fields.Integer(dump_only=True)
    chairs = fields.List(fields.String(), allow_none=True, metadata={"description": "null where unknown"})
    confirmed_repeat = fields.Boolean()
    sources = fields.List(fields.Nested(SourceSchema))
    confidence = fields.String()
    note = fields.String()
    version = fields.Integer(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)


class ChairTermPutSchema(Schema):
    """PUT /chair-terms/<year>: replaces the term; ``version`` (or If-Match) to replace one."""

    chairs = fields.List(fields.String(validate=validate.Length(1, 20)), required=True, allow_none=True)
    confirmed_repeat = fields.Boolean(load_default=False)
    sources = fields.List(fields.Nested(SourceSchema), load_default=list)
    confidence = fields.String(validate=validate.OneOf(CONFIDENCE), load_default="high")
    note = fields.String(validate=validate.Length(max=5000), load_default="")
    version = fields.Integer(validate=validate.Range(min=1))


class ChairTermListSchema(Schema):
    items = fields.List(fields.Nested(ChairTermSchema))
    next_cursor = fields.String(allow_none=True)


class PlanArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    through = fields.Integer(required=True)


class PlanItemSchema(Schema):
    year = fields.Integer()
    chairs = fields.List(fields.String(), allow_none=True)
    reasons = fields.List(fields.String())


class PlanSchema(Schema):
    items = fields.List(fields.Nested(PlanItemSchema))


class UnwillingPutSchema(Schema):
    entities = fields.List(fields.String(validate=validate.Length(1, 20)), required=True)


class UnwillingSchema(Schema):
    year = fields.Integer()
    entities = fields.List(fields.String())
