"""The meetings API contract (DESIGN §7): request and response shapes. Types, choices and
lengths are checked here; the meaning (zone, RRULE, offsets, invitees) by the services."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from icat.core.fields import Text
from icat.meetings.documents import TYPES as DOCUMENT_TYPES
from icat.meetings.models import MEETING_KINDS, PRECISIONS, RESPONSES, STATUSES, VISIBILITIES
from icat.meetings.proposals import SUBMITTED
from icat.meetings.rules import LIMITS, MAX_REMINDERS, MULTILINE
from icat.registry.models import CONFIDENCE
from icat.registry.schemas import SourceSchema


def _text(name: str, *, required: bool = False, **kw: Any) -> Text:
    """A text field bounded by ``LIMITS[name]`` (at least one character when required),
    refusing what RFC 5545 and the databases cannot carry (``icat.core.fields.Text``)."""
    length = validate.Length(1 if required else None, LIMITS[name])
    return Text(validate=length, required=required, multiline=name in MULTILINE, **kw)


class MeetingFieldsSchema(Schema):
    """Fields a client may set on a meeting (create; patch loads them partially)."""

    title = _text("title", required=True)
    kind = fields.String(required=True, validate=validate.OneOf(MEETING_KINDS))
    description = _text("description", load_default="")
    starts_at = fields.AwareDateTime(required=True, metadata={"description": "ISO 8601 with offset"})
    ends_at = fields.AwareDateTime(required=True)
    timezone = Text(
        required=True, validate=validate.Length(1, 64), metadata={"description": "IANA zone, e.g. Europe/Vienna"}
    )
    location = _text("location", load_default="")
    online_url = _text("online_url", load_default="")
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES), load_default="members")
    recurrence = Text(
        allow_none=True, load_default=None, validate=validate.Length(max=500), metadata={"description": "RRULE"}
    )
    reminder_offsets = fields.List(
        Text(validate=validate.Length(1, 40)),
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=MAX_REMINDERS),
        metadata={"description": 'ISO 8601 durations ("P7D", "PT1H"); null → defaults per kind; [] → none'},
    )
    invitees = fields.List(Text(validate=validate.Length(1, 20)), load_default=list)
    note = _text("note", load_default="")
    sources = fields.List(fields.Nested(SourceSchema), load_default=list)
    confidence = fields.String(validate=validate.OneOf(CONFIDENCE), load_default="high")
    date_precision = fields.String(validate=validate.OneOf(PRECISIONS), load_default="minute")


class MeetingCreateSchema(MeetingFieldsSchema):
    """A new meeting: scheduled by the secretariat, or proposed by a co-chair's focal point."""

    status = fields.String(
        validate=validate.OneOf(SUBMITTED),
        load_default="scheduled",
        metadata={
            "description": '"scheduled" (secretariat) or "proposed" (a focal point of an entity co-chairing '
            "the year the meeting starts in; the secretariat confirms or declines it)"
        },
    )


class MeetingPatchSchema(MeetingFieldsSchema):
    """Loaded with ``partial=True``. ``version`` may instead come as ``If-Match``."""

    version = fields.Integer(validate=validate.Range(min=1))


class RsvpOutSchema(Schema):
    entity = fields.Function(lambda r: r.entity.acronym)
    response = fields.String()
    at = fields.AwareDateTime()


class AgendaItemSchema(Schema):
    title = _text("agenda_title", required=True)
    notes = _text("agenda_notes", load_default="")
    lead_entity = Text(allow_none=True, load_default=None)


class ActionItemSchema(Schema):
    text = _text("action_item", required=True)
    owner = Text(allow_none=True, load_default=None, metadata={"description": "entity acronym"})
    due_on = fields.Date(allow_none=True, load_default=None)
    done = fields.Boolean(load_default=False)


class MinutesSchema(Schema):
    version = fields.Integer(metadata={"description": "the meeting version edited (or If-Match); optional"})
    text = _text("minutes", load_default="")
    decisions = fields.List(_text("decision", required=True), load_default=list)
    action_items = fields.List(fields.Nested(ActionItemSchema), load_default=list)


class AgendaSchema(Schema):
    version = fields.Integer(metadata={"description": "the meeting version edited (or If-Match); optional"})
    items = fields.List(fields.Nested(AgendaItemSchema), required=True)


class DocumentOutSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = fields.AwareDateTime()


