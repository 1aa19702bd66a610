"""Read side of meetings: who may see what, lists, one meeting, and its occurrences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.accounts.permissions import require_role
from icat.core import clock
from icat.core.actor import Actor
from icat.core.errors import Forbidden, NotFound, ValidationError
from icat.meetings import recurrence
from icat.meetings.models import Follower, Meeting, meeting_invitees
from icat.registry.models import Entity
from icat.rotation.queries import chaired_years

STAFF = frozenset({"admin", "secretariat"})
SIGNED_IN = frozenset({"admin", "secretariat", "focal_point", "viewer"})


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
    require_role(actor, STAFF | {"focal_point"}, "change meetings")
    assert actor is not None
    meeting = get_meeting(session, meeting_id, actor=actor)
    if actor.role not in STAFF and not may_change_proposal(actor, meeting):
        raise Forbidden(
            "Only the secretariat changes meetings; the focal point who proposed a meeting "
            "changes it until the secretariat confirms it."
        )
    return meeting


def proposal_years(session: Session, actor: Actor | None) -> list[int]:
    """Years, this one and later, in which the actor's entity co-chairs ICAT: a focal point
    may propose meetings starting in those years (in the meeting's own zone). Empty for
    anyone else, and for an entity with no recorded term from this year on."""
    if actor is None or actor.role != "focal_point" or actor.entity_id is None:
        return []
    return chaired_years(session, actor.entity_id, since=clock.today().year)


@dataclass(frozen=True)
class MeetingFilter:
    start: datetime | None = None  # meetings with an occurrence ending after this instant
    end: datetime | None = None  # … and starting before this one
    kind: str | None = None
    entity: str | None = None  # invited entity's acronym
    status: str | None = None


def list_meetings(
    session: Session,
    *,
    actor: Actor | None,
    flt: MeetingFilter,
    limit: int | None = None,
    after: object = None,
) -> Sequence[Meeting]:
    """Meetings ``actor`` may see matching ``flt``, by start then id, after the cursor
    ``(starts_at ISO, id)``."""
    query = sa.select(Meeting).where(visible_clause(actor)).order_by(Meeting.starts_at, Meeting.id)
    if flt.start:
        query = query.where(Meeting.series_ends_at > flt.start)
    if flt.end:
        query = query.where(Meeting.starts_at < flt.end)
    if flt.kind:
        query = query.where(Meeting.kind == flt.kind)
    if flt.status:
        query = query.where(Meeting.status == flt.status)
    if flt.entity:
        invited = (
            sa.select(meeting_invitees.c.meeting_id)
            .join(Entity, Entity.id == meeting_invitees.c.entity_id)
            .where(Entity.acronym == flt.entity)
        )
        query = query.where(Meeting.id.in_(invited))
    if after:
        at, after_id = _cursor(after)
        query = query.where(sa.or_(Meeting.starts_at > at, sa.and_(Meeting.starts_at == at, Meeting.id > after_id)))
    if limit:
        query = query.limit(limit)
    return session.scalars(query).all()


def _cursor(after: object) -> tuple[datetime, int]:
    try:
        text, meeting_id = after  # type: ignore[misc]
        at = datetime.fromisoformat(text)
        if at.tzinfo is None or not isinstance(meeting_id, int):
            raise ValueError(after)
    except (TypeError, ValueError) as exc:
        raise ValidationError("Invalid cursor.", fields={"cursor": ["Not a cursor this API sent."]}) from exc
    return at, meeting_id


def get_meeting(session: Session, meeting_id: int, *, actor: Actor | None) -> Meeting:
    """The meeting if ``actor`` may see it; NotFound otherwise (a hidden meeting is not revealed)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not can_see(actor, meeting):
        raise NotFound(f"No meeting {meeting_id}.")
    return meeting


@dataclass(frozen=True)
class Occurrence:
    """One occurrence. ``recurrence_id`` is its original start in UTC (None for a single
    meeting); moved occurrences carry their new times and their own ``sequence``."""

    recurrence_id: datetime | None
    starts_at: datetime
    ends_at: datetime
    status: str
    sequence: int


def occurrences(meeting: Meeting, start: datetime, end: datetime) -> list[Occurrence]:
    """Occurrences overlapping ``[start, end)``, by start, overrides applied.

    Cancelled occurrences are included with ``status = "cancelled"`` (feeds show them);
    a cancelled meeting gives every occurrence that status.
    """
    duration = meeting.ends_at - meeting.starts_at
    if not meeting.recurrence:
        single = Occurrence(None, meeting.starts_at, meeting.ends_at, meeting.status, meeting.sequence)
        return [single] if _overlaps(single, start, end) else []
    overrides = {o.recurrence_id: o for o in meeting.overrides}
    found: list[Occurrence] = []
    for original in recurrence.starts(meeting.recurrence, starts_at=meeting.starts_at, timezone=meeting.timezone):
        override = overrides.get(original)
        if override is not None:
            item = Occurrence(original, override.starts_at, override.ends_at, override.status, override.sequence)
        else:
            item = Occurrence(original, original, original + duration, "scheduled", meeting.sequence)
        if meeting.status == "cancelled":
            item = Occurrence(item.recurrence_id, item.starts_at, item.ends_at, "cancelled", item.sequence)
        if _overlaps(item, start, end):
            found.append(item)
    return sorted(found, key=lambda o: (o.starts_at, o.recurrence_id or o.starts_at))


def _overlaps(item: Occurrence, start: datetime, end: datetime) -> bool:
    return item.starts_at < end.astimezone(UTC) and item.ends_at > start.astimezone(UTC)


def upcoming_occurrences(meeting: Meeting, after: datetime, limit: int) -> list[Occurrence]:
    """The first ``limit`` occurrences still running after ``after``, cancelled ones included
    (people must see that a date they remember is off)."""
    return occurrences(meeting, after, datetime.max.replace(tzinfo=UTC))[:limit]


def find_occurrence(meeting: Meeting, recurrence_id: datetime) -> Occurrence:
    """The occurrence of a series whose original start is ``recurrence_id``, overrides applied.
    Raises NotFound when the meeting does not recur or has no such occurrence."""
    original = recurrence_id.astimezone(UTC)
    if meeting.recurrence:
        for item in occurrences(meeting, datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)):
            if item.recurrence_id == original:
                return item
    raise NotFound(f"Meeting {meeting.id} has no occurrence starting at {original.isoformat()}.")


