"""Account tables. Secrets (passwords, session keys, tokens) are stored only as hashes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from icat.core.db import Base, JSONType
from icat.core.permissions import ROLES
from icat.registry.models import Entity

TOKEN_KINDS = ("api", "feed")
LINK_PURPOSES = ("invitation", "reset")
ATTEMPT_PURPOSES = ("login", "reset")


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
    invited_at: Mapped[datetime | None]
    last_sign_in_at: Mapped[datetime | None]
    # {"meeting_kinds": {kind: bool}, "world_day": bool}; a missing key means "yes".
    reminder_preferences: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict, server_default=sa.text("'{}'"))
    version: Mapped[int] = mapped_column(default=1)

    entity: Mapped[Entity | None] = relationship(lazy="joined")

    __table_args__ = (sa.CheckConstraint(f"role IN {ROLES!r}", name="role"),)
    __mapper_args__ = {"version_id_col": version}

    @property
    def state(self) -> str:
        """``deactivated``, ``invited`` (never signed in, no password yet) or ``active``."""
        if not self.is_active:
            return "deactivated"
        return "invited" if not self.password_hash and self.last_sign_in_at is None else "active"


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
    # What was tried: a sign-in that failed, or a password reset asked for (counted apart).
    purpose: Mapped[str] = mapped_column(sa.String(10), default="login", server_default="login")

    __table_args__ = (
        sa.Index("ix_login_attempts_email_at", "email", "at"),
        sa.Index("ix_login_attempts_ip_at", "ip", "at"),
    )


class AccountLink(Base):
    """A single-use link mailed to a person: an invitation (7 days) or a password reset
    (1 hour). Only the link's hash is stored; the mail is rendered from ``nonce`` with the
    application's secret key (icat.accounts.links), so the database alone cannot rebuild it.
    ``closed_at`` is set when the link is used or replaced by a newer one."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(12))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    nonce: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (sa.CheckConstraint(f"purpose IN {LINK_PURPOSES!r}", name="purpose"),)
