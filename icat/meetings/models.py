"""Meeting tables: the meeting, its invitees, recurrence overrides, agenda, RSVPs, minutes,
documents and followers.

Instants are stored in UTC (``UTCDateTime``) next to the IANA ``timezone`` the meeting was
planned in; a recurring meeting's RRULE is evaluated in that zone (see ``recurrence.occurrences``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from icat.accounts.models import User
from icat.core.db import Base, JSONType
from icat.registry.models import Entity

MEETING_KINDS = ("working_group", "principals", "coordination_call", "briefing", "other")
VISIBILITIES = ("public", "members", "restricted")
# "proposed": asked for by a co-chair's focal point, waiting for the secretariat; on no
# calendar, in no feed, with no reminders until confirmed (``icat.meetings.proposals``).
STATUSES = ("proposed", "scheduled", "cancelled")
# An occurrence of a series is never proposed on its own: only the whole meeting is.
OCCURRENCE_STATUSES = ("scheduled", "cancelled")
RESPONSES = ("yes", "no", "maybe")
# How much of ``starts_at`` is known. Historical rows often know only a month or a year:
# the stored instant is then the first moment of that period and must not be shown as a time.
PRECISIONS = ("minute", "day", "month", "year")

meeting_invitees = sa.Table(
    "meeting_invitees",
    Base.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("entity_id", sa.ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Meeting(Base):
    """A meeting, or a series of them when ``recurrence`` holds an RRULE (bounded by COUNT/UNTIL).

    ``sequence`` rises on every change of time, place or status (RFC 5545 SEQUENCE);
    ``version`` rises on every change at all (optimistic locking, ETag).
    """

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    # End of the last occurrence (= ends_at for a single meeting): lets range queries and
    # feeds find a series by one indexed comparison, without expanding every RRULE.
    series_ends_at: Mapped[datetime] = mapped_column(index=True)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    location: Mapped[str] = mapped_column(sa.String(300), default="")
    online_url: Mapped[str] = mapped_column(sa.String(500), default="")
    visibility: Mapped[str] = mapped_column(sa.String(12), default="members")
    status: Mapped[str] = mapped_column(sa.String(12), default="scheduled")
    sequence: Mapped[int] = mapped_column(default=0)
    recurrence: Mapped[str | None] = mapped_column(sa.Text)
    # ISO 8601 durations before the start ("P7D", "PT1H"); None → defaults per kind; [] → none.
    reminder_offsets: Mapped[list[str] | None] = mapped_column(JSONType)
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="")
    cancelled_at: Mapped[datetime | None]
    # Historical rows from the reference data: what is known, from where, how surely.
    date_precision: Mapped[str] = mapped_column(sa.String(10), default="minute")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    confidence: Mapped[str] = mapped_column(sa.String(12), default="high")
    # A stable key for rows loaded from reference data, so a second seed finds them again.
    external_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Who proposed it (a co-chair's focal point, for its entity); kept once confirmed. While
    # the status is "proposed", only the secretariat and that entity's people see the row.
    proposed_by_entity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entities.id", ondelete="SET NULL"))
    proposed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)

    invitees: Mapped[list[Entity]] = relationship(secondary=meeting_invitees, order_by=Entity.acronym, lazy="selectin")
    overrides: Mapped[list[OccurrenceOverride]] = relationship(
        back_populates="meeting",
        order_by="OccurrenceOverride.recurrence_id",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    agenda_items: Mapped[list[AgendaItem]] = relationship(order_by="AgendaItem.position", cascade="all, delete-orphan")
    rsvps: Mapped[list[Rsvp]] = relationship(cascade="all, delete-orphan")
    minutes: Mapped[Minutes | None] = relationship(cascade="all, delete-orphan")
    # The series' own minutes rows; a session's rows (``recurrence_id`` set) are its own.
    decisions: Mapped[list[Decision]] = relationship(
        primaryjoin="and_(Meeting.id == Decision.meeting_id, Decision.recurrence_id.is_(None))",
        order_by="Decision.position",
        cascade="all, delete-orphan",
    )
    action_items: Mapped[list[ActionItem]] = relationship(
        primaryjoin="and_(Meeting.id == ActionItem.meeting_id, ActionItem.recurrence_id.is_(None))",
        order_by="ActionItem.id",
        cascade="all, delete-orphan",
    )
    documents: Mapped[list[Document]] = relationship(order_by="Document.id", cascade="all, delete-orphan")
    # Loaded on access only: feeds and lists never need it (and never carry proposals).
    proposed_by_entity: Mapped[Entity | None] = relationship(foreign_keys=[proposed_by_entity_id])
    proposer: Mapped[User | None] = relationship(foreign_keys=[proposed_by])

    __table_args__ = (
        sa.CheckConstraint(f"kind IN {MEETING_KINDS!r}", name="kind"),
        sa.CheckConstraint(f"visibility IN {VISIBILITIES!r}", name="visibility"),
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        sa.CheckConstraint(f"date_precision IN {PRECISIONS!r}", name="date_precision"),
        sa.CheckConstraint("ends_at >= starts_at", name="times"),
        sa.CheckConstraint("sequence >= 0", name="sequence"),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def invitee_acronyms(self) -> list[str]:
        return [e.acronym for e in self.invitees]

    @property
    def proposed_by_acronym(self) -> str | None:
        return self.proposed_by_entity.acronym if self.proposed_by_entity else None


class OccurrenceOverride(Base):
    """One occurrence of a recurring meeting cancelled or moved.

    ``recurrence_id`` is the occurrence's original start in UTC (RFC 5545 RECURRENCE-ID);
    a moved occurrence has its own ``starts_at``/``ends_at``; ``sequence`` is the occurrence's own.
    """

    __tablename__ = "meeting_occurrences"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    recurrence_id: Mapped[datetime]
    status: Mapped[str] = mapped_column(sa.String(12), default="scheduled")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime]
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    meeting: Mapped[Meeting] = relationship(back_populates="overrides")

    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "recurrence_id"),
        sa.CheckConstraint(f"status IN {OCCURRENCE_STATUSES!r}", name="status"),
        sa.CheckConstraint("ends_at >= starts_at", name="times"),
    )


class AgendaItem(Base):
    __tablename__ = "meeting_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(300))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    lead_entity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entities.id", ondelete="SET NULL"))

    lead_entity: Mapped[Entity | None] = relationship(lazy="joined")


class AnswerColumns:
    """What an answer holds, for the series (``Rsvp``) or one session (``SessionRsvp``):
    the entity, its response, who gave it and when."""

    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True)
    response: Mapped[str] = mapped_column(sa.String(8))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime]

    @declared_attr
    def entity(cls) -> Mapped[Entity]:  # noqa: N805 (a class-level attribute)
        return relationship(Entity, lazy="joined")

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:  # noqa: N805
        return (sa.CheckConstraint(f"response IN {RESPONSES!r}", name="response"),)


class Rsvp(AnswerColumns, Base):
    """An entity's answer to an invitation, given by one of its focal points (or the secretariat)."""

    __tablename__ = "meeting_rsvps"


