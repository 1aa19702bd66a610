"""Observance tables: the day itself, its theme per year, its campaign steps."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from icat.core.db import Base, JSONType
from icat.registry.models import CONFIDENCE  # one vocabulary for every fact's confidence

STEP_KEYS = ("theme_agreed", "draft_statement_circulated", "endorsement_deadline", "translations_ready", "the_day")


class Observance(Base):
    """A day observed every year on ``month``/``day`` since ``first_year``."""

    __tablename__ = "observances"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    names: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    month: Mapped[int]
    day: Mapped[int]
    first_year: Mapped[int]
    established_by: Mapped[str] = mapped_column(sa.String(200), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    confidence: Mapped[str] = mapped_column(sa.String(12), default="high")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    themes: Mapped[list[ObservanceTheme]] = relationship(
        order_by="ObservanceTheme.year", cascade="all, delete-orphan", lazy="selectin"
    )
    steps: Mapped[list[CampaignStep]] = relationship(
        order_by="CampaignStep.position", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        sa.CheckConstraint("month BETWEEN 1 AND 12 AND day BETWEEN 1 AND 31", name="date"),
        sa.CheckConstraint(f"confidence IN {CONFIDENCE!r}", name="confidence"),
    )
    __mapper_args__ = {"version_id_col": version}

    def on(self, year: int) -> date:
        """The day in ``year``."""
        return date(year, self.month, self.day)

    def theme_for(self, year: int) -> ObservanceTheme | None:
        return next((t for t in self.themes if t.year == year), None)


class ObservanceTheme(Base):
    """What is known of one year: the theme (None when there was none or it is unknown),
    a note, where it comes from and how sure we are. Years without a row are unknown."""

    __tablename__ = "observance_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    observance_id: Mapped[int] = mapped_column(sa.ForeignKey("observances.id", ondelete="CASCADE"))
    year: Mapped[int]
    theme: Mapped[str | None] = mapped_column(sa.String(500))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    confidence: Mapped[str] = mapped_column(sa.String(12), default="unconfirmed")
    wording_confidence: Mapped[str] = mapped_column(sa.String(200), default="")

    __table_args__ = (
        sa.UniqueConstraint("observance_id", "year"),
        sa.CheckConstraint(f"confidence IN {CONFIDENCE!r}", name="confidence"),
    )


class CampaignStep(Base):
    """One step of the campaign before the day, ``offset_days`` before it (0: the day)."""

    __tablename__ = "observance_campaign_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    observance_id: Mapped[int] = mapped_column(sa.ForeignKey("observances.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int]
    offset_days: Mapped[int]

    __table_args__ = (
        sa.UniqueConstraint("observance_id", "key"),
        sa.CheckConstraint(f"key IN {STEP_KEYS!r}", name="key"),
        sa.CheckConstraint("offset_days >= 0 AND offset_days <= 366", name="offset"),
    )

    @property
    def offset(self) -> str:
        """The offset as an ISO 8601 duration, e.g. ``P90D``."""
        return f"P{self.offset_days}D"

    def due_on(self, year: int, observance: Observance) -> date:
        return observance.on(year) - timedelta(days=self.offset_days)
