"""Inbox notices for the rotation: a term began, or a coming year has no co-chairs."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.accounts.models import User
from icat.core import clock
from icat.core.permissions import FOCAL_POINTS, STAFF
from icat.notifications.models import Notice
from icat.rotation.events import ChairTermMissing, ChairTermStarted


def _notify(session: Session, roles: frozenset[str], kind: str, params: dict) -> None:
    users = session.scalars(sa.select(User.id).where(User.role.in_(sorted(roles)), User.is_active))
    now = clock.now()
    session.add_all(Notice(user_id=uid, kind=kind, params=params, created_at=now) for uid in users)


def notify_term_started(session: Session, event: ChairTermStarted) -> None:
    """Focal points, the secretariat and admins learn who chairs ICAT this year."""
    params = {"year": event.year, "chairs": event.chairs}
    _notify(session, FOCAL_POINTS | STAFF, "chair_term_started", params)


def notify_term_missing(session: Session, event: ChairTermMissing) -> None:
    """The secretariat and admins are told a year is near and nobody is recorded to chair it."""
    params = {"year": event.year, "days_before": event.days_before}
    _notify(session, STAFF, "chair_term_missing", params)
