"""The OpenAPI document, generated from the marshmallow schemas (never a hand-kept copy)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Response, jsonify
from marshmallow import Schema, fields

from icat.accounts.schemas import API_ROUTES as TOKEN_ROUTES
from icat.activity.schemas import EventListArgsSchema, EventListSchema
from icat.blueprints.api import bp
from icat.calendar.schemas import API_ROUTES as FEED_TOKEN_ROUTES
from icat.meetings.schemas import API_ROUTES as MEETING_ROUTES
from icat.notifications.schemas import API_ROUTES as REMINDER_ROUTES
from icat.observances.schemas import API_ROUTES as OBSERVANCE_ROUTES
from icat.registry.schemas import (
    EntityCreateSchema,
    EntityListArgsSchema,
    EntityListSchema,
    EntityPatchSchema,
    EntitySchema,
)
from icat.rotation.schemas import (
    ChairTermListSchema,
    ChairTermPutSchema,
    ChairTermSchema,
    PlanArgsSchema,
    PlanSchema,
    UnwillingPutSchema,
    UnwillingSchema,
)


class ErrorSchema(Schema):
    error = fields.String(required=True, metadata={"description": "stable error code"})
    message = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", metadata={"description": "per-field messages"})


def _json(schema: str | type[Schema]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): {"description": "error", **_json("Error")} for code in codes}


# path → method → (summary, query schema or None, request schema or None, response (see _response), status, errors)
ROUTES: dict[str, dict[str, tuple[Any, ...]]] = {
    "/entities": {
        "get": ("List entities", EntityListArgsSchema, None, EntityListSchema, 200, (422,)),
        "post": (
            "Add an entity (admin, secretariat)",
            None,
            EntityCreateSchema,
            EntitySchema,
            201,
            (400, 401, 403, 409, 422),
        ),
    },
    "/entities/{acronym}": {
        "get": ("One entity; focal points for signed-in readers", None, None, EntitySchema, 200, (404,)),
        "patch": (
            "Change an entity at a version (If-Match or version)",
            None,
            EntityPatchSchema,
            EntitySchema,
            200,
            (400, 401, 403, 404, 409, 412, 422),
        ),
    },
    "/events": {
        "get": ("Activity stream (secretariat)", EventListArgsSchema, None, EventListSchema, 200, (401, 403, 422)),
    },
    "/chair-terms": {
        "get": ("Every recorded year's co-chairs (null where unknown)", None, None, ChairTermListSchema, 200, ()),
    },
    "/chair-terms/{year}": {
        "put": (
            "Record or replace a year's co-chairs (admin, secretariat); the rules are enforced",
            None,
            ChairTermPutSchema,
            ChairTermSchema,
            200,
            (400, 401, 403, 409, 412, 422),
        ),
    },
    "/chair-terms/plan": {
        "get": ("Proposed co-chairs for coming years, each explained", PlanArgsSchema, None, PlanSchema, 200, (422,)),
    },
    "/chair-terms/{year}/unwilling": {
        "put": (
            "Set the entities that will not chair in a year (planner input)",
            None,
            UnwillingPutSchema,
            UnwillingSchema,
            200,
            (400, 401, 403, 422),
        ),
    },
}
ROUTES.update(MEETING_ROUTES)
ROUTES.update(OBSERVANCE_ROUTES)
ROUTES.update(FEED_TOKEN_ROUTES)
ROUTES.update(REMINDER_ROUTES)
ROUTES.update(TOKEN_ROUTES)
PATH_PARAM_TYPES = {
    "year": "integer",
    "meeting_id": "integer",
    "document_id": "integer",
    "token_id": "integer",
    "delivery_id": "integer",
}


def _response(out: Any) -> dict[str, Any]:
    """A response's body: a schema as JSON, None for no body (204), a dict of media types (files)."""
    if out is None:
        return {}
    if isinstance(out, dict):
        return {"content": out}
    return _json(out)


def _operation(summary: str, query: Any, body: Any, out: Any, status: int, errors: tuple[int, ...]) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {str(status): {"description": "OK", **_response(out)}}}
    op["responses"].update(_errors(*errors))
    if query is not None:
        op["parameters"] = [{"in": "query", "schema": query}]
    if body is not None:
        op["requestBody"] = {"required": True, **_json(body)}
    return op


@cache
def build_spec() -> dict[str, Any]:
    spec = APISpec(title="ICAT Workspace API", version="1", openapi_version="3.1.0", plugins=[MarshmallowPlugin()])
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for path, methods in ROUTES.items():
        operations = {method: _operation(*spec_) for method, spec_ in methods.items()}
        params = [
            {"in": "path", "name": name, "required": True, "schema": {"type": PATH_PARAM_TYPES.get(name, "string")}}
            for name in re.findall(r"{(\w+)}", path)
        ]
        spec.path(path=path, operations=operations, parameters=params)
    body = spec.to_dict()
    body["servers"] = [{"url": "/api/v1"}]
    body["security"] = [{"bearer": []}, {}]
    return body


@bp.get("/openapi.json")
def openapi_json() -> Response:
    return jsonify(build_spec())
