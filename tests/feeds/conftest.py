"""Fixtures for the feed tests: the seeded World Day, fresh caches, statement counting."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from icat.calendar.cache import BLOCKS, BODIES
from icat.core.actor import SYSTEM
from icat.observances import services as observances
from icat.observances.models import Observance
from icat.observances.reference import reference_observances


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Each test starts cold, so a test shows what the cache does rather than inherit it."""
    BLOCKS.clear()
    BODIES.clear()
    yield
    BLOCKS.clear()
    BODIES.clear()


@pytest.fixture
def world_day(session: Session) -> Observance:
    observances.seed_reference(session, actor=SYSTEM, observances=reference_observances())
    session.commit()
    return session.scalar(sa.select(Observance))


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(statement)


@pytest.fixture
def statements(engine: sa.Engine) -> Iterator[StatementCounter]:
    """Every SQL statement the application runs while the test does, in order."""
    counter = StatementCounter()
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)
