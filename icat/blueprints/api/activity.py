"""The activity stream: the outbox, for the secretariat."""

from __future__ import annotations

from flask import Response
from flask_babel import lazy_gettext as _l

from icat.activity.queries import list_events
from icat.activity.schemas import EventListArgsSchema, EventListSchema, EventSchema
from icat.blueprints.api import bp
from icat.core.permissions import STAFF
from icat.web.api_doc import doc
from icat.web.auth import current_actor, requires
from icat.web.http import current_session, decode_cursor, json_response, load_args, page


@bp.get("/events")
@doc("Activity stream (secretariat)", query=EventListArgsSchema, response=EventListSchema, errors=(401, 403))
@requires(STAFF, _l("read the activity log"))
def events_index() -> Response:
    args = load_args(EventListArgsSchema())
    after = decode_cursor(args.get("cursor")) or args["after"]
    rows = list_events(
        current_session(), actor=current_actor(), after=after, limit=args["limit"] + 1, subject=args.get("subject")
    )
    items, cursor = page(list(rows), args["limit"], key=lambda e: e.id)
    return json_response({"items": EventSchema(many=True).dump(items), "next_cursor": cursor})
