"""People: staff list and invite them; staff (or the person) read and change one."""

from __future__ import annotations

from flask import Response, url_for
from flask_babel import lazy_gettext as _l

from icat.accounts import admin
from icat.accounts.queries import list_users
from icat.accounts.schemas import UserCreateSchema, UserListArgsSchema, UserListSchema, UserPatchSchema, UserSchema
from icat.blueprints.api import bp
from icat.core.permissions import SIGNED_IN, STAFF
from icat.web.api_doc import doc
from icat.web.auth import current_actor, link_secret, requires
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


@bp.get("/users")
@doc(
    "People (admin, secretariat), by role, entity and state",
    query=UserListArgsSchema,
    response=UserListSchema,
    errors=(401, 403),
)
@requires(STAFF, _l("list people"))
def users_index() -> Response:
    args = load_args(UserListArgsSchema())
    after, limit = decode_cursor(args.pop("cursor", None)) or 0, args.pop("limit")
    rows = list_users(current_session(), actor=current_actor(), after=after, limit=limit + 1, **args)
    items, cursor = page(list(rows), limit, key=lambda u: u.id)
    return json_response({"items": UserSchema(many=True).dump(items), "next_cursor": cursor})


@bp.post("/users")
@doc(
    "Invite a person: the account is made and the invitation mailed (secretariat: non-admin roles)",
    body=UserCreateSchema,
    response=UserSchema,
    status=201,
    errors=(401, 403, 409),
    etag=True,
)
@requires(STAFF, _l("invite people"))
@transactional
def users_create() -> Response:
    data = load_json(UserCreateSchema())
    user = admin.invite(current_session(), actor=current_actor(), secret=link_secret(), **data)
    response = json_response(UserSchema().dump(user), 201, version=user.version)
    response.headers["Location"] = url_for("api.users_show", user_id=user.id)
    return response


@bp.get("/users/<int:user_id>")
@doc("One person (staff, or the person)", response=UserSchema, errors=(401, 404), etag=True)
@requires(SIGNED_IN, _l("see people"))
def users_show(user_id: int) -> Response:
    user = admin.get_user(current_session(), actor=current_actor(), user_id=user_id)
    return json_response(UserSchema().dump(user), version=user.version)


@bp.patch("/users/<int:user_id>")
@doc(
    "Change a person at a version: role, entity, active (staff); name, language, zone, reminders (also the person)",
    body=UserPatchSchema,
    response=UserSchema,
    errors=(401, 403, 404),
    versioned=True,
)
@requires(SIGNED_IN, _l("change people"))
@transactional
def users_update(user_id: int) -> Response:
    edit = load_edit(UserPatchSchema())
    user = admin.update_user(
        current_session(), actor=current_actor(), user_id=user_id, version=edit.version, changes=edit.changes
    )
    return json_response(UserSchema().dump(user), version=user.version)
