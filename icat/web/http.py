"""Small helpers every route uses: the request's session, JSON in and out, versions, paging.

Routes stay thin (DESIGN §11.1): parse with a schema, call one service, dump or render.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import marshmallow
from flask import Response, current_app, g, jsonify, request
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from icat.core.errors import BadRequest, ValidationError
from icat.core.uow import transactional as _transactional
from icat.extensions import db


def current_session() -> Session:
    """The request's session, handed to services; the route's unit of work commits it."""
    return db.session


transactional = _transactional(current_session)


def load_json(schema: marshmallow.Schema, *, partial: bool = False) -> dict[str, Any]:
    """Parse the JSON body with ``schema``: 400 when it is not a JSON object (or nests
    deeper than any request of this API: the parser's recursion limit), 422 per field."""
    try:
        data = request.get_json(silent=True)
    except RecursionError as exc:
        raise BadRequest(_l("The JSON body nests too deeply."), rule="http.json_too_deep") from exc
    if data is None and request.get_data():
        raise BadRequest(_l("The request body is not valid JSON."), rule="http.json_invalid")
    if not isinstance(data, dict):
        raise BadRequest(_l("Send a JSON object with Content-Type: application/json."), rule="http.json_not_object")
    return load_data(schema, data, partial=partial)


def _unstorable(value: Any) -> Any:
    """Where text no database column can hold sits in ``value`` (NUL: PostgreSQL refuses it;
    lone surrogates: not UTF-8), shaped like marshmallow's messages ({field: {index: [...]}}),
    or None. A net under every schema, whatever its fields' own validators say."""
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        found = {key: problem for key, item in items if (problem := _unstorable(item)) is not None}
        return found or None
    if isinstance(value, str) and ("\x00" in value or not _is_utf8(value)):
        return [_l("Contains a NUL character or a broken Unicode sequence.")]
    return None


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def load_data(schema: marshmallow.Schema, data: Any, *, partial: bool = False) -> dict[str, Any]:
    broken = _unstorable(data)
    if broken:
        fields = broken if isinstance(broken, dict) else {}
        raise ValidationError(_l("Some fields are invalid."), fields=fields, rule="http.unstorable_text")
    try:
        return schema.load(data, partial=partial)
    except marshmallow.ValidationError as exc:
        fields = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise ValidationError(_l("Some fields are invalid."), fields=fields, rule="http.invalid_fields") from exc


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
    """The version named by ``If-Match`` (``"3"`` or ``W/"3"``), or None when absent.

    A version read here is the one the request edits (it wins over the body's), so this
    remembers it for ``icat.web.errors``: a stale one then answers 412, not 409 (RFC 9110
    §13.1.1). Services know nothing of where the version came from.
    """
    header = request.headers.get("If-Match")
    if not header:
        return None
    tag = header.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise BadRequest(_l('If-Match must be an ETag this API sent, such as "3".'), rule="http.if_match_invalid")
    g.version_from_header = True
    return int(tag)


def version_from_header() -> bool:
    """Whether this request's edit names its version in ``If-Match`` (see ``if_match_version``)."""
    return bool(g.get("version_from_header"))


def action_version(body: dict[str, Any]) -> int | None:
    """The version an action (cancel, confirm…) names: ``If-Match`` first, else the body's."""
    header = if_match_version()
    return header if header is not None else body.get("version")


@dataclass(frozen=True)
class Edit:
    """An edit's changes and the version it was made against (DESIGN §7)."""

    changes: dict[str, Any]
    version: int | None


def load_edit(schema: marshmallow.Schema, *, partial: bool = True) -> Edit:
    """Parse an edit's JSON body; the version comes from ``If-Match`` or, failing that, from
    the body's ``version`` field, which is never part of the changes."""
    changes = load_json(schema, partial=partial)
    body_version = changes.pop("version", None)
    header = if_match_version()
    return Edit(changes, header if header is not None else body_version)


def _cursors() -> URLSafeSerializer:
    # Signed: a cursor is the last row's sort key, and a forged one would reach the query
    # with a value of any type; only keys this API wrote come back in.
    return URLSafeSerializer(str(current_app.config["SECRET_KEY"]), salt="icat.cursor")


def encode_cursor(key: Any) -> str:
    return _cursors().dumps(key)


def decode_cursor(cursor: str | None) -> Any:
    """The key of a cursor this API sent; BadRequest (400) for anything else."""
    if not cursor:
        return None
    try:
        return _cursors().loads(cursor)
    except BadSignature as exc:
        raise BadRequest(
            _l("Invalid cursor."), fields={"cursor": [_l("Not a cursor this API sent.")]}, rule="http.cursor_forged"
        ) from exc


def page(items: list[Any], limit: int, key: Any) -> tuple[list[Any], str | None]:
    """Trim a list fetched with ``limit + 1`` rows and give the cursor for the next page."""
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    return items, encode_cursor(key(items[-1]))
