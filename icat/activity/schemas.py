"""The activity stream's shape (DESIGN §7: event)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from icat.activity.queries import AREAS


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


class ActivityPageArgsSchema(Schema):
    """The activity page's filters (``from``/``to`` are days in the viewer's zone)."""

    class Meta:
        unknown = EXCLUDE

    area = fields.String(validate=validate.OneOf(tuple(AREAS)))
    entity = fields.String(validate=validate.Length(1, 20))
    actor = fields.String(validate=validate.Length(1, 254))
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    before = fields.Integer(validate=validate.Range(min=1))
