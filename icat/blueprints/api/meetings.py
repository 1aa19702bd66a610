"""Meeting routes (DESIGN §7): reads filtered by what the caller may see; changes for the
secretariat; proposals by co-chairs' focal points, confirmed or declined by the secretariat;
RSVPs for focal points; occurrences, agenda, minutes, documents, following."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, request, url_for
from flask_babel import lazy_gettext as _l

from icat.blueprints.api import bp
from icat.core.errors import ValidationError
from icat.core.permissions import FOCAL_POINTS, STAFF
from icat.meetings import minutes as minutes_svc
from icat.meetings import participation, proposals, series, services
from icat.meetings.queries import MeetingFilter, get_meeting, list_meetings
from icat.meetings.recurrence import occurrences
from icat.meetings.schemas import (
    WRITE_ERRORS,
    AgendaSchema,
    CancelSchema,
    DeclineSchema,
    MeetingCreateSchema,
    MeetingListArgsSchema,
    MeetingListSchema,
    MeetingPatchSchema,
    MeetingSchema,
    MinutesSchema,
    OccurrenceArgsSchema,
    OccurrenceListSchema,
    OccurrenceMoveSchema,
    OccurrenceSchema,
    RsvpListSchema,
    RsvpOutSchema,
    RsvpSchema,
    VersionSchema,
    dump_meeting,
)
from icat.meetings.session_schemas import OccurrenceCancelSchema
from icat.web.api_doc import doc
from icat.web.auth import current_actor, requires
from icat.web.http import (
    action_version,
    current_session,
    decode_cursor,
    json_response,
    load_args,
    load_edit,
    load_json,
    page,
    transactional,
)


@bp.get("/meetings")
@doc("Meetings the caller may see", query=MeetingListArgsSchema, response=MeetingListSchema)
def meetings_index() -> Response:
    args = load_args(MeetingListArgsSchema())
    flt = MeetingFilter(args.get("from_"), args.get("to"), args.get("kind"), args.get("entity"), args.get("status"))
    after = decode_cursor(args.get("cursor"))
    rows = list_meetings(current_session(), actor=current_actor(), flt=flt, limit=args["limit"] + 1, after=after)
    items, cursor = page(list(rows), args["limit"], key=lambda m: [m.starts_at.isoformat(), m.id])
    return json_response({"items": [dump_meeting(m, detail=False) for m in items], "next_cursor": cursor})


@bp.post("/meetings")
@doc(
    'Schedule a meeting (secretariat), or propose one (status "proposed": a co-chair\'s focal point)',
    body=MeetingCreateSchema,
    response=MeetingSchema,
    status=201,
    errors=(401, 403),
    etag=True,
)
@requires(STAFF | FOCAL_POINTS, _l("schedule meetings"))
@transactional
def meetings_create() -> Response:
    data = load_json(MeetingCreateSchema())
    meeting = proposals.submit_meeting(current_session(), actor=current_actor(), **data)
    response = json_response(dump_meeting(meeting), 201, version=meeting.version)
    response.headers["Location"] = url_for("api.meetings_show", meeting_id=meeting.id)
    return response


@bp.get("/meetings/<int:meeting_id>")
@doc("One meeting with RSVPs, agenda, minutes, documents", response=MeetingSchema, errors=(404,), etag=True)
def meetings_show(meeting_id: int) -> Response:
    meeting = get_meeting(current_session(), meeting_id, actor=current_actor())
    return json_response(dump_meeting(meeting), version=meeting.version)


@bp.patch("/meetings/<int:meeting_id>")
@doc(
    "Change a meeting at a version (If-Match or version)",
    body=MeetingPatchSchema,
    response=MeetingSchema,
    errors=WRITE_ERRORS,
    versioned=True,
)
@requires(STAFF | FOCAL_POINTS, _l("change meetings"))
@transactional
def meetings_update(meeting_id: int) -> Response:
    edit = load_edit(MeetingPatchSchema())
    meeting = services.update_meeting(
        current_session(),
        actor=current_actor(),
        meeting_id=meeting_id,
        version=edit.version,
        changes=edit.changes,
    )
    return json_response(dump_meeting(meeting), version=meeting.version)


@bp.post("/meetings/<int:meeting_id>/cancel")
@doc(
    "Cancel (the row stays, status cancelled)",
    body=CancelSchema,
    body_required=False,
    response=MeetingSchema,
    errors=WRITE_ERRORS,
    versioned=True,
)
@requires(STAFF, _l("cancel meetings"))
@transactional
def meetings_cancel(meeting_id: int) -> Response:
    data = load_json(CancelSchema()) if request.get_data() else {"reason": ""}
    meeting = services.cancel_meeting(
        current_session(), actor=current_actor(), meeting_id=meeting_id, reason=data["reason"], **_version(data)
    )
    return json_response(dump_meeting(meeting), version=meeting.version)


def _version(body: dict) -> dict:
    """The version an action names: If-Match first (412 when stale), else the body's (409)."""
    return {"version": action_version(body)}


