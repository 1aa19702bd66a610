"""The OpenAPI document, generated from the routes and their marshmallow schemas.

Every rule under ``/api/v1`` in the URL map is read with the description its view carries
(``icat.web.api_doc.doc``); nothing here lists routes, so nothing can fall out of step with
them. A route without a description is left out of the document and fails the completeness
test (tests/e2e/test_openapi.py) rather than breaking the document in production.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, Response, current_app, jsonify
from marshmallow import Schema, fields
from werkzeug.routing import Rule

from icat.blueprints.api import bp
from icat.web.api_doc import ApiDoc, Body, description_of, doc

PREFIX = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}  # Flask answers these itself
# Flask's <converter(args):name>; the converter decides the parameter's type.
RULE_VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\([^>]*\))?:)?(?P<name>\w+)>")
CONVERTER_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer", "minimum": 0},
    "float": {"type": "number"},
    "uuid": {"type": "string", "format": "uuid"},
}
# The error answers (DESIGN §7), each a component the operations refer to.
ERROR_RESPONSES: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "The body is not a JSON object, or If-Match is not an ETag this API sent."),
    401: ("Unauthorized", "No valid bearer token."),
    403: ("Forbidden", "The caller's role or entity may not do this."),
    404: ("NotFound", "No such resource, or not one the caller may see."),
    409: ("Conflict", "A rule refused the change, or the body's version is stale."),
    412: ("PreconditionFailed", "If-Match names a version that is no longer current."),
    422: ("ValidationFailed", "Some fields are invalid: `fields` names each one."),
}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "description": 'The ETag of the version edited, such as "3" (instead of the body\'s `version`). '
    "A stale one answers 412.",
    "schema": {"type": "string"},
}
ETAG = {"description": "The resource's version, for If-Match.", "schema": {"type": "string"}}


class ErrorSchema(Schema):
    error = fields.String(required=True, metadata={"description": "stable error code (the kind of error)"})
    rule = fields.String(
        required=True,
        metadata={
            "description": "stable dotted name of the rule broken, such as `meetings.ends_before_start` "
            "(the error code when there is no finer one)",
            "example": "meetings.ends_before_start",
        },
    )
    message = fields.String(required=True, metadata={"description": "for people, in the reader's language"})
    fields_ = fields.Dict(data_key="fields", metadata={"description": "per-field messages, in the reader's language"})


def _content(body: Body) -> dict[str, Any]:
    """A body's content: a schema as JSON, or media types as they are (files, uploads)."""
    if isinstance(body, dict):
        return body
    return {"application/json": {"schema": body}}


def _request_schema(body: Body, method: str) -> Body:
    """PATCH bodies are loaded partially, so they are documented with no field required."""
    if method != "patch" or isinstance(body, dict):
        return body
    schema = body() if isinstance(body, type) else body
    if schema.partial is True:
        return schema
    return type(schema)(partial=True, only=schema.only, exclude=schema.exclude)


def _operation(op_doc: ApiDoc, method: str, operation_id: str, tag: str) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": "OK"}
    if op_doc.response is not None:
        answer["content"] = _content(op_doc.response)
    if op_doc.sends_etag:
        answer["headers"] = {"ETag": "ETag"}
    operation: dict[str, Any] = {
        "summary": op_doc.summary,
        "operationId": operation_id,
        "tags": [tag],
        "responses": {str(op_doc.status): answer},
    }
    operation["responses"].update({str(code): ERROR_RESPONSES[code][0] for code in op_doc.error_codes()})
    parameters: list[Any] = []
    if op_doc.query is not None:
        parameters.append({"in": "query", "schema": op_doc.query})
    if op_doc.versioned:
        parameters.append("IfMatch")
    if parameters:
        operation["parameters"] = parameters
    if op_doc.body is not None:
        content = _content(_request_schema(op_doc.body, method))
        operation["requestBody"] = {"required": op_doc.body_required, "content": content}
    return operation


def openapi_path(rule: str) -> str:
    """``/api/v1/meetings/<int:meeting_id>`` → ``/meetings/{meeting_id}`` (servers add /api/v1)."""
    return RULE_VARIABLE.sub(r"{\g<name>}", rule.removeprefix(PREFIX))


def _path_parameters(rule: str) -> list[dict[str, Any]]:
    return [
        {
            "in": "path",
            "name": match["name"],
            "required": True,
            "schema": CONVERTER_SCHEMAS.get(match["converter"] or "default", {"type": "string"}),
        }
        for match in RULE_VARIABLE.finditer(rule)
    ]


def api_rules(app: Flask) -> list[Rule]:
    """The URL map's rules under /api/v1, in a stable order."""
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.rule.startswith(PREFIX + "/")),
        key=lambda rule: rule.rule,
    )


def _operations(app: Flask, rule: Rule) -> dict[str, dict[str, Any]]:
    description = description_of(app.view_functions[rule.endpoint])
    if description is None:
        return {}  # undocumented: the completeness test names it
    methods = sorted((rule.methods or set()) - IGNORED_METHODS)
    tag = openapi_path(rule.rule).split("/")[1]
    name = rule.endpoint.removeprefix(f"{bp.name}.")
    return {
        method.lower(): _operation(
            description, method.lower(), name if len(methods) == 1 else f"{name}_{method.lower()}", tag
        )
        for method in methods
    }


def build_spec(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``app``'s API routes."""
    spec = APISpec(title="ICAT Workspace API", version="1", openapi_version="3.1.0", plugins=[MarshmallowPlugin()])
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name, description in ERROR_RESPONSES.values():
        spec.components.response(name, {"description": description, "content": _content("Error")})
    spec.components.parameter("IfMatch", "header", {k: v for k, v in IF_MATCH.items() if k != "in"})
    spec.components.header("ETag", ETAG)
    paths: dict[str, dict[str, Any]] = defaultdict(dict)
    parameters: dict[str, list[dict[str, Any]]] = {}
    for rule in api_rules(app):
        path = openapi_path(rule.rule)
        paths[path].update(_operations(app, rule))
        parameters[path] = _path_parameters(rule.rule)
    for path, operations in paths.items():
        if operations:
            spec.path(path=path, operations=operations, parameters=parameters[path])
    body = spec.to_dict()
    body["servers"] = [{"url": PREFIX}]
    body["security"] = [{"bearer": []}, {}]
    return body


@bp.get("/openapi.json")
@doc("This document (OpenAPI 3.1)", response={"application/json": {"schema": {"type": "object"}}})
def openapi_json() -> Response:
    spec = current_app.extensions.get("icat.openapi")
    if spec is None:  # built once per application: the routes do not change while it runs
        spec = current_app.extensions["icat.openapi"] = build_spec(current_app)
    return jsonify(spec)
