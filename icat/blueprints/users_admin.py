"""People administration pages (admin; the secretariat for non-admin roles): the list with
filters, invitations, one person's page with role, entity, state and a new invitation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from icat.accounts import admin
from icat.accounts.forms import ROLE_LABELS, STATE_LABELS_PEOPLE, AccountActionForm, InviteForm, UserEditForm
from icat.accounts.models import User
from icat.accounts.queries import list_users
from icat.accounts.rules import time_zones
from icat.accounts.schemas import UserListArgsSchema
from icat.core.permissions import STAFF
from icat.notifications.queries import invitation_mails
from icat.registry.queries import EntityFilter, list_entities
from icat.web.auth import current_actor, link_secret, requires
from icat.web.http import current_session, load_args
from icat.web.page_forms import submit

bp = Blueprint("users_admin", __name__, url_prefix="/admin/users")


def _list_page(form: InviteForm, status: int = 200) -> tuple[str, int]:
    args = load_args(UserListArgsSchema())
    args.pop("cursor", None)
    people = list_users(current_session(), actor=current_actor(), limit=args.pop("limit", 50) * 4, **args)
    mails = invitation_mails(current_session(), actor=current_actor(), user_ids=[p.id for p in people])
    html = render_template("users/index.html", people=people, mails=mails, form=form, filters=args, **_labels())
    return html, status


def _labels() -> dict[str, Any]:
    entities = [e.acronym for e in list_entities(current_session(), EntityFilter(None, None, None))]
    return {
        "role_labels": ROLE_LABELS,
        "state_labels": STATE_LABELS_PEOPLE,
        "entities": entities,
        "zones": time_zones(),
    }


@bp.get("")
@login_required
@requires(STAFF, _l("manage people"))
def index() -> tuple[str, int]:
    return _list_page(InviteForm())


@bp.post("/invite")
@login_required
@requires(STAFF, _l("invite people"))
def invite() -> Response | tuple[str, int]:
    form = InviteForm()
    outcome = submit(
        form,
        lambda: admin.invite(current_session(), actor=current_actor(), secret=link_secret(), **_invite_fields(form)),
    )
    done = outcome.redirect(
        lambda u: url_for("users_admin.show", user_id=u.id), lambda u: _("Invitation sent to %(email)s.", email=u.email)
    )
    return done or _list_page(form, outcome.status)


def _invite_fields(form: InviteForm) -> dict[str, Any]:
    return {
        "email": form.email.data or "",
        "name": form.name.data or "",
        "role": form.role.data,
        "entity": (form.entity.data or "").strip() or None,
        "language": form.language.data,
    }


def _person_page(user: User, form: UserEditForm | None = None, status: int = 200) -> tuple[str, int]:
    if form is None:
        entity = user.entity.acronym if user.entity else ""
        form = UserEditForm(formdata=None, name=user.display_name, role=user.role, entity=entity)
        form.language.data, form.timezone.data, form.version.data = user.locale, user.timezone, user.version
    mails = invitation_mails(current_session(), actor=current_actor(), user_ids=[user.id])
    html = render_template(
        "users/show.html", person=user, form=form, action=AccountActionForm(), mail=mails.get(user.id), **_labels()
    )
    return html, status


@bp.get("/<int:user_id>")
@login_required
@requires(STAFF, _l("manage people"))
def show(user_id: int) -> tuple[str, int]:
    return _person_page(admin.get_user(current_session(), actor=current_actor(), user_id=user_id))


@bp.post("/<int:user_id>")
@login_required
@requires(STAFF, _l("change people"))
def update(user_id: int) -> Response | tuple[str, int]:
    form = UserEditForm()
    outcome = submit(form, lambda: _update(user_id, form))
    return outcome.redirect(url_for("users_admin.show", user_id=user_id), _("Saved.")) or _person_page(
        admin.get_user(current_session(), actor=current_actor(), user_id=user_id), form, outcome.status
    )


def _update(user_id: int, form: UserEditForm) -> User:
    changes = _edit_fields(form)
    return admin.update_user(
        current_session(), actor=current_actor(), user_id=user_id, version=form.version.data, changes=changes
    )


def _edit_fields(form: UserEditForm) -> dict[str, Any]:
    return {
        "name": (form.name.data or "").strip(),
        "role": form.role.data,
        "entity": (form.entity.data or "").strip() or None,
        "language": form.language.data,
        "timezone": (form.timezone.data or "").strip(),
    }


@bp.post("/<int:user_id>/deactivate")
@login_required
@requires(STAFF, _l("change people"))
def deactivate(user_id: int) -> Response:
    return _set_active(user_id, False, _("Deactivated: sessions ended, tokens revoked."))


@bp.post("/<int:user_id>/reactivate")
@login_required
@requires(STAFF, _l("change people"))
def reactivate(user_id: int) -> Response:
    return _set_active(user_id, True, _("Reactivated: the person may sign in again."))


def _set_active(user_id: int, active: bool, message: str) -> Response:
    form = AccountActionForm()
    outcome = submit(
        form,
        lambda: admin.update_user(
            current_session(),
            actor=current_actor(),
            user_id=user_id,
            version=form.version.data,
            changes={"active": active},
        ),
        errors="flash",
    )
    back = url_for("users_admin.show", user_id=user_id)
    return outcome.redirect(back, message) or redirect(back)


@bp.post("/<int:user_id>/resend")
@login_required
@requires(STAFF, _l("invite people"))
def resend(user_id: int) -> Response:
    outcome = submit(
        AccountActionForm(),
        lambda: admin.resend_invitation(
            current_session(), actor=current_actor(), user_id=user_id, secret=link_secret()
        ),
        errors="flash",
    )
    back = url_for("users_admin.show", user_id=user_id)
    return outcome.redirect(back, _("A new invitation was sent; the old link no longer works.")) or redirect(back)
