"""Several real worker processes (``flask icat worker``) share one database: every handler
runs exactly once per event, also when a worker is killed with SIGKILL and another starts."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core.actor import SYSTEM
from icat.core.outbox import HandlerRun, OutboxEvent
from icat.notifications.models import Notice
from icat.registry import services as registry
from icat.registry.queries import get_entity
from tests.conftest import count

ROOT = Path(__file__).resolve().parents[2]
HANDLER = "icat.notifications.handlers.notify_focal_points_of_entity_change"
pytestmark = pytest.mark.slow


def _update_many(session: Session, acronym: str, n: int) -> None:
    """``n`` real registry edits, committed at once: ``n`` EntityUpdated events."""
    for i in range(n):
        version = get_entity(session, acronym).version
        registry.update_entity(session, actor=SYSTEM, acronym=acronym, version=version, changes={"notes": f"edit {i}"})
    session.commit()


def _wait_until_relayed(session: Session, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    pending = OutboxEvent.processed_at.is_(None)
    while count(session, OutboxEvent, pending):
        assert time.monotonic() < deadline, f"{count(session, OutboxEvent, pending)} events still pending"
        time.sleep(0.2)


def _assert_exactly_once(session: Session, events: int, focal_points: int) -> None:
    updated = sa.select(OutboxEvent.id).where(OutboxEvent.type == "EntityUpdated")
    assert count(session, OutboxEvent, OutboxEvent.type == "EntityUpdated") == events
    runs = session.execute(
        sa.select(HandlerRun.event_id, HandlerRun.handler, sa.func.count())
        .where(HandlerRun.event_id.in_(updated))
        .group_by(HandlerRun.event_id, HandlerRun.handler)
    ).all()
    assert len(runs) == events  # one (event, handler) pair per event…
    assert {(h, n) for _e, h, n in runs} == {(HANDLER, 1)}  # …each recorded once
    # The handler's own effect has no unique key: a second run would show as a duplicate.
    assert count(session, Notice, Notice.kind == "entity_updated") == events * focal_points
    per_version = session.execute(
        sa.select(Notice.user_id, Notice.params, sa.func.count()).group_by(Notice.user_id, Notice.params)
        if session.bind.dialect.name == "sqlite"
        else sa.select(Notice.user_id, sa.cast(Notice.params, sa.Text), sa.func.count()).group_by(
            Notice.user_id, sa.cast(Notice.params, sa.Text)
        )
    ).all()
    assert len(per_version) == events * focal_points and all(n == 1 for *_k, n in per_version)


def test_two_workers_run_each_handler_exactly_once_per_event(
    session: Session, make_entity, make_user, start_worker
) -> None:
    make_entity(acronym="WGX")
    make_user("focal_point", entity="WGX")
    make_user("focal_point", entity="WGX")
    workers = [start_worker(), start_worker()]
    for worker in workers:
        worker.wait_started()
    # Which worker's poll fires first is up to the scheduler of a loaded machine: one worker
    # may drain a round alone. Another round follows until both have taken a share (at most
    # three), and exactly-once is checked over every event of every round.
    rounds = 0
    while rounds < 3 and (rounds == 0 or not all(w.claimed() > 0 for w in workers)):
        _update_many(session, "WGX", 400)
        _wait_until_relayed(session)
        rounds += 1
    assert [w.stop() for w in workers] == [0, 0]  # SIGTERM: clean stop
    assert all("worker stopped" in w.text() for w in workers)
    assert all(w.claimed() > 0 for w in workers), f"both workers should have shared {rounds} rounds"
    assert sum(w.claimed() for w in workers) >= 400 * rounds
    _assert_exactly_once(session, events=400 * rounds, focal_points=2)


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(
    session: Session, make_entity, make_user, start_worker
) -> None:
    make_entity(acronym="WGY")
    make_user("focal_point", entity="WGY")
    short_lease = {"ICAT_OUTBOX_LEASE_SECONDS": "2"}
    victim, survivor = start_worker(**short_lease), start_worker(**short_lease)
    victim.wait_started()
    survivor.wait_started()
    _update_many(session, "WGY", 300)
    deadline = time.monotonic() + 60
    while victim.claimed() == 0 and time.monotonic() < deadline:  # kill it while it works
        time.sleep(0.05)
    victim.proc.send_signal(signal.SIGKILL)
    victim.proc.wait(timeout=10)
    restarted = start_worker(**short_lease)
    restarted.wait_started()
    _wait_until_relayed(session)
    assert survivor.stop() == 0 and restarted.stop() == 0
    _assert_exactly_once(session, events=300, focal_points=1)
