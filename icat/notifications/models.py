"""The in-app inbox. A notice stores its kind and parameters, not prose, so it is
rendered in the reader's language when shown."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from icat.core.db import Base, JSONType
from icat.core.outbox import BigId


class Notice(Base):
    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]

    __table_args__ = (sa.Index("ix_notices_user_id_created_at", "user_id", "created_at"),)


DELIVERY_STATUSES = ("pending", "sending", "sent", "failed", "skipped", "cancelled")


class Delivery(Base):
    """One reminder (or notice) for one recipient: a row, not a scheduler job (DESIGN §2).

    ``key`` is unique and names what it is for, e.g. ``meeting:42:P1D:seq3:user:7``; the
    Message-ID is derived from it, so a retried send is recognisable downstream. A row
    with no recipient reports on the plan who could not be reached, and why.
    """

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(120), index=True)  # e.g. "meeting:42"
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    recipient_label: Mapped[str] = mapped_column(sa.String(254), default="")
    channel: Mapped[str] = mapped_column(sa.String(10), default="email")
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    due_at: Mapped[datetime]
    not_after: Mapped[datetime | None]  # past this instant it is stale: skipped, never sent late
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(sa.String(120))
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        sa.CheckConstraint(f"status IN {DELIVERY_STATUSES!r}", name="status"),
        # The deliver job's scan: only rows that may still be sent, by due time. Its size
        # follows what is due soon, not the total ever planned (benchmarked in bench/).
        sa.Index(
            "ix_deliveries_due",
            "due_at",
            postgresql_where=sa.text("status IN ('pending', 'sending')"),
            sqlite_where=sa.text("status IN ('pending', 'sending')"),
        ),
    )
