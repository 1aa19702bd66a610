"""Account reads."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.core.actor import Actor
from icat.core.permissions import is_signed_in


def focal_points(session: Session, *, actor: Actor | None, entity_id: int) -> list[dict[str, str]] | None:
    """An entity's active focal points for signed-in readers; None for anonymous ones."""
    if not is_signed_in(actor):
        return None
    query = (
        sa.select(User)
        .where(User.entity_id == entity_id, User.role == "focal_point", User.is_active)
        .order_by(User.email)
    )
    return [{"name": u.display_name or u.email, "email": u.email} for u in session.scalars(query)]


def users(session: Session) -> Sequence[User]:
    return session.scalars(sa.select(User).order_by(User.email)).all()
