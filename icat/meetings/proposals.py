"""Proposals: a co-chair of the year asks for a meeting; the secretariat confirms or declines.

A proposal is a meeting row with ``status = proposed`` that names the proposing entity and
person. Until it is confirmed only the secretariat and that entity's people see it
(``access.visible_clause``); it is in no feed (``icat.calendar.queries``) and gets no
reminders (``icat.notifications.planning``). Confirming makes it an ordinary scheduled
meeting. Declining or withdrawing deletes the row: it was never on anyone's calendar, and
its event keeps what it was.

Who may propose: a focal point whose entity co-chairs the year in which the meeting starts
(in the meeting's own zone), that year being this one or a later one
(``access.proposal_years``). The proposer edits (``services.update_meeting``) and withdraws
its proposal while it waits; nobody else but the secretariat touches it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import outbox
from icat.core.actor import Actor
from icat.core.errors import Conflict, Forbidden, ValidationError
from icat.core.permissions import FOCAL_POINTS, STAFF, require_role
from icat.meetings import rules
from icat.meetings.access import get_meeting, may_change_proposal, proposal_years
from icat.meetings.events import MeetingConfirmed, MeetingDeclined, MeetingProposalWithdrawn, MeetingProposed
from icat.meetings.models import Meeting
from icat.meetings.services import (
    create_meeting,
    event_fields,
    insert_meeting,
    iso,
    load_for_edit,
    scheduled_event,
    touch,
)
from icat.registry.models import Entity

SUBMITTED = ("scheduled", "proposed")  # what a new meeting may ask to be


def submission_status(session: Session, actor: Actor | None) -> str:
    """What a new meeting from ``actor`` becomes: "scheduled" for the secretariat and admins,
    "proposed" for a co-chair's focal point. Raises Unauthorized, Forbidden (anyone else)."""
    if actor is not None and actor.role in STAFF:
        return "scheduled"
    _proposal_years(session, actor)
    return "proposed"


def _proposal_years(session: Session, actor: Actor | None) -> list[int]:
    """The years ``actor`` may propose meetings in; Forbidden naming the rule when none."""
    require_role(actor, STAFF | FOCAL_POINTS, _l("propose meetings"))
    assert actor is not None
    if actor.role in STAFF:
        raise Forbidden(
            _l('The secretariat schedules meetings itself: send status "scheduled" (the default).'),
            rule="proposals.staff_schedule_directly",
        )
    years = proposal_years(session, actor)
    if not years:
        raise Forbidden(
            _l("Only a focal point of an entity that co-chairs ICAT (this year or a coming one) proposes meetings."),
            rule="proposals.not_a_co_chair",
        )
    return years


def submit_meeting(session: Session, *, actor: Actor, status: str = "scheduled", **fields: Any) -> Meeting:
    """Create a meeting as asked: ``status`` "scheduled" (``services.create_meeting``, the
    secretariat) or "proposed" (``propose_meeting``, a co-chair's focal point). Raises what
    those raise, and ValidationError for another status."""
    if status not in SUBMITTED:
        raise ValidationError(
            _l("Unknown status."),
            fields={"status": [_l("One of: %(choices)s.", choices=", ".join(SUBMITTED))]},
            rule="proposals.status_unknown",
        )
    if status == "proposed":
        return propose_meeting(session, actor=actor, **fields)
    return create_meeting(session, actor=actor, **fields)


def propose_meeting(
    session: Session, *, actor: Actor, invitees: Iterable[str] = (), recurrence: str | None = None, **fields: Any
) -> Meeting:
    """Propose a meeting: the fields and checks of ``services.create_meeting``, plus the year
    rule on ``starts_at``. Stored with ``status = proposed``, the entity and the person.

    Raises Unauthorized, Forbidden (not a focal point of an entity co-chairing this year or
    a coming one), ValidationError (every bad field named; a start outside the entity's
    years on ``starts_at``). Emits MeetingProposed. Nothing is written when it raises.
    """
    years = _proposal_years(session, actor)
    entity = session.get(Entity, actor.entity_id)
    assert entity is not None  # a focal point's entity exists (foreign key)
    meeting = insert_meeting(
        session,
        actor=actor,
        invitees=invitees,
        recurrence=recurrence,
        fields=fields,
        years=years,
        status="proposed",
        proposed_by_entity_id=entity.id,
        proposed_by=actor.user_id,
    )
    event = MeetingProposed(**event_fields(meeting), entity=entity.acronym, proposed_by=actor.user_id)
    outbox.record(session, event, actor=actor)
    return meeting


