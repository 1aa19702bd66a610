"""Flask glue for accounts: the login session cookie, Bearer tokens, the current actor."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin, current_user

from icat.accounts import services as accounts
from icat.accounts.models import User
from icat.core.actor import Actor
from icat.core.errors import Message, Unauthorized
from icat.core.permissions import require_role
from icat.core.uow import unit_of_work
from icat.extensions import db, login_manager


@dataclass(eq=False)
class SessionUser(UserMixin):
    """What Flask-Login keeps: the user and the login session's secret key.

    ``get_id`` returns the key, not the user id, so the cookie names one login session that
    logout deletes on the server; a copied cookie is useless after logout.
    """

    user: User
    key: str

    def get_id(self) -> str:
        return self.key


@login_manager.user_loader
def _load_session_user(key: str) -> SessionUser | None:
    user = accounts.user_for_session_key(db.session, key)
    return SessionUser(user, key) if user else None


def _bearer_user() -> User | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise Unauthorized(_l("Use 'Authorization: Bearer <token>'."), rule="auth.bearer_token_missing")
    with unit_of_work(db.session):
        user = accounts.user_for_token(db.session, raw.strip(), kind="api")
    if user is None:
        raise Unauthorized(_l("The token is unknown or revoked."), rule="auth.token_unknown")
    return user


def authenticate_api_request() -> None:
    """before_request of the API: a Bearer token, if sent, must be valid (else 401)."""
    user = _bearer_user()
    g.actor = accounts.actor_for(user) if user else None


def current_actor() -> Actor | None:
    """The acting person of this request: the API token's owner or the signed-in user."""
    if "actor" in g:
        return g.actor
    if current_user.is_authenticated:
        return accounts.actor_for(current_user.user)
    return None


def current_db_user() -> User | None:
    return current_user.user if current_user.is_authenticated else None


def init_auth(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"


def requires(roles: frozenset[str], action: Message) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Route decorator: 401/403 before any parsing. Services check again (defence in depth)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            require_role(current_actor(), roles, action)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def link_secret() -> str:
    """The key account links are derived with (icat.accounts.links): the app's secret key."""
    return str(current_app.config["SECRET_KEY"])