class MeetingSchema(MeetingFieldsSchema):
    """A meeting as the API returns it (the list leaves out the nested parts)."""

    id = fields.Integer(dump_only=True)
    version = fields.Integer(dump_only=True)
    sequence = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True, metadata={"description": "proposed, scheduled or cancelled"})
    cancel_reason = fields.String(dump_only=True)
    proposed_by_entity = fields.String(
        attribute="proposed_by_acronym",
        dump_only=True,
        allow_none=True,
        metadata={"description": "the co-chair entity that proposed it (null when the secretariat scheduled it)"},
    )
    invitees = fields.List(fields.String(), attribute="invitee_acronyms")
    series_ends_at = fields.AwareDateTime(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    updated_at = fields.AwareDateTime(dump_only=True)
    rsvps = fields.List(fields.Nested(RsvpOutSchema), dump_only=True)
    agenda = fields.List(fields.Nested(AgendaItemSchema), dump_only=True)
    minutes = fields.Nested(MinutesSchema, dump_only=True, allow_none=True)
    documents = fields.List(fields.Nested(DocumentOutSchema), dump_only=True)


DETAIL = ("rsvps", "agenda", "minutes", "documents")


class MeetingSummarySchema(MeetingSchema):
    """A meeting in a list: without RSVPs, agenda, minutes and documents."""

    class Meta:
        exclude = DETAIL


# A window asked of the calendar: wide enough for ICAT's whole record and any plan, narrow
# enough that expanding a series or converting to a zone never leaves Python's date range.
QUERY_RANGE = validate.Range(
    min=datetime(1900, 1, 1, tzinfo=UTC),
    max=datetime(2200, 1, 1, tzinfo=UTC),
    error="Must be between 1900 and 2200.",
)


def _window_field(**kw: Any) -> fields.AwareDateTime:
    return fields.AwareDateTime(validate=QUERY_RANGE, **kw)


class MeetingListArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # tolerate cache-busting and tracking parameters

    from_ = _window_field(data_key="from")
    to = _window_field()
    kind = fields.String(validate=validate.OneOf(MEETING_KINDS))
    entity = fields.String(validate=validate.Length(1, 20))
    status = fields.String(validate=validate.OneOf(STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.String()


class MeetingListSchema(Schema):
    items = fields.List(fields.Nested(MeetingSummarySchema))
    next_cursor = fields.String(allow_none=True)


class CancelSchema(Schema):
    reason = _text("cancel_reason", load_default="")
    version = fields.Integer(validate=validate.Range(min=1))


class VersionSchema(Schema):
    """Optional body of confirm and withdraw: the version acted on (or send If-Match)."""

    version = fields.Integer(validate=validate.Range(min=1))


class DeclineSchema(VersionSchema):
    reason = _text("cancel_reason", load_default="")


class RsvpSchema(Schema):
    entity = Text(required=True, validate=validate.Length(1, 20))
    response = fields.String(required=True, validate=validate.OneOf(RESPONSES))


class OccurrenceMoveSchema(Schema):
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)


class OccurrenceSchema(Schema):
    recurrence_id = fields.AwareDateTime(allow_none=True)
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    status = fields.String()
    sequence = fields.Integer()


class OccurrenceArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    from_ = _window_field(data_key="from")
    to = _window_field()


class OccurrenceListSchema(Schema):
    items = fields.List(fields.Nested(OccurrenceSchema))


def _minutes(meeting: Any) -> dict[str, Any] | None:
    if meeting.minutes is None and not meeting.decisions and not meeting.action_items:
        return None
    return {
        "text": meeting.minutes.text if meeting.minutes else "",
        "decisions": [d.text for d in meeting.decisions],
        "action_items": [
            {"text": a.text, "owner": a.owner.acronym if a.owner else None, "due_on": a.due_on, "done": a.done}
            for a in meeting.action_items
        ],
    }


def dump_meeting(meeting: Any, *, detail: bool = True) -> dict[str, Any]:
    """A meeting as JSON; ``detail`` adds RSVPs, agenda, minutes and documents."""
    if not detail:
        return MeetingSummarySchema().dump(meeting)
    agenda = [
        {"title": a.title, "notes": a.notes, "lead_entity": a.lead_entity.acronym if a.lead_entity else None}
        for a in meeting.agenda_items
    ]
    body = MeetingSchema(exclude=("agenda", "minutes")).dump(meeting)
    body["agenda"] = AgendaItemSchema(many=True).dump(agenda)
    minutes = _minutes(meeting)
    body["minutes"] = MinutesSchema().dump(minutes) if minutes else None
    return body


class RsvpListSchema(Schema):
    entity = fields.String()
    response = fields.String()
    at = fields.AwareDateTime()


# The error answers of most meeting changes, for the routes' API descriptions (icat.web.api_doc).
WRITE_ERRORS = (400, 401, 403, 404, 422)
# A response that is a file, not JSON (icat.blueprints.api.openapi takes media types as they are).
DOCUMENT_FILE = {media: {"schema": {"type": "string", "format": "binary"}} for media in DOCUMENT_TYPES.values()}
# The upload's body: multipart/form-data with the document in the field "file".
DOCUMENT_UPLOAD = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "properties": {"file": {"type": "string", "format": "binary", "description": "PDF, DOCX or ODT"}},
            "required": ["file"],
        }
    }
}


class CalendarArgsSchema(Schema):
    """Query string of the calendar page."""

    class Meta:
        unknown = EXCLUDE

    year = fields.Integer(validate=validate.Range(1900, 2200))
    month = fields.Integer(validate=validate.Range(1, 12))
    kind = fields.String(validate=validate.OneOf(MEETING_KINDS))
    entity = fields.String(validate=validate.Length(1, 20))
    view = fields.String(validate=validate.OneOf(("month", "list")), load_default="month")
