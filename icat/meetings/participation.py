"""Taking part: an entity's RSVP, given by its focal point, and users following a meeting."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, outbox
from icat.core.actor import Actor
from icat.core.db import upsert_insert
from icat.core.errors import Conflict, Forbidden, Message, ValidationError
from icat.core.permissions import FOCAL_POINTS, SIGNED_IN, STAFF, require_role
from icat.meetings.access import get_meeting
from icat.meetings.events import MeetingFollowed, MeetingUnfollowed, RsvpGiven
from icat.meetings.models import RESPONSES, Follower, Meeting, Rsvp
from icat.registry.models import Entity

RESPONDERS = STAFF | FOCAL_POINTS
_NOT_YET = "The meeting is only proposed: it opens for answers and followers once the secretariat confirms it."


def give_rsvp(session: Session, *, actor: Actor, meeting_id: int, entity: str, response: str) -> Rsvp:
    """Answer for ``entity`` (an acronym): ``yes``, ``no`` or ``maybe``.

    A focal point answers for its own entity only; the secretariat and admins for any.
    Raises Unauthorized, Forbidden (viewer, or another entity), NotFound (meeting not
    visible), ValidationError (unknown entity, not invited, bad response), Conflict
    (meeting cancelled, or a proposal). Emits RsvpGiven unless the answer is the same as before.
    """
    meeting, row = checked_answer(session, actor=actor, meeting_id=meeting_id, entity=entity, response=response)
    rsvp, previous = _locked_rsvp(session, meeting.id, row.id, response, actor.user_id)
    if previous == response:
        return rsvp
    rsvp.response, rsvp.user_id, rsvp.at = response, actor.user_id, clock.now()
    session.flush()
    event = RsvpGiven(meeting_id=meeting.id, entity=entity, response=response, user_id=actor.user_id, previous=previous)
    outbox.record(session, event, actor=actor)
    return rsvp


def checked_answer(
    session: Session, *, actor: Actor, meeting_id: int, entity: str, response: str
) -> tuple[Meeting, Entity]:
    """The meeting and the entity an answer is for, once the answer may be given (the
    rules of ``give_rsvp``, which a session's answer shares). Raises as ``give_rsvp`` does."""
    require_role(actor, RESPONDERS, _l("answer invitations"))
    meeting = get_meeting(session, meeting_id, actor=actor)
    row = session.scalar(sa.select(Entity).where(Entity.acronym == entity))
    if actor.role not in STAFF and (row is None or row.id != actor.entity_id):
        raise Forbidden(_l("A focal point answers for its own entity only."), rule="rsvp.other_entity")
    errors: dict[str, list[Message]] = {}
    if response not in RESPONSES:
        errors["response"] = [_l("One of: %(choices)s.", choices=", ".join(RESPONSES))]
    if row is None:
        errors["entity"] = [_l("Unknown entity: %(acronym)s.", acronym=entity)]
    elif meeting.invitees and row.id not in {e.id for e in meeting.invitees}:
        errors["entity"] = [_l("%(acronym)s is not invited to this meeting.", acronym=entity)]
    if errors:
        raise ValidationError(_l("The answer is invalid."), fields=errors, rule="rsvp.answer_invalid")
    if meeting.status != "scheduled":
        if meeting.status == "cancelled":
            raise Conflict(_l("The meeting is cancelled."), rule="rsvp.meeting_cancelled")
        raise Conflict(_NOT_YET, rule="meetings.proposal_not_confirmed")
    assert row is not None
    return meeting, row


def _locked_rsvp(
    session: Session, meeting_id: int, entity_id: int, response: str, user_id: int | None
) -> tuple[Rsvp, str | None]:
    """The entity's answer row, locked until commit, and the answer it held before.

    Two first answers of one entity may race: each inserts with ON CONFLICT DO NOTHING, and
    the one whose insert found the row already there locks that row and updates it, so
    both succeed, one after the other, and the event of each names the answer it replaced.
    """
    key = (meeting_id, entity_id)
    rsvp = session.get(Rsvp, key, with_for_update={"of": Rsvp}, populate_existing=True)
    if rsvp is not None:
        return rsvp, rsvp.response
    values = {"meeting_id": meeting_id, "entity_id": entity_id, "response": response, "user_id": user_id}
    statement = upsert_insert(session, Rsvp).values(**values, at=clock.now()).on_conflict_do_nothing()
    inserted = session.execute(statement.returning(Rsvp.meeting_id)).first()
    rsvp = session.get(Rsvp, key, with_for_update={"of": Rsvp}, populate_existing=True)
    assert rsvp is not None  # inserted now, or by the request we raced with
    return rsvp, None if inserted else rsvp.response


def follow(session: Session, *, actor: Actor, meeting_id: int) -> bool:
    """The acting user follows a meeting it may see (reminder recipient, issue 5).
    Returns False when already following. Raises Unauthorized, NotFound, Conflict (a
    proposal: nothing to follow until the secretariat confirms it). Emits MeetingFollowed."""
    require_role(actor, SIGNED_IN, _l("follow meetings"))
    meeting = get_meeting(session, meeting_id, actor=actor)
    if meeting.status == "proposed":
        raise Conflict(_NOT_YET, rule="meetings.proposal_not_confirmed")
    if actor.user_id is None:
        return False
    # One statement, so the same person following twice at once follows once, without a 500.
    values = {"meeting_id": meeting.id, "user_id": actor.user_id, "since": clock.now()}
    statement = upsert_insert(session, Follower).values(**values).on_conflict_do_nothing()
    if session.execute(statement.returning(Follower.meeting_id)).first() is None:
        return False
    outbox.record(session, MeetingFollowed(meeting_id=meeting.id, user_id=actor.user_id), actor=actor)
    return True


def unfollow(session: Session, *, actor: Actor, meeting_id: int) -> bool:
    """The acting user stops following. Returns False when it was not following.
    Raises Unauthorized, NotFound. Emits MeetingUnfollowed."""
    require_role(actor, SIGNED_IN, _l("follow meetings"))
    meeting = get_meeting(session, meeting_id, actor=actor)
    row = session.get(Follower, (meeting.id, actor.user_id)) if actor.user_id else None
    if row is None:
        return False
    session.delete(row)
    session.flush()
    outbox.record(session, MeetingUnfollowed(meeting_id=meeting.id, user_id=actor.user_id), actor=actor)
    return True


def set_following(session: Session, *, actor: Actor, meeting_id: int, following: bool) -> bool:
    """Follow the meeting (``following``) or stop following it: the meeting page's one button,
    which says which it wants, so posting it twice does not undo it. Returns False when it
    was so already. Raises and emits as ``follow`` and ``unfollow`` do."""
    change = follow if following else unfollow
    return change(session, actor=actor, meeting_id=meeting_id)
