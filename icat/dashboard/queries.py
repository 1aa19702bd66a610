"""Panels of the signed-in dashboard and the public landing page.

Each function runs a fixed number of statements (no query per row), returns plain rows or
loaded objects, and takes the ``Actor`` so that visibility follows the areas' own rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, raiseload, selectinload

from icat.core.actor import Actor
from icat.meetings.access import visible_clause
from icat.meetings.models import ActionItem, Meeting, Rsvp, meeting_invitees
from icat.meetings.recurrence import Occurrence, occurrences, upcoming_occurrences
from icat.observances.models import CampaignStep, Observance, ObservanceTheme
from icat.observances.queries import days_until, next_occurrence
from icat.observances.reference import WORLD_DAY
from icat.publications.models import CirculationRound, Publication, PublicationText, RoundResponse, round_entities
from icat.rotation.models import ChairTerm
from icat.workplan.models import Activity, ActivityLead, Milestone

HORIZON = timedelta(days=30)  # "next meetings" and "milestones due" look this far ahead


@dataclass(frozen=True)
class UpcomingOccurrence:
    """One occurrence of a meeting within the horizon."""

    meeting: Meeting
    occurrence: Occurrence


def next_meetings(session: Session, actor: Actor | None, now: datetime, *, limit: int = 8) -> list[UpcomingOccurrence]:
    """The next ``limit`` occurrences ``actor`` may see starting within the horizon, series
    expanded in Python from one query (plus the eager loads of overrides and invitees)."""
    end = now + HORIZON
    query = (
        sa.select(Meeting)
        .where(visible_clause(actor), Meeting.status != "proposed")
        .where(Meeting.series_ends_at > now, Meeting.starts_at < end)
        .options(selectinload(Meeting.overrides), raiseload(Meeting.invitees))
        .order_by(Meeting.starts_at, Meeting.id)
    )
    found = [
        UpcomingOccurrence(meeting, item)
        for meeting in session.scalars(query)
        for item in occurrences(meeting, now, end)
    ]
    found.sort(key=lambda u: (u.occurrence.starts_at, u.meeting.id))
    return found[:limit]


def pending_rsvps(session: Session, entity_id: int, now: datetime, *, limit: int = 20) -> list[UpcomingOccurrence]:
    """Scheduled meetings still to come that invite the entity and have no answer from it,
    each with its next occurrence (a series is answered once, for all its sessions)."""
    invited = sa.select(meeting_invitees.c.meeting_id).where(meeting_invitees.c.entity_id == entity_id)
    answered = sa.select(Rsvp.meeting_id).where(Rsvp.entity_id == entity_id)
    query = (
        sa.select(Meeting)
        .where(Meeting.status == "scheduled", Meeting.series_ends_at > now)
        .where(Meeting.id.in_(invited), Meeting.id.not_in(answered))
        .options(selectinload(Meeting.overrides), raiseload(Meeting.invitees))
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
    )
    found = [
        UpcomingOccurrence(meeting, item)
        for meeting in session.scalars(query)
        for item in upcoming_occurrences(meeting, now, 1)
    ]
    return sorted(found, key=lambda u: (u.occurrence.starts_at, u.meeting.id))


def title_join() -> sa.ColumnElement[bool]:
    """The publication's title in its authoritative language."""
    return sa.and_(PublicationText.publication_id == Publication.id, PublicationText.language == Publication.language)


def open_rounds(*extra: sa.ColumnElement[object]) -> sa.Select:
    """Open circulation rounds, soonest deadline first, as rows of (round_id, number,
    procedure, deadline, publication_id, title, *extra): the common part of both round panels."""
    return (
        sa.select(
            CirculationRound.id.label("round_id"),
            CirculationRound.number,
            CirculationRound.procedure,
            CirculationRound.deadline,
            Publication.id.label("publication_id"),
            PublicationText.title,
            *extra,
        )
        .join(Publication, Publication.id == CirculationRound.publication_id)
        .outerjoin(PublicationText, title_join())
        .where(CirculationRound.status == "open")
        .order_by(CirculationRound.deadline, CirculationRound.id)
    )


def rounds_to_answer(session: Session, entity_id: int, *, limit: int = 20) -> Sequence[sa.Row]:
    """Open rounds addressed to the entity that it has not answered (``open_rounds`` rows)."""
    addressed = sa.select(round_entities.c.round_id).where(round_entities.c.entity_id == entity_id)
    answered = sa.select(RoundResponse.round_id).where(
        RoundResponse.entity_id == entity_id, RoundResponse.voided.is_(False)
    )
    query = open_rounds().where(CirculationRound.id.in_(addressed), CirculationRound.id.not_in(answered))
    return session.execute(query.limit(limit)).all()


def action_items_due(session: Session, entity_id: int, *, limit: int = 20) -> Sequence[ActionItem]:
    """The entity's open action items, earliest due first (so overdue ones lead), undated last."""
    query = (
        sa.select(ActionItem)
        .where(ActionItem.owner_entity_id == entity_id, ActionItem.done.is_(False))
        .options(raiseload(ActionItem.owner), joinedload(ActionItem.meeting).raiseload("*"))  # the title only
        .order_by(ActionItem.due_on.is_(None), ActionItem.due_on, ActionItem.id)
        .limit(limit)
    )
    return session.scalars(query).unique().all()


def milestones_due(session: Session, entity_id: int, today: date, *, limit: int = 20) -> Sequence[sa.Row]:
    """Open milestones of activities the entity leads or supports, due within the horizon or
    overdue, earliest first: rows of (milestone_id, title, due_on, activity_id, activity_title,
    workplan_id)."""
    led = sa.select(ActivityLead.activity_id).where(ActivityLead.entity_id == entity_id)
    query = (
        sa.select(
            Milestone.id.label("milestone_id"),
            Milestone.title,
            Milestone.due_on,
            Activity.id.label("activity_id"),
            Activity.title.label("activity_title"),
            Activity.workplan_id,
        )
        .join(Activity, Activity.id == Milestone.activity_id)
        .where(Milestone.done.is_(False), Milestone.due_on <= today + HORIZON, Activity.id.in_(led))
        .order_by(Milestone.due_on, Milestone.id)
        .limit(limit)
    )
    return session.execute(query).all()


@dataclass(frozen=True)
class WorldDay:
    """The countdown: the next day, days left, that year's theme (None if not announced), the
    campaign step under way (None before the first) and the one after it."""

    observance: Observance
    on: date
    days_left: int
    theme: ObservanceTheme | None
    current_step: CampaignStep | None
    next_step: CampaignStep | None


def world_day(session: Session, today: date) -> WorldDay | None:
    """The World Day against Trafficking in Persons, or None where it is not recorded."""
    query = (
        sa.select(Observance)
        .where(Observance.slug == WORLD_DAY)
        .options(selectinload(Observance.themes), selectinload(Observance.steps))
    )
    observance = session.scalar(query)
    if observance is None:
        return None
    on, left = next_occurrence(observance, today), days_until(observance, today)
    theme = next((t for t in observance.themes if t.year == on.year and t.theme), None)
    started = sorted((s for s in observance.steps if s.offset_days >= left), key=lambda s: s.offset_days)
    coming = sorted((s for s in observance.steps if s.offset_days < left), key=lambda s: -s.offset_days)
    return WorldDay(observance, on, left, theme, started[0] if started else None, coming[0] if coming else None)


def co_chairs(session: Session, year: int) -> ChairTerm | None:
    """This year's chair term (its seats eager-loaded), or None where none is recorded."""
    return session.scalar(sa.select(ChairTerm).where(ChairTerm.year == year))