@bp.post("/meetings/<int:meeting_id>/confirm")
@doc(
    "Confirm a proposed meeting (secretariat): scheduled, its reminders planned",
    body=VersionSchema,
    body_required=False,
    response=MeetingSchema,
    errors=WRITE_ERRORS,
    versioned=True,
)
@requires(STAFF, _l("confirm proposed meetings"))
@transactional
def meetings_confirm(meeting_id: int) -> Response:
    data = load_json(VersionSchema()) if request.get_data() else {}
    meeting = proposals.confirm_proposal(
        current_session(), actor=current_actor(), meeting_id=meeting_id, **_version(data)
    )
    return json_response(dump_meeting(meeting), version=meeting.version)


@bp.post("/meetings/<int:meeting_id>/decline")
@doc(
    "Decline a proposed meeting (secretariat): it is deleted",
    body=DeclineSchema,
    body_required=False,
    status=204,
    errors=WRITE_ERRORS,
    versioned=True,
)
@requires(STAFF, _l("decline proposed meetings"))
@transactional
def meetings_decline(meeting_id: int) -> Response:
    data = load_json(DeclineSchema()) if request.get_data() else {"reason": ""}
    proposals.decline_proposal(
        current_session(), actor=current_actor(), meeting_id=meeting_id, reason=data["reason"], **_version(data)
    )
    return Response(status=204)


@bp.post("/meetings/<int:meeting_id>/withdraw")
@doc(
    "Withdraw a proposed meeting (its proposer): it is deleted",
    body=VersionSchema,
    body_required=False,
    status=204,
    errors=WRITE_ERRORS,
    versioned=True,
)
@requires(STAFF | FOCAL_POINTS, _l("withdraw proposed meetings"))
@transactional
def meetings_withdraw(meeting_id: int) -> Response:
    data = load_json(VersionSchema()) if request.get_data() else {}
    proposals.withdraw_proposal(current_session(), actor=current_actor(), meeting_id=meeting_id, **_version(data))
    return Response(status=204)


@bp.put("/meetings/<int:meeting_id>/rsvp")
@doc(
    "Answer for an entity (its focal point, or the secretariat)",
    body=RsvpSchema,
    response=RsvpListSchema,
    errors=(*WRITE_ERRORS, 409),
)
@requires(participation.RESPONDERS, _l("answer invitations"))  # before the body is parsed
@transactional
def meetings_rsvp(meeting_id: int) -> Response:
    data = load_json(RsvpSchema())
    rsvp = participation.give_rsvp(current_session(), actor=current_actor(), meeting_id=meeting_id, **data)
    return json_response(RsvpOutSchema().dump(rsvp))


@bp.put("/meetings/<int:meeting_id>/agenda")
@doc("Replace the agenda (secretariat)", body=AgendaSchema, response=MeetingSchema, errors=WRITE_ERRORS, versioned=True)
@requires(STAFF, _l("change agendas"))
@transactional
def meetings_agenda(meeting_id: int) -> Response:
    edit = load_edit(AgendaSchema(), partial=False)
    meeting = minutes_svc.set_agenda(
        current_session(),
        actor=current_actor(),
        meeting_id=meeting_id,
        items=edit.changes["items"],
        version=edit.version,
    )
    return json_response(dump_meeting(meeting), version=meeting.version)


