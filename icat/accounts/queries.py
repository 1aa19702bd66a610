"""Account reads."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.core.actor import Actor
from icat.core.errors import ValidationError
from icat.core.permissions import STAFF, is_signed_in, require_role
from icat.registry.models import Entity


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


USER_STATES = ("invited", "active", "deactivated")


def list_users(
    session: Session,
    *,
    actor: Actor | None,
    role: str | None = None,
    entity: str | None = None,
    state: str | None = None,
    after: int = 0,
    limit: int = 50,
) -> Sequence[User]:
    """People (staff only), by id, filtered by role, entity acronym and state. Raises
    Unauthorized, Forbidden, ValidationError (``cursor``)."""
    require_role(actor, STAFF, _l("list people"))
    if type(after) is not int:  # a cursor is decoded JSON: anything a client sent
        raise ValidationError(
            _l("Invalid cursor."),
            fields={"cursor": [_l("Not a cursor this API sent.")]},
            rule="accounts.cursor_invalid",
        )
    query = sa.select(User).where(User.id > after).order_by(User.id).limit(limit)
    if role:
        query = query.where(User.role == role)
    if entity:
        query = query.join(Entity, Entity.id == User.entity_id).where(Entity.acronym == entity)
    if state == "deactivated":
        query = query.where(sa.not_(User.is_active))
    elif state == "invited":
        query = query.where(User.is_active, User.password_hash == "", User.last_sign_in_at.is_(None))
    elif state == "active":
        query = query.where(User.is_active, sa.or_(User.password_hash != "", User.last_sign_in_at.is_not(None)))
    return session.scalars(query).all()
