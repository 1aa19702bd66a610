"""Entity routes: public reads; create and patch for admin and secretariat."""

from __future__ import annotations

from flask import Response, url_for
from flask_babel import lazy_gettext as _l

from icat.accounts import queries as account_queries
from icat.blueprints.api import bp
from icat.core.permissions import STAFF
from icat.registry import services
from icat.registry.queries import EntityFilter, get_entity, list_entities
from icat.registry.schemas import (
    EntityCreateSchema,
    EntityListArgsSchema,
    EntityListSchema,
    EntityPatchSchema,
    EntitySchema,
    dump_entity,
)
from icat.web.api_doc import doc
from icat.web.auth import current_actor, requires
from icat.web.http import (
    current_session,
    decode_cursor,
    json_response,
    load_args,
    load_edit,
    load_json,
    page,
    transactional,
)


@bp.get("/entities")
@doc("List entities", query=EntityListArgsSchema, response=EntityListSchema)
def entities_index() -> Response:
    args = load_args(EntityListArgsSchema())
    flt = EntityFilter(args.get("kind"), args.get("category"), args.get("working_group"))
    after = decode_cursor(args.get("cursor"))
    rows = list_entities(current_session(), flt, limit=args["limit"] + 1, after=after, with_sources=True)
    items, cursor = page(list(rows), args["limit"], key=lambda e: e.acronym)
    return json_response({"items": [dump_entity(e) for e in items], "next_cursor": cursor})


@bp.post("/entities")
@doc(
    "Add an entity (admin, secretariat)",
    body=EntityCreateSchema,
    response=EntitySchema,
    status=201,
    errors=(401, 403, 409),
    etag=True,
)
@requires(STAFF, _l("add entities"))
@transactional
def entities_create() -> Response:
    data = load_json(EntityCreateSchema())
    entity = services.create_entity(current_session(), actor=current_actor(), **data)
    response = json_response(dump_entity(entity), 201, version=entity.version)
    response.headers["Location"] = url_for("api.entities_show", acronym=entity.acronym)
    return response


@bp.get("/entities/<acronym>")
@doc("One entity; focal points for signed-in readers", response=EntitySchema, errors=(404,), etag=True)
def entities_show(acronym: str) -> Response:
    entity = get_entity(current_session(), acronym)
    fps = account_queries.focal_points(current_session(), actor=current_actor(), entity_id=entity.id)
    return json_response(dump_entity(entity, fps), version=entity.version)


@bp.patch("/entities/<acronym>")
@doc(
    "Change an entity at a version (If-Match or version)",
    body=EntityPatchSchema,
    response=EntitySchema,
    errors=(401, 403, 404),
    versioned=True,
)
@requires(STAFF, _l("change entities"))
@transactional
def entities_update(acronym: str) -> Response:
    edit = load_edit(EntityPatchSchema())
    entity = services.update_entity(
        current_session(),
        actor=current_actor(),
        acronym=acronym,
        version=edit.version,
        changes=edit.changes,
    )
    return json_response(dump_entity(entity), version=entity.version)
