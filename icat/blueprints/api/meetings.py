"""Meeting routes (DESIGN §7): reads filtered by what the caller may see; changes for the
secretariat; proposals by co-chairs' focal points, confirmed or declined by the secretariat;
RSVPs for focal points; occurrences, agenda, minutes, documents, following."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Response, current_app, request, send_file, url_for

from icat.blueprints.api import bp
from icat.core.errors import ValidationError
from icat.meetings import documents, participation, proposals, series, services
from icat.meetings import minutes as minutes_svc
from icat.meetings.queries import MeetingFilter, get_meeting, list_meetings, occurrences
from icat.meetings.schemas import (
    AgendaSchema,
    CancelSchema,
    DeclineSchema,
    MeetingCreateSchema,
    MeetingListArgsSchema,
    MeetingPatchSchema,
    MinutesSchema,
    OccurrenceArgsSchema,
    OccurrenceMoveSchema,
    OccurrenceSchema,
    RsvpOutSchema,
    RsvpSchema,
    VersionSchema,
    dump_meeting,
)
from icat.meetings.services import EDITORS, PROPOSERS
from icat.web.auth import current_actor, requires
from icat.web.http import (
    current_session,
    decode_cursor,
    if_match_version,
    json_response,
    load_args,
    load_edit,
    load_json,
    page,
    transactional,
)
from icat.web.uploads import document_upload


@bp.get("/meetings")
def meetings_index() -> Response:
    args = load_args(MeetingListArgsSchema())
    flt = MeetingFilter(args.get("from_"), args.get("to"), args.get("kind"), args.get("entity"), args.get("status"))
    after = decode_cursor(args.get("cursor"))
    rows = list_meetings(current_session(), actor=current_actor(), flt=flt, limit=args["limit"] + 1, after=after)
    items, cursor = page(list(rows), args["limit"], key=lambda m: [m.starts_at.isoformat(), m.id])
    return json_response({"items": [dump_meeting(m, detail=False) for m in items], "next_cursor": cursor})


@bp.post("/meetings")
@requires(EDITORS | PROPOSERS, "schedule meetings")
@transactional
def meetings_create() -> Response:
    data = load_json(MeetingCreateSchema())
    meeting = proposals.submit_meeting(current_session(), actor=current_actor(), **data)
    response = json_response(dump_meeting(meeting), 201, version=meeting.version)
    response.headers["Location"] = url_for("api.meetings_show", meeting_id=meeting.id)
    return response


@bp.get("/meetings/<int:meeting_id>")
def meetings_show(meeting_id: int) -> Response:
    meeting = get_meeting(current_session(), meeting_id, actor=current_actor())
    return json_response(dump_meeting(meeting), version=meeting.version)


@bp.patch("/meetings/<int:meeting_id>")
@requires(EDITORS | PROPOSERS, "change meetings")
@transactional
def meetings_update(meeting_id: int) -> Response:
    edit = load_edit(MeetingPatchSchema())
    meeting = services.update_meeting(
        current_session(),
        actor=current_actor(),
        meeting_id=meeting_id,
        version=edit.version,
        changes=edit.changes,
        version_from_header=edit.from_header,
    )
    return json_response(dump_meeting(meeting), version=meeting.version)


@bp.post("/meetings/<int:meeting_id>/cancel")
@requires(EDITORS, "cancel meetings")
@transactional
def meetings_cancel(meeting_id: int) -> Response:
    data = load_json(CancelSchema()) if request.get_data() else {"reason": ""}
    meeting = services.cancel_meeting(
        current_session(), actor=current_actor(), meeting_id=meeting_id, reason=data["reason"], **_version(data)
    )
    return json_response(dump_meeting(meeting), version=meeting.version)


def _version(body: dict) -> dict:
    """The version an action names: If-Match first (412 when stale), else the body's (409)."""
    header = if_match_version()
    version = header if header is not None else body.get("version")
    return {"version": version, "version_from_header": header is not None}


@bp.post("/meetings/<int:meeting_id>/confirm")
@requires(EDITORS, "confirm proposed meetings")
@transactional
def meetings_confirm(meeting_id: int) -> Response:
    data = load_json(VersionSchema()) if request.get_data() else {}
    meeting = proposals.confirm_proposal(
        current_session(), actor=current_actor(), meeting_id=meeting_id, **_version(data)
    )
    return json_response(dump_meeting(meeting), version=meeting.version)


@bp.post("/meetings/<int:meeting_id>/decline")
@requires(EDITORS, "decline proposed meetings")
@transactional
def meetings_decline(meeting_id: int) -> Response:
    data = load_json(DeclineSchema()) if request.get_data() else {"reason": ""}
    proposals.decline_proposal(
        current_session(), actor=current_actor(), meeting_id=meeting_id, reason=data["reason"], **_version(data)
    )
    return Response(status=204)


@bp.post("/meetings/<int:meeting_id>/withdraw")
@requires(EDITORS | PROPOSERS, "withdraw proposed meetings")
@transactional
def meetings_withdraw(meeting_id: int) -> Response:
    data = load_json(VersionSchema()) if request.get_data() else {}
    proposals.withdraw_proposal(current_session(), actor=current_actor(), meeting_id=meeting_id, **_version(data))
    return Response(status=204)


