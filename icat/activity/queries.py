"""Reading the activity log (the outbox). Secretariat and admins only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.core.actor import Actor
from icat.core.errors import ValidationError
from icat.core.outbox import OutboxEvent
from icat.core.permissions import STAFF, require_role
from icat.meetings.models import meeting_invitees
from icat.registry.models import Entity


def list_events(
    session: Session, *, actor: Actor | None, after: int = 0, limit: int = 50, subject: str | None = None
) -> Sequence[OutboxEvent]:
    """Events with id > ``after``, oldest first. Raises Unauthorized/Forbidden for others."""
    require_role(actor, STAFF, _l("read the activity log"))
    query = sa.select(OutboxEvent).where(OutboxEvent.id > after).order_by(OutboxEvent.id).limit(limit)
    if subject:
        query = query.where(OutboxEvent.subject == subject)
    return session.scalars(query).all()


def recent_events(session: Session, *, actor: Actor | None, limit: int = 100) -> Sequence[OutboxEvent]:
    """The newest events first, for the activity page."""
    require_role(actor, STAFF, _l("read the activity log"))
    return session.scalars(sa.select(OutboxEvent).order_by(OutboxEvent.id.desc()).limit(limit)).all()


# Areas of the activity page, by the prefix of their events' subjects (``meeting:42``).
AREAS = {
    "meetings": "meeting",
    "registry": "entity",
    "rotation": "chair-term",
    "observances": "observance",
    "accounts": "user",
    "notifications": "delivery",
    "publications": "publication",
    "workplan": "workplan",
}


@dataclass(frozen=True)
class ActivityFilter:
    """``area``: a key of AREAS; ``entity``: events about an entity, by its people, or about
    meetings it is invited to; ``actor``: text in who did it (name or address);
    ``since``/``until``: the instants the events fall between (until excluded)."""

    area: str | None = None
    entity: str | None = None
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _about_entity(session: Session, acronym: str) -> sa.ColumnElement[bool]:
    entity_id = session.scalar(sa.select(Entity.id).where(Entity.acronym == acronym))
    if entity_id is None:
        raise ValidationError(
            _l("Unknown entity."),
            fields={"entity": [_l("No entity %(a)s.", a=acronym)]},
            rule="activity.entity_unknown",
        )
    people = sa.select(User.id).where(User.entity_id == entity_id)
    invited = sa.select(sa.literal("meeting:").concat(sa.cast(meeting_invitees.c.meeting_id, sa.String))).where(
        meeting_invitees.c.entity_id == entity_id
    )
    return sa.or_(
        OutboxEvent.subject == f"entity:{acronym}", OutboxEvent.actor_id.in_(people), OutboxEvent.subject.in_(invited)
    )


def search_events(
    session: Session, *, actor: Actor | None, flt: ActivityFilter, before: int | None = None, limit: int = 50
) -> Sequence[OutboxEvent]:
    """Events matching ``flt``, newest first; ``before``: only older ones (the next page).
    Raises Unauthorized/Forbidden (secretariat and admins only), ValidationError (an
    unknown entity or area)."""
    require_role(actor, STAFF, _l("read the activity log"))
    query = sa.select(OutboxEvent).order_by(OutboxEvent.id.desc()).limit(limit)
    if flt.area:
        if flt.area not in AREAS:
            raise ValidationError(
                _l("Unknown area."),
                fields={"area": [_l("Not an area of the workspace.")]},
                rule="activity.area_unknown",
            )
        query = query.where(OutboxEvent.subject.startswith(f"{AREAS[flt.area]}:", autoescape=True))
    if flt.entity:
        query = query.where(_about_entity(session, flt.entity))
    if flt.actor:
        query = query.where(OutboxEvent.actor_label.icontains(flt.actor, autoescape=True))
    if flt.since:
        query = query.where(OutboxEvent.occurred_at >= flt.since)
    if flt.until:
        query = query.where(OutboxEvent.occurred_at < flt.until)
    if before is not None:
        query = query.where(OutboxEvent.id < before)
    return session.scalars(query).all()
