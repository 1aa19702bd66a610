"""Chair-term routes: public history and plan; recording for admin and secretariat."""

from __future__ import annotations

from flask import Response

from icat.blueprints.api import bp
from icat.core.permissions import STAFF
from icat.rotation import queries, services
from icat.rotation.schemas import (
    ChairTermPutSchema,
    ChairTermSchema,
    PlanArgsSchema,
    PlanItemSchema,
    UnwillingPutSchema,
)
from icat.web.auth import current_actor, requires
from icat.web.http import current_session, json_response, load_args, load_edit, load_json, transactional


@bp.get("/chair-terms")
def chair_terms_index() -> Response:
    items = ChairTermSchema(many=True).dump(queries.terms(current_session()))
    return json_response({"items": items, "next_cursor": None})  # one row a year: never long


@bp.put("/chair-terms/<int:year>")
@requires(STAFF, "record co-chairs")
@transactional
def chair_terms_put(year: int) -> Response:
    edit = load_edit(ChairTermPutSchema(), partial=False)
    term = services.record_term(
        current_session(),
        actor=current_actor(),
        year=year,
        version=edit.version,
        **edit.changes,
    )
    return json_response(ChairTermSchema().dump(term), version=term.version)


@bp.get("/chair-terms/plan")
def chair_terms_plan() -> Response:
    args = load_args(PlanArgsSchema())
    items = services.plan(current_session(), through=args["through"])
    return json_response({"items": PlanItemSchema(many=True).dump(items)})


@bp.put("/chair-terms/<int:year>/unwilling")
@requires(STAFF, "record who will not chair")
@transactional
def chair_terms_unwilling(year: int) -> Response:
    data = load_json(UnwillingPutSchema())
    acronyms = services.set_unwilling(current_session(), actor=current_actor(), year=year, entities=data["entities"])
    return json_response({"year": year, "entities": acronyms})
