"""The signed-in person's profile at /account: name, language, zone, reminders, password,
API tokens (the feed tokens have their page beside it); and an anonymous visitor's choice
of language and zone, kept in a cookie."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required

from icat.accounts import admin, invitations, rules, tokens
from icat.accounts import services as accounts
from icat.accounts.forms import (
    AccountActionForm,
    ApiTokenForm,
    LanguageForm,
    PasswordChangeForm,
    PlaceForm,
    ProfileForm,
)
from icat.meetings.models import MEETING_KINDS
from icat.web.auth import current_actor, current_db_user
from icat.web.http import current_session
from icat.web.page_forms import submit

bp = Blueprint("profile", __name__)


def _profile_form() -> ProfileForm:
    user = current_db_user()
    form = ProfileForm(formdata=None, name=user.display_name, language=user.locale, timezone=user.timezone)
    prefs = user.reminder_preferences or {}
    form.version.data, form.world_day.data = user.version, prefs.get("world_day", True)
    for kind in MEETING_KINDS:
        getattr(form, f"kind_{kind}").data = prefs.get("meeting_kinds", {}).get(kind, True)
    return form


def _page(status: int = 200, **forms: Any) -> tuple[str, int]:
    mine = tokens.list_api_tokens(current_session(), actor=current_actor(), limit=200)
    html = render_template(
        "account/profile.html",
        form=forms.get("form") or _profile_form(),
        password_form=forms.get("password_form") or PasswordChangeForm(formdata=None),
        token_form=forms.get("token_form") or ApiTokenForm(formdata=None),
        action=AccountActionForm(formdata=None),
        api_tokens=[t for t in mine if t.revoked_at is None],
        created=forms.get("created"),
        zones=rules.time_zones(),
        kinds=MEETING_KINDS,
        first_visit=current_db_user().last_sign_in_at is None or request.args.get("welcome") is not None,
    )
    return html, status


@bp.get("/account")
@login_required
def index() -> tuple[str, int]:
    return _page()


@bp.post("/account")
@login_required
def update() -> Response | tuple[str, int]:
    form = ProfileForm()
    outcome = submit(form, lambda: _save_profile(form), aliases={"language": "language", "timezone": "timezone"})
    return outcome.redirect(url_for("profile.index"), _("Your profile was saved.")) or _page(outcome.status, form=form)


def _save_profile(form: ProfileForm) -> Any:
    prefs = {
        "meeting_kinds": {kind: bool(getattr(form, f"kind_{kind}").data) for kind in MEETING_KINDS},
        "world_day": bool(form.world_day.data),
    }
    changes = {
        "name": (form.name.data or "").strip(),
        "language": form.language.data,
        "timezone": (form.timezone.data or "").strip(),
        "reminder_preferences": prefs,
    }
    actor = current_actor()
    return admin.update_user(
        current_session(), actor=actor, user_id=actor.user_id, version=form.version.data, changes=changes
    )


@bp.post("/account/password")
@login_required
def change_password() -> Response | tuple[str, int]:
    form = PasswordChangeForm()
    outcome = submit(form, lambda: _change_password(form))
    message = _("Your password was changed; your other sessions were signed out.")
    return outcome.redirect(url_for("profile.index"), message) or _page(outcome.status, password_form=form)


def _change_password(form: PasswordChangeForm) -> Any:
    return invitations.change_password(
        current_session(),
        actor=current_actor(),
        current=form.current.data,
        new=form.password.data,
        keep_key=current_user.get_id(),
    )


@bp.post("/account/tokens")
@login_required
def create_token() -> tuple[str, int]:
    form = ApiTokenForm()
    outcome = submit(
        form,
        lambda: accounts.create_token(
            current_session(), actor=current_actor(), user=current_db_user(), kind="api", name=form.name.data
        ),
    )
    created = outcome.result[1] if outcome.done and outcome.result else None
    return _page(outcome.status, token_form=form if not created else None, created=created)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Response:
    outcome = submit(
        AccountActionForm(),
        lambda: tokens.revoke(current_session(), actor=current_actor(), token_id=token_id),
        errors="flash",
    )
    back = url_for("profile.index")
    return outcome.redirect(back, _("The token was revoked; it no longer works.")) or redirect(back)


@bp.get("/place")
def place() -> str:
    form = PlaceForm(formdata=None, language=str(get_locale() or "en"), timezone=str(get_timezone()))
    return render_template("account/place.html", form=form, zones=rules.time_zones(), next=_back(request.args))


@bp.post("/place")
def choose_place() -> Response:
    """Anonymous visitors: language and zone for this browser (signed-in people use /account)."""
    form = PlaceForm()
    outcome = submit(
        form, lambda: rules.check_place(form.language.data, (form.timezone.data or "").strip()), errors="flash"
    )
    return _remember_place(redirect(_back(request.form)), outcome.result if outcome.done else None)


@bp.post("/language")
def choose_language() -> Response:
    """The header's switcher: the language of the profile (signed in) and of this browser's
    cookie, then back to the very page the reader was on."""
    form = LanguageForm()
    outcome = submit(form, lambda: _switch_language(form.language.data), errors="flash")
    return _remember_place(redirect(_back(request.form)), outcome.result if outcome.done else None)


def _switch_language(language: str) -> tuple[str, str]:
    place = rules.check_place(language, str(get_timezone()))
    if current_user.is_authenticated:
        # One field set to one value from a button, nothing to lose: the version is the
        # current one (a stale-version refusal would only be noise here).
        user, changes = current_db_user(), {"language": language}
        admin.update_user(
            current_session(), actor=current_actor(), user_id=user.id, version=user.version, changes=changes
        )
    return place


def _remember_place(response: Response, place: tuple[str, str] | None) -> Response:
    if place:
        cookie = current_app.config["PREFERENCE_COOKIE"]
        response.set_cookie(cookie, " ".join(place), max_age=365 * 86400, samesite="Lax", httponly=True)
    return response


def _back(values: Any) -> str:
    """A same-site path to return to (never another site: an open redirect)."""
    target = values.get("next", "")
    # "//host" and "/\\host" both leave the site in browsers; so would a control character.
    same_site = target.startswith("/") and not target.startswith(("//", "/\\")) and target.isprintable()
    return target if same_site else url_for("home.index")
