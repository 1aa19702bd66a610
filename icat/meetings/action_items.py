"""Action items across meetings: what each entity agreed to do, which are open or overdue,
and marking one done (its owner entity's focal point, or the secretariat)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, edits, outbox
from icat.core.actor import Actor
from icat.core.errors import Forbidden, NotFound, ValidationError
from icat.core.permissions import FOCAL_POINT, SIGNED_IN, STAFF, require_role
from icat.meetings.access import can_see, visible_clause
from icat.meetings.events import ActionItemMarked
from icat.meetings.models import ActionItem, Meeting
from icat.meetings.services import touch
from icat.registry.models import Entity


@dataclass(frozen=True)
class ActionItemFilter:
    """``entity``: the owner's acronym; ``open_only``: not done yet."""

    entity: str | None = None
    open_only: bool | None = None


def is_overdue(item: ActionItem, today: date | None = None) -> bool:
    """Open, with a due date before today."""
    return not item.done and item.due_on is not None and item.due_on < (today or clock.today())


def list_action_items(
    session: Session, *, actor: Actor | None, flt: ActionItemFilter, limit: int = 100, after: list | None = None
) -> Sequence[ActionItem]:
    """Action items of the meetings ``actor`` may see, by owner entity (acronym; no owner
    last), then due date (none last), then id; ``after`` is the previous page's last key
    ``[acronym, due_on, id]``. Raises Unauthorized (sign in first), ValidationError (an
    unknown entity)."""
    actor = require_role(actor, SIGNED_IN, _l("see action items"))
    query = (
        sa.select(ActionItem)
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .outerjoin(Entity, Entity.id == ActionItem.owner_entity_id)
        .where(visible_clause(actor), Meeting.status != "proposed")
    )
    if flt.entity:
        entity_id = session.scalar(sa.select(Entity.id).where(Entity.acronym == flt.entity))
        if entity_id is None:
            raise ValidationError(
                _l("Unknown entity."),
                fields={"entity": [_l("No entity %(a)s.", a=flt.entity)]},
                rule="actions.entity_unknown",
            )
        query = query.where(ActionItem.owner_entity_id == entity_id)
    if flt.open_only is not None:
        query = query.where(ActionItem.done.is_(not flt.open_only))
    rows = session.scalars(query).unique().all()
    ordered = sorted(rows, key=sort_key)
    if after is not None:
        ordered = [row for row in ordered if sort_key(row) > tuple(after)]
    return ordered[:limit]


def sort_key(item: ActionItem) -> tuple[str, str, int]:
    """Owner (none last), due date (none last), id: the page order and the cursor."""
    owner = item.owner.acronym if item.owner else "\uffff"
    return owner, item.due_on.isoformat() if item.due_on else "9999-12-31", item.id


def may_mark(actor: Actor | None, item: ActionItem) -> bool:
    """The secretariat, or a focal point of the item's owner entity."""
    if actor is None:
        return False
    if actor.role in STAFF:
        return True
    return actor.role == FOCAL_POINT and item.owner_entity_id is not None and actor.entity_id == item.owner_entity_id


def get_action_item(session: Session, item_id: int, *, actor: Actor | None) -> ActionItem:
    """The item, if ``actor`` may see its meeting; NotFound otherwise."""
    item = session.get(ActionItem, item_id)
    if item is None or item.meeting.status == "proposed" or not can_see(actor, item.meeting):
        raise NotFound(_l("No action item %(id)s.", id=item_id), rule="actions.unknown")
    return item


def mark_action_item(
    session: Session, *, actor: Actor | None, item_id: int, done: bool, version: int | None
) -> ActionItem:
    """Mark an action item done (or open again) at ``version``.

    Raises Unauthorized, NotFound (an item of a meeting the actor may not see), Forbidden
    (not the owner entity's focal point nor the secretariat), ValidationError (no version),
    StaleVersion (another version). Emits ActionItemMarked; nothing when nothing changes."""
    actor = require_role(actor, SIGNED_IN, _l("mark action items done"))
    item = get_action_item(session, item_id, actor=actor)
    if not may_mark(actor, item):
        raise Forbidden(
            _l("Only a focal point of the owner entity, or the secretariat, marks this item done."),
            rule="actions.mark_forbidden",
        )
    edits.check_version(item, version, label=f"Action item {item_id}")
    if item.done == done:
        return item
    item.done, item.done_at, item.done_by = done, clock.now() if done else None, actor.user_id if done else None
    # The meeting's JSON and its minutes form show the mark: the meeting's version moves
    # too, so a minutes form opened before cannot silently undo it (StaleVersion).
    touch(item.meeting)
    session.flush()
    owner = item.owner.acronym if item.owner else None
    event = ActionItemMarked(
        meeting_id=item.meeting_id, action_item_id=item.id, owner=owner, done=done, version=item.version
    )
    outbox.record(session, event, actor=actor)
    return item
