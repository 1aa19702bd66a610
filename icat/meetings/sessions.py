"""One session of a meeting (issue 15): an entity's answer for that session only, who
attended it, and its minutes. A session is named by its original start in UTC (RFC 5545
RECURRENCE-ID); a meeting that does not recur has one session, named by its start.

The series' answer stands for each session an entity has not answered on its own; one can
only answer for a session still to come, and attendance is kept for one that has begun.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypedDict

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, outbox
from icat.core.actor import Actor
from icat.core.errors import Conflict, Message, NotFound, ValidationError
from icat.core.permissions import STAFF, require_role
from icat.core.text import text_problem
from icat.meetings import minutes as minutes_svc
from icat.meetings.access import get_meeting
from icat.meetings.events import AttendanceRecorded, SessionMinutesRecorded, SessionRsvpGiven
from icat.meetings.models import ActionItem, Decision, Meeting
from icat.meetings.participation import checked_answer
from icat.meetings.recurrence import Occurrence, find_occurrence
from icat.meetings.services import iso, resolve_invitees, touch
from icat.meetings.session_models import Attendance, SessionMinutes, SessionRsvp

MAX_PEOPLE_CHARS = 2_000


class AttendanceInput(TypedDict, total=False):
    entity: str
    people: str


def find_session(meeting: Meeting, recurrence_id: datetime) -> Occurrence:
    """The session of ``meeting`` that starts (as planned) at ``recurrence_id``, overrides
    applied. Raises NotFound when the meeting has no such session."""
    original = recurrence_id.astimezone(UTC)
    if meeting.recurrence:
        return find_occurrence(meeting, original)
    if original != meeting.starts_at:
        raise NotFound(
            _l("Meeting %(id)s has no session starting at %(start)s.", id=meeting.id, start=iso(original)),
            rule="sessions.unknown",
        )
    return Occurrence(original, meeting.starts_at, meeting.ends_at, meeting.status, meeting.sequence)


def _open_session(meeting: Meeting, recurrence_id: datetime) -> Occurrence:
    occurrence = find_session(meeting, recurrence_id)
    if occurrence.status == "cancelled":
        raise Conflict(_l("This session is cancelled."), rule="sessions.cancelled")
    return occurrence


def give_session_rsvp(
    session: Session, *, actor: Actor, meeting_id: int, recurrence_id: datetime, entity: str, response: str
) -> SessionRsvp:
    """Answer for ``entity`` for one session only (``yes``, ``no``, ``maybe``); the series'
    answer stays for the others. Who may answer, and for whom, as for the series.
    Raises Unauthorized, Forbidden, NotFound (meeting hidden, no such session),
    ValidationError (entity, response), Conflict (meeting or session cancelled, a proposal,
    or the session already over). Emits SessionRsvpGiven unless the answer is unchanged."""
    meeting, row = checked_answer(session, actor=actor, meeting_id=meeting_id, entity=entity, response=response)
    occurrence = _open_session(meeting, recurrence_id)
    if occurrence.ends_at <= clock.now():
        raise Conflict(_l("This session is over: answers are for sessions still to come."), rule="sessions.over")
    key = {"meeting_id": meeting.id, "recurrence_id": occurrence.recurrence_id, "entity_id": row.id}
    answer = session.get(SessionRsvp, key, with_for_update={"of": SessionRsvp}, populate_existing=True)
    previous = answer.response if answer else None
    if previous == response and answer is not None:
        return answer
    if answer is None:
        answer = SessionRsvp(meeting_id=meeting.id, recurrence_id=occurrence.recurrence_id, entity_id=row.id)
        session.add(answer)
    answer.response, answer.user_id, answer.at = response, actor.user_id, clock.now()
    session.flush()
    rid = iso(occurrence.recurrence_id)
    event = SessionRsvpGiven(
        meeting_id=meeting.id,
        recurrence_id=rid,
        entity=entity,
        response=response,
        user_id=actor.user_id,
        previous=previous,
    )
    outbox.record(session, event, actor=actor)
    return answer


def _attendance_errors(session: Session, attended: list[AttendanceInput]) -> tuple[dict[str, Any], list[Message]]:
    errors: dict[str, list[Message]] = {}
    acronyms = [a.get("entity") or "" for a in attended]
    if len(set(acronyms)) != len(acronyms):
        errors["attended"] = [_l("Each entity once.")]
    found = {e.acronym: e for e in resolve_invitees(session, acronyms, errors)}
    for message in errors.pop("invitees", []):
        errors.setdefault("attended", []).append(message)
    for item in attended:
        people = item.get("people") or ""
        if len(people) > MAX_PEOPLE_CHARS or text_problem(people, multiline=True):
            errors.setdefault("attended", []).append(
                _l("%(entity)s: at most %(n)s characters of plain text.", entity=item.get("entity"), n=MAX_PEOPLE_CHARS)
            )
    return found, [m for ms in errors.values() for m in ms]


def record_attendance(
    session: Session, *, actor: Actor, meeting_id: int, recurrence_id: datetime, attended: list[AttendanceInput]
) -> list[Attendance]:
    """Record which entities attended one session and who came for each (admin,
    secretariat), replacing an earlier record. Raises Forbidden, NotFound (meeting, session),
    ValidationError (``attended``: unknown or repeated entity, long text), Conflict (the
    session is cancelled or has not started yet). Emits AttendanceRecorded."""
    require_role(actor, STAFF, _l("record attendance"))
    meeting = get_meeting(session, meeting_id, actor=actor)
    occurrence = _open_session(meeting, recurrence_id)
    if occurrence.starts_at > clock.now():
        raise Conflict(
            _l("This session has not started yet: attendance is recorded once it has begun."),
            rule="sessions.not_started",
        )
    found, problems = _attendance_errors(session, attended)
    if problems:
        raise ValidationError(
            _l("The attendance is invalid."), fields={"attended": problems}, rule="sessions.attendance_invalid"
        )
    rid, now = occurrence.recurrence_id, clock.now()
    session.execute(sa.delete(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.recurrence_id == rid))
    rows = [
        Attendance(
            meeting_id=meeting.id,
            recurrence_id=rid,
            entity=found[a["entity"]],
            people=(a.get("people") or "").strip(),
            recorded_by=actor.user_id,
            recorded_at=now,
        )
        for a in attended
    ]
    session.add_all(rows)
    touch(meeting)
    session.flush()
    event = AttendanceRecorded(meeting_id=meeting.id, recurrence_id=iso(rid), entities=sorted(found))
    outbox.record(session, event, actor=actor)
    return rows


def record_session_minutes(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    recurrence_id: datetime,
    text: str,
    decisions: list[str],
    action_items: list[minutes_svc.ActionInput],
) -> SessionMinutes:
    """Record or replace one session's minutes (admin, secretariat): narrative, decisions,
    action items, under the series' rules. Raises Forbidden, NotFound (meeting, session),
    ValidationError (as ``record_minutes``). Emits SessionMinutesRecorded."""
    require_role(actor, STAFF, _l("record minutes"))
    meeting = get_meeting(session, meeting_id, actor=actor)
    rid = find_session(meeting, recurrence_id).recurrence_id
    owners = minutes_svc.check_minutes(session, text, decisions, action_items)
    for model in (Decision, ActionItem):
        session.execute(sa.delete(model).where(model.meeting_id == meeting.id, model.recurrence_id == rid))
    row = session.get(SessionMinutes, (meeting.id, rid)) or SessionMinutes(meeting_id=meeting.id, recurrence_id=rid)
    row.text, row.recorded_by, row.recorded_at = text, actor.user_id, clock.now()
    session.add(row)
    for n, decision in enumerate(decisions):
        session.add(Decision(meeting_id=meeting.id, position=n, text=decision, recurrence_id=rid))
    for item in minutes_svc.action_rows(action_items, owners, recurrence_id=rid):
        item.meeting_id = meeting.id
        session.add(item)
    touch(meeting)
    session.flush()
    event = SessionMinutesRecorded(
        meeting_id=meeting.id, recurrence_id=iso(rid), decisions=len(decisions), action_items=len(action_items)
    )
    outbox.record(session, event, actor=actor)
    return row
