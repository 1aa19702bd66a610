"""Observance routes: public reads; patch (themes, offsets) for admin and secretariat."""

from __future__ import annotations

from flask import Response

from icat.blueprints.api import bp
from icat.core import clock
from icat.core.permissions import STAFF
from icat.observances import services
from icat.observances.queries import get_observance, list_observances
from icat.observances.schemas import ObservancePatchSchema, dump_observance
from icat.web.auth import current_actor, requires
from icat.web.http import current_session, json_response, load_edit, transactional


@bp.get("/observances")
def observances_index() -> Response:
    today = clock.today()
    rows = list_observances(current_session())
    return json_response({"items": [dump_observance(o, today) for o in rows], "next_cursor": None})


@bp.get("/observances/<slug>")
def observances_show(slug: str) -> Response:
    observance = get_observance(current_session(), slug)
    return json_response(dump_observance(observance, clock.today()), version=observance.version)


@bp.patch("/observances/<slug>")
@requires(STAFF, "change observances")
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
