"""API tokens: the caller's own (admins: everyone's), listed and revoked one by one."""

from __future__ import annotations

from flask import Response
from flask_babel import lazy_gettext as _l

from icat.accounts import tokens
from icat.accounts.schemas import ApiTokenListArgsSchema, ApiTokenListSchema, ApiTokenSchema
from icat.blueprints.api import bp
from icat.core.permissions import SIGNED_IN
from icat.web.api_doc import doc
from icat.web.auth import current_actor, requires
from icat.web.http import current_session, decode_cursor, json_response, load_args, page, transactional


@bp.get("/tokens")
@doc(
    "My API tokens (admin: everyone's), revoked ones included; never the secret",
    query=ApiTokenListArgsSchema,
    response=ApiTokenListSchema,
    errors=(401, 403),
)
@requires(SIGNED_IN, _l("list API tokens"))
def tokens_index() -> Response:
    args = load_args(ApiTokenListArgsSchema())
    after = decode_cursor(args.get("cursor")) or 0
    rows = tokens.list_api_tokens(current_session(), actor=current_actor(), after=after, limit=args["limit"] + 1)
    items, cursor = page(list(rows), args["limit"], key=lambda t: t.id)
    return json_response({"items": ApiTokenSchema(many=True).dump(items), "next_cursor": cursor})


@bp.delete("/tokens/<int:token_id>")
@doc("Revoke an API token; it answers 401 at once", status=204, errors=(401, 403, 404))
@requires(SIGNED_IN, _l("revoke API tokens"))
@transactional
def tokens_delete(token_id: int) -> Response:
    tokens.revoke(current_session(), actor=current_actor(), token_id=token_id)
    return Response(status=204)
