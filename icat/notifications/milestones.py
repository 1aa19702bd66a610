"""Workplan reminders: each milestone 14 and 3 days before it is due, to the focal points of
the activity's lead entities; and, at the end of each reporting period, a request to rate.

Like meetings' (``planning.replan_meeting``), ``replan_activity`` computes the wanted rows,
inserts the missing ones and cancels pending ones nobody wants any more, so every activity
event simply calls it. Keys carry the milestone's ``revision``, raised when its due date
moves: a move retires the old keys and plans new ones at the new date. Only adopted plans
remind: a draft's dates are still being negotiated. Due at 09:00 in Vienna (the secretariat).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.core import clock
from icat.notifications.campaigns import DUE_AT, SECRETARIAT_ZONE
from icat.notifications.planning import Recipient, delivery_row, insert_missing, sync_pending
from icat.workplan.models import Activity, Milestone, Workplan

MILESTONE_OFFSETS = (14, 3)  # days before the due date
# The request to rate a year's activities: mid-December, answerable until the end of January.
RATING_REQUEST_DAY = (12, 15)
QUIET = ("done", "cancelled")  # activities that need neither reminders nor ratings


def at(day: date, hour: time = DUE_AT) -> datetime:
    return datetime.combine(day, hour, SECRETARIAT_ZONE)


def entity_recipients(session: Session, entities: dict[int, str]) -> list[Recipient]:
    """Active focal points of ``entities`` ({id: acronym}); an entity without one is reported."""
    users = session.scalars(
        sa.select(User)
        .where(User.entity_id.in_(entities), User.role == "focal_point", User.is_active)
        .order_by(User.id)
    ).all()
    reached = {u.entity_id for u in users}
    missing = [
        Recipient(f"entity:{acronym}", None, None, acronym, f"{acronym} has no focal point to remind.")
        for entity_id, acronym in sorted(entities.items(), key=lambda kv: kv[1])
        if entity_id not in reached
    ]
    return [Recipient(f"user:{u.id}", u.id, u.email, u.email) for u in users] + missing


def _params(activity: Activity, milestone: Milestone, days: int) -> dict[str, Any]:
    return {
        "workplan_id": activity.workplan_id,
        "activity_id": activity.id,
        "activity": activity.title,
        "title": milestone.title,
        "due_on": milestone.due_on.isoformat(),
        "days_before": days,
    }


def wanted_milestone_reminders(session: Session, activity: Activity) -> list[dict[str, Any]]:
    """Every reminder row the activity's open milestones should have (past due times included)."""
    if not activity.workplan.is_adopted or activity.status in QUIET:
        return []
    leads = {lead.entity_id: lead.entity.acronym for lead in activity.leads if lead.role == "lead"}
    recipients = entity_recipients(session, leads)
    rows = []
    for milestone in activity.milestones:
        if milestone.done:
            continue
        stale_at = at(milestone.due_on + timedelta(days=1), time(0, 0))
        for days in MILESTONE_OFFSETS:
            due = at(milestone.due_on - timedelta(days=days))
            for person in recipients:
                key = f"milestone:{milestone.id}:r{milestone.revision}:P{days}D:{person.who}"
                params = _params(activity, milestone, days)
                rows.append(
                    delivery_row(key, "milestone_reminder", f"activity:{activity.id}", person, due, stale_at, params)
                )
    return rows


def replan_activity(session: Session, activity_id: int, *, since: datetime | None = None) -> tuple[int, int]:
    """Bring an activity's milestone reminders in line with it; returns (planned, cancelled).
    Reminders whose moment passed before ``since`` (the change) are not planned: they would
    arrive late."""
    activity = session.get(Activity, activity_id)
    if activity is None:
        return 0, 0
    since = since or clock.now()
    wanted = wanted_milestone_reminders(session, activity)
    cancelled = sync_pending(session, f"activity:{activity_id}", wanted, kind="milestone_reminder")
    return insert_missing(session, [row for row in wanted if row["due_at"] >= since]), cancelled


def replan_plan(session: Session, plan_id: int, *, since: datetime | None = None) -> int:
    """Re-plan every activity of a plan (it was adopted); returns the rows planned."""
    ids = session.scalars(sa.select(Activity.id).where(Activity.workplan_id == plan_id)).all()
    return sum(replan_activity(session, activity_id, since=since)[0] for activity_id in ids)


def replan_upcoming(session: Session) -> int:
    """Re-plan activities with a milestone due in the coming 15 days, so a focal point
    appointed since the last change is reminded too (the daily duties)."""
    today = clock.today()
    ids = session.scalars(
        sa.select(Milestone.activity_id)
        .where(Milestone.due_on.between(today, today + timedelta(days=max(MILESTONE_OFFSETS) + 1)))
        .distinct()
    ).all()
    return sum(replan_activity(session, activity_id)[0] for activity_id in ids)


def plan_rating_requests(session: Session) -> int:
    """Ask, once per focal point, plan and year, for the ratings of the year's activities its
    entity leads or co-leads, at the end of the reporting period (the daily duties)."""
    now, year = clock.now(), clock.today().year
    due, stale_at = at(date(year, *RATING_REQUEST_DAY)), at(date(year + 1, 2, 1), time(0, 0))
    if now >= stale_at:
        return 0
    plans = session.scalars(
        sa.select(Workplan).where(
            Workplan.adopted_on.is_not(None), Workplan.start_year <= year, Workplan.end_year >= year
        )
    ).all()
    rows = []
    for plan in plans:
        running = [a for a in plan.activities if a.status not in QUIET and a.starts_on.year <= year <= a.ends_on.year]
        entities = {lead.entity_id: lead.entity.acronym for a in running for lead in a.leads}
        params = {"workplan_id": plan.id, "title": plan.title, "period": year, "activities": len(running)}
        for person in entity_recipients(session, entities):
            key = f"rating:{plan.id}:{year}:{person.who}"
            rows.append(
                delivery_row(key, "rating_request", f"workplan:{plan.id}:{year}", person, due, stale_at, params)
            )
    return insert_missing(session, rows)
