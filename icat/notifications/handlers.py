"""Event handlers that put notices in people's inboxes. Each runs once per event (outbox)."""

from __future__ import annotations

from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.core import clock, outbox
from icat.core.permissions import FOCAL_POINTS, STAFF
from icat.meetings.events import (
    MeetingCancelled,
    MeetingConfirmed,
    MeetingDeclined,
    MeetingProposed,
    OccurrenceCancelled,
    OccurrenceMoved,
)
from icat.notifications.invitations import plan_invitations, plan_session_notices, retire_invitations
from icat.notifications.milestones import replan_activity, replan_plan
from icat.notifications.models import Notice
from icat.notifications.planning import plan_cancellation_notices, replan_meeting
from icat.notifications.publication_reminders import plan_outcome_notices, replan_round
from icat.publications.events import CirculationRoundClosed
from icat.registry.events import EntityUpdated
from icat.rotation.events import ChairTermMissing, ChairTermStarted
from icat.workplan.events import WorkplanAdopted


def notify_focal_points_of_entity_change(session: Session, event: EntityUpdated) -> None:
    """Tell each active focal point of the entity which of its registry fields changed."""
    focal_points = session.scalars(
        sa.select(User.id).where(User.entity_id == event.entity_id, User.role == "focal_point", User.is_active)
    )
    now = clock.now()
    params = {"acronym": event.acronym, "fields": sorted(event.changes), "version": event.version}
    session.add_all(Notice(user_id=uid, kind="entity_updated", params=params, created_at=now) for uid in focal_points)


class AboutAMeeting(Protocol):
    meeting_id: int


def replan_reminders(session: Session, event: AboutAMeeting) -> None:
    """Any change to a meeting (time, invitees, offsets, followers, occurrences): re-plan."""
    replan_meeting(session, event.meeting_id, since=outbox.event_time())


def send_invitations(session: Session, event: AboutAMeeting) -> None:
    """Scheduled (or confirmed), moved, relocated, with new invitees or followers: everyone
    who has not had the meeting at its current sequence gets an invitation or an update."""
    plan_invitations(session, event.meeting_id)


def notify_session_change(session: Session, event: OccurrenceMoved | OccurrenceCancelled) -> None:
    """One session of a series moved or cancelled: each recipient is told once."""
    plan_session_notices(session, event.meeting_id, event.recurrence_id)


class AboutAnActivity(Protocol):
    activity_id: int


def replan_milestone_reminders(session: Session, event: AboutAnActivity) -> None:
    """An activity was added or changed (milestones, dates, leads, status): re-plan its reminders."""
    replan_activity(session, event.activity_id, since=outbox.event_time())


def plan_adopted_reminders(session: Session, event: WorkplanAdopted) -> None:
    """A plan was adopted: its milestones start reminding (drafts do not)."""
    replan_plan(session, event.workplan_id, since=outbox.event_time())


def notify_cancellation(session: Session, event: MeetingCancelled) -> None:
    """Cancelled: pending reminders and invitations are cancelled and each recipient gets one notice."""
    replan_meeting(session, event.meeting_id, since=outbox.event_time())
    retire_invitations(session, event.meeting_id)
    plan_cancellation_notices(session, event.meeting_id)


def _notice(session: Session, user_ids: list[int], kind: str, params: dict) -> None:
    now = clock.now()
    session.add_all(Notice(user_id=uid, kind=kind, params=params, created_at=now) for uid in user_ids)


def _active(session: Session, *where: sa.ColumnElement[bool]) -> list[int]:
    return list(session.scalars(sa.select(User.id).where(User.is_active, *where).order_by(User.id)))


def notify_meeting_proposed(session: Session, event: MeetingProposed) -> None:
    """The secretariat and admins learn that a co-chair proposed a meeting for them to decide on."""
    params = {"meeting_id": event.meeting_id, "title": event.title, "entity": event.entity}
    _notice(session, _active(session, User.role.in_(sorted(STAFF))), "meeting_proposed", params)


def notify_proposal_confirmed(session: Session, event: MeetingConfirmed) -> None:
    """The person who proposed the meeting learns it is scheduled."""
    if event.proposed_by is not None:
        params = {"meeting_id": event.meeting_id, "title": event.title}
        _notice(session, _active(session, User.id == event.proposed_by), "meeting_proposal_confirmed", params)


def notify_proposal_declined(session: Session, event: MeetingDeclined) -> None:
    """The person who proposed the meeting learns it was declined, and why (the row is gone)."""
    if event.proposed_by is not None:
        params = {"title": event.title, "reason": event.reason, "starts_at": event.starts_at}
        _notice(session, _active(session, User.id == event.proposed_by), "meeting_proposal_declined", params)


# Rotation's notices live here with the others: notifications owns the notices table.


def notify_term_started(session: Session, event: ChairTermStarted) -> None:
    """Focal points, the secretariat and admins learn who chairs ICAT this year."""
    params = {"year": event.year, "chairs": event.chairs}
    _notice(session, _active(session, User.role.in_(sorted(FOCAL_POINTS | STAFF))), "chair_term_started", params)


def notify_term_missing(session: Session, event: ChairTermMissing) -> None:
    """The secretariat and admins are told a year is near and nobody is recorded to chair it."""
    params = {"year": event.year, "days_before": event.days_before}
    _notice(session, _active(session, User.role.in_(sorted(STAFF))), "chair_term_missing", params)


# Publications: a round's reminders follow its answers; its outcome reaches the leads.


class AboutAPublication(Protocol):
    publication_id: int


def replan_round_reminders(session: Session, event: AboutAPublication) -> None:
    """A round opened, was answered or closed: reminders only for the silent entities."""
    replan_round(session, event.publication_id, since=outbox.event_time())


def notify_round_outcome(session: Session, event: CirculationRoundClosed) -> None:
    """Pending reminders of the round are cancelled; the lead entities' focal points are told
    the outcome (and who objected). A voided round needs no notice: its editor knows."""
    replan_round(session, event.publication_id, since=outbox.event_time())
    if event.outcome != "voided":
        plan_outcome_notices(session, event.publication_id, event.round_id, event.outcome, event.objectors)
