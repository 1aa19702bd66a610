"""Workplan tables: a multi-year plan, its outcomes, activities, leads, ratings, milestones
and evidence links (DESIGN §4 workplan).

A plan is a draft until it has ``adopted_on``; adopting stores ``baseline`` (a snapshot of
its activities), which the "changed since baseline" view compares against. Evidence points at
meetings, action items and publications by type and id, without a foreign key: publications
live in another area, and a link must survive the row it names (the page says it is gone).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from icat.core.db import Base, JSONType
from icat.registry.models import Entity

# The four pillars of the Global Plan of Action (A/RES/64/293, annex sections I–IV).
PILLARS = ("prevention", "protection", "prosecution", "partnerships")
ACTIVITY_STATUSES = ("planned", "in_progress", "done", "delayed", "cancelled")
RAGS = ("red", "amber", "green")
LEAD_ROLES = ("lead", "co_lead")
EVIDENCE_TYPES = ("meeting", "publication", "action_item")


class Workplan(Base):
    """A multi-year plan (e.g. 2026–2030). Draft while ``adopted_on`` is empty."""

    __tablename__ = "workplans"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    start_year: Mapped[int]
    end_year: Mapped[int]
    adopted_on: Mapped[date | None]
    # Activities as they stood when the plan was adopted: {activity id: {title, starts_on, …}}.
    baseline: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    outcomes: Mapped[list[PlanOutcome]] = relationship(
        back_populates="workplan", order_by="PlanOutcome.position", cascade="all, delete-orphan"
    )
    activities: Mapped[list[Activity]] = relationship(
        back_populates="workplan", order_by="Activity.id", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.CheckConstraint("end_year >= start_year", name="period"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_adopted(self) -> bool:
        return self.adopted_on is not None


class PlanOutcome(Base):
    """An outcome of a plan, under one pillar, with ICAT thematic priorities (reference keys)."""

    __tablename__ = "workplan_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    workplan_id: Mapped[int] = mapped_column(sa.ForeignKey("workplans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(300))
    pillar: Mapped[str] = mapped_column(sa.String(20))
    priorities: Mapped[list[str]] = mapped_column(JSONType, default=list)
    version: Mapped[int] = mapped_column(default=1)

    workplan: Mapped[Workplan] = relationship(back_populates="outcomes")

    __table_args__ = (sa.CheckConstraint(f"pillar IN {PILLARS!r}", name="pillar"),)
    __mapper_args__ = {"version_id_col": version}


class ActivityLead(Base):
    """An entity leading (members only) or co-leading (members and partners) an activity."""

    __tablename__ = "workplan_activity_leads"

    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workplan_activities.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(sa.String(10))

    entity: Mapped[Entity] = relationship(lazy="joined")

    __table_args__ = (sa.CheckConstraint(f"role IN {LEAD_ROLES!r}", name="role"),)


class Activity(Base):
    """An activity of a plan: dates inside the plan's years, status, progress 0–100."""

    __tablename__ = "workplan_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    workplan_id: Mapped[int] = mapped_column(sa.ForeignKey("workplans.id", ondelete="CASCADE"), index=True)
    outcome_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("workplan_outcomes.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(300))
    pillar: Mapped[str] = mapped_column(sa.String(20))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(12), default="planned")
    progress: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    workplan: Mapped[Workplan] = relationship(back_populates="activities")
    outcome: Mapped[PlanOutcome | None] = relationship()
    leads: Mapped[list[ActivityLead]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    ratings: Mapped[list[Rating]] = relationship(order_by="Rating.year", cascade="all, delete-orphan", lazy="selectin")
    milestones: Mapped[list[Milestone]] = relationship(
        order_by="(Milestone.due_on, Milestone.id)", cascade="all, delete-orphan", lazy="selectin"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        order_by="Evidence.id", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        sa.CheckConstraint(f"pillar IN {PILLARS!r}", name="pillar"),
        sa.CheckConstraint(f"status IN {ACTIVITY_STATUSES!r}", name="status"),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
        sa.CheckConstraint("ends_on >= starts_on", name="dates"),
    )
    __mapper_args__ = {"version_id_col": version}

    def entities(self, role: str) -> list[str]:
        """Acronyms of the entities in ``role`` (``lead`` or ``co_lead``), sorted."""
        return sorted(lead.entity.acronym for lead in self.leads if lead.role == role)

    @property
    def lead_entities(self) -> list[str]:
        return self.entities("lead")

    @property
    def co_lead_entities(self) -> list[str]:
        return self.entities("co_lead")

    def rating_for(self, year: int) -> Rating | None:
        return next((r for r in self.ratings if r.year == year), None)


class Rating(Base):
    """The red/amber/green rating of an activity for one reporting period (a year)."""

    __tablename__ = "workplan_ratings"

    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workplan_activities.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True)
    rag: Mapped[str] = mapped_column(sa.String(5))
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    rated_at: Mapped[datetime]
    rated_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (sa.CheckConstraint(f"rag IN {RAGS!r}", name="rag"),)


class Milestone(Base):
    """A dated milestone of an activity; each one is reminded 14 and 3 days ahead."""

    __tablename__ = "workplan_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("workplan_activities.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    due_on: Mapped[date] = mapped_column(index=True)
    done: Mapped[bool] = mapped_column(default=False)
    # Raised each time ``due_on`` moves: part of its reminders' keys, so a date moved away and
    # back again gets new reminders rather than finding its old (cancelled) keys taken.
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime]


class Evidence(Base):
    """A link from an activity to what shows its progress: a meeting, a publication or an
    action item of minutes (type and id, no foreign key: see the module docstring)."""

    __tablename__ = "workplan_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("workplan_activities.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(sa.String(12))
    ref_id: Mapped[int]

    __table_args__ = (
        sa.CheckConstraint(f"type IN {EVIDENCE_TYPES!r}", name="type"),
        sa.UniqueConstraint("activity_id", "type", "ref_id"),
    )
