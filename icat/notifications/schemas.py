"""The reminder plan's shape (DESIGN §7: reminder plan item)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate


class DeliverySchema(Schema):
    id = fields.Integer()
    key = fields.String()
    kind = fields.String()
    recipient = fields.String(attribute="recipient_label")
    channel = fields.String()
    due_at = fields.AwareDateTime()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    sent_at = fields.AwareDateTime(allow_none=True)


class DeliveryListSchema(Schema):
    items = fields.List(fields.Nested(DeliverySchema))
    next_cursor = fields.String(allow_none=True)


class DeliveryArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(validate=validate.OneOf(("failed", "skipped")))
