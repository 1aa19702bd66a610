"""The transactional outbox and its relay.

``record()`` adds an event row to the caller's session, so the state change and the event
commit together or not at all. The relay (run by the worker) claims pending rows with a
lease and runs each handler in its own transaction together with a ``HandlerRun`` row whose
primary key is (event, handler): a handler's effects commit exactly once per event, however
many workers race for it and however often a crashed worker's lease expires.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from icat.core import clock, leases
from icat.core.actor import Actor
from icat.core.db import Base
from icat.core.events import Event, event_class

log = logging.getLogger(__name__)

# Handlers take the concrete event class they are registered for.
Handler = Callable[[Session, Any], None]
HandlerTable = Mapping[type[Event], Sequence[Handler]]
SessionFactory = Callable[[], Session]

# BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class OutboxEvent(Base):
    """One domain event; also the append-only activity log (who did what, when)."""

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(80), index=True)
    payload: Mapped[dict[str, Any]]
    subject: Mapped[str | None] = mapped_column(sa.String(120), index=True)
    occurred_at: Mapped[datetime]
    actor_id: Mapped[int | None]
    actor_label: Mapped[str] = mapped_column(sa.String(254))
    available_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(sa.String(120))
    processed_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        # The relay's scan reads only unfinished rows; keep that index small on PostgreSQL.
        sa.Index(
            "ix_outbox_events_pending",
            "available_at",
            postgresql_where=sa.text("processed_at IS NULL AND failed_at IS NULL"),
            sqlite_where=sa.text("processed_at IS NULL AND failed_at IS NULL"),
        ),
    )

    def to_event(self) -> Event:
        return event_class(self.type).from_payload(self.payload)


OUTBOX: sa.Table = OutboxEvent.__table__  # type: ignore[assignment]  # the leases work on the table


class HandlerRun(Base):
    """Proof that one handler's effects for one event were committed."""

    __tablename__ = "outbox_handler_runs"

    event_id: Mapped[int] = mapped_column(
        BigId, sa.ForeignKey("outbox_events.id", ondelete="CASCADE"), primary_key=True
    )
    handler: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    ran_at: Mapped[datetime]


def record(session: Session, event: Event, *, actor: Actor) -> OutboxEvent:
    """Add ``event`` to the session's transaction; it is stored only if the caller commits."""
    now = clock.now()
    row = OutboxEvent(
        type=event.type_name(),
        payload=event.to_payload(),
        subject=event.subject_key(),
        occurred_at=now,
        available_at=now,
        actor_id=actor.user_id,
        actor_label=actor.label,
        attempts=0,
    )
    session.add(row)
    return row


def handler_name(handler: Handler) -> str:
    """The stable name a handler is known by in ``outbox_handler_runs``."""
    qualname = getattr(handler, "__qualname__", type(handler).__qualname__)  # functions or callables
    return f"{handler.__module__}.{qualname}"


@dataclass
class RelayStats:
    claimed: int = 0
    processed: int = 0
    retried: int = 0
    failed: int = 0


@dataclass(frozen=True)
class RelayConfig:
    worker_id: str
    batch_size: int = 50
    lease_seconds: int = 60
    max_attempts: int = 10


@dataclass(frozen=True)
class ClaimedEvent:
    """A leased outbox row, read once at claim time."""

    id: int
    type: str
    payload: dict[str, Any]
    token: str  # the claim's, to settle only rows it still holds
    occurred_at: datetime  # when the change happened, however late the relay runs


def claim(session_factory: SessionFactory, cfg: RelayConfig) -> list[ClaimedEvent]:
    """Lease up to ``batch_size`` due rows to this worker and return them, oldest first
    (``core.leases.claim``: concurrent workers take disjoint rows without waiting)."""
    now = clock.now()
    with session_factory() as session:
        rows = leases.claim(
            session,
            OUTBOX,
            due=(OUTBOX.c.processed_at.is_(None), OUTBOX.c.failed_at.is_(None), OUTBOX.c.available_at <= now),
            order_by=(OUTBOX.c.id,),
            limit=cfg.batch_size,
            token=leases.new_token(cfg.worker_id),
            lease_seconds=cfg.lease_seconds,
            returning=(OUTBOX.c.id, OUTBOX.c.type, OUTBOX.c.payload, OUTBOX.c.claimed_by, OUTBOX.c.occurred_at),
            now=now,
        )
        session.commit()
        return sorted((ClaimedEvent(*row[:4], _aware(row[4])) for row in rows), key=lambda c: c.id)


