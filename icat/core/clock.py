"""The one clock. Everything asks ``clock.now()``; tests freeze it with ``clock.frozen``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

_frozen_at: datetime | None = None


def now() -> datetime:
    """The current instant as an aware UTC datetime (frozen in tests)."""
    if _frozen_at is not None:
        return _frozen_at
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC."""
    return now().date()


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Freeze ``now()`` at ``at`` (must be timezone-aware) inside the block."""
    global _frozen_at
    if at.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime")
    previous, _frozen_at = _frozen_at, at.astimezone(UTC)
    try:
        yield
    finally:
        _frozen_at = previous
