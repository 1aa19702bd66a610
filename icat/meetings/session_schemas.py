"""The API shapes of one session (issue 15): per-session answers, attendance and minutes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from icat.core.fields import Text
from icat.meetings.rules import LIMITS
from icat.meetings.schemas import ActionItemSchema, DocumentOutSchema, MinutesSchema, OccurrenceSchema, RsvpSchema
from icat.meetings.sessions import MAX_PEOPLE_CHARS


class SessionRsvpSchema(RsvpSchema):
    """An entity's answer for this session only (the series' answer stays for the others)."""


class SessionRsvpOutSchema(Schema):
    entity = fields.Function(lambda r: r.entity.acronym)
    response = fields.String()
    recurrence_id = fields.AwareDateTime()
    at = fields.AwareDateTime()


class AttendedSchema(Schema):
    entity = Text(required=True, validate=validate.Length(1, 20), metadata={"description": "entity acronym"})
    people = Text(
        load_default="",
        multiline=True,
        validate=validate.Length(max=MAX_PEOPLE_CHARS),
        metadata={"description": "who came"},
    )


class AttendanceSchema(Schema):
    attended = fields.List(fields.Nested(AttendedSchema), required=True, validate=validate.Length(max=100))


class AttendanceOutSchema(Schema):
    entity = fields.Function(lambda a: a.entity.acronym)
    people = fields.String()
    recorded_at = fields.AwareDateTime()


class AttendanceListSchema(Schema):
    items = fields.List(fields.Nested(AttendanceOutSchema))


class SessionMinutesSchema(MinutesSchema):
    class Meta:
        exclude = ("version",)


class SessionAnswerSchema(Schema):
    entity = fields.String()
    response = fields.String()
    own = fields.Boolean(metadata={"description": "given for this session; false: the series' answer"})


class SessionActionItemSchema(ActionItemSchema):
    id = fields.Integer(dump_only=True)
    owner = fields.Function(lambda a: a.owner.acronym if a.owner else None)


class SessionSchema(Schema):
    """One session: its times and status, answers, attendance, minutes and documents."""

    occurrence = fields.Nested(OccurrenceSchema)
    answers = fields.List(fields.Nested(SessionAnswerSchema))
    attendance = fields.List(fields.Nested(AttendanceOutSchema))
    minutes = fields.Function(lambda r: r.minutes.text if r.minutes else None)
    decisions = fields.Function(lambda r: [d.text for d in r.decisions])
    action_items = fields.List(fields.Nested(SessionActionItemSchema))
    documents = fields.List(fields.Nested(DocumentOutSchema))


class OccurrenceCancelSchema(Schema):
    """Why one occurrence is cancelled (optional)."""

    reason = Text(load_default="", multiline=True, validate=validate.Length(max=LIMITS["cancel_reason"]))
