"""One session of a meeting (issue 15): read it; answer for it alone; record who attended
and its minutes. A session is named by its original start, an ISO 8601 instant
(e.g. ``2030-03-05T13:00:00Z``), as ``…/occurrences/<recurrence_id>`` is."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Response
from flask_babel import lazy_gettext as _l
from marshmallow import Schema

from icat.blueprints.api import bp
from icat.blueprints.api.documents import UPLOAD, uploaded
from icat.blueprints.api.meetings import _instant
from icat.core.permissions import STAFF
from icat.meetings import participation, series, sessions
from icat.meetings.schemas import WRITE_ERRORS, OccurrenceSchema
from icat.meetings.session_queries import session_record
from icat.meetings.session_schemas import (
    AttendanceListSchema,
    AttendanceOutSchema,
    AttendanceSchema,
    SessionMinutesSchema,
    SessionRsvpOutSchema,
    SessionRsvpSchema,
    SessionSchema,
)
from icat.web.api_doc import doc
from icat.web.auth import current_actor, requires
from icat.web.http import current_session, json_response, load_json, transactional

T = TypeVar("T")
SESSION = "/meetings/<int:meeting_id>/sessions/<recurrence_id>"


def _record(meeting_id: int, recurrence_id: str) -> Response:
    record = session_record(
        current_session(), actor=current_actor(), meeting_id=meeting_id, recurrence_id=_instant(recurrence_id)
    )
    return json_response(SessionSchema().dump(record))


def _call(service: Callable[..., T], schema: Schema, meeting_id: int, recurrence_id: str) -> T:
    """The session service with the body parsed by ``schema`` (422 per field) and the session named."""
    data, rid = load_json(schema), _instant(recurrence_id)
    return service(current_session(), actor=current_actor(), meeting_id=meeting_id, recurrence_id=rid, **data)


@bp.get(SESSION)
@doc(
    "One session: answers (its own, else the series'), attendance, minutes, documents",
    response=SessionSchema,
    errors=(404,),
)
def sessions_show(meeting_id: int, recurrence_id: str) -> Response:
    return _record(meeting_id, recurrence_id)


@bp.put(f"{SESSION}/rsvp")
@doc(
    "Answer for an entity for this session only (409 once it is over or when cancelled)",
    body=SessionRsvpSchema,
    response=SessionRsvpOutSchema,
    errors=(*WRITE_ERRORS, 409),
)
@requires(participation.RESPONDERS, _l("answer invitations"))
@transactional
def sessions_rsvp(meeting_id: int, recurrence_id: str) -> Response:
    answer = _call(sessions.give_session_rsvp, SessionRsvpSchema(), meeting_id, recurrence_id)
    return json_response(SessionRsvpOutSchema().dump(answer))


@bp.put(f"{SESSION}/attendance")
@doc(
    "Record who attended this session (secretariat; 409 before it starts)",
    body=AttendanceSchema,
    response=AttendanceListSchema,
    errors=(*WRITE_ERRORS, 409),
)
@requires(STAFF, _l("record attendance"))
@transactional
def sessions_attendance(meeting_id: int, recurrence_id: str) -> Response:
    rows = _call(sessions.record_attendance, AttendanceSchema(), meeting_id, recurrence_id)
    return json_response({"items": AttendanceOutSchema(many=True).dump(rows)})


@bp.put(f"{SESSION}/minutes")
@doc(
    "Record this session's minutes (secretariat)",
    body=SessionMinutesSchema,
    response=SessionSchema,
    errors=WRITE_ERRORS,
)
@requires(STAFF, _l("record minutes"))
@transactional
def sessions_minutes(meeting_id: int, recurrence_id: str) -> Response:
    _call(sessions.record_session_minutes, SessionMinutesSchema(), meeting_id, recurrence_id)
    return _record(meeting_id, recurrence_id)


@bp.post("/meetings/<int:meeting_id>/occurrences/<recurrence_id>/reinstate")
@doc("Put a cancelled occurrence back on (secretariat)", response=OccurrenceSchema, errors=(*WRITE_ERRORS, 409))
@requires(STAFF, _l("reinstate meetings"))
@transactional
def occurrences_reinstate(meeting_id: int, recurrence_id: str) -> Response:
    override = series.reinstate_occurrence(
        current_session(), actor=current_actor(), meeting_id=meeting_id, recurrence_id=_instant(recurrence_id)
    )
    return json_response(OccurrenceSchema().dump(override))


@bp.post(f"{SESSION}/documents")
@doc("Upload a document for this session only (multipart field 'file')", **UPLOAD)
@requires(STAFF, _l("upload documents"))
@transactional
def sessions_documents(meeting_id: int, recurrence_id: str) -> Response:
    return uploaded(meeting_id, _instant(recurrence_id))
