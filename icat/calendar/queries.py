"""What the feeds read: the change counter, the keys of a feed's rows, and the rows whose
rendering is not cached yet. A constant number of queries per feed, never one per meeting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, lazyload, noload

from icat.accounts.models import Token
from icat.core.actor import Actor
from icat.core.errors import NotFound
from icat.meetings.access import get_meeting, visible_clause
from icat.meetings.models import Meeting, OccurrenceOverride, meeting_invitees
from icat.observances.models import Observance

CANCELLED_KEPT_DAYS = 30
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class FeedFilter:
    """Which meetings a feed carries. ``viewer``: a private feed's owner, whose role and
    entity decide what it carries; None: public meetings only."""

    kind: str | None = None
    entity_id: int | None = None
    viewer: Actor | None = None


@dataclass(frozen=True)
class MeetingKey:
    """What a meeting's rendering depends on: if none of it moved, the cached block holds."""

    id: int
    version: int
    updated_at: datetime
    timezone: str


@dataclass(frozen=True)
class State:
    """The feeds' change counter: ``epoch`` names the row's life, ``version`` counts changes."""

    epoch: str
    version: int
    changed_at: datetime


# One fixed statement, sent as text: measured (bench/feeds.py), building and compiling the
# select on each request cost more than running it, and this read is nearly all a 304 costs.
_STATE_SQL = "SELECT epoch, version, changed_at FROM calendar_feed_state WHERE id = 1"  # STATE_ID


def _instant(value: datetime | str) -> datetime:
    """SQLite hands back text, PostgreSQL an aware datetime; both become aware UTC."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def feed_state(engine: sa.Engine) -> State:
    """The counter; version 0 before any change was recorded. Read on a pooled connection
    of its own, not through the request's ORM session (which a 304 then never opens)."""
    with engine.connect() as conn:
        row = conn.exec_driver_sql(_STATE_SQL).first()
    return State(row[0], row[1], _instant(row[2])) if row else State("none", 0, EPOCH)


def _visible(viewer: Actor | None) -> sa.ColumnElement[bool]:
    """The meetings' own visibility rule (``icat.meetings.access.visible_clause``)."""
    return visible_clause(viewer)


def _invites(entity_id: int | None) -> sa.ColumnElement[bool]:
    pair = (meeting_invitees.c.meeting_id == Meeting.id, meeting_invitees.c.entity_id == entity_id)
    return sa.exists().where(*pair)


def _where(flt: FeedFilter, today: date) -> list[sa.ColumnElement[bool]]:
    """Filters of a feed. Cancelled meetings stay 30 days (counted in whole days, so the
    result changes at most once a day); rows known only to the month or year are left out;
    proposals never come in, whoever's feed it is: they are not on anyone's calendar yet."""
    since = datetime.combine(today - timedelta(days=CANCELLED_KEPT_DAYS), time(), tzinfo=UTC)
    clauses = [
        _visible(flt.viewer),
        Meeting.status != "proposed",
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


def meeting_keys(session: Session, flt: FeedFilter, today: date) -> list[MeetingKey]:
    """The feed's meetings in order, as keys only (one query). A moved or cancelled
    occurrence touches its meeting (``meetings.services.touch``), so version and
    ``updated_at`` cover the overrides too."""
    query = sa.select(Meeting.__table__.c.id, Meeting.__table__.c.version, Meeting.updated_at, Meeting.timezone)
    query = query.where(*_where(flt, today)).order_by(Meeting.starts_at, Meeting.id)
    return [MeetingKey(*row) for row in session.execute(query)]


def meetings_by_id(
    session: Session, ids: Sequence[int], flt: FeedFilter, today: date
) -> list[tuple[Meeting, list[OccurrenceOverride]]]:
    """Full rows of the given meetings of a feed, each with its overrides: two queries
    whatever their number. Beyond a thousand ids the feed's own filter replaces the IN list."""
    chosen = sa.select(Meeting.id).where(*_where(flt, today)) if len(ids) > 1000 else list(ids)
    query = sa.select(Meeting).options(lazyload(Meeting.invitees), noload(Meeting.overrides))
    meetings = list(session.scalars(query.where(Meeting.id.in_(chosen))))
    overrides: dict[int, list[OccurrenceOverride]] = {m.id: [] for m in meetings}
    query = sa.select(OccurrenceOverride).options(noload(OccurrenceOverride.meeting))
    for override in session.scalars(query.where(OccurrenceOverride.meeting_id.in_(chosen))):
        overrides[override.meeting_id].append(override)
    for found in overrides.values():
        found.sort(key=lambda o: o.recurrence_id)
    return [(m, overrides[m.id]) for m in meetings]


def live_meetings(session: Session, today: date) -> list[tuple[Meeting, list[OccurrenceOverride]]]:
    """Every meeting some feed carries (any visibility), with its overrides: two queries."""
    everyone = FeedFilter(viewer=Actor(user_id=0, label="problems page", role="admin"))
    ids = list(session.scalars(sa.select(Meeting.id).where(*_where(everyone, today)).order_by(Meeting.id)))
    return sorted(meetings_by_id(session, ids, everyone, today), key=lambda pair: pair[0].id) if ids else []


def meeting_for_calendar(session: Session, meeting_id: int, actor: Actor | None) -> Meeting:
    """A meeting's "add to calendar" source: one ``actor`` may see that is on the calendar.
    NotFound for a proposal too, even for those who may read it: it is not scheduled."""
    meeting = get_meeting(session, meeting_id, actor=actor)
    if meeting.status == "proposed":
        raise NotFound(
            _l("Meeting %(id)s is a proposal, not on any calendar yet.", id=meeting_id),
            rule="calendar.proposal_not_on_calendar",
        )
    return meeting


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
