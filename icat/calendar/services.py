"""Feed-token rules: a person's private feed address, issued, listed and revoked one by one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.accounts.models import Token, User
from icat.core.actor import Actor
from icat.core.errors import NotFound
from icat.core.permissions import SIGNED_IN, require_role


def create_feed_token(session: Session, *, actor: Actor, name: str) -> tuple[Token, str]:
    """Issue a private feed token for the acting user; the raw token is returned once.
    Raises Unauthorized/Forbidden (signed-in users only), ValidationError (name). Emits TokenCreated."""
    require_role(actor, SIGNED_IN, _l("create feed tokens"))
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound(_l("No such user."), rule="calendar.user_unknown")
    return accounts.create_token(session, actor=actor, user=user, kind="feed", name=name)


def revoke_feed_token(session: Session, *, actor: Actor, token_id: int) -> Token:
    """Revoke one of the actor's feed tokens (admins: anyone's); its feed answers 404 at once.
    Raises NotFound (unknown, someone else's, or not a feed token). Emits TokenRevoked."""
    require_role(actor, SIGNED_IN, _l("revoke feed tokens"))
    token = session.get(Token, token_id)
    if token is None or token.kind != "feed":
        raise NotFound(_l("No such feed token."), rule="calendar.feed_token_unknown")
    return accounts.revoke_token(session, actor=actor, token_id=token_id)


def viewer_for_feed_token(session: Session, raw: str) -> Actor:
    """Whose private feed ``raw`` opens; NotFound once revoked (or never issued)."""
    user = accounts.user_for_token(session, raw, kind="feed")
    if user is None:
        raise NotFound(_l("No such feed."), rule="calendar.feed_unknown")
    return accounts.actor_for(user)
