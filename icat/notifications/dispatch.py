"""Sending due deliveries: claim with a lease, send, settle — exactly once per key.

A worker claims due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, one UPDATE under the
write lock on SQLite) and marks them ``sending`` with a lease; the claim returns everything
the send path reads, so nothing is read again per message. After the SMTP server accepted a
message the row becomes ``sent`` in its own transaction, together with the recipient's inbox
notice, before the next message is accepted (the commit runs in a background thread and
overlaps the next message's envelope; see ``_Recorder``). A worker killed mid-send leaves
a lease that expires, and the row is sent again by another worker: the only duplicate
possible is the one message the SMTP server had accepted at the instant of the kill,
recognisable by its Message-ID.

The lease, not a re-read, proves the rows are still ours: it is renewed while the batch
runs, and only the rows the renewal returns are sent.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core import clock, leases
from icat.notifications.models import Delivery, Notice

log = logging.getLogger(__name__)

DELIVERIES, NOTICES = Delivery.__table__, Notice.__table__


@dataclass(frozen=True)
class ClaimedDelivery:
    """A leased delivery as the claim returned it: all that rendering and settling read."""

    id: int
    key: str
    kind: str
    user_id: int | None
    email: str | None
    params: dict[str, Any]
    not_after: datetime | None
    attempts: int
    last_error: str | None


CLAIMED_COLUMNS = [DELIVERIES.c[f.name] for f in fields(ClaimedDelivery)]


@dataclass(frozen=True)
class Outgoing:
    """One rendered message: the envelope and the bytes handed to SMTP as they are."""

    sender: str
    recipient: str
    message_id: str
    data: bytes


# Given a batch (and a session to look things up), a function rendering each of its rows.
Renderer = Callable[[Session, list[ClaimedDelivery]], Callable[[ClaimedDelivery], Outgoing]]


class Mailer(Protocol):
    def send(self, message: Outgoing, before_data: Callable[[], None]) -> None:
        """Send, calling ``before_data`` after the envelope is accepted, before DATA."""

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

    def add(self, other: DispatchStats) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def claim(engine: sa.Engine, cfg: DispatchConfig) -> tuple[str, list[ClaimedDelivery]]:
    """Lease up to ``batch_size`` due rows (oldest due first) as ``sending``; returns the claim
    token and rows (``core.leases.claim``, which returns the columns the send path reads).

    Due: pending (and not backing off) or ``sending`` under an expired lease (its worker died).
    """
    now, token = clock.now(), leases.new_token(cfg.worker_id)
    with engine.begin() as conn:
        rows = list(
            leases.claim(
                conn,
                DELIVERIES,
                due=(DELIVERIES.c.status.in_(("pending", "sending")), DELIVERIES.c.due_at <= now),
                order_by=(DELIVERIES.c.due_at, DELIVERIES.c.id),
                limit=cfg.batch_size,
                token=token,
                lease_seconds=cfg.lease_seconds,
                returning=(DELIVERIES.c.due_at, *CLAIMED_COLUMNS),
                now=now,
                values={"status": "sending"},
            )
        )
    rows.sort(key=lambda r: (r.due_at, r.id))
    return token, [ClaimedDelivery(**{f.name: getattr(r, f.name) for f in fields(ClaimedDelivery)}) for r in rows]


def _mark_statements() -> tuple[sa.Executable, sa.Executable]:
    """Built once (bound parameters ``delivery_id``, ``token``, ``now``): building SQLAlchemy
    statements anew for every message was a visible share of the send path's time."""
    now = sa.bindparam("now", type_=DELIVERIES.c.sent_at.type)
    done = (
        sa.update(DELIVERIES)
        .where(
            DELIVERIES.c.id == sa.bindparam("delivery_id"),
            DELIVERIES.c.claimed_by == sa.bindparam("token"),
            DELIVERIES.c.status == "sending",
        )
        .values(status="sent", sent_at=now, updated_at=now, last_error=None, lease_until=None, claimed_by=None)
        .returning(DELIVERIES.c.user_id, DELIVERIES.c.kind, DELIVERIES.c.params)
    )
    sent = done.cte("sent")
    inbox = sa.select(sent.c.user_id, sent.c.kind, sent.c.params, now).where(sent.c.user_id.is_not(None))
    return done, sa.insert(NOTICES).from_select(["user_id", "kind", "params", "created_at"], inbox)


