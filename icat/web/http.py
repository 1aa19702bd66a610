"""Small helpers every route uses: the request's session, JSON in and out, versions, paging.

Routes stay thin (DESIGN §11.1): parse with a schema, call one service, dump or render.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import marshmallow
from flask import Response, jsonify, request
from sqlalchemy.orm import Session

from icat.core.errors import BadRequest, ValidationError
from icat.core.uow import transactional as _transactional
from icat.extensions import db


def current_session() -> Session:
    """The request's session, handed to services; the route's unit of work commits it."""
    return db.session


transactional = _transactional(current_session)


def load_json(schema: marshmallow.Schema, *, partial: bool = False) -> dict[str, Any]:
    """Parse the JSON body with ``schema``: 400 when it is not a JSON object, 422 per field."""
    data = request.get_json(silent=True)
    if data is None and request.get_data():
        raise BadRequest("The request body is not valid JSON.")
    if not isinstance(data, dict):
        raise BadRequest("Send a JSON object with Content-Type: application/json.")
    return load_data(schema, data, partial=partial)


def load_data(schema: marshmallow.Schema, data: Any, *, partial: bool = False) -> dict[str, Any]:
    try:
        return schema.load(data, partial=partial)
    except marshmallow.ValidationError as exc:
        fields = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise ValidationError("Some fields are invalid.", fields=fields) from exc


def load_args(schema: marshmallow.Schema) -> dict[str, Any]:
    """Parse query-string arguments with ``schema`` (422 per field).

    An empty value means "not given": a filter form's "All" option sends ``kind=``.
    """
    return load_data(schema, {k: v for k, v in request.args.items() if v != ""})


def json_response(body: Any, status: int = 200, *, version: int | None = None) -> Response:
    response = jsonify(body)
    response.status_code = status
    if version is not None:
        response.set_etag(str(version))
    return response


def if_match_version() -> int | None:
    """The version named by ``If-Match`` (``"3"`` or ``W/"3"``), or None when absent."""
    header = request.headers.get("If-Match")
    if not header:
        return None
    tag = header.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise BadRequest('If-Match must be an ETag this API sent, such as "3".')
    return int(tag)


@dataclass(frozen=True)
class Edit:
    """An edit's changes and the version it was made against (DESIGN §7)."""

    changes: dict[str, Any]
    version: int | None
    from_header: bool  # a stale If-Match answers 412, a stale body version 409


def load_edit(schema: marshmallow.Schema, *, partial: bool = True) -> Edit:
    """Parse an edit's JSON body; the version comes from ``If-Match`` or, failing that, from
    the body's ``version`` field, which is never part of the changes."""
    changes = load_json(schema, partial=partial)
    body_version = changes.pop("version", None)
    header = if_match_version()
    return Edit(changes, header if header is not None else body_version, header is not None)


def encode_cursor(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Any:
    if not cursor:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError as exc:
        raise ValidationError("Invalid cursor.", fields={"cursor": ["Not a cursor this API sent."]}) from exc


def page(items: list[Any], limit: int, key: Any) -> tuple[list[Any], str | None]:
    """Trim a list fetched with ``limit + 1`` rows and give the cursor for the next page."""
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    return items, encode_cursor(key(items[-1]))
