"""Chair terms: one per calendar year, with one or two co-chairs (or unknown)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from icat.core.db import Base, JSONType
from icat.registry.models import Entity

FIRST_YEAR = 2011  # the rotating chair started in 2011 (A/74/127 para 104)


class ChairTerm(Base):
    """A year's chair term. ``known`` is False where the co-chairs are not known: the row then
    keeps what is known about the gap (note, sources) and ``seats`` stays empty."""

    __tablename__ = "chair_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    known: Mapped[bool] = mapped_column(default=True)
    confirmed_repeat: Mapped[bool] = mapped_column(default=False)
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    confidence: Mapped[str] = mapped_column(sa.String(12), default="high")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    seats: Mapped[list[ChairSeat]] = relationship(
        back_populates="term", order_by="ChairSeat.position", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (sa.CheckConstraint(f"year >= {FIRST_YEAR}", name="year"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def chairs(self) -> list[str] | None:
        """Acronyms in recorded order, or None where unknown."""
        return [seat.entity.acronym for seat in self.seats] if self.known else None


class ChairSeat(Base):
    """One co-chair of one term."""

    __tablename__ = "chair_seats"

    term_id: Mapped[int] = mapped_column(sa.ForeignKey("chair_terms.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entities.id"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    term: Mapped[ChairTerm] = relationship(back_populates="seats")
    entity: Mapped[Entity] = relationship(lazy="joined")


class ChairUnwilling(Base):
    """The secretariat's note that an entity will not chair in a given year (planner input)."""

    __tablename__ = "chair_unwilling"

    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
