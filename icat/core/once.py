"""Do a thing once: a row per key, inserted in the same transaction as the thing itself.

Daily jobs (the 1 January handover, reminders before a year without co-chairs) may run on
several workers, twice a day, or late after downtime; the primary key makes the effect
happen exactly once however often they run.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from icat.core import clock
from icat.core.db import Base


class OnceKey(Base):
    __tablename__ = "once_keys"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    done_at: Mapped[datetime]


def first_time(session: Session, key: str) -> bool:
    """Claim ``key`` in the caller's transaction: True the first time, False ever after.

    ``INSERT … ON CONFLICT DO NOTHING`` rather than a savepoint: pysqlite's savepoints are
    unreliable, and a losing claim must leave the caller's transaction usable. A concurrent
    claim on PostgreSQL waits for the other transaction and then inserts nothing.
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(OnceKey)
        .values(key=key, done_at=clock.now())
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OnceKey.key)  # rowcount is not reliable for ORM-enabled inserts
    )
    return session.execute(statement).scalar() is not None
