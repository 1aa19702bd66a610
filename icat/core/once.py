"""Do a thing once: a row per key, inserted in the same transaction as the thing itself.

Daily jobs (the 1 January handover, reminders before a year without co-chairs) may run on
several workers, twice a day, or late after downtime; the primary key makes the effect
happen exactly once however often they run.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from icat.core import clock
from icat.core.db import Base


class OnceKey(Base):
    __tablename__ = "once_keys"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    done_at: Mapped[datetime]


def first_time(session: Session, key: str) -> bool:
    """Claim ``key`` in the caller's transaction: True the first time, False ever after.

    Uses a savepoint, so a losing claim leaves the caller's transaction usable. A concurrent
    claim by another worker blocks until that worker commits or rolls back.
    """
    try:
        with session.begin_nested():
            session.add(OnceKey(key=key, done_at=clock.now()))
    except IntegrityError:
        return False
    return True
