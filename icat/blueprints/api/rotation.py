"""Chair-term routes: public history and plan; recording for admin and secretariat."""

from __future__ import annotations

from flask import Response
from flask_babel import lazy_gettext as _l

from icat.blueprints.api import bp
from icat.core.permissions import STAFF
from icat.rotation import queries, services
from icat.rotation.schemas import (
    ChairTermListSchema,
    ChairTermPutSchema,
    ChairTermSchema,
    PlanArgsSchema,
    PlanItemSchema,
    PlanSchema,
    UnwillingPutSchema,
    UnwillingSchema,
)
from icat.web.api_doc import doc
from icat.web.auth import current_actor, requires
from icat.web.http import current_session, json_response, load_args, load_edit, load_json, transactional


@bp.get("/chair-terms")
@doc("Every recorded year's co-chairs (null where unknown)", response=ChairTermListSchema)
def chair_terms_index() -> Response:
    items = ChairTermSchema(many=True).dump(queries.terms(current_session()))
    return json_response({"items": items, "next_cursor": None})  # one row a year: never long


@bp.put("/chair-terms/<int:year>")
@doc(
    "Record or replace a year's co-chairs (admin, secretariat); the rules are enforced",
    body=ChairTermPutSchema,
    response=ChairTermSchema,
    errors=(401, 403),
    versioned=True,
)
@requires(STAFF, _l("record co-chairs"))
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
@doc("Proposed co-chairs for coming years, each explained", query=PlanArgsSchema, response=PlanSchema)
def chair_terms_plan() -> Response:
    args = load_args(PlanArgsSchema())
    items = services.plan(current_session(), through=args["through"])
    return json_response({"items": PlanItemSchema(many=True).dump(items)})


@bp.put("/chair-terms/<int:year>/unwilling")
@doc(
    "Set the entities that will not chair in a year (planner input)",
    body=UnwillingPutSchema,
    response=UnwillingSchema,
    errors=(401, 403),
)
@requires(STAFF, _l("record who will not chair"))
@transactional
def chair_terms_unwilling(year: int) -> Response:
    data = load_json(UnwillingPutSchema())
    acronyms = services.set_unwilling(current_session(), actor=current_actor(), year=year, entities=data["entities"])
    return json_response({"year": year, "entities": acronyms})
