"""The API-token contract (DESIGN §7): ``{id, name, user, created_at, last_used_at, revoked_at}``,
never the token or its hash."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate


class ApiTokenSchema(Schema):
    """An API token as listed: who owns it and when it was made, last used and revoked."""

    id = fields.Integer()
    name = fields.String()
    user = fields.String(attribute="user.email", metadata={"description": "the owner's email"})
    created_at = fields.AwareDateTime()
    last_used_at = fields.AwareDateTime(allow_none=True)
    revoked_at = fields.AwareDateTime(allow_none=True)


class ApiTokenListArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.String()


class ApiTokenListSchema(Schema):
    items = fields.List(fields.Nested(ApiTokenSchema))
    next_cursor = fields.String(allow_none=True)
