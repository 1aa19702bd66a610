"""The feed-token API contract (DESIGN §7): request ``{name}``; response with the token once."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from icat.accounts.models import Token


class FeedTokenCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 120))


class FeedTokenSchema(Schema):
    """A feed token. ``token``, ``url`` and ``webcal_url`` only in the answer that created it."""

    id = fields.Integer()
    name = fields.String()
    token = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    webcal_url = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    last_used_at = fields.AwareDateTime(allow_none=True)


class FeedTokenListSchema(Schema):
    items = fields.List(fields.Nested(FeedTokenSchema))
    next_cursor = fields.String(allow_none=True)


def dump_token(token: Token, raw: str | None = None, links: dict[str, str] | None = None) -> dict[str, Any]:
    body = FeedTokenSchema().dump(token)
    body |= {"token": raw, "url": (links or {}).get("https"), "webcal_url": (links or {}).get("webcal")}
    return body


class NoContentSchema(Schema):
    """An empty answer (204)."""
