"""Reading plans: the list a caller may see, and the filters of the plan page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import Actor
from icat.workplan.access import visible_plans
from icat.workplan.models import Activity, Workplan


def list_plans(
    session: Session, *, actor: Actor | None, limit: int | None = None, after: list[int] | None = None
) -> Sequence[Workplan]:
    """Plans ``actor`` may see (adopted ones for everyone, drafts when signed in), newest
    period first; ``after`` is the (start_year, id) of the last row of the previous page."""
    query = sa.select(Workplan).where(visible_plans(actor)).order_by(Workplan.start_year.desc(), Workplan.id)
    if after:
        year, last_id = after
        query = query.where(
            sa.or_(Workplan.start_year < year, sa.and_(Workplan.start_year == year, Workplan.id > last_id))
        )
    return session.scalars(query.limit(limit)).all()


@dataclass(frozen=True)
class WorkplanActivityFilter:
    """The plan page's filters; None means "any"."""

    entity: str | None = None
    pillar: str | None = None
    status: str | None = None
    rating: str | None = None

    def keeps(self, activity: Activity, period: int) -> bool:
        if self.entity and self.entity not in activity.lead_entities + activity.co_lead_entities:
            return False
        if self.pillar and activity.pillar != self.pillar:
            return False
        if self.status and activity.status != self.status:
            return False
        if self.rating:
            rating = activity.rating_for(period)
            return (rating.rag if rating else "unrated") == self.rating
        return True


def default_period(plan: Workplan) -> int:
    """The reporting year a page shows first: this year, kept inside the plan's period."""
    return min(max(clock.today().year, plan.start_year), plan.end_year)


def filtered(plan: Workplan, flt: WorkplanActivityFilter, period: int) -> list[Activity]:
    return [a for a in plan.activities if flt.keeps(a, period)]
