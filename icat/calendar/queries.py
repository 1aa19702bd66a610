"""What the feeds read: the change counter, the keys of a feed's rows, and the rows whose
rendering is not cached yet. A constant number of queries per feed, never one per meeting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, lazyload

from icat.accounts.models import Token
from icat.calendar.models import STATE_ID, FeedState
from icat.core.actor import Actor
from icat.meetings.models import Meeting, OccurrenceOverride, meeting_invitees
from icat.meetings.queries import visible_clause
from icat.observances.models import Observance

CANCELLED_KEPT_DAYS = 30
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Viewer:
    """Whose private feed: the role and entity decide which meetings it carries."""

    user_id: int
    role: str
    entity_id: int | None

    def actor(self) -> Actor:
        return Actor(
            user_id=self.user_id, label=f"feed of user {self.user_id}", role=self.role, entity_id=self.entity_id
        )


@dataclass(frozen=True)
class MeetingFilter:
    """Which meetings a feed carries. No viewer: public meetings only."""

    kind: str | None = None
    entity_id: int | None = None
    viewer: Viewer | None = None


@dataclass(frozen=True)
class MeetingKey:
    """What a meeting's rendering depends on: if none of it moved, the cached block holds."""

    id: int
    version: int
    updated_at: datetime
    timezone: str
    overrides_changed: datetime | None
    overrides: int


@dataclass(frozen=True)
class State:
    """The feeds' change counter: ``epoch`` names the row's life, ``version`` counts changes."""

    epoch: str
    version: int
    changed_at: datetime


def feed_state(session: Session) -> State:
    """The counter; version 0 before any change was recorded."""
    query = sa.select(FeedState.epoch, FeedState.version, FeedState.changed_at).where(FeedState.id == STATE_ID)
    row = session.execute(query).first()
    return State(*row) if row else State("none", 0, EPOCH)


def _visible(viewer: Viewer | None) -> sa.ColumnElement[bool]:
    """The meetings' own visibility rule (``icat.meetings.queries.visible_clause``)."""
    return visible_clause(viewer.actor() if viewer else None)


def _invites(entity_id: int | None) -> sa.ColumnElement[bool]:
    pair = (meeting_invitees.c.meeting_id == Meeting.id, meeting_invitees.c.entity_id == entity_id)
    return sa.exists().where(*pair)


def _where(flt: MeetingFilter, today: date) -> list[sa.ColumnElement[bool]]:
    """Filters of a feed. Cancelled meetings stay 30 days (counted in whole days, so the
    result changes at most once a day); rows known only to the month or year are left out."""
    since = datetime.combine(today - timedelta(days=CANCELLED_KEPT_DAYS), time(), tzinfo=UTC)
    clauses = [
        _visible(flt.viewer),
        Meeting.date_precision.in_(("minute", "day")),
        sa.or_(Meeting.status != "cancelled", Meeting.cancelled_at >= since),
    ]
    if flt.kind:
        clauses.append(Meeting.kind == flt.kind)
    if flt.entity_id is not None:
        clauses.append(
            sa.exists().where(
                meeting_invitees.c.meeting_id == Meeting.id, meeting_invitees.c.entity_id == flt.entity_id
            )
        )
    return clauses


def meeting_keys(session: Session, flt: MeetingFilter, today: date) -> list[MeetingKey]:
    """The feed's meetings in order, as keys only (one query, overrides aggregated)."""
    ov = (
        sa.select(
            OccurrenceOverride.meeting_id,
            sa.func.max(OccurrenceOverride.updated_at).label("changed"),
            sa.func.count().label("n"),
        )
        .group_by(OccurrenceOverride.meeting_id)
        .subquery()
    )
    query = (
        sa.select(
            Meeting.id, Meeting.version, Meeting.updated_at, Meeting.timezone, ov.c.changed, sa.func.coalesce(ov.c.n, 0)
        )
        .outerjoin(ov, ov.c.meeting_id == Meeting.id)
        .where(*_where(flt, today))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return [MeetingKey(*row) for row in session.execute(query)]


def meetings_by_id(session: Session, ids: Sequence[int], flt: MeetingFilter, today: date) -> list[Meeting]:
    """Full rows (with overrides) of the given meetings of a feed: two queries. Beyond a
    thousand ids the feed's own filter is cheaper than a huge IN list."""
    query = sa.select(Meeting).options(lazyload(Meeting.invitees))
    query = query.where(*_where(flt, today)) if len(ids) > 1000 else query.where(Meeting.id.in_(ids))
    return list(session.scalars(query))


def observance_keys(session: Session) -> list[tuple[int, int, datetime]]:
    """(id, version, updated_at) of every observance, in calendar order."""
    query = sa.select(Observance.id, Observance.version, Observance.updated_at)
    query = query.order_by(Observance.month, Observance.day, Observance.id)
    return [(row[0], row[1], row[2]) for row in session.execute(query)]


def observances_by_id(session: Session, ids: Sequence[int]) -> list[Observance]:
    query = sa.select(Observance).options(lazyload(Observance.steps)).where(Observance.id.in_(ids))
    return list(session.scalars(query))


def feed_tokens(session: Session, user_id: int) -> list[Token]:
    """A user's unrevoked feed tokens, newest first (the raw tokens are not stored)."""
    query = (
        sa.select(Token)
        .where(Token.user_id == user_id, Token.kind == "feed", Token.revoked_at.is_(None))
        .order_by(Token.created_at.desc(), Token.id.desc())
    )
    return list(session.scalars(query))
