"""Rotation jobs, run by the worker's daily duties (icat.scheduler.JOBS)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from icat.core.actor import SYSTEM
from icat.core.uow import unit_of_work
from icat.rotation import services


def hand_over(session_factory: Callable[[], Session]) -> list[str]:
    """Fire the 1 January handover and the missing-term warnings, each exactly once."""
    with session_factory() as session, unit_of_work(session):
        return services.hand_over(session, actor=SYSTEM)
