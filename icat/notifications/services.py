"""Notification rules: the secretariat retries a failed delivery; people mark their notices read."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, outbox
from icat.core.actor import Actor
from icat.core.errors import Conflict, NotFound
from icat.core.permissions import SIGNED_IN, STAFF, require_role
from icat.notifications.events import DeliveryRetried
from icat.notifications.models import Delivery, Notice


def _not_retryable(row: Delivery) -> Conflict:
    return Conflict(
        _l("Delivery %(id)s is %(status)s: only a failed delivery can be retried.", id=row.id, status=row.status),
        rule="deliveries.retry_not_failed",
    )


def retry_delivery(session: Session, *, actor: Actor | None, delivery_id: int) -> Delivery:
    """Put a failed delivery back in the queue, due now, with its attempts reset.

    Raises Unauthorized/Forbidden (secretariat and admins only), NotFound, Conflict (only a
    failed delivery can be retried). Emits DeliveryRetried. A delivery whose event has
    started meanwhile will be skipped by the dispatcher, never sent late.
    """
    require_role(actor, STAFF, _l("retry deliveries"))
    row = session.get(Delivery, delivery_id)
    if row is None:
        raise NotFound(_l("No delivery %(id)s.", id=delivery_id), rule="deliveries.delivery_unknown")
    if row.status != "failed":
        raise _not_retryable(row)
    now = clock.now()
    row.status, row.attempts, row.lease_until, row.due_at, row.updated_at = "pending", 0, None, now, now
    outbox.record(session, DeliveryRetried(delivery_id=row.id, key=row.key), actor=actor)
    return row


def mark_notice_read(session: Session, *, actor: Actor | None, notice_id: int) -> Notice:
    """Mark one of the actor's own notices read (once: a second time keeps the first moment).
    Raises Unauthorized, NotFound (no such notice, or someone else's)."""
    actor = require_role(actor, SIGNED_IN, _l("read your inbox"))
    notice = session.get(Notice, notice_id)
    if notice is None or notice.user_id != actor.user_id:
        raise NotFound(_l("No notice %(id)s in your inbox.", id=notice_id), rule="notices.unknown")
    if notice.read_at is None:
        notice.read_at = clock.now()
    return notice


def mark_all_read(session: Session, *, actor: Actor | None) -> int:
    """Mark every unread notice of the actor read; returns how many. Raises Unauthorized."""
    actor = require_role(actor, SIGNED_IN, _l("read your inbox"))
    result = session.execute(
        sa.update(Notice)
        .where(Notice.user_id == actor.user_id, Notice.read_at.is_(None))
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
