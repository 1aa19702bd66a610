"""Notification rules the secretariat acts on: retrying a failed delivery."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.core import clock, outbox
from icat.core.actor import Actor
from icat.core.errors import Conflict, NotFound
from icat.core.permissions import STAFF, require_role
from icat.notifications.events import DeliveryRetried
from icat.notifications.models import Delivery


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
