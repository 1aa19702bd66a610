"""Outbox relay throughput against a bare-SQL ceiling.

The relay gives each handler its own transaction with a (event, handler) run row and settles
each event in another transaction. The ceiling does the same durable work by hand with
SQLAlchemy Core and no bookkeeping beyond it: per event, one transaction inserting the run
row and the handler's notice, one updating ``processed_at``. The ratio shows what the
generic machinery (claiming, leases, ORM, event classes) costs on top.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from bench.common import databases, migrated_app
from icat.accounts import services as accounts
from icat.accounts.models import User
from icat.bootstrap import EVENT_HANDLERS
from icat.core import outbox
from icat.core.actor import SYSTEM
from icat.core.outbox import HandlerRun, OutboxEvent, RelayConfig
from icat.extensions import db
from icat.notifications.models import Notice
from icat.registry import services as registry
from icat.registry.events import EntityUpdated
from icat.registry.models import Entity

EVENTS = 2000


def _prepare(factory: sessionmaker[Session]) -> None:
    """An entity with one focal point (made once) and EVENTS fresh pending EntityUpdated events."""
    with factory() as session:
        for model in (Notice, HandlerRun, OutboxEvent):
            session.execute(sa.delete(model))
        entity_id = session.scalar(sa.select(Entity.id).where(Entity.acronym == "BEN"))
        if entity_id is None:
            entity_id = registry.create_entity(
                session, actor=SYSTEM, acronym="BEN", name="Bench", kind="member", category="other"
            ).id
            accounts.create_user(
                session,
                actor=SYSTEM,
                email="fp@bench.example",
                password="x" * 16,
                role="focal_point",
                entity_acronym="BEN",
            )
            session.flush()
            session.execute(sa.delete(OutboxEvent))
        for i in range(EVENTS):
            event = EntityUpdated(entity_id=entity_id, acronym="BEN", version=i + 2, changes={"notes": ["a", "b"]})
            outbox.record(session, event, actor=SYSTEM)
        session.commit()


def _relay(factory: sessionmaker[Session]) -> float:
    start = time.perf_counter()
    stats = outbox.relay(factory, EVENT_HANDLERS, RelayConfig(worker_id="bench", batch_size=50))
    elapsed = time.perf_counter() - start
    assert stats.processed == EVENTS, stats
    return EVENTS / elapsed


def _ceiling(engine: sa.Engine, entity_id: int) -> float:
    """The same durable effects, hand-written in Core: the floor of what any relay must do."""
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(sa.text("SELECT id FROM outbox_events ORDER BY id"))]
    runs, notices, events = HandlerRun.__table__, Notice.__table__, OutboxEvent.__table__
    focal_points = sa.select(User.id).where(User.entity_id == entity_id, User.role == "focal_point")
    start = time.perf_counter()
    for event_id in ids:
        now = datetime.now(UTC)
        with engine.begin() as conn:
            conn.execute(runs.insert().values(event_id=event_id, handler="bare", ran_at=now))
            recipients = conn.execute(focal_points).scalars().all()  # the handler's own lookup
            conn.execute(
                notices.insert(), [{"user_id": u, "kind": "b", "params": {}, "created_at": now} for u in recipients]
            )
    with engine.begin() as conn:  # settled per batch, as the relay does
        conn.execute(events.update().where(events.c.id.in_(ids)).values(processed_at=datetime.now(UTC)))
    return len(ids) / (time.perf_counter() - start)


def run() -> list[str]:
    lines = [
        "## Outbox relay (one worker, one handler per event)",
        "",
        f"{EVENTS} events; figure = events/s through `outbox.relay`; ceiling = the same effects hand-written"
        " in Core (per event: run row, recipient lookup and notice in one transaction; one settle UPDATE).",
        "",
        "| database | relay events/s | ceiling events/s | ratio |",
        "|---|---:|---:|---:|",
    ]
    for label, url, cleanup in databases():
        app = migrated_app(url)
        with app.app_context():
            engine = db.engine
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        try:
            _prepare(factory)
            relay_rate = _relay(factory)
            _prepare(factory)
            with factory() as session:
                entity_id = session.scalar(sa.select(Entity.id).where(Entity.acronym == "BEN"))
            ceiling_rate = _ceiling(engine, entity_id)
            lines.append(f"| {label} | {relay_rate:,.0f} | {ceiling_rate:,.0f} | {relay_rate / ceiling_rate:.2f} |")
        finally:
            engine.dispose()
            cleanup()
    return [*lines, ""]
