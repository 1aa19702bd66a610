"""Rotation reads."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.registry.models import Entity
from icat.rotation.models import ChairSeat, ChairTerm, ChairUnwilling


def terms(session: Session) -> Sequence[ChairTerm]:
    """Every recorded term, oldest first (seats and their entities loaded in two queries)."""
    return session.scalars(sa.select(ChairTerm).order_by(ChairTerm.year)).all()


def term_for(session: Session, year: int) -> ChairTerm | None:
    return session.scalar(sa.select(ChairTerm).where(ChairTerm.year == year))


def known_chairs(session: Session, *, exclude_year: int | None = None) -> dict[int, list[str]]:
    """Year → acronyms of every term whose co-chairs are known."""
    return {t.year: t.chairs or [] for t in terms(session) if t.known and t.year != exclude_year}


def unwilling_by_year(session: Session) -> dict[int, set[str]]:
    rows = session.execute(
        sa.select(ChairUnwilling.year, Entity.acronym).join(Entity, Entity.id == ChairUnwilling.entity_id)
    )
    result: dict[int, set[str]] = {}
    for year, acronym in rows:
        result.setdefault(year, set()).add(acronym)
    return result


def planner_candidates(session: Session) -> Sequence[Entity]:
    """Working-group entities: the pool the planner proposes from (partners fail the rules)."""
    return session.scalars(sa.select(Entity).where(Entity.working_group.is_(True)).order_by(Entity.acronym)).all()


def chaired_years(session: Session, entity_id: int, *, since: int) -> list[int]:
    """Years from ``since`` on whose recorded term has ``entity_id`` as a co-chair, in order."""
    query = (
        sa.select(ChairTerm.year)
        .join(ChairSeat, ChairSeat.term_id == ChairTerm.id)
        .where(ChairSeat.entity_id == entity_id, ChairTerm.known.is_(True), ChairTerm.year >= since)
        .order_by(ChairTerm.year)
    )
    return list(session.scalars(query))