@bp.put("/meetings/<int:meeting_id>/rsvp")
@transactional
def meetings_rsvp(meeting_id: int) -> Response:
    data = load_json(RsvpSchema())
    rsvp = participation.give_rsvp(current_session(), actor=current_actor(), meeting_id=meeting_id, **data)
    return json_response(RsvpOutSchema().dump(rsvp))


@bp.put("/meetings/<int:meeting_id>/agenda")
@requires(EDITORS, "change agendas")
@transactional
def meetings_agenda(meeting_id: int) -> Response:
    edit = load_edit(AgendaSchema(), partial=False)
    meeting = minutes_svc.set_agenda(
        current_session(),
        actor=current_actor(),
        meeting_id=meeting_id,
        items=edit.changes["items"],
        version=edit.version,
        version_from_header=edit.from_header,
    )
    return json_response(dump_meeting(meeting), version=meeting.version)


@bp.put("/meetings/<int:meeting_id>/minutes")
@requires(EDITORS, "record minutes")
@transactional
def meetings_minutes(meeting_id: int) -> Response:
    edit = load_edit(MinutesSchema(), partial=False)
    meeting = minutes_svc.record_minutes(
        current_session(),
        actor=current_actor(),
        meeting_id=meeting_id,
        **edit.changes,
        version=edit.version,
        version_from_header=edit.from_header,
    )
    return json_response(dump_meeting(meeting), version=meeting.version)


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise ValidationError("Bad occurrence.", fields={"recurrence_id": ["An ISO 8601 instant with offset."]})
    return value.astimezone(UTC)


@bp.get("/meetings/<int:meeting_id>/occurrences")
def meetings_occurrences(meeting_id: int) -> Response:
    args = load_args(OccurrenceArgsSchema())
    meeting = get_meeting(current_session(), meeting_id, actor=current_actor())
    start = args.get("from_") or datetime.min.replace(tzinfo=UTC)
    end = args.get("to") or datetime.max.replace(tzinfo=UTC)
    return json_response({"items": OccurrenceSchema(many=True).dump(occurrences(meeting, start, end))})


@bp.put("/meetings/<int:meeting_id>/occurrences/<recurrence_id>")
@requires(EDITORS, "move meetings")
@transactional
def occurrences_move(meeting_id: int, recurrence_id: str) -> Response:
    data = load_json(OccurrenceMoveSchema())
    rid = _instant(recurrence_id)
    override = series.move_occurrence(
        current_session(), actor=current_actor(), meeting_id=meeting_id, recurrence_id=rid, **data
    )
    return json_response(OccurrenceSchema().dump(override))


@bp.post("/meetings/<int:meeting_id>/occurrences/<recurrence_id>/cancel")
@requires(EDITORS, "cancel meetings")
@transactional
def occurrences_cancel(meeting_id: int, recurrence_id: str) -> Response:
    rid = _instant(recurrence_id)
    override = series.cancel_occurrence(
        current_session(), actor=current_actor(), meeting_id=meeting_id, recurrence_id=rid
    )
    return json_response(OccurrenceSchema().dump(override))


def storage_root() -> Path:
    return Path(current_app.instance_path)


@bp.post("/meetings/<int:meeting_id>/documents")
@requires(EDITORS, "upload documents")
@transactional
def documents_upload(meeting_id: int) -> Response:
    doc = documents.attach_document(
        current_session(), actor=current_actor(), meeting_id=meeting_id, **document_upload()
    )
    body = {"id": doc.id, "filename": doc.filename, "content_type": doc.content_type, "size": doc.size}
    response = json_response(body | {"sha256": doc.sha256}, 201)
    response.headers["Location"] = url_for("api.documents_download", meeting_id=meeting_id, document_id=doc.id)
    return response


@bp.get("/meetings/<int:meeting_id>/documents/<int:document_id>")
def documents_download(meeting_id: int, document_id: int) -> Response:
    doc = documents.document_for(
        current_session(), actor=current_actor(), meeting_id=meeting_id, document_id=document_id
    )
    return send_file(
        storage_root() / doc.stored_path, mimetype=doc.content_type, as_attachment=True, download_name=doc.filename
    )


@bp.delete("/meetings/<int:meeting_id>/documents/<int:document_id>")
@requires(EDITORS, "remove documents")
@transactional
def documents_delete(meeting_id: int, document_id: int) -> Response:
    documents.remove_document(current_session(), actor=current_actor(), meeting_id=meeting_id, document_id=document_id)
    return Response(status=204)


@bp.put("/meetings/<int:meeting_id>/follow")
@transactional
def meetings_follow(meeting_id: int) -> Response:
    participation.follow(current_session(), actor=current_actor(), meeting_id=meeting_id)
    return Response(status=204)


@bp.delete("/meetings/<int:meeting_id>/follow")
@transactional
def meetings_unfollow(meeting_id: int) -> Response:
    participation.unfollow(current_session(), actor=current_actor(), meeting_id=meeting_id)
    return Response(status=204)
