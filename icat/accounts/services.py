"""Account rules: creating users, logging in and out, issuing and checking tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.accounts import passwords, rules
from icat.accounts.events import TokenCreated, TokenRevoked, UserCreated
from icat.accounts.models import TOKEN_KINDS, LoginAttempt, LoginSession, Token, User
from icat.core import clock, outbox
from icat.core.actor import SYSTEM, Actor
from icat.core.errors import Conflict, NotFound, ValidationError
from icat.core.permissions import ADMINS, require_role

normalise_email = rules.normalise_email


def hash_secret(raw: str) -> str:
    """SHA-256 of a random token. Tokens carry ≥256 bits, so a slow hash adds nothing."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def actor_for(user: User) -> Actor:
    return Actor(user_id=user.id, label=user.email, role=user.role, entity_id=user.entity_id)


def create_user(
    session: Session,
    *,
    actor: Actor,
    email: str,
    password: str,
    role: str,
    entity_acronym: str | None = None,
    display_name: str = "",
    locale: str = "en",
    timezone: str = "UTC",
) -> User:
    """Create a user with a password (operators, tests; people are invited instead). Raises
    ValidationError (bad email, weak password, unknown role, language, zone or entity, focal
    point without entity), Conflict (email taken). Emits UserCreated."""
    require_role(actor, ADMINS, _l("create users"))
    errors: rules.Errors = {}
    rules.check_role(errors, role)
    rules.check_password(errors, password)
    rules.check_language(errors, locale, "locale")
    rules.check_zone(errors, timezone)
    entity = rules.resolve_entity(session, errors, role, entity_acronym)
    if errors:
        raise ValidationError(_l("The user could not be created."), fields=errors, rule="accounts.user_invalid")
    email = normalise_email(email)
    refuse_taken(session, email)
    user = User(
        email=email,
        display_name=display_name,
        password_hash=passwords.hash_password(password),
        role=role,
        entity=entity,
        locale=locale,
        timezone=timezone,
        created_at=clock.now(),
        reminder_preferences={},
    )
    session.add(user)
    session.flush()
    outbox.record(
        session,
        UserCreated(user_id=user.id, email=email, role=role, entity=entity and entity.acronym),
        actor=actor,
    )
    return user


def refuse_taken(session: Session, email: str) -> None:
    """Conflict (409) when an account has this (normalised) address already."""
    if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise Conflict(
            _l("A user with email %(email)s exists already.", email=email),
            fields={"email": [_l("A user with email %(email)s exists already.", email=email)]},
            rule="accounts.email_taken",
        )


@dataclass(frozen=True)
class LoginOutcome:
    """What a login attempt came to. ``key`` is the new session's secret, shown to nobody."""

    user: User | None = None
    key: str | None = None
    retry_after: int = 0


def storable(text: str) -> str:
    """The text with what no database column holds (NUL: PostgreSQL refuses it; a lone
    surrogate: not UTF-8) replaced, so a hostile sign-in is one more failed attempt, not a 500.
    No address contains either, so no account can match it."""
    cleaned = text.replace("\x00", "\ufffd")
    return cleaned.encode("utf-8", "replace").decode("utf-8")


def log_in(session: Session, *, email: str, password: str, ip: str, limits: LoginLimits) -> LoginOutcome:
    """Check credentials and open a login session.

    Failures are recorded (the caller commits them even though the login failed); after
    ``limits.max_failures`` failures for one email or five times that from one address
    within the window, further attempts are refused with ``retry_after`` seconds. A hash
    made with older parameters or algorithm is remade with argon2id on success.
    """
    now = clock.now()
    email = storable(email.strip().lower())
    retry = throttled(session, email=email, ip=ip, limits=limits)
    if retry:
        return LoginOutcome(retry_after=retry)
    user = session.scalar(sa.select(User).where(User.email == email))
    valid, stale = passwords.verify(user.password_hash if user else "", password)
    if user is None or not valid or not user.is_active:
        session.add(LoginAttempt(email=email, ip=ip, at=now, purpose="login"))
        return LoginOutcome()
    if stale:
        user.password_hash = passwords.hash_password(password)
    session.execute(sa.delete(LoginAttempt).where(LoginAttempt.email == email, LoginAttempt.purpose == "login"))
    return LoginOutcome(user=user, key=open_session(session, user, limits))


def open_session(session: Session, user: User, limits: LoginLimits) -> str:
    """Start a login session for ``user`` (already authenticated); returns its secret key."""
    now = clock.now()
    key = new_secret()
    # A statement, not an attribute: signing in is no edit, so the version (ETag) stays and
    # an admin's edit made meanwhile is not refused as stale.
    session.execute(sa.update(User).where(User.id == user.id).values(last_sign_in_at=now))
    session.add(
        LoginSession(
            user=user, key_hash=hash_secret(key), created_at=now, expires_at=now + timedelta(hours=limits.session_hours)
        )
    )
    return key


