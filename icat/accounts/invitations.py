"""Taking up an invitation, resetting a forgotten password, changing one's password.

Every path that sets a password checks the rules (icat.accounts.passwords), uses its link
once (closing it), and ends the person's other login sessions: whoever held a session from
before the change is signed out (ASVS 7.4.3).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.accounts import links, passwords, rules
from icat.accounts.events import PasswordSet
from icat.accounts.models import AccountLink, LoginAttempt, User
from icat.accounts.services import (
    LoginLimits,
    LoginOutcome,
    actor_for,
    end_sessions,
    open_session,
    storable,
    throttled,
)
from icat.core import clock, outbox
from icat.core.actor import Actor
from icat.core.errors import ValidationError


def check_link(session: Session, *, token: str, purpose: str) -> AccountLink:
    """The usable link (for showing its form); raises LinkUnusable, changing nothing."""
    return links.open_link(session, token, purpose)


def _set_password(session: Session, user: User, password: str, how: str, actor: Actor) -> None:
    errors: rules.Errors = {}
    rules.check_password(errors, password)
    if errors:
        raise ValidationError(_l("Choose another password."), fields=errors, rule="accounts.password_refused")
    user.password_hash = passwords.hash_password(password)
    outbox.record(session, PasswordSet(user_id=user.id, how=how), actor=actor)


def accept_invitation(session: Session, *, token: str, password: str, limits: LoginLimits) -> LoginOutcome:
    """Set the invitee's first password from the invitation link and sign them in.
    Raises LinkUnusable, ValidationError (the password); nothing changes then. Emits PasswordSet."""
    link = links.open_link(session, token, "invitation")
    user = link.user
    _set_password(session, user, password, "invitation", actor=actor_for(user))
    link.closed_at = clock.now()
    end_sessions(session, user.id)
    return LoginOutcome(user=user, key=open_session(session, user, limits))


def request_reset(session: Session, *, email: str, ip: str, limits: LoginLimits, secret: str) -> int:
    """Mail a one-hour reset link when ``email`` belongs to an active person; the caller
    answers the same either way. Requests are throttled per address and per client (rows,
    shared by every web process): returns the seconds to wait, or 0 when accepted."""
    address = storable(email.strip().lower())
    retry = throttled(session, email=address, ip=ip, limits=limits, purpose="reset")
    if retry:
        return retry
    session.add(LoginAttempt(email=address, ip=ip, at=clock.now(), purpose="reset"))
    user = session.scalar(sa.select(User).where(User.email == address, User.is_active))
    if user is not None:
        links.issue(session, actor=actor_for(user), user=user, purpose="reset", secret=secret)
    return 0


def complete_reset(session: Session, *, token: str, password: str) -> User:
    """Set a new password from a reset link; every session of the person ends. Raises
    LinkUnusable, ValidationError; nothing changes then. Emits PasswordSet."""
    link = links.open_link(session, token, "reset")
    _set_password(session, link.user, password, "reset", actor=actor_for(link.user))
    links.close_open(session, link.user_id, "reset")
    end_sessions(session, link.user_id)
    return link.user


def change_password(session: Session, *, actor: Actor, current: str, new: str, keep_key: str | None) -> User:
    """The signed-in person changes their password, proving the current one; their other
    sessions end, this one (``keep_key``) stays. Raises ValidationError naming the field."""
    user = session.get(User, actor.user_id)
    valid, _stale = passwords.verify(user.password_hash if user else "", current)
    if user is None or not valid:
        raise ValidationError(
            _l("Check your current password."),
            fields={"current": [_l("This is not your password.")]},
            rule="accounts.password_wrong",
        )
    _set_password(session, user, new, "change", actor=actor)
    end_sessions(session, user.id, keep_key=keep_key)
    return user
