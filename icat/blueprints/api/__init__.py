"""The JSON API under /api/v1 (DESIGN §7). Bearer tokens only, so no CSRF and no cookies."""

from __future__ import annotations

from flask import Blueprint

from icat.extensions import csrf
from icat.web.auth import authenticate_api_request

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate_api_request)
csrf.exempt(bp)

# Routes register on bp when their modules are imported.
from icat.blueprints.api import (  # noqa: E402,F401
    action_items,
    activity,
    documents,
    entities,
    feed_tokens,
    meetings,
    observances,
    openapi,
    publications,
    reminders,
    rotation,
    sessions,
    tokens,
    users,
    workplans,
)