def _aware(moment: datetime) -> datetime:
    """A RETURNING column skips the ORM type: SQLite hands back a naive UTC value (or text)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


_EVENT_TIME: ContextVar[datetime | None] = ContextVar("icat_event_time", default=None)


def event_time() -> datetime:
    """When the event a handler is running for happened (its outbox row's ``occurred_at``);
    ``clock.now()`` outside the relay. Handlers that plan relative to "now" use this, so a
    relay that runs late (every worker down for a while) plans what the change asked for
    at the moment it was made, not what is still ahead when the worker comes back."""
    return _EVENT_TIME.get() or clock.now()


def _run_handler(session_factory: SessionFactory, event_id: int, event: Event, handler: Handler) -> None:
    """Run one handler once: its effects and its HandlerRun row commit together."""
    with session_factory() as session:
        session.add(HandlerRun(event_id=event_id, handler=handler_name(handler), ran_at=clock.now()))
        try:
            session.flush()
        except IntegrityError:
            session.rollback()  # another worker (or an earlier try) already committed it
            return
        handler(session, event)
        session.commit()


def _mark_processed(session_factory: SessionFactory, rows: list[ClaimedEvent]) -> int:
    """One UPDATE per claim: if the worker dies before it, the rows are claimed again and
    their handlers are skipped by their run rows, so nothing runs twice. A row whose lease
    another worker took over meanwhile is left to that worker to settle. Returns how many
    rows this worker settled."""
    by_token: dict[str, list[int]] = {}
    for row in rows:
        by_token.setdefault(row.token, []).append(row.id)
    if not by_token:
        return 0
    with session_factory() as session:
        now = clock.now()
        settled = sum(leases.release(session, OUTBOX, token, ids, processed_at=now) for token, ids in by_token.items())
        session.commit()
        return settled


def _record_failure(session_factory: SessionFactory, event_id: int, error: str, cfg: RelayConfig) -> str:
    """Schedule a retry with exponential backoff, or give the row up as failed (visible)."""
    now = clock.now()
    with session_factory() as session:
        row = session.get(OutboxEvent, event_id)
        assert row is not None  # rows are never deleted while pending
        row.lease_until, row.claimed_by = None, None
        row.attempts += 1
        row.last_error = error[:2000]
        if row.attempts >= cfg.max_attempts:
            row.failed_at, outcome = now, "failed"
        else:
            row.available_at, outcome = now + timedelta(seconds=min(2**row.attempts, 3600)), "retried"
        session.commit()
        return outcome


def _run_all(session_factory: SessionFactory, row: ClaimedEvent, handlers: HandlerTable) -> str | None:
    """Run every handler for one row; returns the error text, or None when all succeeded."""
    try:
        event = event_class(row.type).from_payload(row.payload)
        token = _EVENT_TIME.set(row.occurred_at)
        try:
            for handler in handlers.get(type(event), ()):
                _run_handler(session_factory, row.id, event, handler)
        finally:
            _EVENT_TIME.reset(token)
    except Exception as exc:  # a handler bug must not stop the relay for everyone else
        log.exception("outbox event %s (%s) failed", row.id, row.type)
        return f"{type(exc).__name__}: {exc}"
    return None


def process(
    session_factory: SessionFactory, rows: list[ClaimedEvent], handlers: HandlerTable, cfg: RelayConfig
) -> RelayStats:
    """Run the handlers of claimed rows, then settle them: processed, retried or failed."""
    stats, done = RelayStats(claimed=len(rows)), []
    for row in rows:
        error = _run_all(session_factory, row, handlers)
        if error is None:
            done.append(row)
        else:
            outcome = _record_failure(session_factory, row.id, error, cfg)
            setattr(stats, outcome, getattr(stats, outcome) + 1)
    stats.processed = _mark_processed(session_factory, done)
    return stats


def relay(session_factory: SessionFactory, handlers: HandlerTable, cfg: RelayConfig) -> RelayStats:
    """Claim and process batches until nothing is due. Safe to run in many processes at once."""
    total = RelayStats()
    while rows := claim(session_factory, cfg):
        stats = process(session_factory, rows, handlers, cfg)
        for name in ("claimed", "processed", "retried", "failed"):
            setattr(total, name, getattr(total, name) + getattr(stats, name))
    return total