MARK_SENT, MARK_SENT_WITH_NOTICE = _mark_statements()


def _mark_sent(conn: sa.Connection, token: str, delivery_id: int) -> None:
    """Mark the row sent and put the same message in the recipient's inbox, atomically.

    On PostgreSQL this is one statement (the UPDATE in a CTE feeding the INSERT) committed
    on its own: one round trip per message instead of four, the largest cost of the send
    path next to SMTP (bench/deliveries.py). SQLite has no data-modifying CTEs, so there it
    is two statements in one local transaction.
    """
    params = {"delivery_id": delivery_id, "token": token, "now": clock.now()}
    if conn.dialect.name == "postgresql":
        conn.execute(MARK_SENT_WITH_NOTICE, params)
        return
    with conn.begin():
        row = conn.execute(MARK_SENT, params).first()
        if row is not None and row.user_id is not None:
            notice = {"user_id": row.user_id, "kind": row.kind, "params": row.params, "created_at": params["now"]}
            conn.execute(sa.insert(NOTICES).values(notice))


class _Recorder:
    """Commits sent-marks on a connection of its own, in a background thread.

    A mark's commit (a round trip plus a WAL flush on PostgreSQL) then overlaps the next
    message's rendering and SMTP envelope instead of adding to them: the SMTP client waits
    for the previous mark just before DATA (``settled`` is its ``before_data`` hook). So at
    any instant at most one message the SMTP server accepted is not yet recorded as sent:
    the guarantee of marking each message before sending the next, without its cost.
    """

    def __init__(self, engine: sa.Engine, token: str) -> None:
        self.engine, self.token = engine, token
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="icat-marks")
        self.conn: sa.Connection | None = None  # opened and used in the thread only
        self.pending: Future[None] | None = None

    def record(self, delivery_id: int) -> None:
        self.settled()
        self.pending = self.thread.submit(self._mark, delivery_id)

    def settled(self) -> None:
        """Wait until the last mark is committed; its failure is raised here."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()

    def close(self) -> None:
        try:
            self.settled()
        finally:
            self.thread.submit(self._disconnect).result()
            self.thread.shutdown()

    def _mark(self, delivery_id: int) -> None:
        if self.conn is None:
            self.conn = _autocommit(self.engine.connect())
        _mark_sent(self.conn, self.token, delivery_id)

    def _disconnect(self) -> None:
        if self.conn is not None:
            self.conn.close()


def _settle(
    conn: sa.Connection, token: str, item: ClaimedDelivery, status: str, error: str, retry_at: datetime | None = None
) -> None:
    """Leave ``sending`` without sending: skipped or failed for good, or (``retry_at``) back
    to pending until then. Only a row this claim still holds: never undo another worker's."""
    now = clock.now()
    with conn.begin():
        leases.release(
            conn,
            DELIVERIES,
            token,
            [item.id],
            where=(DELIVERIES.c.status == "sending",),
            status=status,
            last_error=error,
            updated_at=now,
            attempts=DELIVERIES.c.attempts + (0 if status == "skipped" else 1),
            lease_until=retry_at,
        )


def _retry_or_fail(conn: sa.Connection, token: str, item: ClaimedDelivery, error: str, cfg: DispatchConfig) -> str:
    attempts = item.attempts + 1
    if attempts >= cfg.max_attempts:
        _settle(conn, token, item, "failed", error)
        return "failed"
    retry_at = clock.now() + timedelta(seconds=cfg.backoff_seconds * 2 ** (attempts - 1))
    _settle(conn, token, item, "pending", error, retry_at=retry_at)
    return "retried"


