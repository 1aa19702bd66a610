"""Sending due deliveries: claim with a lease, send, settle — exactly once per key.

A worker claims due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, one UPDATE under the
write lock on SQLite) and marks them ``sending`` with a lease; after the SMTP server
accepted a message the row becomes ``sent`` in its own transaction, together with the
recipient's inbox notice. A worker killed mid-send leaves a lease that expires, and the
row is sent again by another worker: the only duplicates possible are messages the SMTP
server had accepted at the instant of the kill, recognisable by their Message-ID.
"""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core import clock
from icat.notifications.models import Delivery, Notice

log = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]
Renderer = Callable[[Session, Delivery], EmailMessage]


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class DispatchConfig:
    worker_id: str
    batch_size: int = 100
    lease_seconds: int = 120
    max_attempts: int = 5
    backoff_seconds: int = 60  # doubled after each failed try


@dataclass
class DispatchStats:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0


def claim(session_factory: SessionFactory, cfg: DispatchConfig) -> tuple[str, list[int]]:
    """Lease up to ``batch_size`` due rows (oldest due first); returns the claim token and ids.

    Due: pending (and not backing off) or ``sending`` under an expired lease (its worker died).
    """
    now, token = clock.now(), f"{cfg.worker_id}:{uuid.uuid4().hex}"
    due = (
        sa.select(Delivery.id)
        .where(
            Delivery.status.in_(("pending", "sending")),
            Delivery.due_at <= now,
            sa.or_(Delivery.lease_until.is_(None), Delivery.lease_until < now),
        )
        .order_by(Delivery.due_at, Delivery.id)
        .limit(cfg.batch_size)
        .with_for_update(skip_locked=True)
    )
    with session_factory() as session:
        # RETURNING: finding the rows again by token would scan the whole table (no index).
        rows = session.execute(
            sa.update(Delivery)
            .where(Delivery.id.in_(due))
            .values(status="sending", lease_until=now + timedelta(seconds=cfg.lease_seconds), claimed_by=token)
            .returning(Delivery.id, Delivery.due_at)
            .execution_options(synchronize_session=False)
        ).all()
        session.commit()
        return token, [row.id for row in sorted(rows, key=lambda r: (r.due_at, r.id))]


def _settle(
    session: Session, row: Delivery, status: str, error: str | None = None, retry_at: datetime | None = None
) -> None:
    """Leave ``sending`` for good (or, with ``retry_at``, back to pending until then)."""
    now = clock.now()
    row.status, row.last_error, row.updated_at = status, error, now
    row.lease_until, row.claimed_by = retry_at, None
    if status == "sent":
        row.sent_at = now
        if row.user_id is not None:  # the same message lands in the in-app inbox
            session.add(Notice(user_id=row.user_id, kind=row.kind, params=row.params, created_at=now))
    session.commit()


def _retry_or_fail(session: Session, row: Delivery, error: str, cfg: DispatchConfig) -> str:
    row.attempts += 1
    if row.attempts >= cfg.max_attempts:
        _settle(session, row, "failed", error)
        return "failed"
    retry_at = clock.now() + timedelta(seconds=cfg.backoff_seconds * 2 ** (row.attempts - 1))
    _settle(session, row, "pending", error, retry_at=retry_at)
    return "retried"


def stale_reason(row: Delivery) -> str | None:
    """Why a row must not be sent now, or None."""
    if row.not_after is not None and clock.now() >= row.not_after:
        return "too late: the event it announces has started"
    if not row.email:
        return row.last_error or "no email address for this recipient"
    return None


def _deliver_one(session: Session, row: Delivery, mailer: Mailer, render: Renderer, cfg: DispatchConfig) -> str:
    if reason := stale_reason(row):
        log.info("delivery %s skipped: %s", row.key, reason)
        _settle(session, row, "skipped", reason)
        return "skipped"
    try:
        message = render(session, row)
    except Exception as exc:  # a rendering bug must not leave the row leased forever
        log.exception("delivery %s could not be rendered", row.key)
        return _retry_or_fail(session, row, f"rendering failed: {type(exc).__name__}: {exc}", cfg)
    try:
        mailer.send(message)
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("delivery %s: SMTP error %s", row.key, exc)
        return _retry_or_fail(session, row, f"{type(exc).__name__}: {exc}", cfg)
    _settle(session, row, "sent")
    return "sent"


def _renew(session: Session, token: str, cfg: DispatchConfig) -> None:
    """Extend the lease on what this batch still holds, so nobody re-claims rows we are
    about to send just because the batch takes longer than one lease."""
    session.execute(
        sa.update(Delivery)
        .where(Delivery.claimed_by == token, Delivery.status == "sending")
        .values(lease_until=clock.now() + timedelta(seconds=cfg.lease_seconds))
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _send_batch(
    session: Session, token: str, ids: list[int], mailer: Mailer, render: Renderer, cfg: DispatchConfig
) -> DispatchStats:
    stats, renewed = DispatchStats(claimed=len(ids)), time.monotonic()
    for delivery_id in ids:
        if time.monotonic() - renewed > cfg.lease_seconds / 3:
            _renew(session, token, cfg)
            renewed = time.monotonic()
        row = session.get(Delivery, delivery_id, populate_existing=True)  # fresh: who holds it now?
        if row is None or row.claimed_by != token or row.status != "sending":
            continue  # lease lost to another worker after a stall longer than a lease
        outcome = _deliver_one(session, row, mailer, render, cfg)
        setattr(stats, outcome, getattr(stats, outcome) + 1)
    return stats


def deliver(
    session_factory: SessionFactory, mailer_factory: Callable[[], Mailer], render: Renderer, cfg: DispatchConfig
) -> DispatchStats:
    """Send everything due, batch after batch, over one SMTP connection per batch."""
    total = DispatchStats()
    while True:
        token, ids = claim(session_factory, cfg)
        if not ids:
            return total
        mailer = mailer_factory()
        try:
            with session_factory() as session:
                stats = _send_batch(session, token, ids, mailer, render, cfg)
        finally:
            mailer.close()
        for name in ("claimed", "sent", "skipped", "retried", "failed"):
            setattr(total, name, getattr(total, name) + getattr(stats, name))
