"""The accounts API contract (DESIGN §7): API tokens (``{id, name, user, created_at,
last_used_at, revoked_at}``, never the token or its hash) and people (users)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from icat.accounts.queries import USER_STATES
from icat.core.fields import Text
from icat.core.permissions import ROLES


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


class UserFieldsSchema(Schema):
    """What a client may set on a person. Values are checked by the service, so a wrong one
    answers 422 naming the field in the same words on pages and in the API."""

    name = Text(validate=validate.Length(max=120), metadata={"description": "display name"})
    role = fields.String(metadata={"description": "admin, secretariat, focal_point or viewer"})
    entity = fields.String(allow_none=True, metadata={"description": "acronym; required for focal points"})
    language = fields.String(metadata={"description": "one of the six UN languages: ar, zh, en, fr, ru, es"})
    timezone = fields.String(metadata={"description": "an IANA time zone such as Europe/Vienna"})


class UserCreateSchema(UserFieldsSchema):
    """Inviting a person: the account is made without a password and the invitation mailed."""

    email = fields.String(required=True, validate=validate.Length(1, 254))
    role = fields.String(required=True)
    language = fields.String(load_default="en")
    timezone = fields.String(load_default="UTC")


class UserPatchSchema(UserFieldsSchema):
    """Loaded with ``partial=True``; ``version`` may instead come as ``If-Match``."""

    active = fields.Boolean(metadata={"description": "false deactivates: sessions and tokens stop at once"})
    reminder_preferences = fields.Dict(
        metadata={"description": '{"meeting_kinds": {kind: bool}, "world_day": bool}; missing means on'}
    )
    version = fields.Integer(validate=validate.Range(min=1))


class UserSchema(Schema):
    """A person as the API returns them."""

    id = fields.Integer()
    email = fields.String()
    name = fields.String(attribute="display_name")
    role = fields.String()
    entity = fields.Function(lambda u: u.entity.acronym if u.entity else None)
    language = fields.String(attribute="locale")
    timezone = fields.String()
    active = fields.Boolean(attribute="is_active")
    state = fields.String(metadata={"description": "invited, active or deactivated"})
    reminder_preferences = fields.Dict()
    invited_at = fields.AwareDateTime(allow_none=True)
    last_sign_in_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    version = fields.Integer()


class UserListArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    role = fields.String(validate=validate.OneOf(ROLES))
    entity = fields.String()
    state = fields.String(validate=validate.OneOf(USER_STATES))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.String()


class UserListSchema(Schema):
    items = fields.List(fields.Nested(UserSchema))
    next_cursor = fields.String(allow_none=True)
