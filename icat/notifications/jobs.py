"""Notification jobs, run by the worker's daily duties (icat.scheduler.JOBS)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.uow import unit_of_work
from icat.meetings.models import Meeting
from icat.notifications.campaigns import plan_campaigns
from icat.notifications.milestones import plan_rating_requests, replan_upcoming
from icat.notifications.planning import replan_meeting


def plan_ahead(session_factory: Callable[[], Session]) -> list[str]:
    """Plan the observance campaigns, move recurring meetings' reminders forward, catch up
    milestone reminders (focal points appointed since) and ask for the year's ratings.

    Idempotent (rows are keyed), so running it twice, or on two workers, plans nothing new.
    """
    done = []
    with session_factory() as session, unit_of_work(session):
        if added := plan_campaigns(session):
            done.append(f"{added} campaign reminders")
        recurring = session.scalars(
            sa.select(Meeting.id).where(
                Meeting.recurrence.is_not(None), Meeting.status == "scheduled", Meeting.series_ends_at > clock.now()
            )
        ).all()
        planned = sum(replan_meeting(session, meeting_id)[0] for meeting_id in recurring)
        if planned:
            done.append(f"{planned} reminders for recurring meetings")
        if milestones := replan_upcoming(session):
            done.append(f"{milestones} milestone reminders")
        if ratings := plan_rating_requests(session):
            done.append(f"{ratings} rating requests")
    return done
