"""Read side of meetings: lists, one meeting, who follows it.

Who may see what is ``icat.meetings.access`` (``get_meeting`` and ``visible_clause`` are
re-exported here for the many readers); occurrences are ``icat.meetings.recurrence``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, raiseload

from icat.core.actor import Actor
from icat.core.errors import ValidationError
from icat.meetings.access import get_meeting, visible_clause
from icat.meetings.models import Follower, Meeting, meeting_invitees
from icat.registry.models import Entity

__all__ = ["MeetingFilter", "get_meeting", "is_following", "list_meetings", "visible_clause"]


@dataclass(frozen=True)
class MeetingFilter:
    start: datetime | None = None  # meetings with an occurrence ending after this instant
    end: datetime | None = None  # … and starting before this one
    kind: str | None = None
    entity: str | None = None  # invited entity's acronym
    status: str | None = None


def list_meetings(
    session: Session,
    *,
    actor: Actor | None,
    flt: MeetingFilter,
    limit: int | None = None,
    after: object = None,
    with_invitees: bool = True,
) -> Sequence[Meeting]:
    """Meetings ``actor`` may see matching ``flt``, by start then id, after the cursor
    ``(starts_at ISO, id)``. ``with_invitees=False`` skips loading the invitees (touching
    them then raises rather than querying once per meeting)."""
    query = sa.select(Meeting).where(visible_clause(actor)).order_by(Meeting.starts_at, Meeting.id)
    if not with_invitees:
        query = query.options(raiseload(Meeting.invitees))
    if flt.start:
        query = query.where(Meeting.series_ends_at > flt.start)
    if flt.end:
        query = query.where(Meeting.starts_at < flt.end)
    if flt.kind:
        query = query.where(Meeting.kind == flt.kind)
    if flt.status:
        query = query.where(Meeting.status == flt.status)
    if flt.entity:
        invited = (
            sa.select(meeting_invitees.c.meeting_id)
            .join(Entity, Entity.id == meeting_invitees.c.entity_id)
            .where(Entity.acronym == flt.entity)
        )
        query = query.where(Meeting.id.in_(invited))
    if after:
        at, after_id = _cursor(after)
        query = query.where(sa.or_(Meeting.starts_at > at, sa.and_(Meeting.starts_at == at, Meeting.id > after_id)))
    if limit:
        query = query.limit(limit)
    return session.scalars(query).all()


def _cursor(after: object) -> tuple[datetime, int]:
    try:
        text, meeting_id = after  # type: ignore[misc]
        at = datetime.fromisoformat(text)
        if at.tzinfo is None or not isinstance(meeting_id, int):
            raise ValueError(after)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            _l("Invalid cursor."), fields={"cursor": [_l("Not a cursor this API sent.")]}, rule="http.cursor_forged"
        ) from exc
    return at, meeting_id


def is_following(session: Session, meeting_id: int, actor: Actor | None) -> bool:
    """Whether the acting user follows the meeting."""
    if actor is None or actor.user_id is None:
        return False
    return session.get(Follower, (meeting_id, actor.user_id)) is not None
