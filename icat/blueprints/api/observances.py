"""Observance routes: public reads; patch (themes, offsets) for admin and secretariat."""

from __future__ import annotations

from flask import Response
from flask_babel import lazy_gettext as _l

from icat.blueprints.api import bp
from icat.core import clock
from icat.core.permissions import STAFF
from icat.observances import services
from icat.observances.queries import get_observance, list_observances
from icat.observances.schemas import ObservanceListSchema, ObservancePatchSchema, ObservanceSchema, dump_observance
from icat.web.api_doc import doc
from icat.web.auth import current_actor, requires
from icat.web.http import current_session, json_response, load_edit, transactional


@bp.get("/observances")
@doc("Observances with their themes and campaign steps", response=ObservanceListSchema)
def observances_index() -> Response:
    today = clock.today()
    rows = list_observances(current_session())
    return json_response({"items": [dump_observance(o, today) for o in rows], "next_cursor": None})


@bp.get("/observances/<slug>")
@doc(
    "One observance (World Day: world-day-against-trafficking-in-persons)",
    response=ObservanceSchema,
    errors=(404,),
    etag=True,
)
def observances_show(slug: str) -> Response:
    observance = get_observance(current_session(), slug)
    return json_response(dump_observance(observance, clock.today()), version=observance.version)


@bp.patch("/observances/<slug>")
@doc(
    "Change an observance at a version (If-Match or version): themes of the years sent, step offsets",
    body=ObservancePatchSchema,
    response=ObservanceSchema,
    errors=(401, 403, 404),
    versioned=True,
)
@requires(STAFF, _l("change observances"))
@transactional
def observances_update(slug: str) -> Response:
    edit = load_edit(ObservancePatchSchema(), partial=False)  # no field is required; nested ones are
    observance = services.update_observance(
        current_session(),
        actor=current_actor(),
        slug=slug,
        version=edit.version,
        changes=edit.changes,
    )
    return json_response(dump_observance(observance, clock.today()), version=observance.version)
