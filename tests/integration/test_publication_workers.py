"""A round is closed exactly once, however many closers race: two sessions that both saw it
open, and two real worker processes closing the same due rounds."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from icat.core import clock
from icat.core.actor import SYSTEM
from icat.core.outbox import OutboxEvent
from icat.core.uow import unit_of_work
from icat.publications import circulation
from icat.publications.models import CirculationRound, Publication
from tests.support.publications import DEADLINE, NOW, PubCast


def _closed_per_round(session: Session) -> Counter[int]:
    session.expire_all()
    rows = session.scalars(sa.select(OutboxEvent).where(OutboxEvent.type == "CirculationRoundClosed"))
    return Counter(row.payload["round_id"] for row in rows)


def test_two_sessions_that_both_saw_the_round_open_close_it_once(
    session: Session, session_factory: sessionmaker[Session], draft: Callable[..., Publication], pubcast: PubCast
) -> None:
    pub = draft()
    with clock.frozen(NOW):
        round_id = circulation.circulate(
            session,
            actor=pubcast.actor(pubcast.secretariat),
            publication_id=pub.id,
            procedure="silence",
            deadline=DEADLINE,
        ).id
        session.commit()
    both_read, results = threading.Barrier(2, timeout=30), []

    def closer() -> None:
        with session_factory() as own, unit_of_work(own):
            round_ = own.get(CirculationRound, round_id)
            assert round_ is not None and round_.status == "open"
            outcome = circulation.outcome_at_deadline(round_)
            both_read.wait()  # both have read "open" before either writes
            results.append(circulation.close_round(own, round_, outcome, actor=SYSTEM))

    with clock.frozen(DEADLINE):
        threads = [threading.Thread(target=closer) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sorted(results) == [False, True]
    assert _closed_per_round(session) == {round_id: 1}
    session.expire_all()
    assert session.get(Publication, pub.id).status == "adopted"  # type: ignore[union-attr]


def test_two_worker_processes_close_each_due_round_once(
    session: Session, draft: Callable[..., Publication], pubcast: PubCast, start_worker: Callable
) -> None:
    actor = pubcast.actor(pubcast.secretariat)
    deadline = clock.now() + timedelta(seconds=2)
    rounds = []
    for n in range(12):
        pub = draft(title=f"Statement {n}")
        procedure = "silence" if n % 2 else "endorsement"
        rounds.append(
            circulation.circulate(
                session, actor=actor, publication_id=pub.id, procedure=procedure, deadline=deadline
            ).id
        )
        session.commit()
    time.sleep(max(0.0, (deadline - clock.now()).total_seconds()) + 0.2)
    workers = [start_worker(), start_worker()]
    for worker in workers:
        worker.wait_started()
    limit = time.monotonic() + 60
    while session.scalar(
        sa.select(sa.func.count()).select_from(CirculationRound).where(CirculationRound.status == "open")
    ):
        assert time.monotonic() < limit, "the workers did not close the rounds"
        time.sleep(0.2)
        session.expire_all()
    time.sleep(1.5)  # let both finish their pass
    assert [w.stop() for w in workers] == [0, 0]
    assert _closed_per_round(session) == {round_id: 1 for round_id in rounds}
    statuses = Counter(session.scalars(sa.select(CirculationRound.status)))
    assert statuses == {"adopted": 6, "not_adopted": 6}
