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


@dataclass(frozen=True)
class UserInvited(Event):
    """Someone was invited (an account without a password yet); an invitation link follows."""

    user_id: int
    email: str
    role: str
    entity: str | None
    language: str

    def subject_key(self) -> str:
        return f"user:{self.user_id}"


@dataclass(frozen=True)
class UserUpdated(Event):
    """Fields of a person changed: ``changes`` is ``{field: [old, new]}`` in API names."""

    user_id: int
    version: int
    changes: dict

    def subject_key(self) -> str:
        return f"user:{self.user_id}"


@dataclass(frozen=True)
class UserDeactivated(Event):
    """A person can no longer sign in: sessions ended, tokens revoked; their history stays."""

    user_id: int
    email: str
    tokens_revoked: int

    def subject_key(self) -> str:
        return f"user:{self.user_id}"


@dataclass(frozen=True)
class UserReactivated(Event):
    """A deactivated person may sign in again (old tokens stay revoked)."""

    user_id: int
    email: str

    def subject_key(self) -> str:
        return f"user:{self.user_id}"


@dataclass(frozen=True)
class AccountLinkIssued(Event):
    """An invitation or password-reset link was made; a mail carrying it is planned.
    The link itself is never recorded, only its id."""

    link_id: int
    user_id: int
    purpose: str
    expires_at: str

    def subject_key(self) -> str:
        return f"user:{self.user_id}"


@dataclass(frozen=True)
class PasswordSet(Event):
    """A person set a password: ``how`` is "invitation", "reset" or "change". Their other
    sessions ended."""

    user_id: int
    how: str

    def subject_key(self) -> str:
        return f"user:{self.user_id}"
