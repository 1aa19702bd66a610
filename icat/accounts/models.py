"""Account tables. Secrets (passwords, session keys, tokens) are stored only as hashes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from icat.core.db import Base
from icat.core.permissions import ROLES
from icat.registry.models import Entity

TOKEN_KINDS = ("api", "feed")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20))
    entity_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entities.id"), index=True)
    locale: Mapped[str] = mapped_column(sa.String(5), default="en")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    entity: Mapped[Entity | None] = relationship(lazy="joined")

    __table_args__ = (sa.CheckConstraint(f"role IN {ROLES!r}", name="role"),)
    __mapper_args__ = {"version_id_col": version}


class LoginSession(Base):
    """One browser login. Logout deletes it, so a copied cookie stops working at once."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship(lazy="joined")


class Token(Base):
    """An API token (``Authorization: Bearer``) or a private calendar feed token."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    name: Mapped[str] = mapped_column(sa.String(120))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (sa.CheckConstraint(f"kind IN {TOKEN_KINDS!r}", name="kind"),)


class LoginAttempt(Base):
    """Failed logins, kept in the database so throttling holds across web processes."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    ip: Mapped[str] = mapped_column(sa.String(45))
    at: Mapped[datetime]

    __table_args__ = (
        sa.Index("ix_login_attempts_email_at", "email", "at"),
        sa.Index("ix_login_attempts_ip_at", "ip", "at"),
    )