def stale_reason(item: ClaimedDelivery) -> str | None:
    """Why a row must not be sent now, or None."""
    if item.not_after is not None and clock.now() >= item.not_after:
        return "too late: the event it announces has started"
    if not item.email:
        return item.last_error or "no email address for this recipient"
    return None


@dataclass
class _Batch:
    conn: sa.Connection
    recorder: _Recorder
    token: str
    mailer: Mailer
    render: Callable[[ClaimedDelivery], Outgoing]
    cfg: DispatchConfig


def _deliver_one(batch: _Batch, item: ClaimedDelivery) -> str:
    conn, token, cfg = batch.conn, batch.token, batch.cfg
    if reason := stale_reason(item):
        log.info("delivery %s skipped: %s", item.key, reason)
        _settle(conn, token, item, "skipped", reason)
        return "skipped"
    try:
        message = batch.render(item)
    except Exception as exc:  # a rendering bug must not leave the row leased forever
        log.exception("delivery %s could not be rendered", item.key)
        return _retry_or_fail(conn, token, item, f"rendering failed: {type(exc).__name__}: {exc}", cfg)
    try:
        batch.mailer.send(message, batch.recorder.settled)
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("delivery %s: SMTP error %s", item.key, exc)
        return _retry_or_fail(conn, token, item, f"{type(exc).__name__}: {exc}", cfg)
    batch.recorder.record(item.id)
    return "sent"


class _Lease:
    """What this claim still holds, renewed every third of a lease while the batch runs.

    A worker that stalled for longer than a lease (a paused VM, a swapped-out process) finds
    out at the next renewal, which returns only the rows nobody re-claimed meanwhile.
    """

    def __init__(self, conn: sa.Connection, token: str, ids: list[int], lease_seconds: int) -> None:
        self.conn, self.token, self.lease_seconds = conn, token, lease_seconds
        self.held, self.renewed = set(ids), time.monotonic()

    def holds(self, delivery_id: int) -> bool:
        if time.monotonic() - self.renewed > self.lease_seconds / 3:
            self._renew()
        return delivery_id in self.held

    def _renew(self) -> None:
        with self.conn.begin():
            self.held = leases.renew(
                self.conn,
                DELIVERIES,
                self.token,
                lease_seconds=self.lease_seconds,
                where=(DELIVERIES.c.status == "sending",),
            )
        self.renewed = time.monotonic()


def _autocommit(conn: sa.Connection) -> sa.Connection:
    """PostgreSQL: autocommit, so each settle is one statement and one round trip."""
    return conn.execution_options(isolation_level="AUTOCOMMIT") if conn.dialect.name == "postgresql" else conn


@contextmanager
def _recorder(engine: sa.Engine, token: str) -> Iterator[_Recorder]:
    recorder = _Recorder(engine, token)
    try:
        yield recorder
    finally:
        recorder.close()


def _send_batch(batch: _Batch, items: list[ClaimedDelivery]) -> DispatchStats:
    stats, lease = (
        DispatchStats(claimed=len(items)),
        _Lease(batch.conn, batch.token, [i.id for i in items], batch.cfg.lease_seconds),
    )
    for item in items:
        if not lease.holds(item.id):
            continue  # lease lost to another worker after a stall longer than a lease
        outcome = _deliver_one(batch, item)
        setattr(stats, outcome, getattr(stats, outcome) + 1)
    return stats


def deliver(
    engine: sa.Engine, mailer_factory: Callable[[], Mailer], render: Renderer, cfg: DispatchConfig
) -> DispatchStats:
    """Send everything due, batch after batch, over one SMTP connection per batch."""
    total = DispatchStats()
    while True:
        token, items = claim(engine, cfg)
        if not items:
            return total
        mailer = mailer_factory()
        try:
            with engine.connect() as conn, _recorder(engine, token) as recorder, Session(engine) as session:
                batch = _Batch(_autocommit(conn), recorder, token, mailer, render(session, items), cfg)
                total.add(_send_batch(batch, items))
        finally:
            mailer.close()
