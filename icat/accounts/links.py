"""Single-use account links (DESIGN §4): invitations valid 7 days, password resets 1 hour.

A link's token is ``HMAC-SHA256(secret key, nonce)``: the row keeps the random nonce and the
token's SHA-256, never the token. The mail is rendered from the nonce by whoever holds the
secret key (the worker), so neither the database alone nor the activity log can rebuild a
link. Issuing a new link of a purpose closes the person's open ones of that purpose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.accounts.events import AccountLinkIssued
from icat.accounts.models import AccountLink, User
from icat.core import clock, outbox
from icat.core.actor import Actor
from icat.core.errors import DomainError

LIFETIMES = {"invitation": timedelta(days=7), "reset": timedelta(hours=1)}


class LinkUnusable(DomainError):
    """The link is unknown (forged, mistyped), expired, used or replaced: nothing changes."""

    status, code = 410, "link_unusable"


def link_token(secret: str, nonce: str) -> str:
    """The token a link carries, rebuilt from its nonce with the secret key."""
    digest = hmac.new(secret.encode(), f"icat.account-link:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def close_open(session: Session, user_id: int, purpose: str) -> None:
    """Close the person's open links of ``purpose`` (replaced, or no longer needed)."""
    session.execute(
        sa.update(AccountLink)
        .where(AccountLink.user_id == user_id, AccountLink.purpose == purpose, AccountLink.closed_at.is_(None))
        .values(closed_at=clock.now())
    )


def issue(session: Session, *, actor: Actor, user: User, purpose: str, secret: str) -> AccountLink:
    """Make a new link for ``user``, closing the open ones of the same purpose. Emits
    AccountLinkIssued, whose handler plans the one mail that carries it."""
    close_open(session, user.id, purpose)
    now = clock.now()
    nonce = secrets.token_urlsafe(32)
    link = AccountLink(
        user_id=user.id,
        purpose=purpose,
        nonce=nonce,
        token_hash=_hash(link_token(secret, nonce)),
        created_at=now,
        expires_at=now + LIFETIMES[purpose],
    )
    session.add(link)
    session.flush()
    event = AccountLinkIssued(link_id=link.id, user_id=user.id, purpose=purpose, expires_at=link.expires_at.isoformat())
    outbox.record(session, event, actor=actor)
    return link


def open_link(session: Session, token: str, purpose: str) -> AccountLink:
    """The open, unexpired link of ``purpose`` carrying ``token``, for an active person.
    Raises LinkUnusable, saying which of the cases it is where that reveals nothing."""
    link = session.scalar(sa.select(AccountLink).where(AccountLink.token_hash == _hash(token)))
    if link is None or link.purpose != purpose or not link.user.is_active:
        raise LinkUnusable(
            _l("This link is not valid. Check that you copied all of it, or ask for a new one."),
            rule="accounts.link_unknown",
        )
    if link.closed_at is not None:
        raise LinkUnusable(
            _l("This link was used already or replaced by a newer one. Ask for a new one."), rule="accounts.link_closed"
        )
    if link.expires_at <= clock.now():
        raise LinkUnusable(_l("This link has expired. Ask for a new one."), rule="accounts.link_expired")
    return link
