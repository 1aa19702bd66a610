"""Reminder plans and the secretariat's view of deliveries that did not go out."""

from __future__ import annotations

from flask import Response
from flask_babel import lazy_gettext as _l

from icat.blueprints.api import bp
from icat.core.permissions import STAFF
from icat.notifications import queries, services
from icat.notifications.schemas import DeliveryArgsSchema, DeliveryListSchema, DeliverySchema
from icat.web.api_doc import doc
from icat.web.auth import current_actor, requires
from icat.web.http import current_session, json_response, load_args, transactional


@bp.get("/meetings/<int:meeting_id>/reminders")
@doc(
    "The meeting's reminder plan (everyone's for the secretariat, one's own otherwise)",
    response=DeliveryListSchema,
    errors=(404,),
)
def meeting_reminders(meeting_id: int) -> Response:
    rows = queries.reminder_plan(current_session(), actor=current_actor(), meeting_id=meeting_id)
    return json_response({"items": DeliverySchema(many=True).dump(rows), "next_cursor": None})


@bp.get("/activities/<int:activity_id>/reminders")
@doc(
    "A workplan activity's milestone reminders (everyone's for the secretariat, one's own otherwise)",
    response=DeliveryListSchema,
    errors=(401, 404),
)
def activity_reminders(activity_id: int) -> Response:
    rows = queries.activity_reminder_plan(current_session(), actor=current_actor(), activity_id=activity_id)
    return json_response({"items": DeliverySchema(many=True).dump(rows), "next_cursor": None})


@bp.get("/deliveries")
@doc(
    "Failed and skipped deliveries (secretariat)",
    query=DeliveryArgsSchema,
    response=DeliveryListSchema,
    errors=(401, 403),
)
@requires(STAFF, _l("see failed deliveries"))
def deliveries_index() -> Response:
    args = load_args(DeliveryArgsSchema())
    statuses = (args["status"],) if "status" in args else ("failed", "skipped")
    rows = queries.problem_deliveries(current_session(), actor=current_actor(), statuses=statuses)
    return json_response({"items": DeliverySchema(many=True).dump(rows), "next_cursor": None})


@bp.post("/deliveries/<int:delivery_id>/retry")
@doc("Queue a failed delivery again (secretariat)", response=DeliverySchema, errors=(401, 403, 404, 409))
@requires(STAFF, _l("retry deliveries"))
@transactional
def deliveries_retry(delivery_id: int) -> Response:
    row = services.retry_delivery(current_session(), actor=current_actor(), delivery_id=delivery_id)
    return json_response(DeliverySchema().dump(row))
