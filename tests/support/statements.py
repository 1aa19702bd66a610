"""Counting the SQL statements a request runs: pages and feeds must cost a fixed number of
statements however much data there is (no query per row)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event


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
