"""Inbox and delivery reads."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core.actor import Actor
from icat.core.permissions import SIGNED_IN, STAFF, require_role
from icat.meetings.queries import get_meeting
from icat.notifications.models import Delivery, Notice


def inbox(session: Session, user_id: int, *, limit: int = 100) -> Sequence[Notice]:
    """A user's newest notices first."""
    query = sa.select(Notice).where(Notice.user_id == user_id).order_by(Notice.id.desc()).limit(limit)
    return session.scalars(query).all()


def reminder_plan(session: Session, *, actor: Actor | None, meeting_id: int) -> Sequence[Delivery]:
    """A meeting's deliveries by due time: all of them for the secretariat, one's own for
    other signed-in people (never the rows that name no person, such as "UNU has no focal
    point to remind", which only the secretariat acts on). Raises Unauthorized for an
    anonymous reader, NotFound when the actor may not see the meeting."""
    actor = require_role(actor, SIGNED_IN, "see reminder plans")
    get_meeting(session, meeting_id, actor=actor)
    query = (
        sa.select(Delivery).where(Delivery.subject == f"meeting:{meeting_id}").order_by(Delivery.due_at, Delivery.key)
    )
    if actor.role not in STAFF:
        query = query.where(Delivery.user_id.is_not(None), Delivery.user_id == actor.user_id)
    return session.scalars(query).all()


def problem_deliveries(
    session: Session, *, actor: Actor | None, statuses: Sequence[str] = ("failed", "skipped"), limit: int = 200
) -> Sequence[Delivery]:
    """Failed and skipped deliveries, newest first (secretariat and admins)."""
    require_role(actor, STAFF, "see failed deliveries")
    query = sa.select(Delivery).where(Delivery.status.in_(statuses)).order_by(Delivery.updated_at.desc()).limit(limit)
    return session.scalars(query).all()


def invitation_mails(session: Session, *, actor: Actor | None, user_ids: Sequence[int]) -> dict[int, Delivery]:
    """The newest invitation mail of each of these people (secretariat and admins), so the
    people page shows whether it was sent, is waiting, or failed."""
    require_role(actor, STAFF, "see invitations")
    query = (
        sa.select(Delivery)
        .where(Delivery.kind == "invitation", Delivery.user_id.in_(list(user_ids)))
        .order_by(Delivery.id)
    )
    return {row.user_id: row for row in session.scalars(query) if row.user_id is not None}
