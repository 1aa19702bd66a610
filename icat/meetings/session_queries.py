"""Reading one session of a meeting: its answers (its own, else the series'), attendance,
minutes, decisions, action items and documents (pure reads; the page and the API use them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core.actor import Actor
from icat.meetings.access import get_meeting
from icat.meetings.models import ActionItem, Decision, Document, Meeting
from icat.meetings.recurrence import Occurrence
from icat.meetings.session_models import Attendance, SessionMinutes, SessionRsvp
from icat.meetings.sessions import find_session


@dataclass(frozen=True)
class SessionAnswer:
    entity: str
    response: str
    own: bool  # given for this session; False: the series' answer


def session_answers(session: Session, meeting: Meeting, recurrence_id: datetime) -> list[SessionAnswer]:
    """Each entity's answer for the session: its own for the session, else the series'."""
    own = session.scalars(
        sa.select(SessionRsvp).where(SessionRsvp.meeting_id == meeting.id, SessionRsvp.recurrence_id == recurrence_id)
    )
    answers = {r.entity.acronym: SessionAnswer(r.entity.acronym, r.response, False) for r in meeting.rsvps}
    answers |= {r.entity.acronym: SessionAnswer(r.entity.acronym, r.response, True) for r in own}
    return [answers[a] for a in sorted(answers)]


@dataclass
class SessionRecord:
    """One session as pages and the API show it."""

    meeting: Meeting
    occurrence: Occurrence
    answers: list[SessionAnswer]
    attendance: list[Attendance]
    minutes: SessionMinutes | None
    decisions: list[Decision] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    @property
    def recurrence_id(self) -> datetime | None:
        return self.occurrence.recurrence_id


def _rows(session: Session, model: Any, meeting_id: int, rid: datetime, order: Any) -> list[Any]:
    where = (model.meeting_id == meeting_id, model.recurrence_id == rid)
    return list(session.scalars(sa.select(model).where(*where).order_by(order)))


def session_record(session: Session, *, actor: Actor | None, meeting_id: int, recurrence_id: datetime) -> SessionRecord:
    """The session of a meeting ``actor`` may see. Raises NotFound (meeting hidden, no such session)."""
    meeting = get_meeting(session, meeting_id, actor=actor)
    occurrence = find_session(meeting, recurrence_id)
    rid = occurrence.recurrence_id
    assert rid is not None
    return SessionRecord(
        meeting=meeting,
        occurrence=occurrence,
        answers=session_answers(session, meeting, rid),
        attendance=_rows(session, Attendance, meeting.id, rid, Attendance.entity_id),
        minutes=session.get(SessionMinutes, (meeting.id, rid)),
        decisions=_rows(session, Decision, meeting.id, rid, Decision.position),
        action_items=_rows(session, ActionItem, meeting.id, rid, ActionItem.id),
        documents=_rows(session, Document, meeting.id, rid, Document.id),
    )
