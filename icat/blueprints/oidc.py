"""Sign in with your organisation (OpenID Connect, authorization code with PKCE)."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, url_for
from flask_login import login_user

from icat.accounts import oidc
from icat.blueprints.accounts import login_limits
from icat.web import sign_in
from icat.web.auth import SessionUser
from icat.web.http import current_session, transactional

bp = Blueprint("oidc", __name__, url_prefix="/login/oidc")


@bp.get("/<name>")
def start(name: str) -> Response:
    return sign_in.start(name)


@bp.get("/<name>/callback")
@transactional
def callback(name: str) -> Response:
    found, email, verified = sign_in.verified_identity(name)
    outcome = oidc.sign_in_verified(
        current_session(), email=email, verified=verified, domains=found.domains, limits=login_limits()
    )
    login_user(SessionUser(outcome.user, outcome.key))
    return redirect(url_for("profile.index"))
