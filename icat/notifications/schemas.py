"""The reminder plan's shape (DESIGN §7: reminder plan item)."""

from __future__ import annotations

from typing import Any

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


# OpenAPI entries (icat.blueprints.api.openapi): path → method → (summary, query, body, out, status, errors)
API_ROUTES: dict[str, dict[str, tuple[Any, ...]]] = {
    "/meetings/{meeting_id}/reminders": {
        "get": (
            "The meeting's reminder plan (everyone's for the secretariat, one's own otherwise)",
            None,
            None,
            DeliveryListSchema,
            200,
            (404,),
        ),
    },
    "/deliveries": {
        "get": (
            "Failed and skipped deliveries (secretariat)",
            DeliveryArgsSchema,
            None,
            DeliveryListSchema,
            200,
            (401, 403, 422),
        ),
    },
    "/deliveries/{delivery_id}/retry": {
        "post": ("Queue a failed delivery again (secretariat)", None, None, DeliverySchema, 200, (401, 403, 404, 409)),
    },
}
