"""The feeds' change counter: one row whose ``version`` rises with every change to data a
feed shows, so a feed's ETag costs one primary-key read instead of a scan of the meetings.

Why a counter and not ``max(updated_at), count(*)`` per request: that aggregate scans every
meeting of the feed (milliseconds at 10,000 meetings), which alone would keep a ``304`` far
below the cost of a minimal route. The counter is raised in the same transaction as the
change (``before_flush`` and bulk statements, see ``icat.calendar.tracking``), so it is
exact across processes and hosts.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from icat.core.db import Base

STATE_ID = 1


class FeedState(Base):
    __tablename__ = "calendar_feed_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"))
    changed_at: Mapped[datetime]
    # Random per row: if the row is ever recreated (a restored or emptied database), the
    # counter starts again but ETags and cache keys still differ from before.
    epoch: Mapped[str] = mapped_column(sa.String(32))
