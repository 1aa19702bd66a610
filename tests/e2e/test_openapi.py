"""The OpenAPI document (DESIGN §7) is generated from the routes: every /api/v1 rule is in
it, it is a valid OpenAPI 3.1 document, PATCH bodies require nothing, and versioned edits
document If-Match, ETag, 409 and 412."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from sqlalchemy.orm import Session

from icat.blueprints.api.openapi import build_spec
from icat.registry.models import Entity

FLASK_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
# Every edit that takes If-Match today; a new one is found by the generic test below.
VERSIONED = {
    ("/entities/{acronym}", "patch"),
    ("/meetings/{meeting_id}", "patch"),
    ("/observances/{slug}", "patch"),
    ("/chair-terms/{year}", "put"),
    ("/meetings/{meeting_id}/agenda", "put"),
    ("/meetings/{meeting_id}/minutes", "put"),
    ("/meetings/{meeting_id}/cancel", "post"),
    ("/meetings/{meeting_id}/confirm", "post"),
    ("/meetings/{meeting_id}/decline", "post"),
    ("/meetings/{meeting_id}/withdraw", "post"),
}


def _missing(app: Flask, spec: dict[str, Any]) -> list[str]:
    """``METHOD /rule`` for every /api/v1 rule the document leaves out."""
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = FLASK_VARIABLE.sub(r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if method.lower() not in spec["paths"].get(path, {}):
                missing.append(f"{method} {rule.rule}")
    return missing


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        *_, section, name = node["$ref"].split("/")
        node = spec["components"][section][name]
    return node


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method != "parameters"
    ]


def test_every_api_rule_is_in_the_document(app: Flask, client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert len(_operations(spec)) >= 38  # the API had 38 operations when this test was written
    assert _missing(app, spec) == []


def test_a_route_without_a_description_is_reported_missing(app: Flask) -> None:
    app.add_url_rule("/api/v1/undocumented/<int:n>", "undocumented", lambda n: "", methods=["GET", "POST"])
    with app.app_context():
        spec = build_spec(app)
    assert _missing(app, spec) == ["GET /api/v1/undocumented/<int:n>", "POST /api/v1/undocumented/<int:n>"]


def test_the_document_is_valid_openapi(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    validate(spec)  # raises OpenAPIValidationError on any fault


def test_patch_bodies_require_no_field(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    patches = [(path, op) for path, method, op in _operations(spec) if method == "patch"]
    assert {path for path, _ in patches} >= {"/entities/{acronym}", "/meetings/{meeting_id}", "/observances/{slug}"}
    for path, op in patches:
        body = _resolve(spec, op["requestBody"]["content"]["application/json"]["schema"])
        assert body.get("required", []) == [], path
        assert {"version"} < set(body["properties"]), path  # the fields are there, only optional
    entity = _resolve(spec, {"$ref": "#/components/schemas/EntityPatch"})
    assert {"name", "kind", "category"} <= set(entity["properties"])
    assert _resolve(spec, {"$ref": "#/components/schemas/EntityCreate"})["required"]  # create still requires


def test_versioned_operations_document_if_match_etag_409_and_412(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    found = set()
    for path, method, op in _operations(spec):
        headers = [_resolve(spec, p) for p in op.get("parameters", [])]
        if not any(p["in"] == "header" and p["name"] == "If-Match" for p in headers):
            continue
        found.add((path, method))
        assert {"409", "412"} <= set(op["responses"]), (path, method)
        assert _resolve(spec, op["responses"]["412"])["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
        ok = next(answer for code, answer in op["responses"].items() if code.startswith("2"))
        if "content" in ok:  # 204s carry no ETag: there is no resource left to tag
            assert "ETag" in ok["headers"], (path, method)
    assert found >= VERSIONED
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"error", "rule", "message", "fields"}
    assert sorted(error["required"]) == ["error", "message", "rule"]
    assert "412" not in spec["paths"]["/meetings/{meeting_id}/rsvp"]["put"]["responses"]  # not versioned


def test_uploads_and_downloads_are_documented_as_files(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    upload = paths["/meetings/{meeting_id}/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload["schema"]["properties"]["file"] == {
        "type": "string",
        "format": "binary",
        "description": "PDF, DOCX or ODT",
    }
    download = paths["/meetings/{meeting_id}/documents/{document_id}"]["get"]["responses"]["200"]["content"]
    assert download["application/pdf"]["schema"] == {"type": "string", "format": "binary"}


def test_a_patch_still_refuses_unknown_fields(client: FlaskClient, session: Session, make_entity, bearer) -> None:
    entity = make_entity()
    version = entity.version
    answer = client.patch(
        f"/api/v1/entities/{entity.acronym}",
        json={"version": entity.version, "colour": "blue"},
        headers=bearer("secretariat"),
    )
    assert answer.status_code == 422
    assert answer.get_json()["fields"] == {"colour": ["Unknown field."]}
    session.expire_all()
    assert session.get(Entity, entity.id).version == version  # nothing written
