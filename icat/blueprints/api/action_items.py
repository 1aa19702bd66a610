"""Action items across meetings (DESIGN §7): open ones by owner entity, marked done by the
owner entity's focal point or the secretariat, at a version (If-Match or ``version``)."""

from __future__ import annotations

from flask import Response, url_for
from flask_babel import lazy_gettext as _l

from icat.blueprints.api import bp
from icat.core.permissions import SIGNED_IN
from icat.meetings import action_items
from icat.meetings.action_schemas import (
    ActionItemListArgsSchema,
    ActionItemListSchema,
    ActionItemOutSchema,
    ActionItemPatchSchema,
    dump_action_item,
)
from icat.meetings.models import ActionItem
from icat.web.api_doc import doc
from icat.web.auth import current_actor, requires
from icat.web.http import current_session, decode_cursor, json_response, load_args, load_edit, page, transactional


def _dump(item: ActionItem) -> dict:
    return dump_action_item(item, url_for("meetings.detail", meeting_id=item.meeting_id, _anchor="minutes"))


@bp.get("/action-items")
@doc(
    "Action items of the meetings the caller may see, by owner entity; open ones with ?open=true",
    query=ActionItemListArgsSchema,
    response=ActionItemListSchema,
    errors=(401, 422),
)
@requires(SIGNED_IN, _l("see action items"))
def action_items_index() -> Response:
    args = load_args(ActionItemListArgsSchema())
    flt = action_items.ActionItemFilter(args.get("entity"), args.get("open"))
    after = decode_cursor(args.get("cursor"))
    rows = action_items.list_action_items(
        current_session(), actor=current_actor(), flt=flt, limit=args["limit"] + 1, after=after
    )
    items, cursor = page(list(rows), args["limit"], key=lambda i: list(action_items.sort_key(i)))
    return json_response({"items": [_dump(i) for i in items], "next_cursor": cursor})


@bp.get("/action-items/<int:item_id>")
@doc("One action item", response=ActionItemOutSchema, errors=(401, 404), etag=True)
@requires(SIGNED_IN, _l("see action items"))
def action_items_show(item_id: int) -> Response:
    item = action_items.get_action_item(current_session(), item_id, actor=current_actor())
    return json_response(_dump(item), version=item.version)


@bp.patch("/action-items/<int:item_id>")
@doc(
    "Mark an action item done or open (its owner entity's focal point, or the secretariat)",
    body=ActionItemPatchSchema,
    response=ActionItemOutSchema,
    errors=(400, 401, 403, 404, 409, 412, 422),
    versioned=True,
)
@requires(SIGNED_IN, _l("mark action items done"))
@transactional
def action_items_update(item_id: int) -> Response:
    edit = load_edit(ActionItemPatchSchema(), partial=False)
    item = action_items.mark_action_item(
        current_session(), actor=current_actor(), item_id=item_id, done=edit.changes["done"], version=edit.version
    )
    return json_response(_dump(item), version=item.version)
