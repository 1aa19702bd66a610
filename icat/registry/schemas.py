"""The registry's API contract (DESIGN §7): request and response shapes of an entity."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from icat.core.fields import Text
from icat.registry.models import CATEGORIES, CONFIDENCE, ENTITY_KINDS, UN_LANGUAGES
from icat.registry.sources import TIERS

ACRONYM = validate.Regexp(
    r"^[A-Za-z][A-Za-z0-9-]{0,19}$", error="1–20 letters, digits or hyphens, starting with a letter."
)


class SourceSchema(Schema):
    source = Text(required=True, validate=validate.Length(1, 500))
    locator = Text(validate=validate.Length(max=300))
    tier = fields.String(
        validate=validate.OneOf(TIERS),
        metadata={"description": "official (UN documents, ICAT's and members' sites), press or aggregator"},
    )


class NameSourceSchema(Schema):
    """Where one of an entity's names comes from."""

    sources = fields.List(fields.Nested(SourceSchema), required=True)
    confidence = fields.String(required=True, validate=validate.OneOf(CONFIDENCE))


class EntityFieldsSchema(Schema):
    """Fields a client may set on an entity (create and patch)."""

    name = Text(required=True, validate=validate.Length(1, 300))
    names = fields.Dict(
        keys=fields.String(validate=validate.OneOf(UN_LANGUAGES)),
        values=Text(validate=validate.Length(1, 300)),
        load_default=dict,
    )
    name_sources = fields.Dict(
        keys=fields.String(validate=validate.OneOf(UN_LANGUAGES)),
        values=fields.Nested(NameSourceSchema),
        load_default=dict,
        metadata={"description": "Per language of ``names``: the sources and confidence of that name."},
    )
    kind = fields.String(required=True, validate=validate.OneOf(ENTITY_KINDS))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    joined_year = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(1945, 2100))
    joined_on = fields.Date(allow_none=True, load_default=None)
    left_on = fields.Date(allow_none=True, load_default=None)
    working_group = fields.Boolean(load_default=False)
    is_coordinator = fields.Boolean(load_default=False)
    sources = fields.List(fields.Nested(SourceSchema), load_default=list)
    confidence = fields.String(validate=validate.OneOf(CONFIDENCE), load_default="high")
    notes = Text(validate=validate.Length(max=5000), load_default="", multiline=True)


class EntityCreateSchema(EntityFieldsSchema):
    acronym = fields.String(required=True, validate=ACRONYM)


class EntityPatchSchema(EntityFieldsSchema):
    """Loaded with ``partial=True``: only the fields sent change. ``version`` may instead
    come as ``If-Match``."""

    version = fields.Integer(validate=validate.Range(min=1))


class EntitySchema(EntityCreateSchema):
    """An entity as the API returns it."""

    id = fields.Integer(dump_only=True)
    is_un = fields.Boolean(dump_only=True)
    version = fields.Integer(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)
    focal_points = fields.List(fields.Dict(), dump_only=True, metadata={"description": "Signed-in readers only."})


class EntityListArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # tolerate cache-busting and tracking parameters

    kind = fields.String(validate=validate.OneOf(ENTITY_KINDS))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    working_group = fields.Boolean()
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.String()


class EntityListSchema(Schema):
    items = fields.List(fields.Nested(EntitySchema))
    next_cursor = fields.String(allow_none=True)


def dump_entity(entity: Any, focal_points: list[dict[str, str]] | None = None) -> dict[str, Any]:
    body = EntitySchema().dump(entity)
    if focal_points is None:
        body.pop("focal_points", None)
    else:
        body["focal_points"] = focal_points
    return body
