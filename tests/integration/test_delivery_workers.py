"""Several real worker processes send reminders (and the invitations before them) to a real
SMTP server on loopback: every mail exactly once; after a SIGKILL, none lost and at most the in-flight one repeated."""

from __future__ import annotations

import collections
import signal
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.meetings import services as meetings
from icat.notifications.models import Delivery
from tests.conftest import count

pytestmark = pytest.mark.slow
MEETINGS, ENTITIES = 300, ("WGA", "WGB", "WGC")
MAILS = MEETINGS * len(ENTITIES) * 2  # each focal point gets each meeting's invitation and its reminder


def _schedule_all_due_soon(session: Session, make_entity, make_user, lead: timedelta) -> None:
    """300 meetings, 3 invited entities with one focal point each, all reminders due at once."""
    for acronym in ENTITIES:
        make_entity(acronym=acronym)
        make_user("focal_point", entity=acronym, email=f"fp-{acronym.lower()}@icat.example")
    starts = clock.now() + timedelta(hours=1) + lead
    for n in range(MEETINGS):
        meetings.create_meeting(
            session,
            actor=SYSTEM,
            title=f"Coordination call {n}",
            kind="coordination_call",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            timezone="Europe/Zurich",
            invitees=list(ENTITIES),
            reminder_offsets=["PT1H"],
        )
    session.commit()


def _settings(smtp, *, lease_seconds: int = 120) -> dict[str, str]:
    """The production lease unless a test kills a worker: a short lease (10 s) lets the survivor
    take over quickly, but on a loaded machine a worker can stall that long without dying,
    and then its rows are rightly sent again (the one duplicate a lease allows)."""
    lease = {"ICAT_DELIVERY_LEASE_SECONDS": str(lease_seconds)}
    return {"ICAT_SMTP_HOST": "127.0.0.1", "ICAT_SMTP_PORT": str(smtp.port)} | lease


def _sent_keys(session: Session) -> set[str]:
    session.expire_all()
    return set(session.scalars(sa.select(Delivery.key).where(Delivery.status == "sent")))


def test_three_workers_send_every_mail_exactly_once(session: Session, make_entity, make_user, start_worker, smtp):
    workers = [start_worker(**_settings(smtp)) for _ in range(3)]
    for worker in workers:
        worker.wait_started()
    _schedule_all_due_soon(session, make_entity, make_user, lead=timedelta(seconds=15))
    keys = smtp.wait_for(MAILS, timeout=180)
    time.sleep(1)  # anything extra would arrive now
    keys = smtp.keys()
    codes = [w.stop() for w in workers]
    assert codes == [0, 0, 0], [w.text()[-3000:] for w, code in zip(workers, codes, strict=True) if code]
    assert len(keys) == MAILS, collections.Counter(keys).most_common(3)
    assert len(set(keys)) == MAILS  # no key twice
    assert set(keys) == _sent_keys(session)
    senders = [sum(1 for line in w.text().splitlines() if "deliver: DispatchStats" in line) for w in workers]
    assert sum(1 for s in senders if s) >= 2, f"the work should be shared: {senders}"


def test_a_worker_killed_mid_batch_loses_nothing(session: Session, make_entity, make_user, start_worker, smtp):
    settings = _settings(smtp, lease_seconds=10)
    victim, survivor = start_worker(**settings), start_worker(**settings)
    victim.wait_started()
    survivor.wait_started()
    _schedule_all_due_soon(session, make_entity, make_user, lead=timedelta(seconds=15))
    deadline = time.monotonic() + 120
    while len(smtp.keys()) < 150 and time.monotonic() < deadline:
        time.sleep(0.01)
    victim.proc.send_signal(signal.SIGKILL)  # mid-batch: it holds leased rows
    victim.proc.wait(timeout=10)
    restarted = start_worker(**settings)
    restarted.wait_started()
    smtp.wait_for(MAILS, timeout=180)
    deadline = time.monotonic() + 60
    while count(session, Delivery, Delivery.status.in_(("pending", "sending"))) and time.monotonic() < deadline:
        time.sleep(0.2)
    codes = [survivor.stop(), restarted.stop()]
    assert codes == [0, 0], [w.text()[-3000:] for w, code in zip((survivor, restarted), codes, strict=True) if code]
    keys = smtp.keys()
    assert set(keys) == _sent_keys(session) and len(set(keys)) == MAILS  # none lost
    repeated = [k for k, n in collections.Counter(keys).items() if n > 1]
    assert len(repeated) <= 1, repeated  # a worker has one message in flight at a time
