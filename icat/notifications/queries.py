"""Inbox reads."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.notifications.models import Notice


def inbox(session: Session, user_id: int, *, limit: int = 100) -> Sequence[Notice]:
    """A user's newest notices first."""
    query = sa.select(Notice).where(Notice.user_id == user_id).order_by(Notice.id.desc()).limit(limit)
    return session.scalars(query).all()
