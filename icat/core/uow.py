"""Unit of work: one transaction that commits only when the whole block succeeds.

The web layer and the worker own the commit; services only add to the session (DESIGN §2).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from sqlalchemy.orm import Session

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Yield ``session``; commit when the block ends normally, roll back if it raises."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def transactional(get_session: Callable[[], Session]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator factory: run the function in a unit of work on ``get_session()``."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with unit_of_work(get_session()):
                return func(*args, **kwargs)

        return wrapper

    return decorate
