"""Who may see and change which meeting: the rules, as SQL for lists and as checks on a row.

Public meetings are for everyone, members-only ones for any signed-in person, restricted ones
for the secretariat and the people of invited entities; a proposal only for the secretariat
and the proposing entity (``icat.meetings.proposals``). The roles are ``icat.core.permissions``'.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import Actor
from icat.core.errors import Forbidden, NotFound
from icat.core.permissions import FOCAL_POINT, FOCAL_POINTS, SIGNED_IN, STAFF, require_role
from icat.meetings.models import Meeting, meeting_invitees
from icat.registry.models import Entity
from icat.rotation.queries import chaired_years


def visible_clause(actor: Actor | None) -> sa.ColumnElement[bool]:
    """SQL condition for the meetings ``actor`` may see: public for everyone, members for any
    signed-in user, restricted for the secretariat and the users of invited entities.
    A proposal (``status = proposed``) only for the secretariat and the proposing entity's users."""
    if actor is not None and actor.role in STAFF:
        return sa.true()
    if actor is None or actor.role not in SIGNED_IN:
        return sa.and_(Meeting.status != "proposed", Meeting.visibility == "public")
    clause = Meeting.visibility.in_(("public", "members"))
    if actor.entity_id is None:  # (and never "proposed_by_entity_id IS NULL": that is nobody's)
        return sa.and_(Meeting.status != "proposed", clause)
    invited = sa.select(meeting_invitees.c.meeting_id).where(meeting_invitees.c.entity_id == actor.entity_id)
    clause = sa.or_(clause, sa.and_(Meeting.visibility == "restricted", Meeting.id.in_(invited)))
    own_proposal = sa.and_(Meeting.status == "proposed", Meeting.proposed_by_entity_id == actor.entity_id)
    return sa.or_(sa.and_(Meeting.status != "proposed", clause), own_proposal)


def can_see(actor: Actor | None, meeting: Meeting) -> bool:
    """The same rule as ``visible_clause`` for a loaded meeting."""
    if actor is not None and actor.role in STAFF:
        return True
    if meeting.status == "proposed":
        return _of_proposing_entity(actor, meeting)
    if meeting.visibility == "public":
        return True
    if actor is None or actor.role not in SIGNED_IN:
        return False
    if meeting.visibility == "members":
        return True
    return actor.entity_id is not None and actor.entity_id in {e.id for e in meeting.invitees}


def _of_proposing_entity(actor: Actor | None, meeting: Meeting) -> bool:
    return (
        actor is not None
        and actor.role in SIGNED_IN
        and actor.entity_id is not None
        and actor.entity_id == meeting.proposed_by_entity_id
    )


def may_change_proposal(actor: Actor | None, meeting: Meeting) -> bool:
    """Whether ``actor`` may edit or withdraw ``meeting`` as a proposal: only while it is
    proposed, and only the secretariat or the person who proposed it (for the same entity)."""
    if meeting.status != "proposed" or actor is None:
        return False
    if actor.role in STAFF:
        return True
    return actor.user_id is not None and actor.user_id == meeting.proposed_by and _of_proposing_entity(actor, meeting)


def meeting_to_change(session: Session, meeting_id: int, actor: Actor | None) -> Meeting:
    """The meeting ``actor`` may change: any, for the secretariat; for a focal point only its
    own proposal. Raises Unauthorized, Forbidden (a viewer; a focal point and a meeting it
    may see but not change), NotFound (a meeting it may not even see)."""
    require_role(actor, STAFF | FOCAL_POINTS, _l("change meetings"))
    assert actor is not None
    meeting = get_meeting(session, meeting_id, actor=actor)  # the one load of an edit
    if actor.role not in STAFF and not may_change_proposal(actor, meeting):
        raise Forbidden(
            _l(
                "Only the secretariat changes meetings; the focal point who proposed a meeting "
                "changes it until the secretariat confirms it."
            ),
            rule="meetings.change_refused",
        )
    return meeting


def proposal_years(session: Session, actor: Actor | None) -> list[int]:
    """Years, this one and later, in which the actor's entity co-chairs ICAT: a focal point
    may propose meetings starting in those years (in the meeting's own zone). Empty for
    anyone else, and for an entity with no recorded term from this year on."""
    if actor is None or actor.role != FOCAL_POINT or actor.entity_id is None:
        return []
    return chaired_years(session, actor.entity_id, since=clock.today().year)


def get_meeting(session: Session, meeting_id: int, *, actor: Actor | None) -> Meeting:
    """The meeting if ``actor`` may see it; NotFound otherwise (a hidden meeting is not revealed)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not can_see(actor, meeting):
        raise NotFound(_l("No meeting %(id)s.", id=meeting_id), rule="meetings.meeting_unknown")
    return meeting


def rsvp_entities(session: Session, meeting: Meeting, actor: Actor | None) -> list[str]:
    """Acronyms ``actor`` may answer for: any invitee (or any entity, when the meeting names
    no invitees) for the secretariat; its own entity, if invited, for a focal point."""
    if actor is None or meeting.status != "scheduled":
        return []
    invited = [e.acronym for e in meeting.invitees]
    if actor.role in STAFF:
        return invited or list(session.scalars(sa.select(Entity.acronym).order_by(Entity.acronym)))
    if actor.role != FOCAL_POINT or actor.entity_id is None:
        return []
    own = session.get(Entity, actor.entity_id)
    if own is None or (invited and own.acronym not in invited):
        return []
    return [own.acronym]
