"""The activity stream's shape (DESIGN §7: event)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate


class EventSchema(Schema):
    id = fields.Integer()
    type = fields.String()
    subject = fields.String(allow_none=True)
    occurred_at = fields.AwareDateTime()
    actor = fields.String(attribute="actor_label")
    payload = fields.Dict()


class EventListArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    after = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.String()
    subject = fields.String(validate=validate.Length(max=120))


class EventListSchema(Schema):
    items = fields.List(fields.Nested(EventSchema))
    next_cursor = fields.String(allow_none=True)
