"""The observances' API contract (DESIGN §7): an observance, its themes and campaign steps."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, fields, post_load, validate

from icat.core.fields import Text
from icat.observances.models import CONFIDENCE, STEP_KEYS, Observance
from icat.observances.queries import next_occurrence
from icat.registry.models import UN_LANGUAGES
from icat.registry.schemas import SourceSchema

NAME = validate.Length(1, 300)
OFFSET = validate.Regexp(r"^P\d{1,3}D$", error="An ISO 8601 duration in days, such as P30D.")


class ThemeSchema(Schema):
    """One year: ``theme`` null means no theme that year (or none known, see the note)."""

    year = fields.Integer(required=True, validate=validate.Range(1945, 2100))
    theme = Text(allow_none=True, validate=validate.Length(max=500))
    note = Text(validate=validate.Length(max=5000), multiline=True)
    sources = fields.List(fields.Nested(SourceSchema))
    confidence = fields.String(validate=validate.OneOf(CONFIDENCE))
    wording_confidence = Text(validate=validate.Length(max=200))


class StepSchema(Schema):
    key = fields.String(required=True, validate=validate.OneOf(STEP_KEYS))
    offset = fields.String(required=True, validate=OFFSET, metadata={"description": "before the day, e.g. P90D"})
    position = fields.Integer(dump_only=True)

    @post_load
    def _days(self, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
        """``{key, offset: "P30D"}`` → ``{key, offset_days: 30}`` for the service."""
        return {"key": data["key"], "offset_days": int(data["offset"][1:-1])}


class ObservancePatchSchema(Schema):
    """Every field optional (no ``partial``, which would also loosen the nested ``year`` and
    ``key``). ``themes`` sets the years sent; ``steps`` the offsets sent."""

    name = Text(validate=validate.Length(1, 300))
    names = fields.Dict(
        keys=fields.String(validate=validate.OneOf(UN_LANGUAGES)),
        values=Text(validate=validate.Length(1, 300)),
    )
    description = Text(validate=validate.Length(max=5000), multiline=True)
    sources = fields.List(fields.Nested(SourceSchema))
    confidence = fields.String(validate=validate.OneOf(CONFIDENCE))
    themes = fields.List(fields.Nested(ThemeSchema), validate=validate.Length(max=200))
    steps = fields.List(fields.Nested(StepSchema), validate=validate.Length(max=len(STEP_KEYS)))
    version = fields.Integer(validate=validate.Range(min=1))


class ObservanceSchema(Schema):
    """An observance as the API returns it."""

    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    names = fields.Dict(keys=fields.String(), values=fields.String())
    month = fields.Integer()
    day = fields.Integer()
    first_year = fields.Integer()
    established_by = fields.String()
    description = fields.String()
    sources = fields.List(fields.Nested(SourceSchema))
    confidence = fields.String()
    themes = fields.List(fields.Nested(ThemeSchema))
    steps = fields.List(fields.Nested(StepSchema))
    next_date = fields.Date(metadata={"description": "the next day it falls on, today included"})
    version = fields.Integer()
    updated_at = fields.AwareDateTime()


class ObservanceListSchema(Schema):
    items = fields.List(fields.Nested(ObservanceSchema))
    next_cursor = fields.String(allow_none=True)


def dump_observance(observance: Observance, today: date) -> dict[str, Any]:
    body = ObservanceSchema().dump(observance)
    body["next_date"] = next_occurrence(observance, today).isoformat()
    return body
