"""Inbox and delivery reads."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core.actor import Actor
from icat.core.permissions import SIGNED_IN, STAFF, require_role
from icat.meetings.queries import get_meeting
from icat.notifications.models import Delivery, Notice
from icat.workplan.access import get_activity


def inbox(session: Session, user_id: int, *, limit: int = 100, before: int | None = None) -> Sequence[Notice]:
    """A user's newest notices first; ``before``: only notices with a smaller id (the next page)."""
    query = sa.select(Notice).where(Notice.user_id == user_id).order_by(Notice.id.desc()).limit(limit)
    if before is not None:
        query = query.where(Notice.id < before)
    return session.scalars(query).all()


def unread_count(session: Session, user_id: int) -> int:
    """How many of a user's notices are unread."""
    query = sa.select(sa.func.count()).where(Notice.user_id == user_id, Notice.read_at.is_(None))
    return session.scalar(query) or 0


def reminder_plan(session: Session, *, actor: Actor | None, meeting_id: int) -> Sequence[Delivery]:
    """A meeting's deliveries by due time: all of them for the secretariat, one's own for
    other signed-in people (never the rows that name no person, such as "UNU has no focal
    point to remind", which only the secretariat acts on). Raises Unauthorized for an
    anonymous reader, NotFound when the actor may not see the meeting."""
    actor = require_role(actor, SIGNED_IN, _l("see reminder plans"))
    get_meeting(session, meeting_id, actor=actor)
    return _plan_of(session, actor, f"meeting:{meeting_id}")


def activity_reminder_plan(session: Session, *, actor: Actor | None, activity_id: int) -> Sequence[Delivery]:
    """A workplan activity's milestone reminders, shown as ``reminder_plan`` shows a meeting's."""
    actor = require_role(actor, SIGNED_IN, _l("see reminder plans"))
    get_activity(session, activity_id, actor=actor)
    return _plan_of(session, actor, f"activity:{activity_id}")


def _plan_of(session: Session, actor: Actor, subject: str) -> Sequence[Delivery]:
    query = sa.select(Delivery).where(Delivery.subject == subject).order_by(Delivery.due_at, Delivery.key)
    if actor.role not in STAFF:
        query = query.where(Delivery.user_id.is_not(None), Delivery.user_id == actor.user_id)
    return session.scalars(query).all()


def problem_deliveries(
    session: Session, *, actor: Actor | None, statuses: Sequence[str] = ("failed", "skipped"), limit: int = 200
) -> Sequence[Delivery]:
    """Failed and skipped deliveries, newest first (secretariat and admins)."""
    require_role(actor, STAFF, _l("see failed deliveries"))
    query = sa.select(Delivery).where(Delivery.status.in_(statuses)).order_by(Delivery.updated_at.desc()).limit(limit)
    return session.scalars(query).all()


def invitation_mails(session: Session, *, actor: Actor | None, user_ids: Sequence[int]) -> dict[int, Delivery]:
    """The newest invitation mail of each of these people (secretariat and admins), so the
    people page shows whether it was sent, is waiting, or failed."""
    require_role(actor, STAFF, _l("see invitations"))
    query = (
        sa.select(Delivery)
        .where(Delivery.kind == "invitation", Delivery.user_id.in_(list(user_ids)))
        .order_by(Delivery.id)
    )
    return {row.user_id: row for row in session.scalars(query) if row.user_id is not None}