def end_sessions(session: Session, user_id: int, *, keep_key: str | None = None) -> None:
    """End every login session of the person (but the one carrying ``keep_key``)."""
    query = sa.delete(LoginSession).where(LoginSession.user_id == user_id)
    if keep_key:
        query = query.where(LoginSession.key_hash != hash_secret(keep_key))
    session.execute(query)


@dataclass(frozen=True)
class LoginLimits:
    max_failures: int = 5
    window_seconds: int = 900
    session_hours: int = 12


def throttled(session: Session, *, email: str, ip: str, limits: LoginLimits, purpose: str = "login") -> int:
    """Seconds until the oldest counted attempt of ``purpose`` leaves the window (too many for
    this email, or five times as many from this address), or 0 when not throttled. The
    attempts are rows, so every web process sees the same counts."""
    since = clock.now() - timedelta(seconds=limits.window_seconds)
    for column, value, limit in (
        (LoginAttempt.email, email, limits.max_failures),
        (LoginAttempt.ip, ip, limits.max_failures * 5),
    ):
        recent = sa.select(LoginAttempt.at).where(
            column == value, LoginAttempt.purpose == purpose, LoginAttempt.at >= since
        )
        times: list[datetime] = sorted(session.scalars(recent))
        if len(times) >= limit:
            oldest = times[len(times) - limit]
            return max(1, int((oldest + timedelta(seconds=limits.window_seconds) - clock.now()).total_seconds()))
    return 0


def user_for_session_key(session: Session, key: str) -> User | None:
    """The active user behind a login session key, or None if logged out or expired."""
    row = session.scalar(sa.select(LoginSession).where(LoginSession.key_hash == hash_secret(key)))
    if row is None or row.expires_at <= clock.now() or not row.user.is_active:
        return None
    return row.user


def log_out(session: Session, *, key: str) -> None:
    """End a login session for good: the cookie that carried ``key`` no longer works."""
    session.execute(sa.delete(LoginSession).where(LoginSession.key_hash == hash_secret(key)))


def create_token(session: Session, *, actor: Actor, user: User, kind: str, name: str) -> tuple[Token, str]:
    """Issue a token for ``user`` (themselves, or anyone when ``actor`` is an admin).

    Returns the row and the raw token, which is shown once and never stored. Emits TokenCreated.
    """
    if actor.user_id != user.id:
        require_role(actor, ADMINS, _l("issue tokens for other users"))
    errors = {}
    if kind not in TOKEN_KINDS:
        errors["kind"] = [_l("Must be one of: %(choices)s.", choices=", ".join(TOKEN_KINDS))]
    if not name.strip() or len(name) > 120:
        errors["name"] = [_l("Give the token a name of 1 to 120 characters.")]
    if errors:
        raise ValidationError(_l("The token could not be created."), fields=errors, rule="tokens.token_invalid")
    raw = new_secret()
    token = Token(user=user, kind=kind, name=name.strip(), token_hash=hash_secret(raw), created_at=clock.now())
    session.add(token)
    session.flush()
    outbox.record(session, TokenCreated(token_id=token.id, user_id=user.id, kind=kind, name=token.name), actor=actor)
    return token, raw


def revoke_token(session: Session, *, actor: Actor, token_id: int) -> Token:
    """Revoke one token of the actor's own (admins: anyone's). Emits TokenRevoked."""
    token = session.get(Token, token_id)
    if token is None or (token.user_id != actor.user_id and actor.role != "admin"):
        raise NotFound(_l("No such token."), rule="tokens.token_unknown")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        outbox.record(session, TokenRevoked(token_id=token.id, user_id=token.user_id, kind=token.kind), actor=actor)
    return token


def user_for_token(session: Session, raw: str, *, kind: str) -> User | None:
    """The active user owning an unrevoked token of ``kind``, or None. Notes its last use."""
    token = session.scalar(sa.select(Token).where(Token.token_hash == hash_secret(raw), Token.kind == kind))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = clock.now()
    # Writing on every request would turn reads into writes; a minute's precision is enough.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return token.user


def find_user(session: Session, email: str) -> User:
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(_l("No user with email %(email)s.", email=email), rule="accounts.user_unknown")
    return user


def ensure_local_admin(session: Session, *, email: str) -> tuple[User, str] | None:
    """Create the first admin for a local run if no admin exists; returns it with its password."""
    if session.scalar(sa.select(User.id).where(User.role == "admin")) is not None:
        return None
    password = secrets.token_urlsafe(12)
    return create_user(session, actor=SYSTEM, email=email, password=password, role="admin"), password
