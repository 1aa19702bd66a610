"""Publication routes (DESIGN §7): anyone reads published texts; the secretariat and lead
entities' focal points draft, edit, circulate and publish; focal points answer for their entity."""

from __future__ import annotations

from flask import Response, request, url_for
from flask_babel import lazy_gettext as _l

from icat.blueprints.api import bp
from icat.core.permissions import FOCAL_POINTS, SIGNED_IN, STAFF
from icat.meetings.schemas import WRITE_ERRORS
from icat.publications import circulation, services
from icat.publications.models import Publication
from icat.publications.queries import PublicationFilter, get_publication, list_publications
from icat.publications.schemas import (
    CirculationSchema,
    PublicationCreateSchema,
    PublicationListArgsSchema,
    PublicationListSchema,
    PublicationPatchSchema,
    PublicationSchema,
    PublishSchema,
    ResponseSchema,
    dump_publication,
)
from icat.web.api_doc import doc
from icat.web.auth import current_actor, requires
from icat.web.http import (
    action_version,
    current_session,
    decode_cursor,
    json_response,
    load_args,
    load_edit,
    load_json,
    page,
    transactional,
)


@bp.get("/publications")
@doc(
    "Publications the caller may see (anonymous: published ones)",
    query=PublicationListArgsSchema,
    response=PublicationListSchema,
)
def publications_index() -> Response:
    args = load_args(PublicationListArgsSchema())
    flt = PublicationFilter.from_args(args)
    after, session = decode_cursor(args.get("cursor")), current_session()
    rows = list_publications(session, actor=current_actor(), flt=flt, limit=args["limit"] + 1, after=after)
    items, cursor = page(list(rows), args["limit"], key=lambda p: p.id)
    return json_response({"items": [dump_publication(p) for p in items], "next_cursor": cursor})


@bp.post("/publications")
@doc(
    "Draft a publication",
    body=PublicationCreateSchema,
    response=PublicationSchema,
    status=201,
    errors=(401, 403, 409),
    etag=True,
)
@requires(STAFF | FOCAL_POINTS, _l("draft publications"))
@transactional
def publications_create() -> Response:
    pub = services.create_publication(current_session(), actor=current_actor(), **load_json(PublicationCreateSchema()))
    response = json_response(dump_publication(pub), 201, version=pub.version)
    response.headers["Location"] = url_for("api.publications_show", publication_id=pub.id)
    return response


@bp.get("/publications/<int:publication_id>")
@doc("One publication with its texts, current round and answers", response=PublicationSchema, errors=(404,), etag=True)
def publications_show(publication_id: int) -> Response:
    pub = get_publication(current_session(), publication_id, actor=current_actor())
    return _answer(pub)


@bp.patch("/publications/<int:publication_id>")
@doc(
    "Edit fields and texts at a version (If-Match or version)",
    body=PublicationPatchSchema,
    response=PublicationSchema,
    errors=WRITE_ERRORS,
    versioned=True,
)
@requires(STAFF | FOCAL_POINTS, _l("edit publications"))
@transactional
def publications_update(publication_id: int) -> Response:
    edit, session, actor = load_edit(PublicationPatchSchema()), current_session(), current_actor()
    pub = services.update_publication(
        session, actor=actor, publication_id=publication_id, version=edit.version, changes=edit.changes
    )
    return _answer(pub)


@bp.post("/publications/<int:publication_id>/circulate")
@doc(
    "Circulate the authoritative text (endorsement or silence) until a deadline",
    body=CirculationSchema,
    response=PublicationSchema,
    errors=WRITE_ERRORS,
    versioned=True,
)
@requires(STAFF | FOCAL_POINTS, _l("circulate publications"))
@transactional
def publications_circulate(publication_id: int) -> Response:
    data = load_json(CirculationSchema())
    data["version"] = action_version(data)
    round_ = circulation.circulate(current_session(), actor=current_actor(), publication_id=publication_id, **data)
    return _answer(round_.publication)


@bp.post("/publications/<int:publication_id>/responses")
@doc(
    "Answer the open round for an entity (a focal point: its own)",
    body=ResponseSchema,
    response=PublicationSchema,
    errors=(401, 403, 404, 409),
)
@requires(SIGNED_IN, _l("answer circulations"))
@transactional
def publications_respond(publication_id: int) -> Response:
    data = load_json(ResponseSchema())
    pub = circulation.respond(current_session(), actor=current_actor(), publication_id=publication_id, **data)
    return _answer(pub)


@bp.post("/publications/<int:publication_id>/publish")
@doc(
    "Publish an adopted (or, for briefs and papers, lead-approved) text",
    body=PublishSchema,
    body_required=False,
    response=PublicationSchema,
    errors=WRITE_ERRORS,
    versioned=True,
)
@requires(STAFF | FOCAL_POINTS, _l("publish publications"))
@transactional
def publications_publish(publication_id: int) -> Response:
    data = load_json(PublishSchema()) if _has_body() else {"published_on": None}
    pub = services.publish(
        current_session(),
        actor=current_actor(),
        publication_id=publication_id,
        version=action_version(data),
        on=data["published_on"],
    )
    return _answer(pub)


def _has_body() -> bool:
    return bool(request.get_data())


def _answer(pub: Publication) -> Response:
    """One publication as JSON with its ETag."""
    return json_response(dump_publication(pub), version=pub.version)
