"""Account events."""

from __future__ import annotations

from dataclasses import dataclass

from icat.core.events import Event


@dataclass(frozen=True)
class UserCreated(Event):
    """A user account was created with a role (and, for focal points, an entity)."""

    user_id: int
    email: str
    role: str
    entity: str | None

    def subject_key(self) -> str:
        return f"user:{self.user_id}"


@dataclass(frozen=True)
class TokenCreated(Event):
    """An API or feed token was issued (the token itself is never recorded)."""

    token_id: int
    user_id: int
    kind: str
    name: str

    def subject_key(self) -> str:
        return f"user:{self.user_id}"


@dataclass(frozen=True)
class TokenRevoked(Event):
    """A token was revoked; it stops working at once."""

    token_id: int
    user_id: int
    kind: str

    def subject_key(self) -> str:
        return f"user:{self.user_id}"
