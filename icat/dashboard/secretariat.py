"""Panels only the secretariat (and admins) see: what is stuck or missing.

Each is one statement; the caller checks the role (``icat.core.permissions.STAFF``) and
``problem_deliveries`` checks it again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.core.permissions import FOCAL_POINT
from icat.dashboard.queries import open_rounds
from icat.publications.models import CirculationRound, RoundResponse, round_entities
from icat.registry.models import Entity


def open_circulations(session: Session, *, limit: int = 20) -> Sequence[sa.Row]:
    """Open rounds, soonest deadline first, with how many of the addressed entities answered:
    ``open_rounds`` rows with ``addressed`` and ``answered`` counts."""
    addressed = (
        sa.select(sa.func.count())
        .select_from(round_entities)
        .where(round_entities.c.round_id == CirculationRound.id)
        .scalar_subquery()
    )
    answered = (
        sa.select(sa.func.count())
        .select_from(RoundResponse)
        .where(RoundResponse.round_id == CirculationRound.id, RoundResponse.voided.is_(False))
        .scalar_subquery()
    )
    query = open_rounds(addressed.label("addressed"), answered.label("answered")).limit(limit)
    return session.execute(query).all()


def entities_without_focal_point(session: Session, today: date) -> Sequence[Entity]:
    """Current members and partners with no active focal-point account, by acronym (at most
    the 31 entities of ICAT, so no limit)."""
    has_focal_point = (
        sa.select(User.id)
        .where(User.entity_id == Entity.id, User.role == FOCAL_POINT, User.is_active.is_(True))
        .exists()
    )
    query = (
        sa.select(Entity)
        .where(sa.or_(Entity.left_on.is_(None), Entity.left_on > today), ~has_focal_point)
        .order_by(Entity.acronym)
    )
    return session.scalars(query).all()
