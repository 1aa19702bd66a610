"""The in-app inbox. A notice stores its kind and parameters, not prose, so it is
rendered in the reader's language when shown."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from icat.core.db import Base, JSONType


class Notice(Base):
    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]

    __table_args__ = (sa.Index("ix_notices_user_id_created_at", "user_id", "created_at"),)