class Minutes(Base):
    """The minutes' narrative (Markdown); decisions and action items are rows of their own."""

    __tablename__ = "meeting_minutes"

    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime]


class Decision(Base):
    __tablename__ = "meeting_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(sa.Text)
    recurrence_id: Mapped[datetime | None]  # the session's, or None for the series


class ActionItem(Base):
    """Something an entity agreed to do, from a meeting's minutes. Its owner entity's focal
    point (or the secretariat) marks it done; ``version`` rises on each change (ETag)."""

    __tablename__ = "meeting_action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    owner_entity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entities.id", ondelete="SET NULL"), index=True)
    due_on: Mapped[date | None]
    done: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[datetime | None]
    done_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    recurrence_id: Mapped[datetime | None]  # the session's, or None for the series

    owner: Mapped[Entity | None] = relationship(lazy="joined")
    # Every item's meeting, a session's items too (Meeting.action_items holds the series' own).
    meeting: Mapped[Meeting] = relationship(lazy="joined", viewonly=True)

    __mapper_args__ = {"version_id_col": version}


class Document(Base):
    """An uploaded file (PDF, DOCX, ODT). ``stored_path`` is relative to the app's instance folder."""

    __tablename__ = "meeting_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    stored_path: Mapped[str] = mapped_column(sa.String(500))
    uploaded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime]
    recurrence_id: Mapped[datetime | None]  # one session's document, or None for the series


class Follower(Base):
    """A user following a meeting: a recipient of its reminders (issue 5)."""

    __tablename__ = "meeting_followers"

    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    since: Mapped[datetime]


# The session tables share the metadata (imported here so every user of the models has them).
from icat.meetings import session_models  # noqa: E402, F401
