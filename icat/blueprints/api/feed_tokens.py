"""Private feed tokens of the calling user: create (shown once), list, revoke."""

from __future__ import annotations

from flask import Response
from flask_babel import lazy_gettext as _l

from icat.blueprints.api import bp
from icat.calendar import services
from icat.calendar.queries import feed_tokens
from icat.calendar.schemas import FeedTokenCreateSchema, FeedTokenListSchema, FeedTokenSchema, dump_token
from icat.core.permissions import SIGNED_IN
from icat.web.api_doc import doc
from icat.web.auth import current_actor, requires
from icat.web.http import current_session, json_response, load_json, transactional
from icat.web.links import feed_links


@bp.post("/feed-tokens")
@doc(
    "Create a private feed token: token, url and webcal_url are shown this once",
    body=FeedTokenCreateSchema,
    response=FeedTokenSchema,
    status=201,
    errors=(401, 403),
)
@requires(SIGNED_IN, _l("create feed tokens"))
@transactional
def feed_tokens_create() -> Response:
    data = load_json(FeedTokenCreateSchema())
    token, raw = services.create_feed_token(current_session(), actor=current_actor(), name=data["name"])
    return json_response(dump_token(token, raw, feed_links("calendar.private_feed", token=raw)), 201)


@bp.get("/feed-tokens")
@doc("My private feed tokens (never the secret)", response=FeedTokenListSchema, errors=(401, 403))
@requires(SIGNED_IN, _l("list feed tokens"))
def feed_tokens_index() -> Response:
    rows = feed_tokens(current_session(), current_actor().user_id)
    return json_response({"items": [dump_token(t) for t in rows], "next_cursor": None})


@bp.delete("/feed-tokens/<int:token_id>")
@doc("Revoke a feed token; its feed answers 404 at once", status=204, errors=(401, 404))
@requires(SIGNED_IN, _l("revoke feed tokens"))
@transactional
def feed_tokens_delete(token_id: int) -> Response:
    services.revoke_feed_token(current_session(), actor=current_actor(), token_id=token_id)
    return Response(status=204)
