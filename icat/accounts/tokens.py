"""API token rules (DESIGN §4): listed and revoked one by one, never shown again after issue.

Listing and revoking follow one visibility rule: a person sees and revokes their own API
tokens, an admin everyone's; anyone else's token is NotFound, so token ids do not leak.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from icat.accounts import services as accounts
from icat.accounts.models import Token
from icat.core.actor import Actor
from icat.core.errors import NotFound, ValidationError
from icat.core.permissions import SIGNED_IN, require_role


def list_api_tokens(session: Session, *, actor: Actor, after: int = 0, limit: int = 50) -> Sequence[Token]:
    """The actor's API tokens (admins: everyone's) with ids above ``after``, oldest first,
    revoked ones included (with ``revoked_at``). Raises Unauthorized, Forbidden, ValidationError
    (``cursor``)."""
    require_role(actor, SIGNED_IN, _l("list API tokens"))
    if type(after) is not int:  # a cursor is decoded JSON: anything a client sent
        raise ValidationError(
            _l("Invalid cursor."), fields={"cursor": [_l("Not a cursor this API sent.")]}, rule="http.cursor_forged"
        )
    query = sa.select(Token).where(Token.kind == "api", Token.id > after).order_by(Token.id).limit(limit)
    if actor.role != "admin":
        query = query.where(Token.user_id == actor.user_id)
    return session.scalars(query).all()


def revoke(session: Session, *, actor: Actor, token_id: int, kind: str | None = "api") -> tuple[Token, bool]:
    """Revoke one token of ``kind`` (None: any kind, for operators) that the actor owns or, as
    an admin, anyone's. It answers 401 (API) or 404 (feed) from the next request on.

    Returns the token and whether this call revoked it (False: it was revoked already; nothing
    changes). Raises Unauthorized, Forbidden, NotFound (unknown, another kind, another person's).
    Emits TokenRevoked when it revokes.
    """
    require_role(actor, SIGNED_IN, _l("revoke tokens"))
    token = session.get(Token, token_id)
    if token is None or (kind is not None and token.kind != kind):
        raise NotFound(_l("No such token."), rule="tokens.token_unknown")
    was_active = token.revoked_at is None
    accounts.revoke_token(session, actor=actor, token_id=token_id)  # the ownership rule and the event
    return token, was_active
