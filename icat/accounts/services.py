"""Account rules: creating users, logging in and out, issuing and checking tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import available_timezones

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from icat.accounts.events import TokenCreated, TokenRevoked, UserCreated
from icat.accounts.models import TOKEN_KINDS, LoginAttempt, LoginSession, Token, User
from icat.core import clock, outbox
from icat.core.actor import SYSTEM, Actor
from icat.core.errors import Conflict, Message, NotFound, ValidationError
from icat.core.permissions import ADMINS, ROLES, require_role
from icat.registry.models import UN_LANGUAGES, Entity

MIN_PASSWORD_LENGTH = 12
# A dummy hash to compare against when the email is unknown, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def hash_secret(raw: str) -> str:
    """SHA-256 of a random token. Tokens carry ≥256 bits, so a slow hash adds nothing."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def actor_for(user: User) -> Actor:
    return Actor(user_id=user.id, label=user.email, role=user.role, entity_id=user.entity_id)


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False, globally_deliverable=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationError(
            _l("Invalid email address."), fields={"email": [str(exc)]}, rule="accounts.email_invalid"
        ) from exc


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
    """Create a user. Raises ValidationError (bad email, short password, unknown role or
    entity, focal point without entity), Conflict (email taken). Emits UserCreated."""
    require_role(actor, ADMINS, _l("create users"))
    errors: dict[str, list[Message]] = {}
    if role not in ROLES:
        errors["role"] = [_l("Must be one of: %(choices)s.", choices=", ".join(ROLES))]
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = [_l("Must be at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)]
    if locale not in UN_LANGUAGES:
        errors["locale"] = [_l("Must be one of the UN languages: %(choices)s.", choices=", ".join(UN_LANGUAGES))]
    if timezone not in available_timezones():
        errors["timezone"] = [_l("%(zone)r is not an IANA time zone such as Europe/Vienna.", zone=timezone)]
    entity = None
    if entity_acronym:
        entity = session.scalar(sa.select(Entity).where(Entity.acronym == entity_acronym))
        if entity is None:
            errors["entity"] = [_l("No entity with acronym %(acronym)r.", acronym=entity_acronym)]
    elif role == "focal_point":
        errors["entity"] = [_l("A focal point acts for one entity: name it.")]
    if errors:
        raise ValidationError(_l("The user could not be created."), fields=errors, rule="accounts.user_invalid")
    email = normalise_email(email)
    if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise Conflict(
            _l("A user with email %(email)s exists already.", email=email),
            fields={"email": [_l("Taken.")]},
            rule="accounts.email_taken",
        )
    user = User(
        email=email,
        display_name=display_name,
        password_hash=generate_password_hash(password),
        role=role,
        entity=entity,
        locale=locale,
        timezone=timezone,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    outbox.record(
        session,
        UserCreated(user_id=user.id, email=email, role=role, entity=entity and entity.acronym),
        actor=actor,
    )
    return user


@dataclass(frozen=True)
class LoginOutcome:
    """What a login attempt came to. ``key`` is the new session's secret, shown to nobody."""

    user: User | None = None
    key: str | None = None
    retry_after: int = 0


def _storable(text: str) -> str:
    """The text with what no database column holds (NUL: PostgreSQL refuses it; a lone
    surrogate: not UTF-8) replaced, so a hostile sign-in is one more failed attempt, not a 500.
    No address contains either, so no account can match it."""
    cleaned = text.replace("\x00", "\ufffd")
    return cleaned.encode("utf-8", "replace").decode("utf-8")


def log_in(session: Session, *, email: str, password: str, ip: str, limits: LoginLimits) -> LoginOutcome:
    """Check credentials and open a login session.

    Failures are recorded (the caller commits them even though the login failed); after
    ``limits.max_failures`` failures for one email or five times that from one address
    within the window, further attempts are refused with ``retry_after`` seconds.
    """
    now = clock.now()
    email = _storable(email.strip().lower())
    since = now - timedelta(seconds=limits.window_seconds)
    retry = _throttled_for(session, email=email, ip=ip, since=since, limits=limits)
    if retry:
        return LoginOutcome(retry_after=retry)
    user = session.scalar(sa.select(User).where(User.email == email))
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.is_active:
        session.add(LoginAttempt(email=email, ip=ip, at=now))
        return LoginOutcome()
    session.execute(sa.delete(LoginAttempt).where(LoginAttempt.email == email))
    key = new_secret()
    session.add(
        LoginSession(
            user=user,
            key_hash=hash_secret(key),
            created_at=now,
            expires_at=now + timedelta(hours=limits.session_hours),
        )
    )
    return LoginOutcome(user=user, key=key)


@dataclass(frozen=True)
class LoginLimits:
    max_failures: int = 5
    window_seconds: int = 900
    session_hours: int = 12


def _throttled_for(session: Session, *, email: str, ip: str, since: object, limits: LoginLimits) -> int:
    """Seconds until the oldest counted failure leaves the window, or 0 when not throttled."""
    for column, value, limit in (
        (LoginAttempt.email, email, limits.max_failures),
        (LoginAttempt.ip, ip, limits.max_failures * 5),
    ):
        recent = sa.select(LoginAttempt.at).where(column == value, LoginAttempt.at >= since)
        times = sorted(session.scalars(recent))
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
