"""Workplan routes (DESIGN §7): adopted plans for everyone, drafts for the signed in; plans,
outcomes and activities changed by the secretariat; a leading entity's focal point updates
its activities' status, progress, rating and evidence."""

from __future__ import annotations

from flask import Response, url_for
from flask_babel import lazy_gettext as _l

from icat.blueprints.api import bp
from icat.core.errors import BadRequest
from icat.core.permissions import FOCAL_POINTS, STAFF
from icat.web import http
from icat.web.api_doc import doc
from icat.web.auth import current_actor, requires
from icat.web.http import current_session, json_response, load_args, load_edit, load_json, transactional
from icat.web.workplan_files import download, import_rows
from icat.workplan import activities, importing, services
from icat.workplan.access import get_activity, get_plan
from icat.workplan.queries import list_plans
from icat.workplan.schemas import (
    EXPORT_FILES,
    IMPORT_BODY,
    ActivityFieldsSchema,
    ActivityPatchSchema,
    ActivitySchema,
    ExportArgsSchema,
    ImportResultSchema,
    OutcomeSchema,
    WorkplanFieldsSchema,
    WorkplanListArgsSchema,
    WorkplanListSchema,
    WorkplanPatchSchema,
    WorkplanSchema,
    dump_activity,
    dump_plan,
)

PLAN_WRITE_ERRORS = (401, 403, 404)


@bp.get("/workplans")
@doc(
    "Workplans: adopted ones for everyone, drafts too when signed in",
    query=WorkplanListArgsSchema,
    response=WorkplanListSchema,
)
def workplans_index() -> Response:
    args = load_args(WorkplanListArgsSchema())
    after = _plan_cursor(http.decode_cursor(args.get("cursor")))
    rows = list_plans(current_session(), actor=current_actor(), limit=args["limit"] + 1, after=after)
    items, cursor = http.page(list(rows), args["limit"], key=lambda p: [p.start_year, p.id])
    return json_response({"items": [dump_plan(p, detail=False) for p in items], "next_cursor": cursor})


def _plan_cursor(key: object) -> list[int] | None:
    """A list cursor's (start_year, id); a signed key of another list is refused (400)."""
    if key is None:
        return None
    if not (isinstance(key, list) and len(key) == 2 and all(type(v) is int for v in key)):
        raise BadRequest(
            _l("Invalid cursor."), fields={"cursor": [_l("Not a cursor of this list.")]}, rule="workplan.cursor_invalid"
        )
    return key


@bp.post("/workplans")
@doc(
    "Draft a workplan (secretariat)",
    body=WorkplanFieldsSchema,
    response=WorkplanSchema,
    status=201,
    errors=(401, 403),
    etag=True,
)
@requires(STAFF, _l("draft workplans"))
@transactional
def workplans_create() -> Response:
    plan = services.create_plan(current_session(), actor=current_actor(), **load_json(WorkplanFieldsSchema()))
    response = json_response(dump_plan(plan), 201, version=plan.version)
    response.headers["Location"] = url_for("api.workplans_show", plan_id=plan.id)
    return response


@bp.get("/workplans/<int:plan_id>")
@doc("One workplan with its outcomes and activities", response=WorkplanSchema, errors=(404,), etag=True)
def workplans_show(plan_id: int) -> Response:
    plan = get_plan(current_session(), plan_id, actor=current_actor())
    return json_response(dump_plan(plan), version=plan.version)


@bp.patch("/workplans/<int:plan_id>")
@doc(
    "Change a workplan, or adopt it (adopted_on; takes the baseline)",
    body=WorkplanPatchSchema,
    response=WorkplanSchema,
    errors=PLAN_WRITE_ERRORS,
    versioned=True,
)
@requires(STAFF, _l("change workplans"))
@transactional
def workplans_update(plan_id: int) -> Response:
    edit = load_edit(WorkplanPatchSchema())
    plan = services.update_plan(
        current_session(), actor=current_actor(), plan_id=plan_id, version=edit.version, changes=edit.changes
    )
    return json_response(dump_plan(plan), version=plan.version)


@bp.post("/workplans/<int:plan_id>/outcomes")
@doc(
    "Add an outcome under a pillar (secretariat)",
    body=OutcomeSchema,
    response=OutcomeSchema,
    status=201,
    errors=PLAN_WRITE_ERRORS,
)
@requires(STAFF, _l("change workplans"))
@transactional
def workplans_outcomes_create(plan_id: int) -> Response:
    data = load_json(OutcomeSchema())
    outcome = services.add_outcome(current_session(), actor=current_actor(), plan_id=plan_id, **data)
    return json_response(OutcomeSchema().dump(outcome), 201)


@bp.post("/workplans/<int:plan_id>/activities")
@doc(
    "Add an activity (secretariat)",
    body=ActivityFieldsSchema,
    response=ActivitySchema,
    status=201,
    errors=PLAN_WRITE_ERRORS,
    etag=True,
)
@requires(STAFF, _l("add workplan activities"))
@transactional
def workplans_activities_create(plan_id: int) -> Response:
    data = load_json(ActivityFieldsSchema())
    activity = activities.add_activity(current_session(), actor=current_actor(), plan_id=plan_id, **data)
    response = json_response(dump_activity(activity), 201, version=activity.version)
    response.headers["Location"] = url_for("api.activities_show", activity_id=activity.id)
    return response


@bp.get("/activities/<int:activity_id>")
@doc("One activity", response=ActivitySchema, errors=(404,), etag=True)
def activities_show(activity_id: int) -> Response:
    activity = get_activity(current_session(), activity_id, actor=current_actor())
    return json_response(dump_activity(activity), version=activity.version)


@bp.patch("/activities/<int:activity_id>")
@doc(
    "Change an activity at a version (secretariat; a leading entity's focal point: status, progress, rag, evidence)",
    body=ActivityPatchSchema,
    response=ActivitySchema,
    errors=PLAN_WRITE_ERRORS,
    versioned=True,
)
@requires(STAFF | FOCAL_POINTS, _l("change workplan activities"))
@transactional
def activities_update(activity_id: int) -> Response:
    edit = load_edit(ActivityPatchSchema())
    activity = activities.update_activity(
        current_session(), actor=current_actor(), activity_id=activity_id, version=edit.version, changes=edit.changes
    )
    return json_response(dump_activity(activity), version=activity.version)


@bp.post("/workplans/<int:plan_id>/activities/import")
@doc(
    "Import activities from CSV or JSON (secretariat): every row checked, any bad row → 422 naming "
    "row and column, nothing imported",
    body=IMPORT_BODY,
    response=ImportResultSchema,
    status=201,
    errors=(400, *PLAN_WRITE_ERRORS),
)
@requires(STAFF, _l("import workplan activities"))
@transactional
def workplans_import(plan_id: int) -> Response:
    rows, first = import_rows()
    added = importing.import_activities(
        current_session(), actor=current_actor(), plan_id=plan_id, rows=rows, first_row=first
    )
    return json_response({"imported": len(added), "items": [dump_activity(a) for a in added]}, 201)


@bp.get("/workplans/<int:plan_id>/export")
@doc(
    "The plan for a reporting period as JSON, CSV or .xlsx",
    query=ExportArgsSchema,
    response=EXPORT_FILES,
    errors=(404,),
)
def workplans_export(plan_id: int) -> Response:
    args = load_args(ExportArgsSchema())
    plan = get_plan(current_session(), plan_id, actor=current_actor())
    return download(plan, args["format"], args.get("period"))
