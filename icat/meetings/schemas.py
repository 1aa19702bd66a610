"""The meetings API contract (DESIGN §7): request and response shapes. Types, choices and
lengths are checked here; the meaning (zone, RRULE, offsets, invitees) by the services."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from icat.core.fields import Text
from icat.meetings.documents import TYPES as DOCUMENT_TYPES
from icat.meetings.models import KINDS, PRECISIONS, RESPONSES, STATUSES, VISIBILITIES
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
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
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


class MeetingListArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # tolerate cache-busting and tracking parameters

    from_ = fields.AwareDateTime(data_key="from")
    to = fields.AwareDateTime()
    kind = fields.String(validate=validate.OneOf(KINDS))
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

    from_ = fields.AwareDateTime(data_key="from")
    to = fields.AwareDateTime()


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


_W = (400, 401, 403, 404, 422)
_W409 = (*_W, 409, 412)
# A response that is a file, not JSON (icat.blueprints.api.openapi takes media types as they are).
DOCUMENT_FILE = {media: {"schema": {"type": "string", "format": "binary"}} for media in DOCUMENT_TYPES.values()}
# OpenAPI rows for icat.blueprints.api.openapi.ROUTES: path → method → (summary, query,
# request, response, status, errors).
API_ROUTES: dict[str, dict[str, tuple[Any, ...]]] = {
    "/meetings": {
        "get": ("Meetings the caller may see", MeetingListArgsSchema, None, MeetingListSchema, 200, (422,)),
        "post": (
            'Schedule a meeting (secretariat), or propose one (status "proposed": a co-chair\'s focal point)',
            None,
            MeetingCreateSchema,
            MeetingSchema,
            201,
            (400, 401, 403, 422),
        ),
    },
    "/meetings/{meeting_id}": {
        "get": ("One meeting with RSVPs, agenda, minutes, documents", None, None, MeetingSchema, 200, (404,)),
        "patch": (
            "Change a meeting at a version (If-Match or version)",
            None,
            MeetingPatchSchema,
            MeetingSchema,
            200,
            (*_W, 409, 412),
        ),
    },
    "/meetings/{meeting_id}/cancel": {
        "post": ("Cancel (the row stays, status cancelled)", None, CancelSchema, MeetingSchema, 200, (*_W, 409, 412)),
    },
    "/meetings/{meeting_id}/confirm": {
        "post": (
            "Confirm a proposed meeting (secretariat): scheduled, its reminders planned",
            None,
            VersionSchema,
            MeetingSchema,
            200,
            (*_W, 409, 412),
        ),
    },
    "/meetings/{meeting_id}/decline": {
        "post": ("Decline a proposed meeting (secretariat): it is deleted", None, DeclineSchema, None, 204, _W409),
    },
    "/meetings/{meeting_id}/withdraw": {
        "post": ("Withdraw a proposed meeting (its proposer): it is deleted", None, VersionSchema, None, 204, _W409),
    },
    "/meetings/{meeting_id}/rsvp": {
        "put": (
            "Answer for an entity (its focal point, or the secretariat)",
            None,
            RsvpSchema,
            RsvpListSchema,
            200,
            (*_W, 409),
        ),
    },
    "/meetings/{meeting_id}/agenda": {
        "put": ("Replace the agenda (secretariat)", None, AgendaSchema, MeetingSchema, 200, _W),
    },
    "/meetings/{meeting_id}/minutes": {
        "put": ("Record the minutes (secretariat)", None, MinutesSchema, MeetingSchema, 200, _W),
    },
    "/meetings/{meeting_id}/occurrences": {
        "get": (
            "Occurrences with overrides applied",
            OccurrenceArgsSchema,
            None,
            OccurrenceListSchema,
            200,
            (404, 422),
        ),
    },
    "/meetings/{meeting_id}/occurrences/{recurrence_id}": {
        "put": (
            "Move one occurrence (original start in UTC)",
            None,
            OccurrenceMoveSchema,
            OccurrenceSchema,
            200,
            (*_W, 409),
        ),
    },
    "/meetings/{meeting_id}/occurrences/{recurrence_id}/cancel": {
        "post": ("Cancel one occurrence", None, None, OccurrenceSchema, 200, (*_W, 409)),
    },
    "/meetings/{meeting_id}/documents": {
        "post": ("Upload a PDF, DOCX or ODT (multipart field 'file')", None, None, DocumentOutSchema, 201, _W),
    },
    "/meetings/{meeting_id}/documents/{document_id}": {
        "get": ("Download a document of a meeting the caller may see", None, None, DOCUMENT_FILE, 200, (404,)),
        "delete": ("Remove a document (secretariat)", None, None, None, 204, (401, 403, 404)),
    },
    "/meetings/{meeting_id}/follow": {
        "put": ("Follow a meeting: get its reminders", None, None, None, 204, (401, 404, 409)),
        "delete": ("Stop following a meeting", None, None, None, 204, (401, 404)),
    },
}


class CalendarArgsSchema(Schema):
    """Query string of the calendar page."""

    class Meta:
        unknown = EXCLUDE

    year = fields.Integer(validate=validate.Range(1900, 2200))
    month = fields.Integer(validate=validate.Range(1, 12))
    kind = fields.String(validate=validate.OneOf(KINDS))
    entity = fields.String(validate=validate.Length(1, 20))
    view = fields.String(validate=validate.OneOf(("month", "list")), load_default="month")
