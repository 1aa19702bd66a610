"""Observance campaigns (the World Day, 30 July): each step a reminder, planned a year ahead.

The daily job calls ``plan_campaigns``; keys such as
``observance:world-day-against-trafficking-in-persons:2027:theme_agreed:user:7`` make a
second run plan nothing new. Steps are due at 09:00 in Vienna, where the secretariat sits.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.core import clock
from icat.notifications.planning import Recipient, delivery_row, insert_missing
from icat.observances.models import Observance
from icat.observances.queries import list_observances, next_occurrence
from icat.registry.models import Entity
from icat.rotation.queries import term_for

SECRETARIAT_ZONE = ZoneInfo("Europe/Vienna")
DUE_AT = time(9, 0)


def campaign_recipients(session: Session, year: int) -> list[Recipient]:
    """Focal points of the working group and of that year's co-chairs (when recorded)."""
    term = term_for(session, year)
    chairs = set(term.chairs or []) if term else set()
    entity_ids = sa.select(Entity.id).where(sa.or_(Entity.working_group.is_(True), Entity.acronym.in_(chairs)))
    users = session.scalars(
        sa.select(User)
        .where(User.entity_id.in_(entity_ids), User.role == "focal_point", User.is_active)
        .order_by(User.id)
    )
    wanted = [u for u in users if (u.reminder_preferences or {}).get("world_day", True)]  # the profile's choice
    return [Recipient(f"user:{u.id}", u.id, u.email, u.email) for u in wanted]


def _at(day: date) -> datetime:
    return datetime.combine(day, DUE_AT, SECRETARIAT_ZONE)


def _campaign_rows(session: Session, observance: Observance, day: date, now: datetime) -> list[dict]:
    theme = next((t.theme for t in observance.themes if t.year == day.year), None)
    recipients = campaign_recipients(session, day.year)
    rows = []
    for step in observance.steps:
        due = _at(day - timedelta(days=step.offset_days))
        if due < now:
            continue  # its moment passed before it was planned: a late "reminder" helps nobody
        params = {
            "observance": observance.slug,
            "name": observance.name,
            "year": day.year,
            "day": day.isoformat(),
            "step": step.key,
            "offset_days": step.offset_days,
            "theme": theme,
        }
        for person in recipients:
            key = f"observance:{observance.slug}:{day.year}:{step.key}:{person.who}"
            rows.append(
                delivery_row(
                    key,
                    "campaign_step",
                    f"observance:{observance.slug}:{day.year}",
                    person,
                    due,
                    _at(day + timedelta(days=1)),
                    params,
                )
            )
    return rows


def plan_campaigns(session: Session) -> int:
    """Plan every observance's next campaign (the next day within a year); returns rows added."""
    now = clock.now()
    added = 0
    for observance in list_observances(session):
        day = next_occurrence(observance, now.astimezone(SECRETARIAT_ZONE).date())
        added += insert_missing(session, _campaign_rows(session, observance, day, now))
    return added