def _proposal(session: Session, meeting_id: int, version: int | None) -> Meeting:
    """The proposal at ``version`` (optional). Raises NotFound, StaleVersion,
    Conflict (the meeting is not, or no longer, a proposal)."""
    meeting = load_for_edit(session, meeting_id, version, required=False)
    if meeting.status != "proposed":
        raise Conflict(
            _l(
                "Meeting %(id)s is not a proposal waiting for the secretariat (it is %(status)s).",
                id=meeting_id,
                status=meeting.status,
            ),
            rule="proposals.not_waiting",
        )
    return meeting


def confirm_proposal(session: Session, *, actor: Actor, meeting_id: int, version: int | None = None) -> Meeting:
    """Confirm a proposal (admin, secretariat): it becomes a scheduled meeting, on calendars
    and feeds, its reminders planned. The status change raises ``sequence``.

    Raises Unauthorized, Forbidden, NotFound, StaleVersion, Conflict (not
    a proposal, e.g. confirmed already). Emits MeetingConfirmed, then MeetingScheduled.
    """
    require_role(actor, STAFF, _l("confirm proposed meetings"))
    meeting = _proposal(session, meeting_id, version)
    meeting.status = "scheduled"
    meeting.sequence += 1
    touch(meeting)
    session.flush()
    confirmed = MeetingConfirmed(
        meeting_id=meeting.id,
        title=meeting.title,
        entity=meeting.proposed_by_acronym,
        proposed_by=meeting.proposed_by,
        sequence=meeting.sequence,
    )
    outbox.record(session, confirmed, actor=actor)
    outbox.record(session, scheduled_event(meeting), actor=actor)
    return meeting


def decline_proposal(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    reason: str = "",
    version: int | None = None,
) -> None:
    """Decline a proposal (admin, secretariat): the row is deleted, the reason kept in the event.

    Raises Unauthorized, Forbidden, NotFound, ValidationError (reason too long),
    StaleVersion, Conflict (not a proposal). Emits MeetingDeclined.
    """
    require_role(actor, STAFF, _l("decline proposed meetings"))
    rules.check_reason(reason)
    meeting = _proposal(session, meeting_id, version)
    event = MeetingDeclined(
        meeting_id=meeting.id,
        title=meeting.title,
        starts_at=iso(meeting.starts_at),
        reason=reason,
        entity=meeting.proposed_by_acronym,
        proposed_by=meeting.proposed_by,
    )
    _delete(session, meeting)
    outbox.record(session, event, actor=actor)


def withdraw_proposal(session: Session, *, actor: Actor, meeting_id: int, version: int | None = None) -> None:
    """Withdraw a proposal: the focal point who proposed it, or the secretariat. The row is deleted.

    Raises Unauthorized, NotFound (a meeting the actor may not see), Conflict (not a
    proposal), Forbidden (someone else's proposal), StaleVersion.
    Emits MeetingProposalWithdrawn.
    """
    require_role(actor, STAFF | FOCAL_POINTS, _l("withdraw proposed meetings"))
    visible = get_meeting(session, meeting_id, actor=actor)
    if visible.status == "proposed" and not may_change_proposal(actor, visible):
        raise Forbidden(
            _l("Only the person who proposed a meeting, or the secretariat, withdraws it."),
            rule="proposals.withdraw_refused",
        )
    meeting = _proposal(session, meeting_id, version)
    event = MeetingProposalWithdrawn(
        meeting_id=meeting.id,
        title=meeting.title,
        starts_at=iso(meeting.starts_at),
        entity=meeting.proposed_by_acronym,
        proposed_by=meeting.proposed_by,
    )
    _delete(session, meeting)
    outbox.record(session, event, actor=actor)


def _delete(session: Session, meeting: Meeting) -> None:
    """Delete a proposal with its invitees, agenda and documents' rows (ORM cascades); the
    DELETE carries the version, so a concurrent change fails it (StaleDataError → 409, or 412 under If-Match)."""
    session.delete(meeting)
    session.flush()
