"""Tables of one session of a meeting (issue 15): an entity's answer for that session only,
who attended it, its minutes. A session is named by its original start in UTC, the RFC 5545
RECURRENCE-ID (``recurrence_id``); a meeting that does not recur has one session, its start.

The series' answer (``meeting_rsvps``) stands for every session an entity has not answered
on its own. Decisions, action items and documents of one session are the meeting's own rows
with ``recurrence_id`` set (``icat.meetings.models``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from icat.core.db import Base
from icat.meetings.models import AnswerColumns
from icat.registry.models import Entity


class SessionRsvp(AnswerColumns, Base):
    """An entity's answer for one session, replacing the series' answer there."""

    __tablename__ = "meeting_session_rsvps"

    recurrence_id: Mapped[datetime] = mapped_column(primary_key=True)


class Attendance(Base):
    """An entity that attended one session, and who came for it (names as the secretariat
    wrote them down)."""

    __tablename__ = "meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    recurrence_id: Mapped[datetime] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True)
    people: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime]

    entity: Mapped[Entity] = relationship(lazy="joined")


class SessionMinutes(Base):
    """The minutes' narrative (Markdown) of one session."""

    __tablename__ = "meeting_session_minutes"

    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    recurrence_id: Mapped[datetime] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime]
