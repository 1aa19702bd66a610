"""The JSON API under /api/v1 (DESIGN §7). Bearer tokens only, so no CSRF and no cookies."""

from __future__ import annotations

from flask import Blueprint

from icat.auth import authenticate_api_request
from icat.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate_api_request)
csrf.exempt(bp)

from icat.blueprints.api import activity, entities, openapi, rotation  # noqa: E402,F401  (routes register on bp)
from icat.blueprints.api import feed_tokens, observances  # noqa: E402,F401
