"""The outbox: events commit with the change, handlers run exactly once, failures retry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from icat.core import clock, outbox
from icat.core.actor import SYSTEM
from icat.core.events import Event
from icat.core.outbox import HandlerRun, OutboxEvent, RelayConfig
from icat.notifications.models import Notice
from tests.conftest import count

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class ProbeHappened(Event):
    """Test event: asks the probe handler to write one notice for ``user_id``."""

    user_id: int
    n: int


def write_notice(session: Session, event: ProbeHappened) -> None:
    session.add(Notice(user_id=event.user_id, kind="probe", params={"n": event.n}, created_at=clock.now()))


class Flaky:
    """A handler that writes, then fails ``failures`` times before it succeeds."""

    def __init__(self, failures: int) -> None:
        self.failures, self.calls = failures, 0

    def __call__(self, session: Session, event: ProbeHappened) -> None:
        self.calls += 1
        write_notice(session, event)
        if self.calls <= self.failures:
            raise RuntimeError(f"boom {self.calls}")


@pytest.fixture(autouse=True)
def _at_t0():
    """Everything in these tests happens at T0 unless a test moves the clock."""
    with clock.frozen(T0):
        yield


CFG = RelayConfig(worker_id="test", batch_size=10, lease_seconds=30, max_attempts=3)


def _record(session: Session, user_id: int, n: int = 1) -> list[int]:
    rows = [outbox.record(session, ProbeHappened(user_id=user_id, n=i), actor=SYSTEM) for i in range(n)]
    session.commit()
    return [r.id for r in rows]


def test_event_is_stored_only_when_the_change_commits(session: Session, make_user) -> None:
    user = make_user()
    outbox.record(session, ProbeHappened(user_id=user.id, n=1), actor=SYSTEM)
    session.rollback()
    assert count(session, OutboxEvent, OutboxEvent.type == "ProbeHappened") == 0
    _record(session, user.id)
    row = session.scalar(sa.select(OutboxEvent).where(OutboxEvent.type == "ProbeHappened"))
    assert row.payload == {"user_id": user.id, "n": 0}
    assert row.actor_label == "system"


def test_relay_runs_each_handler_once_and_a_second_relay_finds_nothing(
    session: Session, session_factory: sessionmaker[Session], make_user
) -> None:
    user = make_user()
    ids = _record(session, user.id, n=25)
    handlers = {ProbeHappened: [write_notice]}
    with clock.frozen(T0):
        stats = outbox.relay(session_factory, handlers, CFG)
        again = outbox.relay(session_factory, handlers, CFG)
    assert (stats.claimed, stats.processed) == (25 + 1, 25 + 1)  # +1: the UserCreated event
    assert again.claimed == 0
    assert count(session, Notice, Notice.kind == "probe") == 25
    assert count(session, HandlerRun, HandlerRun.event_id.in_(ids)) == 25
    assert count(session, OutboxEvent, OutboxEvent.processed_at.is_(None)) == 0


def test_a_handler_already_run_for_an_event_is_not_run_again(
    session: Session, session_factory: sessionmaker[Session], make_user
) -> None:
    """A worker whose lease expired after the handler committed must not repeat it."""
    user = make_user()
    (event_id,) = _record(session, user.id)
    handlers = {ProbeHappened: [write_notice]}
    with clock.frozen(T0):
        outbox.relay(session_factory, handlers, CFG)
        # Simulate a crash after the handler committed but before the batch was settled.
        session.execute(sa.update(OutboxEvent).where(OutboxEvent.id == event_id).values(processed_at=None))
        session.commit()
        outbox.relay(session_factory, handlers, CFG)
    assert count(session, Notice, Notice.kind == "probe") == 1


def test_failing_handler_rolls_back_its_effects_and_retries_with_backoff(
    session: Session, session_factory: sessionmaker[Session], make_user
) -> None:
    user = make_user()
    (event_id,) = _record(session, user.id)
    flaky = Flaky(failures=1)
    handlers = {ProbeHappened: [flaky]}
    with clock.frozen(T0):
        first = outbox.relay(session_factory, handlers, CFG)
    row = session.get(OutboxEvent, event_id)
    assert first.retried == 1
    assert (row.attempts, row.processed_at, row.last_error) == (1, None, "RuntimeError: boom 1")
    assert row.available_at == T0 + timedelta(seconds=2)
    assert count(session, Notice, Notice.kind == "probe") == 0  # the failed try left nothing
    with clock.frozen(T0 + timedelta(seconds=1)):
        assert outbox.relay(session_factory, handlers, CFG).claimed == 0  # backing off
    with clock.frozen(T0 + timedelta(seconds=3)):
        assert outbox.relay(session_factory, handlers, CFG).processed == 1
    assert count(session, Notice, Notice.kind == "probe") == 1


def test_an_event_that_keeps_failing_ends_failed_and_visible(
    session: Session, session_factory: sessionmaker[Session], make_user
) -> None:
    user = make_user()
    (event_id,) = _record(session, user.id)
    handlers = {ProbeHappened: [Flaky(failures=99)]}
    for minute in range(CFG.max_attempts):
        with clock.frozen(T0 + timedelta(hours=minute)):
            outbox.relay(session_factory, handlers, CFG)
    session.expire_all()
    row = session.get(OutboxEvent, event_id)
    assert row.failed_at is not None and row.processed_at is None
    assert row.attempts == CFG.max_attempts
    with clock.frozen(T0 + timedelta(days=1)):
        assert outbox.relay(session_factory, handlers, CFG).claimed == 0


def test_claimed_rows_are_not_claimed_again_until_the_lease_expires(
    session: Session, session_factory: sessionmaker[Session], make_user
) -> None:
    user = make_user()
    _record(session, user.id, n=5)
    with clock.frozen(T0):
        first = [r.id for r in outbox.claim(session_factory, RelayConfig(worker_id="a", batch_size=4))]
        second = [r.id for r in outbox.claim(session_factory, RelayConfig(worker_id="b", batch_size=10))]
    assert len(first) == 4 and len(second) == 2  # 6 rows: 5 probes + UserCreated
    assert not set(first) & set(second)
    with clock.frozen(T0 + timedelta(seconds=61)):  # default lease: 60 s
        third = [r.id for r in outbox.claim(session_factory, RelayConfig(worker_id="c", batch_size=10))]
    assert sorted(third) == sorted(first + second)  # the workers "died": leases expired


def test_a_stalled_worker_leaves_rows_it_lost_to_the_worker_that_took_them_over(
    session: Session, session_factory: sessionmaker[Session], make_user
) -> None:
    """The lease, not the row id, decides who settles a row (core.leases.release)."""
    user = make_user()
    _record(session, user.id, n=3)
    handlers = {ProbeHappened: [write_notice]}
    with clock.frozen(T0):
        stalled = outbox.claim(session_factory, RelayConfig(worker_id="a", batch_size=10))
    with clock.frozen(T0 + timedelta(seconds=61)):  # a's lease expired: b takes the rows over
        taken = outbox.claim(session_factory, RelayConfig(worker_id="b", batch_size=10))
        assert [r.id for r in taken] == [r.id for r in stalled]
        assert outbox.process(session_factory, stalled, handlers, CFG).processed == 0  # a wakes up, settles none
        session.expire_all()
        assert count(session, OutboxEvent, OutboxEvent.processed_at.is_not(None)) == 0  # still b's
        assert {r.claimed_by for r in session.scalars(sa.select(OutboxEvent))} == {taken[0].token}
        assert outbox.process(session_factory, taken, handlers, CFG).processed == 4
    assert count(session, OutboxEvent, OutboxEvent.processed_at.is_(None)) == 0
    assert count(session, Notice, Notice.kind == "probe") == 3  # each handler ran once


@pytest.mark.parametrize("unknown", ["NoSuchEvent"])
def test_an_unknown_event_type_fails_visibly_instead_of_blocking_the_queue(
    session: Session, session_factory: sessionmaker[Session], unknown: str
) -> None:
    session.add(OutboxEvent(type=unknown, payload={}, occurred_at=T0, available_at=T0, actor_label="x", attempts=0))
    session.commit()
    with clock.frozen(T0):
        stats = outbox.relay(session_factory, {}, RelayConfig(worker_id="t", max_attempts=1))
    assert stats.failed == 1
    assert count(session, OutboxEvent, OutboxEvent.failed_at.is_not(None)) == 1


def test_the_unit_of_work_rolls_back_the_change_and_its_event_together(session: Session) -> None:
    from icat.core.uow import unit_of_work
    from icat.registry import services as registry
    from icat.registry.models import Entity

    with pytest.raises(RuntimeError), unit_of_work(session):
        registry.create_entity(session, actor=SYSTEM, acronym="GONE", name="Gone", kind="member", category="other")
        raise RuntimeError("the request failed after the service ran")
    assert count(session, Entity) == 0
    assert count(session, OutboxEvent) == 0
    with unit_of_work(session):
        registry.create_entity(session, actor=SYSTEM, acronym="KEPT", name="Kept", kind="member", category="other")
    assert count(session, Entity) == 1 and count(session, OutboxEvent, OutboxEvent.subject == "entity:KEPT") == 1