@bp.put("/meetings/<int:meeting_id>/minutes")
@doc(
    "Record the minutes (secretariat)", body=MinutesSchema, response=MeetingSchema, errors=WRITE_ERRORS, versioned=True
)
@requires(STAFF, _l("record minutes"))
@transactional
def meetings_minutes(meeting_id: int) -> Response:
    edit = load_edit(MinutesSchema(), partial=False)
    meeting = minutes_svc.record_minutes(
        current_session(),
        actor=current_actor(),
        meeting_id=meeting_id,
        **edit.changes,
        version=edit.version,
    )
    return json_response(dump_meeting(meeting), version=meeting.version)


def _body(schema: OccurrenceCancelSchema) -> dict:
    """An optional JSON body: its fields, or the schema's defaults when none was sent."""
    return load_json(schema) if request.get_data() else schema.load({})


def _instant(text: str) -> datetime:
    try:  # an instant past year 1 or 9999 in UTC overflows: as bad as no instant at all
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        instant = value.astimezone(UTC) if value.tzinfo is not None else None
    except (ValueError, OverflowError):
        instant = None
    if instant is None:
        raise ValidationError(
            _l("Bad occurrence."),
            fields={"recurrence_id": [_l("An ISO 8601 instant with offset.")]},
            rule="meetings.occurrence_id_invalid",
        )
    return instant


@bp.get("/meetings/<int:meeting_id>/occurrences")
@doc("Occurrences with overrides applied", query=OccurrenceArgsSchema, response=OccurrenceListSchema, errors=(404,))
def meetings_occurrences(meeting_id: int) -> Response:
    args = load_args(OccurrenceArgsSchema())
    meeting = get_meeting(current_session(), meeting_id, actor=current_actor())
    start = args.get("from_") or datetime.min.replace(tzinfo=UTC)
    end = args.get("to") or datetime.max.replace(tzinfo=UTC)
    return json_response({"items": OccurrenceSchema(many=True).dump(occurrences(meeting, start, end))})


@bp.put("/meetings/<int:meeting_id>/occurrences/<recurrence_id>")
@doc(
    "Move one occurrence (original start in UTC)",
    body=OccurrenceMoveSchema,
    response=OccurrenceSchema,
    errors=(*WRITE_ERRORS, 409),
)
@requires(STAFF, _l("move meetings"))
@transactional
def occurrences_move(meeting_id: int, recurrence_id: str) -> Response:
    data = load_json(OccurrenceMoveSchema())
    rid = _instant(recurrence_id)
    override = series.move_occurrence(
        current_session(), actor=current_actor(), meeting_id=meeting_id, recurrence_id=rid, **data
    )
    return json_response(OccurrenceSchema().dump(override))


@bp.post("/meetings/<int:meeting_id>/occurrences/<recurrence_id>/cancel")
@doc(
    "Cancel one occurrence, with an optional reason",
    body=OccurrenceCancelSchema,
    body_required=False,
    response=OccurrenceSchema,
    errors=(*WRITE_ERRORS, 409),
)
@requires(STAFF, _l("cancel meetings"))
@transactional
def occurrences_cancel(meeting_id: int, recurrence_id: str) -> Response:
    rid, reason = _instant(recurrence_id), _body(OccurrenceCancelSchema())["reason"]
    override = series.cancel_occurrence(
        current_session(), actor=current_actor(), meeting_id=meeting_id, recurrence_id=rid, reason=reason
    )
    return json_response(OccurrenceSchema().dump(override))


@bp.put("/meetings/<int:meeting_id>/follow")
@doc("Follow a meeting: get its reminders", status=204, errors=(401, 404, 409))
@transactional
def meetings_follow(meeting_id: int) -> Response:
    participation.follow(current_session(), actor=current_actor(), meeting_id=meeting_id)
    return Response(status=204)


@bp.delete("/meetings/<int:meeting_id>/follow")
@doc("Stop following a meeting", status=204, errors=(401, 404))
@transactional
def meetings_unfollow(meeting_id: int) -> Response:
    participation.unfollow(current_session(), actor=current_actor(), meeting_id=meeting_id)
    return Response(status=204)
