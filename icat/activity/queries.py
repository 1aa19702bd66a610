"""Reading the activity log (the outbox). Secretariat and admins only."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core.actor import Actor
from icat.core.outbox import OutboxEvent
from icat.core.permissions import STAFF, require_role


def list_events(
    session: Session, *, actor: Actor | None, after: int = 0, limit: int = 50, subject: str | None = None
) -> Sequence[OutboxEvent]:
    """Events with id > ``after``, oldest first. Raises Unauthorized/Forbidden for others."""
    require_role(actor, STAFF, _l("read the activity log"))
    query = sa.select(OutboxEvent).where(OutboxEvent.id > after).order_by(OutboxEvent.id).limit(limit)
    if subject:
        query = query.where(OutboxEvent.subject == subject)
    return session.scalars(query).all()


def recent_events(session: Session, *, actor: Actor | None, limit: int = 100) -> Sequence[OutboxEvent]:
    """The newest events first, for the activity page."""
    require_role(actor, STAFF, _l("read the activity log"))
    return session.scalars(sa.select(OutboxEvent).order_by(OutboxEvent.id.desc()).limit(limit)).all()