def series_end(meeting_fields: dict[str, object]) -> datetime:
    """End of the last occurrence of a meeting described by ``starts_at``, ``ends_at``,
    ``timezone`` and ``recurrence`` (the value of ``Meeting.series_ends_at``)."""
    starts_at, ends_at = meeting_fields["starts_at"], meeting_fields["ends_at"]
    assert isinstance(starts_at, datetime) and isinstance(ends_at, datetime)
    rule = meeting_fields.get("recurrence")
    if not rule:
        return ends_at
    last = recurrence.starts(str(rule), starts_at=starts_at, timezone=str(meeting_fields["timezone"]))[-1]
    return last + (ends_at - starts_at)


def is_following(session: Session, meeting_id: int, actor: Actor | None) -> bool:
    """Whether the acting user follows the meeting."""
    if actor is None or actor.user_id is None:
        return False
    return session.get(Follower, (meeting_id, actor.user_id)) is not None


def rsvp_entities(session: Session, meeting: Meeting, actor: Actor | None) -> list[str]:
    """Acronyms ``actor`` may answer for: any invitee (or any entity, when the meeting names
    no invitees) for the secretariat; its own entity, if invited, for a focal point."""
    if actor is None or meeting.status != "scheduled":
        return []
    invited = [e.acronym for e in meeting.invitees]
    if actor.role in STAFF:
        return invited or list(session.scalars(sa.select(Entity.acronym).order_by(Entity.acronym)))
    if actor.role != "focal_point" or actor.entity_id is None:
        return []
    own = session.get(Entity, actor.entity_id)
    if own is None or (invited and own.acronym not in invited):
        return []
    return [own.acronym]
