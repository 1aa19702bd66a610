"""Publication jobs, run by the worker (icat.scheduler.JOBS)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from icat.core.uow import unit_of_work
from icat.publications import circulation


def close_due_rounds(session_factory: Callable[[], Session]) -> list[str]:
    """Close every circulation round whose deadline has come, each in its own transaction.

    Several workers may run this at once: ``circulation.close_round``'s conditional UPDATE
    lets exactly one close a round and record its CirculationRoundClosed event.
    """
    with session_factory() as session:
        due = circulation.due_round_ids(session)
    closed = []
    for round_id in due:
        with session_factory() as session, unit_of_work(session):
            outcome = circulation.close_due_round(session, round_id)
        if outcome:
            closed.append(f"round {round_id}: {outcome}")
    return closed
