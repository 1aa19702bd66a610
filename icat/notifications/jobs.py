"""Notification jobs, run by the worker's daily duties (icat.scheduler.JOBS)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.uow import unit_of_work
from icat.meetings.models import Meeting
from icat.notifications.campaigns import plan_campaigns
from icat.notifications.planning import replan_meeting


def plan_ahead(session_factory: Callable[[], Session]) -> list[str]:
    """Plan the observance campaigns and move recurring meetings' reminders forward.

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
    return done
